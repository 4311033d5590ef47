"""The archive pages: the unit's journal and transfer queue, the family's case files, deposits; through the policy."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from los.archive.models import ArchiveDocument, Deposit, RegistryEntry


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_unit_sees_the_journal_with_the_transfer_queue(decided):
    w = decided
    page = _client(w.caseworker).get(reverse("archive:journal"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Journal and transfer to the archive" in text and "Familien Berg" in text
    assert RegistryEntry.objects.filter(family=w.family).first().journal_number in text
    assert "Familien Berg" not in _client(w.foreign_caseworker).get(reverse("archive:journal")).content.decode()
    assert "Familien Berg" not in _client(w.contact).get(reverse("archive:journal")).content.decode()


@pytest.mark.django_db
def test_the_family_journal_and_documents_go_through_the_policy(decided):
    w = decided
    url = reverse("archive:family_journal", args=[w.family.pk])
    document = ArchiveDocument.objects.filter(family=w.family).first()
    for user in (w.caseworker, w.coordinator, w.parent):
        assert _client(user).get(url).status_code == 200, user
        assert _client(user).get(reverse("archive:document", args=[document.pk])).status_code == 200, user
    for user, status in ((w.contact, 404), (w.foreign_caseworker, 404), (w.leader, 404)):
        assert _client(user).get(url).status_code == status, user
        assert _client(user).get(reverse("archive:document", args=[document.pk])).status_code == status, user
    assert "Journal a note" in _client(w.coordinator).get(url).content.decode()
    assert "Journal a note" not in _client(w.parent).get(url).content.decode()


@pytest.mark.django_db
def test_the_coordinator_journals_a_note_and_bad_input_keeps_what_was_typed(decided):
    w = decided
    url = reverse("archive:family_journal", args=[w.family.pk])
    client = _client(w.coordinator)
    page = client.post(url, {"title": "", "text": "Teksten min"})
    assert page.status_code == 200 and "Teksten min" in page.content.decode()
    assert client.post(url, {"title": "Samtale med skolen", "text": "Avtalt friminutt."}).status_code == 302
    assert RegistryEntry.objects.filter(family=w.family, kind="note").count() == 1
    assert _client(w.parent).post(url, {"title": "x", "text": "y"}).status_code == 403


@pytest.mark.django_db
def test_deposits_are_made_and_confirmed_by_the_unit(decided):
    from los.referrals import services as referrals

    w = decided
    referrals.end_coordination(w.family, w.caseworker, "family_wish", "Familien klarer seg selv.")
    client = _client(w.caseworker)
    assert _client(w.coordinator).get(reverse("archive:deposits")).status_code == 403
    page = client.get(reverse("archive:deposits"))
    assert page.status_code == 200 and "1 closed case file is not in a confirmed deposit" in page.content.decode()
    form = page.context["form"]
    answer = client.post(reverse("archive:deposits"), {"period_start": form.initial["period_start"].isoformat(),
                                                       "period_end": form.initial["period_end"].isoformat()})
    assert answer.status_code == 302
    deposit = Deposit.objects.get()
    download = client.get(reverse("archive:deposit_file", args=[deposit.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    client.post(reverse("archive:confirm_deposit", args=[deposit.pk]), {"receipt": "IKA-2026-17"})
    deposit.refresh_from_db()
    assert deposit.status == "confirmed" and deposit.receipt == "IKA-2026-17"
