"""Journaling: the family's case file and its registry entries, made when the event happens in Los.

Other apps call :mod:`los.archive.hooks` from their own services (a request received, a decision letter made, a
plan version approved, minutes approved, ...); the hooks call :func:`journal` here, inside the same transaction, so
that the entry exists exactly when the event does. Every entry gets a PDF/A document with its checksum. The
transfer queue to the municipality's sak/arkiv system (waiting → sent → confirmed, or failed and offered again)
is changed only through :func:`record_transfer`. Every change writes an audit event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from los.access import audit, disclosure
from los.access.models import AuditAction, Category
from los.access.policy import Action, decide
from los.accounts.models import User
from los.archive.models import (
    ArchiveDocument,
    ArchiveSettings,
    CaseFile,
    CaseStatus,
    EntryKind,
    EntryType,
    RegistryEntry,
    TransferStatus,
)
from los.core.models import Municipality
from los.families.models import Family

#: The information category of everything in the archive: the family, its barnekoordinator and the coordinating
#: unit see it; no consent opens it to a service (``NEVER_CONSENTABLE``).
ARCHIVE_CATEGORY = Category.REFERRAL
PDF_VARIANT = "pdf/a-2a"
PDF_FORMAT = "PDF/A-2a"
PDF_FORMAT_DETAILS = "ISO 19005-2:2011, samsvarsnivå A"
UNIT_BASES = frozenset({"unit", "transfer"})
SCREENED = "*****"
MAX_MESSAGE = 500


class TransferError(ValueError):
    """A transfer report the queue cannot take (unknown status, a confirmation without a reference, ...)."""


# --- settings -----------------------------------------------------------------------------------------------


def settings_for(municipality: Municipality) -> ArchiveSettings:
    """The municipality's archive settings, made with defaults the first time they are asked for."""
    found = ArchiveSettings.objects.filter(municipality=municipality).first()
    if found is not None:
        return found
    unit = municipality.coordinating_units.order_by("pk").first()
    found, _created = ArchiveSettings.objects.get_or_create(municipality=municipality, defaults={
        "records_creator": municipality.name,
        "archive_title": f"{municipality.name} – barnekoordinator",
        "series_title": "Barnekoordinator (Los)",
        "classification_title": "Klassifikasjon for barnekoordinator",
        "administrative_unit": unit.name if unit else "",
    })
    return found


def language_of(municipality: Municipality) -> str:
    """The written language of the municipality's archive (its official language; bokmål when neutral)."""
    return municipality.default_language if municipality.default_language in ("nb", "nn") else "nb"


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _lock_settings(municipality: Municipality) -> ArchiveSettings:
    settings_for(municipality)
    return ArchiveSettings.objects.select_for_update().get(municipality=municipality)


def _children_names(family: Family) -> str:
    names = [f"{c.given_name} {c.family_name}".strip() for c in family.children.order_by("birth_date", "pk")]
    return ", ".join(n for n in names if n) or family.display_name


def _case_parties(family: Family) -> list[dict]:
    parties = []
    for child in family.children.order_by("birth_date", "pk"):
        parties.append({"id": child.fodselsnummer or "", "name": f"{child.given_name} {child.family_name}".strip(),
                        "role": "Barn"})
    for member in family.members.order_by("pk"):
        if member.is_guardian:
            parties.append({"id": member.fodselsnummer or "",
                            "name": f"{member.given_name} {member.family_name}".strip(), "role": "Foresatt"})
    return parties


def guardian_parties(family: Family, kind: str) -> list[dict]:
    """The guardians as correspondence parties of ``kind`` (``Avsender``/``Mottaker``)."""
    return [{"type": kind, "name": f"{m.given_name} {m.family_name}".strip()}
            for m in family.members.order_by("pk") if m.is_guardian]


# --- case files ---------------------------------------------------------------------------------------------


