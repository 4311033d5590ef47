"""The archive interface: registry entries for the municipality's own sak/arkiv system (versioned, ``/api/archive/v1``).

The receiving system (or the municipality's integration platform) fetches the entries waiting for transfer, with
their documents, imports them, and reports back for each entry: ``sent`` (fetched, being imported),
``confirmed`` (archived, with its own reference) or ``failed`` (with its message; the entry is offered again).
Los never calls out: the receiving system pulls. A token with the scope ``archive:journal`` acts as a user of the
coordinating unit; the one access policy decides every read and every report, and each is audited.
The fields are Noark 5's registry entry (journalpost) with its case file, parties and documents; docs/archive.md
names the Noark 5 metadata number of each.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from los.access.guard import access
from los.access.policy import Action
from los.api import access as api_access
from los.api.models import Scope
from los.api.problems import Problem, ProblemError
from los.archive import deposit as package
from los.archive import services
from los.archive.models import ArchiveDocument, RegistryEntry, TransferStatus

FORMAT = "los-noark5-journalpost"
FORMAT_VERSION = "1.0"
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem,
                          429: Problem}
PENDING = (TransferStatus.WAITING, TransferStatus.FAILED)


class PartyOut(Schema):
    type: str = Field(..., description="korrespondanseparttype (M087): Avsender, Mottaker, Intern avsender, ...")
    name: str = Field(..., description="korrespondansepartNavn (M400)")
    administrative_unit: str | None = Field(None, description="administrativEnhet (M305), internal parties")
    case_handler: str | None = Field(None, description="saksbehandler (M307), internal parties")


class CasePartyOut(Schema):
    id: str | None = Field(None, description="partID (M010): the person's fødselsnummer when Los has it")
    name: str = Field(..., description="partNavn (M302)")
    role: str = Field(..., description="partRolle (M303): Barn, Foresatt")


class CaseFileOut(Schema):
    system_id: UUID = Field(..., description="systemID (M001)")
    case_number: str = Field(..., description="mappeID (M003), saksår/sekvensnummer")
    case_year: int = Field(..., description="saksaar (M011)")
    case_sequence: int = Field(..., description="sakssekvensnummer (M012)")
    title: str = Field(..., description="tittel (M020)")
    public_title: str = Field(..., description="offentligTittel (M025)")
    case_date: date = Field(..., description="saksdato (M100)")
    case_handler: str = Field(..., description="saksansvarlig (M306)")
    administrative_unit: str = Field(..., description="administrativEnhet (M305)")
    class_id: str = Field(..., description="klasseID (M002) of the municipality's classification")
    class_title: str
    status: str = Field(..., description="saksstatus (M052)")
    retention_decision: str = Field(..., description="kassasjonsvedtak (M450)")
    parties: list[CasePartyOut] = Field(..., description="part")


class DocumentOut(Schema):
    system_id: UUID = Field(..., description="systemID of the dokumentbeskrivelse")
    object_system_id: UUID = Field(..., description="systemID of the dokumentobjekt")
    number: int = Field(..., description="dokumentnummer (M007)")
    title: str
    document_type: str = Field(..., description="dokumenttype (M083)")
    role: str = Field(..., description="tilknyttetRegistreringSom (M217)")
    variant: str = Field(..., description="variantformat (M700)")
    format: str = Field(..., description="format (M701)")
    format_details: str = Field(..., description="formatDetaljer (M702)")
    checksum: str = Field(..., description="sjekksum (M705), hexadecimal")
    checksum_algorithm: str = Field(..., description="sjekksumAlgoritme (M706)")
    size: int = Field(..., description="filstoerrelse (M707), bytes")
    url: str = Field(..., description="Where to fetch the file (PDF/A).")


class TransferOut(Schema):
    status: str = Field(..., description="waiting, sent, confirmed or failed")
    attempts: int
    sent_at: datetime | None = None
    confirmed_at: datetime | None = None
    reference: str = Field("", description="The receiving system's reference for the entry, once confirmed.")
    message: str = Field("", description="The receiving system's last message.")


class EntryOut(Schema):
    format: str = Field(FORMAT, description="Always los-noark5-journalpost.")
    format_version: str = Field(FORMAT_VERSION, description="The version of this format.")
    system_id: UUID = Field(..., description="systemID (M001)")
    journal_year: int = Field(..., description="journalaar (M013)")
    journal_sequence: int = Field(..., description="journalsekvensnummer (M014)")
    journal_number: str = Field(..., description="registreringsID (M004): journalår/sekvensnummer")
    number_in_case: int = Field(..., description="journalpostnummer (M015)")
    kind: str = Field(..., description="What happened in Los: request, decision, appeal, plan_version, ...")
    entry_type: str = Field(..., description="journalposttype (M082)")
    journal_status: str = Field(..., description="journalstatus (M053)")
    title: str = Field(..., description="tittel (M020), with names")
    public_title: str = Field(..., description="offentligTittel (M025), names screened")
    journal_date: date = Field(..., description="journaldato (M101)")
    document_date: date = Field(..., description="dokumentetsDato (M103)")
    case_handler: str = Field(..., description="saksbehandler (M307)")
    administrative_unit: str = Field(..., description="administrativEnhet (M305)")
    access_code: str = Field(..., description="tilgangsrestriksjon (M500)")
    screening_basis: str = Field(..., description="skjermingshjemmel (M501)")
    screening_metadata: list[str] = Field(..., description="skjermingMetadata (M502)")
    screening_document: str = Field(..., description="skjermingDokument (M503)")
    correspondence_parties: list[PartyOut]
    case_file: CaseFileOut
    documents: list[DocumentOut]
    transfer: TransferOut


class EntryPage(Schema):
    count: int = Field(..., description="How many entries there are in all.")
    limit: int
    offset: int
    items: list[EntryOut]


class TransferIn(Schema):
    status: Literal["sent", "confirmed", "failed", "waiting"] = Field(
        ..., description="sent: fetched and being imported; confirmed: archived (give reference); failed: could "
                         "not be archived (give message; offered again); waiting: offer it again.")
    reference: str = Field("", max_length=100, description="The receiving system's reference (e.g. 2026/1234-3).")
    message: str = Field("", max_length=500, description="What went wrong, for failed.")


def entry_out(entry: RegistryEntry) -> dict:
    case_file = entry.case_file
    parties = [{"type": p["type"], "name": p.get("name", ""), "administrative_unit": p.get("unit"),
                "case_handler": p.get("handler")} for p in package._parties_with_handler(entry)]
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "system_id": entry.system_id,
        "journal_year": entry.journal_year, "journal_sequence": entry.journal_sequence,
        "journal_number": entry.journal_number, "number_in_case": entry.number, "kind": entry.kind,
        "entry_type": entry.entry_type, "journal_status": "Journalført", "title": entry.title,
        "public_title": entry.public_title, "journal_date": entry.journal_date, "document_date": entry.document_date,
        "case_handler": entry.handler_name, "administrative_unit": entry.administrative_unit,
        "access_code": entry.access_code, "screening_basis": entry.screening_basis,
        "screening_metadata": list(package.ENTRY_SCREENING), "screening_document": package.WHOLE_DOCUMENT,
        "correspondence_parties": parties,
        "case_file": {
            "system_id": case_file.system_id, "case_number": case_file.case_number, "case_year": case_file.case_year,
            "case_sequence": case_file.case_sequence, "title": case_file.title, "public_title": case_file.public_title,
            "case_date": case_file.opened_on, "case_handler": case_file.handler_name,
            "administrative_unit": case_file.administrative_unit, "class_id": case_file.class_id,
            "class_title": case_file.class_title, "status": case_file.status,
            "retention_decision": case_file.retention_decision,
            "parties": [{"id": p.get("id") or None, "name": p.get("name", ""), "role": p.get("role", "")}
                        for p in case_file.parties]},
        "documents": [{
            "system_id": d.system_id, "object_system_id": d.object_system_id, "number": d.number, "title": d.title,
            "document_type": d.document_type, "role": "Hoveddokument" if d.main else "Vedlegg",
            "variant": "Arkivformat", "format": d.file_format, "format_details": services.PDF_FORMAT_DETAILS,
            "checksum": d.sha256, "checksum_algorithm": "SHA256", "size": d.size,
            "url": reverse("api:archive_document_file", args=[entry.system_id, d.system_id]),
        } for d in entry.documents.all()],
        "transfer": {"status": entry.transfer_status, "attempts": entry.transfer_attempts, "sent_at": entry.sent_at,
                     "confirmed_at": entry.confirmed_at, "reference": entry.external_reference,
                     "message": entry.transfer_message},
    }


def _uuid(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise ProblemError(404) from None


def _entry(request: HttpRequest, system_id: str, action: Action) -> RegistryEntry:
    api_access.require_scope(request, Scope.ARCHIVE_JOURNAL)
    entry = (RegistryEntry.objects.filter(system_id=_uuid(system_id))
             .select_related("family__municipality", "case_file").first())
    if entry is None:
        raise ProblemError(404)
    api_access.check(request, action, entry)
    return entry


router = Router(tags=["archive-journal"])
ENTRY_ID = Path(..., max_length=36, description="The entry's systemID (a UUID).")
DOCUMENT_ID = Path(..., max_length=36, description="The document's systemID (a UUID).")
LIMIT = Query(50, ge=1, le=100, description="How many entries to answer (1–100).")
OFFSET = Query(0, ge=0, le=1_000_000, description="How many entries to skip.")
STATUS = Query(None, pattern="^(pending|waiting|sent|confirmed|failed)$",
               description="pending (default: waiting and failed), waiting, sent, confirmed or failed.")


@router.get("/entries", response={200: EntryPage, **ERRORS}, summary="Registry entries for the archive system",
            description="Oldest first. Only the families the caller may see, within the token's municipality.")
@access("family_list")
def list_entries(request: HttpRequest, status: str | None = STATUS,
                 limit: int = LIMIT, offset: int = OFFSET) -> dict:
    api_access.require_scope(request, Scope.ARCHIVE_JOURNAL)
    families = api_access.visible(request, services.ARCHIVE_CATEGORY)
    entries = (RegistryEntry.objects.filter(family__in=families).select_related("case_file")
               .prefetch_related("documents").order_by("journal_year", "journal_sequence"))
    wanted = status or "pending"
    entries = entries.filter(transfer_status__in=PENDING) if wanted == "pending" else entries.filter(
        transfer_status=wanted)
    api_access.record_list(request, "RegistryEntry")
    return {"count": entries.count(), "limit": limit, "offset": offset,
            "items": [entry_out(e) for e in entries[offset:offset + limit]]}


@router.get("/entries/{system_id}", response={200: EntryOut, **ERRORS}, summary="One registry entry")
@access("family")
def get_entry(request: HttpRequest, system_id: str = ENTRY_ID) -> dict:
    return entry_out(_entry(request, system_id, Action.VIEW))


@router.get("/entries/{system_id}/documents/{document_id}/file", response={200: str, **ERRORS},
            summary="The document's file (PDF/A)", url_name="archive_document_file",
            openapi_extra={"responses": {"200": {"content": {"application/pdf": {"schema": {
                "type": "string", "format": "binary"}}}}}})
@access("family")
def document_file(request: HttpRequest, system_id: str = ENTRY_ID,
                  document_id: str = DOCUMENT_ID) -> FileResponse:
    entry = _entry(request, system_id, Action.EXPORT)
    document = ArchiveDocument.objects.filter(entry=entry, system_id=_uuid(document_id)).first()
    if document is None:
        raise ProblemError(404)
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{entry.journal_year}-{entry.journal_sequence}-' \
                                      f'{document.number}.pdf"'
    response["Digest"] = f"sha-256={document.sha256}"
    return response


@router.post("/entries/{system_id}/transfer", response={200: EntryOut, **ERRORS},
             summary="Report the transfer of an entry",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": TransferIn.model_json_schema()}}}},
             description="The receiving archive system reports: sent, confirmed (with its reference), failed (with "
                         "its message) or waiting (offer it again). A confirmed entry stays confirmed (409).")
@access("family")
def report_transfer(request: HttpRequest, system_id: str = ENTRY_ID) -> dict:
    """The body (TransferIn) is read after the policy has answered, so that nothing about an entry the caller may
    not see is told by a validation error."""
    import json

    from django.core.exceptions import PermissionDenied
    from pydantic import ValidationError as PydanticError

    entry = _entry(request, system_id, Action.CHANGE)
    try:
        body = TransferIn.model_validate(json.loads(request.body or b"{}"))
    except (ValueError, PydanticError) as exc:
        raise ProblemError(422, _("The report must be JSON with a status: sent, confirmed, failed or waiting."),
                           slug="invalid-transfer") from exc
    try:
        entry = services.record_transfer(entry, api_access.caller(request).user, body.status, body.reference,
                                         body.message, http_request=request)
    except PermissionDenied:
        raise ProblemError(403, _("Only the coordinating unit can change the transfer to the archive.")) from None
    except services.TransferError as exc:
        raise ProblemError(409 if entry.transfer_status == TransferStatus.CONFIRMED else 422, str(exc),
                           slug="transfer-refused") from None
    return entry_out(entry)
