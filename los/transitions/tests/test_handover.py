"""The handover summary: what it must hold, nothing outside the family's consent for the receiver, page and PDF."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from los.access.models import AuditAction, AuditEvent
from los.referrals.models import Outcome
from los.transitions import handover
from los.transitions.handover import Receiver
from los.transitions.models import HandoverSummary, ReceiverKind


def share_with_school(rich, **kwargs) -> HandoverSummary:
    return handover.create_summary(rich.family, by=rich.coordinator, receiver_kind=ReceiverKind.RECEIVING_SCHOOL,
                                   receiver_provider=rich.school, **kwargs)


def body_of(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="en")
    return response, response.content.decode()


@pytest.mark.django_db
def test_a_new_coordinator_gets_the_whole_story(rich):
    summary = handover.build_summary(rich.family, Receiver(ReceiverKind.NEW_COORDINATOR, rich.coordinator),
                                     reader=rich.coordinator)
    shown = {s.key: s.content for s in summary.shown}
    assert set(shown) == {"family", "story", "plan", "what_worked", "services", "contacts", "actions", "health",
                          "contact", "referral"}
    assert shown["family"]["children"][0]["name"] == "Ida Berg"
    assert shown["plan"]["plan"]["what_matters"].startswith("At Ida kan være med")
    assert shown["plan"]["plan"]["goals"][0]["text"] == "Ida skal kunne gå på turer med klassen"
    assert shown["plan"]["plan"]["measures"][0]["title"] == "Tilpasset uteområde ved skolen"
    assert {e["name"] for e in shown["services"]["entries"]} == {"Avlastning i Solsikken", "Grunnstønad"}
    assert {m["name"] for m in shown["contacts"]["members"]} >= {"Mor Berg", rich.contact.get_full_name()}
    assert {a["title"] for a in shown["actions"]["actions"]} == {"Bestille ny rullestolrampe",
                                                                "Drøfte bekymring med barnevernet"}
    worked = shown["what_worked"]
    assert worked["evaluations"][0]["family_view"] == "Turene fungerer godt nå"
    assert worked["resources"][0]["text"] == "Besteforeldre som avlaster i helgene"
    assert worked["transitions"][0]["text"].startswith("Overlappingsmøte")
    assert shown["referral"]["decision"]["outcome"] == str(Outcome.GRANTED.label)
    assert shown["story"]["text"] is None  # the family's story does not exist yet: the hook is empty
    assert summary.left_out == []


@pytest.mark.django_db
def test_the_receiving_school_gets_only_what_the_consent_covers(client, rich):
    summary_row = share_with_school(rich, note="Til ny kontaktlærer")
    assert set(summary_row.included) == {"family", "plan", "what_worked", "contacts", "actions", "contact"}
    left = {row["key"]: row["basis"] for row in summary_row.left_out}
    assert left == {"story": "category_not_covered", "services": "category_not_covered",
                    "health": "category_not_covered", "referral": "never_consentable"}
    response, body = body_of(client, rich.coordinator, "transitions:handover", summary_row.pk)
    assert response.status_code == 200
    assert "Ida skal kunne gå på turer med klassen" in body and "Bestille ny rullestolrampe" in body
    assert "91234567" in body  # contact details are covered
    for secret in ("Avlastning i Solsikken", "Cerebral parese", "Grunnstønad", "Vurdering"):
        assert secret not in body, secret
    assert "What was left out, and why" in body
    assert "does not cover services and applications" in body
    assert "cannot be shared with a service by consent" in body


@pytest.mark.django_db
def test_sharing_is_audited_per_category_and_the_pdf_as_an_export(client, rich):
    before = AuditEvent.objects.filter(family=rich.family, action=AuditAction.SHARE).count()
    summary_row = share_with_school(rich)
    shares = AuditEvent.objects.filter(family=rich.family, action=AuditAction.SHARE).order_by("seq")[before:]
    assert {e.category for e in shares} == {"case", "plan", "meetings", "contact"}
    assert all("Testvik skole" in e.reason for e in shares)
    client.force_login(rich.coordinator)
    response = client.get(reverse("transitions:handover_pdf", args=[summary_row.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Handover summary" in text and "Ida skal kunne" in text
    assert "Avlastning i Solsikken" not in text and "Cerebral parese" not in text
    assert AuditEvent.objects.filter(family=rich.family, actor=rich.coordinator, action=AuditAction.EXPORT,
                                     object_type="HandoverSummary").exists()


@pytest.mark.django_db
def test_the_receiver_reads_it_and_a_withdrawn_consent_stops_the_sharing_at_once(client, rich):
    summary_row = handover.create_summary(rich.family, by=rich.coordinator,
                                          receiver_kind=ReceiverKind.RECEIVING_SCHOOL, receiver_provider=rich.school,
                                          receiver_user=rich.contact)
    response, body = body_of(client, rich.contact, "transitions:handover", summary_row.pk)
    assert response.status_code == 200 and "Ida skal kunne gå på turer med klassen" in body
    # a service contact reads but does not download
    response, _ = body_of(client, rich.contact, "transitions:handover_pdf", summary_row.pk)
    assert response.status_code == 403
    # another service is not the receiver and does not see the family's sharing records
    response, _ = body_of(client, rich.ppt_contact, "transitions:handover", summary_row.pk)
    assert response.status_code == 403
    rich.school_consent.withdrawn_at = timezone.now()
    rich.school_consent.save()
    response, _ = body_of(client, rich.contact, "transitions:handover", summary_row.pk)
    assert response.status_code == 404  # no consent left: the school no longer sees the family at all
    response, body = body_of(client, rich.coordinator, "transitions:handover", summary_row.pk)
    assert "Ida skal kunne gå på turer med klassen" not in body
    assert "No active consent from the family names" in body


@pytest.mark.django_db
def test_no_consent_no_summary(rich, english):
    from los.core import testing as t

    nav = t.provider(rich.municipality, "nav", "NAV Testvik")
    with pytest.raises(ValidationError) as error, translation.override("en"):
        handover.create_summary(rich.family, by=rich.coordinator, receiver_kind=ReceiverKind.ADULT_SERVICES,
                                receiver_provider=nav)
    assert "has not given consent to share anything with NAV Testvik" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        handover.create_summary(rich.family, by=rich.coordinator, receiver_kind=ReceiverKind.NEW_COORDINATOR)
    assert not HandoverSummary.objects.exists()


@pytest.mark.django_db
def test_a_young_persons_health_needs_their_own_consent(young_sibling):
    rich = young_sibling
    rich.habu_consent.categories = ["case", "health"]
    rich.habu_consent.save()
    summary = handover.build_summary(rich.family, Receiver(ReceiverKind.ADULT_SERVICES, None, rich.habu), reader=None)
    health = next(s for s in summary.sections if s.key == "health")
    assert health.included
    assert [c["name"] for c in health.content["children"]] == ["Ida Berg"]
    assert "Angst" not in str(health.content)
    assert health.left_out_children and health.left_out_children[0][0] == "Jon"


@pytest.mark.django_db
def test_the_family_story_hook(rich):
    handover.register_story_provider(lambda family: "Vi flyttet hit da Ida var tre." if family.pk == rich.family.pk
                                     else None)
    try:
        rich.school_consent.categories = [*rich.school_consent.categories, "story"]
        rich.school_consent.save()
        summary = handover.build_summary(rich.family, Receiver(ReceiverKind.RECEIVING_SCHOOL, None, rich.school),
                                         reader=None)
        story = next(s for s in summary.shown if s.key == "story")
        assert story.content["text"] == "Vi flyttet hit da Ida var tre."
    finally:
        handover._story_providers.clear()


@pytest.mark.django_db
def test_making_a_summary_on_the_page_per_role(client, rich):
    url = reverse("transitions:handover_new", args=[rich.family.pk])
    client.force_login(rich.coordinator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"receiver_kind": "receiving_school", "note": "Hei"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Choose the receiving school or service." in response.content.decode()
    assert "Hei" in response.content.decode()
    response = client.post(url, {"receiver_kind": "receiving_school", "receiver_provider": rich.school.pk})
    summary_row = HandoverSummary.objects.get()
    assert response.status_code == 302 and response.url == reverse("transitions:handover", args=[summary_row.pk])
    # guardians read and download what was shared about them, but the coordinator or the unit makes it
    for user, status in ((rich.parent, 403), (rich.contact, 403), (rich.caseworker, 200)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(rich.parent)
    assert client.get(reverse("transitions:handover", args=[summary_row.pk])).status_code == 200
    assert client.get(reverse("transitions:handover_pdf", args=[summary_row.pk])).status_code == 200


@pytest.mark.django_db
def test_the_family_summary_page_is_filtered_for_the_reader(client, rich):
    response, body = body_of(client, rich.caseworker, "transitions:summary", rich.family.pk)
    assert response.status_code == 200 and "Ida skal kunne gå på turer med klassen" in body
    response, body = body_of(client, rich.ppt_contact, "transitions:summary", rich.family.pk)
    assert "Ida skal kunne gå på turer med klassen" in body  # plan: covered
    assert "Bestille ny rullestolrampe" not in body and "Avlastning i Solsikken" not in body
    response, body = body_of(client, rich.parent, "transitions:summary", rich.family.pk)
    assert "Drøfte bekymring med barnevernet" not in body  # a fagmøte's action is not for the family's side
    assert "Bestille ny rullestolrampe" in body