def _handler_of(actor: User | None, family: Family) -> User | None:
    """The actor as case handler: only someone who works on the case (the coordinating unit or the family's
    barnekoordinator), never a guardian or a service contact who sent something in."""
    if actor is None or not actor.is_authenticated or not actor.is_staff_member:
        return None
    basis = decide(actor, Action.CHANGE, family, ARCHIVE_CATEGORY).basis
    return actor if basis in UNIT_BASES | {"coordinator"} else None



def current_case_file(family: Family, actor: User | None = None) -> CaseFile:
    """The family's open case file, made (with the next case number) when the family has none."""
    case_file = CaseFile.objects.filter(family=family, status=CaseStatus.OPEN).order_by("pk").first()
    if case_file is not None:
        return case_file
    municipality = family.municipality
    archive = _lock_settings(municipality)
    today = timezone.localdate()
    last = (CaseFile.objects.filter(municipality=municipality, case_year=today.year)
            .aggregate(n=Max("case_sequence"))["n"] or 0)
    with translation.override(language_of(municipality)):
        subject = _("Barnekoordinator")
        title = f"{subject} – {_children_names(family)}"
        public_title = f"{subject} – {SCREENED}"
    handler = _handler_of(actor, family)
    return CaseFile.objects.create(
        family=family, municipality=municipality, case_year=today.year, case_sequence=last + 1,
        title=title[:300], public_title=public_title, opened_on=today, handler=handler,
        handler_name=_name(handler) or archive.administrative_unit or municipality.name,
        administrative_unit=archive.administrative_unit or municipality.name,
        class_id=archive.class_id, class_title=archive.class_title, access_code=archive.access_code,
        screening_basis=archive.screening_basis, parties=_case_parties(family),
        retention_decision=archive.retention_decision, retention_years=archive.retention_years)


def close_case_file(family: Family, actor: User | None) -> CaseFile | None:
    """Close the family's open case file (saksstatus Avsluttet): when the case is closed in Los."""
    case_file = CaseFile.objects.select_for_update().filter(family=family, status=CaseStatus.OPEN).first()
    if case_file is None:
        return None
    case_file.status, case_file.closed_at = CaseStatus.CLOSED, timezone.now()
    case_file.closed_by_name = _name(actor) or case_file.handler_name
    case_file.parties = _case_parties(family)
    case_file.save(update_fields=["status", "closed_at", "closed_by_name", "parties"])
    audit.record(actor=actor, action=AuditAction.CHANGE, object_type="CaseFile", object_id=case_file.pk,
                 municipality_id=family.municipality_id, family_id=family.pk, category=str(ARCHIVE_CATEGORY),
                 reason=f"case file {case_file.case_number} closed in the archive")
    return case_file


# --- documents ----------------------------------------------------------------------------------------------


@contextmanager
def as_system() -> Iterator[None]:
    """Render the archive's record as the system: a page rendered during a request renders for the person asking
    (los.access.disclosure), but a document journaled for the archive must be whole, whoever made the event happen
    (a service contact registering a request sees nothing of the family)."""
    from los.access.middleware import request_viewer

    viewer = request_viewer()
    with disclosure.unobserved():
        if viewer is None:
            yield
            return
        with viewer.unobserved():
            yield



def render_pdf(html: str) -> bytes:
    """A document as PDF/A-2a (tagged, for long-term keeping). Nothing is fetched: styles are inline."""
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    return HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


def text_document(family: Family, title: str, sections: Iterable[Section], *, document_date: date,
                  author: str) -> bytes:
    """A plain document for an entry Los has no letter for (a request, an appeal, an appointment ...). It is the
    archive's record, rendered by the system: never redacted for whoever made the event happen."""
    with as_system(), translation.override(language_of(family.municipality)):
        html = render_to_string("archive/document.html", {
            "title": title, "sections": [s for s in sections if s.text], "family": family,
            "municipality": family.municipality, "document_date": document_date, "author": author,
            "language": language_of(family.municipality)})
    return render_pdf(html)


@dataclass(frozen=True)
class DocumentInput:
    title: str
    document_type: str
    content: bytes


# --- journaling ---------------------------------------------------------------------------------------------


