"""Contact between meetings: the coordinator writes down calls and conversations; the family reads what is shared
with them; the unit sees only that there was contact (in its figures), never what was said."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.accounts.models import Role
from los.core import testing as t
from los.families.models import CoAssignment, CoRole
from los.meetings import services
from los.meetings.models import ContactEntry, ContactKind

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _entry(group, text: str, shared: bool, **extra) -> ContactEntry:
    return services.log_contact(group.family, by=group.coordinator, happened_on=timezone.localdate(),
                                kind=ContactKind.PHONE, with_whom="Mor", agreed=text, shared_with_family=shared,
                                **extra)


def test_the_coordinator_writes_down_a_call_with_a_follow_up(client, group):
    client.force_login(group.coordinator)
    url = reverse("meetings:contact_log", args=[group.family.pk])
    due = timezone.localdate() + timedelta(days=5)
    response = client.post(url, {"happened_on": timezone.localdate().isoformat(), "kind": "phone",
                                 "with_whom": "Mor", "agreed": "Vi ringer PPT om assistent.",
                                 "follow_up": "Ringe PPT", "follow_up_due": due.isoformat()}, **EN)
    assert response.status_code == 302
    entry = ContactEntry.objects.get()
    assert entry.follow_up_due == due and not entry.shared_with_family and entry.created_by == group.coordinator
    page = client.get(url, **EN).content.decode()
    assert "Vi ringer PPT om assistent." in page and "not shared with the family" in page
    client.post(reverse("meetings:contact_followed_up", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.follow_up_done_at is not None


def test_bad_input_keeps_what_was_typed(client, group):
    client.force_login(group.coordinator)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(reverse("meetings:contact_log", args=[group.family.pk]),
                           {"happened_on": future, "kind": "phone", "with_whom": "", "agreed": "Langt notat"}, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The contact cannot be in the future." in page and "Write who you talked with." in page
    assert "Langt notat</textarea>" in page
    assert not ContactEntry.objects.exists()


def test_the_family_reads_only_what_is_shared_with_them(client, group):
    _entry(group, "Delt med familien", shared=True)
    _entry(group, "Koordinatorens eget notat", shared=False)
    client.force_login(group.parent)
    response = client.get(reverse("meetings:contact_log", args=[group.family.pk]), **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Delt med familien" in page and "Koordinatorens eget notat" not in page
    assert "Write down a contact" not in page
    assert client.post(reverse("meetings:contact_log", args=[group.family.pk]), {}).status_code == 403


def test_the_unit_and_the_services_never_read_the_log(client, group):
    _entry(group, "Delt med familien", shared=True)
    client.force_login(group.caseworker)
    assert client.get(reverse("meetings:contact_log", args=[group.family.pk])).status_code == 403
    client.force_login(group.contact)  # consent covers meetings, never messages or working notes
    assert client.get(reverse("meetings:contact_log", args=[group.family.pk])).status_code in (403, 404)


def test_a_co_coordinator_reads_the_private_entries_only_when_the_coordinator_says_so(client, group):
    _entry(group, "Delt med familien", shared=True)
    _entry(group, "Koordinatorens eget notat", shared=False)
    co = t.staff(Role.BARNEKOORDINATOR, group.municipality, "medkoordinator")
    part = CoAssignment.objects.create(family=group.family, municipality=group.municipality, user=co,
                                       role=CoRole.CO_COORDINATOR)
    client.force_login(co)
    url = reverse("meetings:contact_log", args=[group.family.pk])
    page = client.get(url, **EN).content.decode()
    assert "Delt med familien" in page and "Koordinatorens eget notat" not in page
    assert "What you write here is shared with the family." in page
    part.sees_working_notes = True
    part.save()
    page = client.get(url, **EN).content.decode()
    assert "Koordinatorens eget notat" in page


def test_a_call_counts_as_contact_for_the_unit(group):
    from los.stats import selectors

    group.family.coordinator_assignments.update(
        started=timezone.localdate() - timedelta(weeks=20))
    today = timezone.localdate()
    families = selectors.unit_families(group.caseworker, [group.municipality.pk])
    assert group.family in selectors.families_without_contact(families, today, 8)
    _entry(group, "Samtale om skolen", shared=False)
    assert group.family not in selectors.families_without_contact(families, today, 8)
