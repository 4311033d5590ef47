"""Demo data for the archive: the demo municipality's case files and registry entries, as the services would have
journaled them (one per request, preliminary reply, decision, appeal and its steps, appointment, approved plan
version, approved minutes and ending), with PDF/A documents and checksums, and a transfer queue in every state.

Fast at every scale: only the demo municipality (where the demo log-ins work) is journaled; each kind of document
is rendered once (WeasyPrint) and stored per entry; rows are written with bulk inserts. Older entries are confirmed
by the archive system, a few failed, the newest wait.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation

from los.archive import services
from los.archive.models import (
    ArchiveDocument,
    CaseFile,
    CaseStatus,
    EntryKind,
    EntryType,
    RegistryEntry,
    TransferStatus,
)
from los.core.demo.bulk import bulk_insert
from los.core.demo.seed import DemoContext
from los.families.models import Family, FamilyStatus

#: A synthetic organisation number with a valid check digit (not a real municipality's).
DEMO_ORGANISATION_NUMBER = "912345602"


@dataclass
class Event:
    family_id: int
    day: date
    at: datetime
    kind: str
    entry_type: str
    subject: str
    document_type: str
    handler: object
    parties: list
    source: str


def _subjects() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        EntryKind.REQUEST: _("Request for a barnekoordinator"), EntryKind.PRELIMINARY_REPLY: _("Preliminary reply"),
        "granted": _("Decision: barnekoordinator granted"), "refused": _("Decision: barnekoordinator refused"),
        EntryKind.APPEAL: _("Appeal against the decision on a barnekoordinator"),
        EntryKind.APPEAL_SENT: _("Appeal sent to the county governor"),
        EntryKind.APPEAL_OUTCOME: _("The county governor's decision on the appeal"),
        EntryKind.APPOINTMENT: _("Appointment of a barnekoordinator"), "change": _("Change of barnekoordinator"),
        EntryKind.PLAN_VERSION: _("Individual plan, version approved by the family"),
        EntryKind.MINUTES: _("Approved minutes"), EntryKind.CLOSING: _("Closing summary"),
    }


def _events(ctx: DemoContext, families: dict[int, Family], guardians: dict[int, list[dict]]) -> list[Event]:
    from los.meetings.models import Minutes, MinutesStatus
    from los.plans.models import PlanApproval
    from los.referrals.models import Appeal, Appointment, Ending, Request, Vedtak

    s = _subjects()
    ids = list(families)
    events: list[Event] = []

    def add(family_id, day, kind, entry_type, subject, document_type, handler, parties, source):
        events.append(Event(family_id, day, ctx.aware(day, 10), kind, entry_type, subject, document_type, handler,
                            parties, source))

    for r in Request.objects.filter(family_id__in=ids).select_related("submitted_by"):
        add(r.family_id, r.received, EntryKind.REQUEST, EntryType.INCOMING, s[EntryKind.REQUEST], "Henvendelse",
            None, [{"type": "Avsender", "name": r.submitter_name or families[r.family_id].display_name}],
            f"referrals.request:{r.pk}")
        if r.preliminary_reply_sent_on:
            add(r.family_id, r.preliminary_reply_sent_on, EntryKind.PRELIMINARY_REPLY, EntryType.OUTGOING,
                s[EntryKind.PRELIMINARY_REPLY], "Brev", r.preliminary_reply_sent_by, guardians[r.family_id],
                f"referrals.request:{r.pk}:{r.preliminary_reply_sent_on}")
    for v in Vedtak.objects.filter(family_id__in=ids).select_related("decided_by"):
        add(v.family_id, v.decision_date, EntryKind.DECISION, EntryType.OUTGOING, s[v.outcome], "Vedtak",
            v.decided_by, guardians[v.family_id], f"referrals.vedtak:{v.pk}")
    for a in Appeal.objects.filter(family_id__in=ids).select_related("registered_by", "reassessed_by"):
        add(a.family_id, a.received, EntryKind.APPEAL, EntryType.INCOMING, s[EntryKind.APPEAL], "Klage",
            a.registered_by, [{**p, "type": "Avsender"} for p in guardians[a.family_id]], f"referrals.appeal:{a.pk}")
        if a.sent_on:
            add(a.family_id, a.sent_on, EntryKind.APPEAL_SENT, EntryType.OUTGOING, s[EntryKind.APPEAL_SENT],
                "Oversendelse", a.reassessed_by, [{"type": "Mottaker", "name": "Statsforvalteren"}],
                f"referrals.appeal:{a.pk}:sent")
        if a.governor_decided_on:
            add(a.family_id, a.governor_decided_on, EntryKind.APPEAL_OUTCOME, EntryType.INCOMING,
                s[EntryKind.APPEAL_OUTCOME], "Vedtak", a.reassessed_by,
                [{"type": "Avsender", "name": "Statsforvalteren"}], f"referrals.appeal:{a.pk}:outcome")
    for p in Appointment.objects.filter(family_id__in=ids).select_related("appointed_by", "assignment__coordinator"):
        add(p.family_id, p.assignment.started, EntryKind.APPOINTMENT, EntryType.INTERNAL,
            s["change" if p.is_change else EntryKind.APPOINTMENT], "Oppnevning", p.appointed_by,
            [{"type": "Intern mottaker", "name": p.assignment.coordinator.get_full_name()}],
            f"referrals.appointment:{p.pk}")
    for p in PlanApproval.objects.filter(family_id__in=ids).select_related("approved_by", "plan_version"):
        add(p.family_id, p.created_at.date(), EntryKind.PLAN_VERSION, EntryType.INCOMING,
            f"{s[EntryKind.PLAN_VERSION]} ({p.plan_version.number})", "Individuell plan", None,
            [{"type": "Avsender", "name": p.approved_by.get_full_name()}], f"plans.planapproval:{p.pk}")
    for m in Minutes.objects.filter(family_id__in=ids, status=MinutesStatus.APPROVED).select_related("approved_by"):
        day = (m.approved_at or m.updated_at).date()
        add(m.family_id, day, EntryKind.MINUTES, EntryType.INTERNAL, s[EntryKind.MINUTES], "Referat", m.approved_by,
            [{"type": "Intern avsender", "name": m.approved_by.get_full_name() if m.approved_by else ""}],
            f"meetings.minutes:{m.pk}")
    for e in Ending.objects.filter(family_id__in=ids).select_related("ended_by"):
        add(e.family_id, e.ended_on, EntryKind.CLOSING, EntryType.INTERNAL, s[EntryKind.CLOSING], "Sluttrapport",
            e.ended_by, [], f"referrals.ending:{e.pk}")
    return sorted(events, key=lambda e: (e.day, e.family_id, e.source))


def seed(ctx: DemoContext) -> None:
    from los.archive.services import settings_for

    municipality = ctx.municipalities[0]
    archive = settings_for(municipality)
    archive.organisation_number = DEMO_ORGANISATION_NUMBER
    archive.journal_unit = "KE"
    archive.archive_system = "Kommunens sak/arkiv-system"
    archive.archive_address = "https://arkiv.kommune.example/api (henter fra Los)"
    archive.save()
    families = {f.pk: f for f in Family.objects.filter(municipality=municipality).prefetch_related("children",
                                                                                                   "members")}
    guardians = {pk: [{"type": "Mottaker", "name": f"{m.given_name} {m.family_name}"} for m in f.members.all()
                      if m.is_guardian] for pk, f in families.items()}
    language = services.language_of(municipality)
    with translation.override(language):
        events = _events(ctx, families, guardians)
        documents = {}
        for document_type in sorted({e.document_type for e in events}):
            documents[document_type] = services.text_document(
                next(iter(families.values())), document_type,
                [services.Section("", "Demodokument. Innholdet finnes i Los.")], document_date=ctx.today,
                author=archive.administrative_unit)
    unit = archive.administrative_unit or municipality.name

    def names(family: Family) -> str:
        return ", ".join(f"{c.given_name} {c.family_name}" for c in family.children.all()) or family.display_name

    case_files: dict[int, CaseFile] = {}
    per_year: dict[int, int] = defaultdict(int)
    for event in events:
        if event.family_id in case_files:
            continue
        family = families[event.family_id]
        per_year[event.day.year] += 1
        closed = family.status == FamilyStatus.CLOSED and family.closed_at is not None
        case_files[event.family_id] = CaseFile(
            family=family, municipality=municipality, system_id=uuid.uuid4(), case_year=event.day.year,
            case_sequence=per_year[event.day.year], title=f"Barnekoordinator – {names(family)}"[:300],
            public_title="Barnekoordinator – *****", opened_on=event.day, handler_name=unit,
            administrative_unit=unit, class_id=archive.class_id, class_title=archive.class_title,
            access_code=archive.access_code, screening_basis=archive.screening_basis,
            parties=services._case_parties(family), status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
            closed_at=family.closed_at if closed else None, closed_by_name=unit if closed else "",
            retention_decision=archive.retention_decision, retention_years=archive.retention_years,
            created_at=event.at)
    bulk_insert(CaseFile, list(case_files.values()))

    entries: list[RegistryEntry] = []
    sequence: dict[int, int] = defaultdict(int)
    number: dict[int, int] = defaultdict(int)
    recent = ctx.today.toordinal() - 60
    for index, event in enumerate(events):
        family = families[event.family_id]
        sequence[event.day.year] += 1
        number[event.family_id] += 1
        status, reference, message = TransferStatus.WAITING, "", ""
        if event.day.toordinal() < recent:
            status, reference = TransferStatus.CONFIRMED, f"{event.day.year}/{1000 + index}-{number[event.family_id]}"
        if event.day.toordinal() < recent and index % 37 == 5:
            status, reference, message = TransferStatus.FAILED, "", "Arkivdelen er ikke opprettet i arkivsystemet"
        handler_name = event.handler.get_full_name() if event.handler is not None else unit
        entries.append(RegistryEntry(
            family=family, municipality=municipality, case_file=case_files[event.family_id], system_id=uuid.uuid4(),
            journal_year=event.day.year, journal_sequence=sequence[event.day.year], number=number[event.family_id],
            kind=event.kind, entry_type=event.entry_type, title=f"{event.subject} – {names(family)}"[:300],
            public_title=f"{event.subject} – *****"[:300], journal_date=event.day, document_date=event.day,
            handler=event.handler, handler_name=handler_name, administrative_unit=unit,
            parties=[p for p in event.parties if p.get("name")], access_code=archive.access_code,
            screening_basis=archive.screening_basis, source=event.source[:60], created_at=event.at,
            transfer_status=status, transfer_attempts=0 if status == TransferStatus.WAITING else 1,
            sent_at=event.at if status != TransferStatus.WAITING else None,
            confirmed_at=event.at if status == TransferStatus.CONFIRMED else None, external_reference=reference,
            transfer_message=message))
    bulk_insert(RegistryEntry, entries)

    archived = []
    for entry, event in zip(entries, events, strict=True):
        content = documents[event.document_type]
        name = default_storage.save(
            f"archive/{municipality.pk}/{entry.family_id}/{entry.journal_year}-{entry.journal_sequence}-1.pdf",
            ContentFile(content))
        archived.append(ArchiveDocument(
            family_id=entry.family_id, municipality=municipality, entry=entry, system_id=uuid.uuid4(),
            object_system_id=uuid.uuid4(), number=1, title=event.subject, document_type=event.document_type,
            main=True, file=name, file_format=services.PDF_FORMAT, sha256=hashlib.sha256(content).hexdigest(),
            size=len(content), created_at=event.at, created_by_name=entry.handler_name))
    bulk_insert(ArchiveDocument, archived)