@transaction.atomic
def journal(family: Family, *, kind: str, entry_type: str, subject: str, actor: User | None,
            parties: list[dict], document: DocumentInput, source: str = "", document_date: date | None = None,
            http_request: HttpRequest | None = None) -> RegistryEntry:
    """Journal one record-worthy document of the family's case: a registry entry in the family's open case file
    (made when there is none), numbered in the municipality's journal, with its PDF/A document and checksum.

    ``subject`` is the title without names; the entry's title adds the children's names and its public title
    screens them (offentleglova § 13 with forvaltningsloven § 13). Journaling twice from the same ``source`` answers
    the first entry."""
    if source:
        existing = RegistryEntry.objects.filter(family=family, source=source, kind=kind).first()
        if existing is not None:
            return existing
    case_file = current_case_file(family, actor)
    archive = _lock_settings(family.municipality)
    today = timezone.localdate()
    last_sequence = (RegistryEntry.objects.filter(municipality=family.municipality, journal_year=today.year)
                     .aggregate(n=Max("journal_sequence"))["n"] or 0)
    last_number = case_file.entries.aggregate(n=Max("number"))["n"] or 0
    handler = _handler_of(actor, family)
    entry = RegistryEntry.objects.create(
        family=family, municipality=family.municipality, case_file=case_file, journal_year=today.year,
        journal_sequence=last_sequence + 1, number=last_number + 1, kind=kind, entry_type=entry_type,
        title=f"{subject} – {_children_names(family)}"[:300], public_title=f"{subject} – {SCREENED}"[:300],
        journal_date=today, document_date=document_date or today, handler=handler,
        handler_name=_name(handler) or case_file.handler_name,
        administrative_unit=archive.administrative_unit or family.municipality.name,
        parties=[p for p in parties if p.get("name")], access_code=archive.access_code,
        screening_basis=archive.screening_basis, source=source[:60])
    attach_document(entry, document, actor)
    audit.record(actor=actor, action=AuditAction.CHANGE, object_type="RegistryEntry", object_id=entry.pk,
                 municipality_id=family.municipality_id, family_id=family.pk, category=str(ARCHIVE_CATEGORY),
                 reason=f"journaled as {entry.journal_number} in case file {case_file.case_number}: {kind}",
                 request=http_request)
    return entry


def attach_document(entry: RegistryEntry, document: DocumentInput, actor: User | None) -> ArchiveDocument:
    """Store the entry's document once, with its SHA-256 and size."""
    number = entry.documents.count() + 1
    archived = ArchiveDocument(
        family=entry.family, municipality=entry.municipality, entry=entry, number=number,
        title=document.title[:300], document_type=document.document_type, main=number == 1, file_format=PDF_FORMAT,
        sha256=hashlib.sha256(document.content).hexdigest(), size=len(document.content),
        created_by_name=_name(actor) or entry.handler_name)
    archived.file.save(f"{entry.journal_year}-{entry.journal_sequence}-{number}.pdf", ContentFile(document.content),
                       save=False)
    try:
        archived.save()
    except Exception:
        archived.file.storage.delete(archived.file.name)
        raise
    return archived


# --- what the family's barnekoordinator chooses to journal ----------------------------------------------------


