"""Journaling as the case goes: each record-worthy event is a registry entry in the family's case file, with a
PDF/A document and its checksum, the parties, the case handler and the screening."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader

from los.access.models import AuditEvent
from los.archive import services
from los.archive.models import CaseStatus, EntryKind, EntryType, RegistryEntry
from los.referrals import services as referrals


def _pdfa_part(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    return metadata.split('pdfaid:part="')[1][:1] + metadata.split('pdfaid:conformance="')[1][:1]


@pytest.mark.django_db
def test_the_request_the_decision_and_the_appointment_are_journaled_in_one_case_file(decided):
    w = decided
    entries = list(RegistryEntry.objects.filter(family=w.family).order_by("number"))
    assert [e.kind for e in entries] == [EntryKind.REQUEST, EntryKind.DECISION, EntryKind.APPOINTMENT]
    assert [e.entry_type for e in entries] == [EntryType.INCOMING, EntryType.OUTGOING, EntryType.INTERNAL]
    case_file = entries[0].case_file
    assert {e.case_file_id for e in entries} == {case_file.pk}
    assert [e.number for e in entries] == [1, 2, 3]
    sequences = [e.journal_sequence for e in entries]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert case_file.status == CaseStatus.OPEN
    assert {p["role"] for p in case_file.parties} == {"Barn", "Foresatt"}
    assert case_file.screening_basis == "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"


@pytest.mark.django_db
def test_the_decision_letter_is_archived_as_sent_pdfa_with_its_checksum(decided):
    w = decided
    entry = RegistryEntry.objects.get(family=w.family, kind=EntryKind.DECISION)
    document = entry.documents.get()
    w.vedtak.refresh_from_db()
    assert document.sha256 == w.vedtak.letter_sha256
    content = document.file.read()
    assert hashlib.sha256(content).hexdigest() == document.sha256 and len(content) == document.size
    assert _pdfa_part(content) == "2A"
    assert entry.parties == [{"type": "Mottaker", "name": "Mor Berg"}]
    assert entry.handler == w.caseworker
    assert "Barn Berg" in entry.title and "Barn Berg" not in entry.public_title and "*****" in entry.public_title


@pytest.mark.django_db
def test_an_appeal_its_sending_on_and_the_outcome_are_journaled(world):
    from django.utils import timezone

    from los.families.models import CoordinatorAssignment, FamilyStatus
    from los.referrals.tests.helpers import REASONS

    w = world
    CoordinatorAssignment.objects.filter(family=w.family).delete()
    w.family.status = FamilyStatus.CLOSED
    w.family.save(update_fields=["status"])
    request = referrals.ask_for_coordinator(w.family, w.parent, "Vi trenger hjelp.")
    vedtak = referrals.make_decision(request, w.caseworker, "refused", **REASONS)
    appeal = referrals.register_appeal(vedtak, w.parent, None, "Vi er uenige: behovet er stort.")
    appeal = referrals.uphold_and_send(appeal, w.caseworker, "Vedtaket står.", version=appeal.version)
    referrals.record_governor_outcome(appeal, w.caseworker, "reversed", timezone.localdate(), "Klagen tas til følge.",
                                      version=appeal.version)
    kinds = list(RegistryEntry.objects.filter(family=w.family).order_by("number").values_list("kind", flat=True))
    assert kinds == [EntryKind.REQUEST, EntryKind.DECISION, EntryKind.APPEAL, EntryKind.APPEAL_SENT,
                     EntryKind.APPEAL_OUTCOME]
    sent = RegistryEntry.objects.get(family=w.family, kind=EntryKind.APPEAL_SENT)
    assert sent.parties[0]["type"] == "Mottaker" and "Statsforvalteren" in sent.parties[0]["name"]


@pytest.mark.django_db
def test_ending_journals_the_closing_summary_and_closes_the_case_file(decided):
    w = decided
    referrals.end_coordination(w.family, w.caseworker, "family_wish", "Familien klarer seg selv nå.")
    entry = RegistryEntry.objects.get(family=w.family, kind=EntryKind.CLOSING)
    case_file = entry.case_file
    assert case_file.status == CaseStatus.CLOSED and case_file.closed_at is not None
    assert AuditEvent.objects.filter(family=w.family, object_type="CaseFile", reason__contains="closed").exists()


@pytest.mark.django_db
def test_an_approved_plan_version_and_approved_minutes_are_journaled(world):
    from datetime import timedelta

    from django.utils import timezone

    from los.meetings import services as meetings
    from los.meetings.models import MeetingKind
    from los.plans import services as plans

    w = world
    mother = w.family.members.get()
    plan = plans.create_plan(w.family, by=w.coordinator, consent_given_by=mother, what_matters="Å ha det godt")
    plans.add_goal(plan, by=w.coordinator, text="Være med i friminuttene", category="friends")
    plan.refresh_from_db()
    approval = plans.approve_plan(plan, by=w.parent, revision=plan.revision)
    entry = RegistryEntry.objects.get(family=w.family, kind=EntryKind.PLAN_VERSION)
    assert str(approval.plan_version.number) in entry.title
    assert entry.parties == [{"type": "Avsender", "name": "Mor Berg"}]
    assert _pdfa_part(entry.documents.get().file.read()) == "2A"

    from los.meetings.models import Meeting, MeetingStatus

    start = timezone.now() - timedelta(days=1)
    meeting = Meeting.objects.create(family=w.family, municipality=w.municipality, kind=MeetingKind.COORDINATION,
                                     starts_at=start, ends_at=start + timedelta(hours=1), place="Rådhuset",
                                     status=MeetingStatus.SCHEDULED, ical_uid="archive-test@los",
                                     created_by=w.coordinator)
    minutes = meetings.start_minutes(meeting, by=w.coordinator)
    minutes = meetings.save_minutes(minutes, by=w.coordinator, text="Vi ble enige om avlastning.",
                                    version=minutes.version)
    meetings.approve_minutes(minutes, by=w.coordinator, version=minutes.version)
    entry = RegistryEntry.objects.get(family=w.family, kind=EntryKind.MINUTES)
    assert entry.entry_type == EntryType.INTERNAL
    assert "avlastning" in PdfReader(entry.documents.get().file).pages[0].extract_text()


@pytest.mark.django_db
def test_the_coordinator_journals_a_note_of_their_choosing_and_a_service_contact_cannot(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    w = world
    entry = services.journal_note(w.family, w.coordinator, "Samtale med skolen", "Skolen tilrettelegger friminutt.")
    assert entry.kind == EntryKind.NOTE and entry.documents.count() == 1
    with pytest.raises(ValidationError):
        services.journal_note(w.family, w.coordinator, "", "")
    with pytest.raises(PermissionDenied):
        services.journal_note(w.family, w.contact, "Notat", "Tekst")
    with pytest.raises(PermissionDenied):
        services.journal_note(w.family, w.parent, "Notat", "Tekst")


@pytest.mark.django_db
def test_the_transfer_queue_goes_from_waiting_to_sent_to_confirmed_and_a_failure_is_offered_again(decided):
    from django.core.exceptions import PermissionDenied

    from los.archive.models import TransferStatus

    w = decided
    entry = RegistryEntry.objects.filter(family=w.family).first()
    assert entry.transfer_status == TransferStatus.WAITING
    entry = services.record_transfer(entry, w.caseworker, "sent")
    assert entry.transfer_status == TransferStatus.SENT and entry.transfer_attempts == 1
    with pytest.raises(services.TransferError):
        services.record_transfer(entry, w.caseworker, "failed")  # a failure needs the reason
    entry = services.record_transfer(entry, w.caseworker, "failed", message="Ukjent arkivdel")
    assert entry.transfer_status == TransferStatus.FAILED and entry.transfer_message == "Ukjent arkivdel"
    with pytest.raises(services.TransferError):
        services.record_transfer(entry, w.caseworker, "confirmed")  # a confirmation needs the reference
    entry = services.record_transfer(entry, w.caseworker, "confirmed", reference="2026/1234-1")
    assert entry.transfer_status == TransferStatus.CONFIRMED and entry.external_reference == "2026/1234-1"
    with pytest.raises(services.TransferError):
        services.record_transfer(entry, w.caseworker, "waiting")
    with pytest.raises(PermissionDenied):  # the family's own coordinator does not run the archive transfer
        services.record_transfer(entry, w.coordinator, "confirmed", reference="x")