@transaction.atomic
def journal_note(family: Family, actor: User, title: str, text: str,
                 http_request: HttpRequest | None = None) -> RegistryEntry:
    """The family's barnekoordinator (or the coordinating unit) journals a note of their own choosing: a working
    note or the content of a message becomes a case document, which the family and the unit can read."""
    decision = decide(actor, Action.CHANGE, family, ARCHIVE_CATEGORY)
    if not decision.allowed or decision.basis not in UNIT_BASES | {"coordinator"}:
        raise PermissionDenied(_("Only the family's barnekoordinator or the coordinating unit can journal a note."))
    errors: dict[str, list[str]] = {}
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        errors["title"] = [_("Give the note a title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    if not text:
        errors["text"] = [_("Write the text to journal.")]
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    pdf = text_document(family, title, [Section("", text)], document_date=today, author=_name(actor))
    return journal(family, kind=EntryKind.NOTE, entry_type=EntryType.INTERNAL, subject=title, actor=actor,
                   parties=[{"type": "Intern avsender", "name": _name(actor)}],
                   document=DocumentInput(title, "Notat", pdf), http_request=http_request)


# --- the transfer queue -------------------------------------------------------------------------------------


def is_unit(user: User, family: Family) -> bool:
    return decide(user, Action.CHANGE, family, ARCHIVE_CATEGORY).basis in UNIT_BASES


@transaction.atomic
def record_transfer(entry: RegistryEntry, actor: User, status: str, reference: str = "", message: str = "",
                    http_request: HttpRequest | None = None) -> RegistryEntry:
    """The receiving archive system (or the unit for it) reports on one entry: ``sent`` (fetched, being imported),
    ``confirmed`` (archived there, with its own reference), ``failed`` (with its message; the entry is offered
    again) or ``waiting`` (offer it again). A confirmed entry stays confirmed."""
    if not is_unit(actor, entry.family):
        raise PermissionDenied(_("Only the coordinating unit can change the transfer to the archive."))
    entry = RegistryEntry.objects.select_for_update().get(pk=entry.pk)
    reference, message = (reference or "").strip(), (message or "").strip()
    if status not in TransferStatus.values:
        raise TransferError(_("Unknown transfer status: %(status)s.") % {"status": status})
    if entry.transfer_status == TransferStatus.CONFIRMED and status != TransferStatus.CONFIRMED:
        raise TransferError(_("The entry is already confirmed by the archive system."))
    if status == TransferStatus.CONFIRMED and not (reference or entry.external_reference):
        raise TransferError(_("A confirmation needs the archive system's reference for the entry."))
    if status == TransferStatus.FAILED and not message:
        raise TransferError(_("Say why the transfer failed."))
    now = timezone.now()
    if status == TransferStatus.SENT:
        entry.sent_at = now
        entry.transfer_attempts += 1
    elif status == TransferStatus.CONFIRMED:
        entry.confirmed_at = entry.confirmed_at or now
        entry.external_reference = reference or entry.external_reference
        entry.sent_at = entry.sent_at or now
    entry.transfer_status = status
    entry.transfer_message = message[:MAX_MESSAGE]
    entry.save(update_fields=["transfer_status", "transfer_attempts", "sent_at", "confirmed_at",
                              "external_reference", "transfer_message"])
    audit.record(actor=actor, action=AuditAction.CHANGE, object_type="RegistryEntry", object_id=entry.pk,
                 municipality_id=entry.municipality_id, family_id=entry.family_id, category=str(ARCHIVE_CATEGORY),
                 reason=f"transfer of {entry.journal_number} to the archive system: {status}"
                        + (f" ({reference})" if reference else ""), request=http_request)
    return entry


# --- deposits (arkivuttrekk) ----------------------------------------------------------------------------------


def unit_municipalities(user: User) -> list[Municipality]:
    """The municipalities whose coordinating unit the user works in (caseworker or leader)."""
    from los.access.policy import UNIT_ROLES

    seen: dict[int, Municipality] = {}
    for role in user.active_roles():
        if role.role in UNIT_ROLES:
            seen[role.municipality_id] = role.municipality
    return list(seen.values())


def depositable(municipality: Municipality, period_start: date, period_end: date):
    """Closed case files of the municipality closed within the period and not in a confirmed deposit."""
    from los.archive.models import DepositStatus

    start = timezone.make_aware(timezone.datetime.combine(period_start, timezone.datetime.min.time()))
    end = timezone.make_aware(timezone.datetime.combine(period_end, timezone.datetime.max.time()))
    return (CaseFile.objects.filter(municipality=municipality, status=CaseStatus.CLOSED, closed_at__gte=start,
                                    closed_at__lte=end)
            .exclude(deposit__status=DepositStatus.CONFIRMED).select_related("family")
            .order_by("case_year", "case_sequence"))


@transaction.atomic
def make_deposit(municipality: Municipality, actor: User, period_start: date, period_end: date,
                 case_files: Iterable[CaseFile] | None = None, http_request: HttpRequest | None = None):
    """Make a deposit package of the municipality's closed case files (those closed in the period, or the ones
    given), validated against the official schemas, stored with its checksum, and audited per family."""
    from los.archive import deposit as package
    from los.archive.models import Deposit

    if municipality.pk not in {m.pk for m in unit_municipalities(actor)}:
        raise PermissionDenied(_("Only the coordinating unit can make a deposit for the archive."))
    errors: dict[str, list[str]] = {}
    if period_start is None or period_end is None:
        errors["__all__"] = [_("Give the first and the last day of the period.")]
    elif period_end < period_start:
        errors["period_end"] = [_("The last day cannot be before the first day.")]
    elif period_end > timezone.localdate():
        errors["period_end"] = [_("The period cannot end in the future.")]
    if errors:
        raise ValidationError(errors)
    chosen = list(case_files) if case_files is not None else list(depositable(municipality, period_start, period_end))
    chosen = [c for c in chosen if c.status == CaseStatus.CLOSED and c.municipality_id == municipality.pk]
    if not chosen:
        raise ValidationError(_("There are no closed case files to deposit in this period."))
    for case_file in chosen:
        decision = decide(actor, Action.EXPORT, case_file.family, ARCHIVE_CATEGORY)
        if not decision.allowed or decision.basis not in UNIT_BASES:
            raise PermissionDenied(_("Only the coordinating unit can make a deposit for the archive."))
    archive = settings_for(municipality)
    contents = package.collect(archive, chosen, period_start, period_end, _name(actor))
    zipped, counts = package.build(contents)
    deposit = Deposit(municipality=municipality, period_start=period_start, period_end=period_end, made_by=actor,
                      sha256=hashlib.sha256(zipped).hexdigest(), size=len(zipped), counts=counts)
    deposit.file.save(f"arkivuttrekk-{municipality.number}-{period_start}-{period_end}-{deposit.system_id}.zip",
                      ContentFile(zipped), save=False)
    deposit.save()
    CaseFile.objects.filter(pk__in=[c.pk for c in chosen]).update(deposit=deposit)
    for case_file in chosen:
        audit.record(actor=actor, action=AuditAction.EXPORT, object_type="CaseFile", object_id=case_file.pk,
                     municipality_id=municipality.pk, family_id=case_file.family_id, category=str(ARCHIVE_CATEGORY),
                     reason=f"case file {case_file.case_number} put in a deposit for the archive depot",
                     request=http_request)
    return deposit


@transaction.atomic
def confirm_deposit(deposit, actor: User, receipt: str, http_request: HttpRequest | None = None):
    """The archive depot has received the package whole: record its receipt. From now on retention may delete
    the cases in it when their time comes."""
    from los.archive.models import Deposit, DepositStatus

    if deposit.municipality_id not in {m.pk for m in unit_municipalities(actor)}:
        raise PermissionDenied(_("Only the coordinating unit can confirm a deposit."))
    receipt = (receipt or "").strip()
    if not receipt:
        raise ValidationError({"receipt": [_("Write the depot's receipt or reference.")]})
    deposit = Deposit.objects.select_for_update().get(pk=deposit.pk)
    if deposit.status == DepositStatus.CONFIRMED:
        raise ValidationError(_("This deposit is already confirmed."))
    deposit.status, deposit.confirmed_at, deposit.confirmed_by = DepositStatus.CONFIRMED, timezone.now(), actor
    deposit.receipt = receipt[:200]
    deposit.save(update_fields=["status", "confirmed_at", "confirmed_by", "receipt"])
    audit.record(actor=actor, action=AuditAction.CHANGE, object_type="Deposit", object_id=deposit.pk,
                 municipality_id=deposit.municipality_id,
                 reason=f"deposit {deposit.system_id} confirmed by the archive depot", request=http_request)
    return deposit
