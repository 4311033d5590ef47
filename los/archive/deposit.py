"""The deposit package (*arkivuttrekk*) of closed case files, per Noark 5 (versjon 5.0 schemas, ADDML 8.3).

One zip with the top folder ``avleveringspakke/`` (Noark 5 krav 6.4.15):

    arkivuttrekk.xml      the package description (ADDML): records creator, system, period, counts, and the
                          SHA-256 of every XML file and schema
    arkivstruktur.xml     arkiv → arkivdel → klassifikasjonssystem → klasse → saksmappe → journalpost →
                          dokumentbeskrivelse → dokumentobjekt
    endringslogg.xml      the metadata changed after registration (a case file's status when it was closed)
    loependeJournal.xml   the journal of the entries in the package
    offentligJournal.xml  the same journal as the public sees it: titles and names screened
    *.xsd                 Arkivverket's schemas, unchanged (los/archive/schemas)
    DOKUMENT/<year>/…pdf  the documents (PDF/A-2a), named in arkivstruktur.xml with their checksums

Every XML file is validated against the official schemas before the package is made (:class:`PackageInvalid`
otherwise), so that a package Los hands out is never one the depot would reject for its structure.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from django.utils import timezone
from lxml import etree

from los.archive.models import (
    ArchiveDocument,
    ArchiveSettings,
    CaseFile,
    CaseStatus,
    EntryType,
    RegistryEntry,
    RetentionDecision,
)

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "noark5"
N5 = "http://www.arkivverket.no/standarder/noark5"
NS = {
    "arkivstruktur.xml": f"{N5}/arkivstruktur",
    "endringslogg.xml": f"{N5}/endringslogg",
    "loependeJournal.xml": f"{N5}/loependeJournal",
    "offentligJournal.xml": f"{N5}/offentligJournal",
    "arkivuttrekk.xml": "http://www.arkivverket.no/standarder/addml",
}
SCHEMA_OF = {
    "arkivstruktur.xml": "arkivstruktur.xsd", "endringslogg.xml": "endringslogg.xsd",
    "loependeJournal.xml": "loependeJournal.xsd", "offentligJournal.xml": "offentligJournal.xsd",
    "arkivuttrekk.xml": "addml.xsd",
}
SCHEMA_FILES = ("arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd", "loependeJournal.xsd",
                "offentligJournal.xsd", "addml.xsd")
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ROOT = "avleveringspakke"
NOARK_VERSION = "5.0"
SYSTEM_NAME = "Los"
SCREENED = "*****"
CASE_SCREENING = ("Skjerming tittel mappe - utvalgte ord", "Skjerming navn part i sak")
ENTRY_SCREENING = ("Skjerming tittel registrering - utvalgte ord", "Skjerming navn avsender", "Skjerming navn mottaker")
WHOLE_DOCUMENT = "Skjerming av hele dokumentet"
INTERNAL_PARTIES = {"Intern avsender", "Intern mottaker"}


class PackageInvalid(ValueError):  # noqa: N818 - reads better at the call site
    """A file of the package does not validate against its official schema (a fault in Los, never the user's)."""


@cache
def schema(name: str) -> etree.XMLSchema:
    """The official schema ``name`` (from ``los/archive/schemas/noark5``), parsed once."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name)))


def validate(filename: str, content: bytes) -> None:
    """Validate one XML file of the package against its official schema; raise :class:`PackageInvalid`."""
    checker = schema(SCHEMA_OF[filename])
    document = etree.fromstring(content)
    if not checker.validate(document):
        errors = "; ".join(f"line {e.line}: {e.message}" for e in list(checker.error_log)[:5])
        raise PackageInvalid(f"{filename} does not validate against {SCHEMA_OF[filename]}: {errors}")


# --- small XML helpers -----------------------------------------------------------------------------------------


class Writer:
    """Elements in one namespace, in schema order, skipping empty optional values."""

    def __init__(self, namespace: str):
        self.ns = namespace

    def el(self, parent: etree._Element | None, local: str, text: object = None, /, **attrs: str) -> etree._Element:
        tag = f"{{{self.ns}}}{local}"
        node = etree.Element(tag, nsmap={None: self.ns, "xsi": XSI}) if parent is None else etree.SubElement(
            parent, tag)
        for key, value in attrs.items():
            node.set(key, value)
        if text is not None:
            node.text = _text(text)
        return node

    def opt(self, parent: etree._Element, name: str, text: object) -> None:
        if text not in (None, "", []):
            self.el(parent, name, text)


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _typed(node: etree._Element, type_name: str) -> None:
    node.set(f"{{{XSI}}}type", type_name)


# --- what goes in ---------------------------------------------------------------------------------------------


@dataclass
class Contents:
    settings: ArchiveSettings
    case_files: list[CaseFile]
    entries: dict[int, list[RegistryEntry]]
    documents: dict[int, list[ArchiveDocument]]
    period_start: date
    period_end: date
    made_at: datetime
    made_by: str
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def all_entries(self) -> list[RegistryEntry]:
        return [e for c in self.case_files for e in self.entries.get(c.pk, [])]


def document_path(document: ArchiveDocument) -> str:
    return f"DOKUMENT/{document.entry.journal_year}/{document.entry.journal_sequence}-{document.number}.pdf"


def collect(settings: ArchiveSettings, case_files: Sequence[CaseFile], period_start: date, period_end: date,
            made_by: str) -> Contents:
    ids = [c.pk for c in case_files]
    entries: dict[int, list[RegistryEntry]] = {}
    for entry in RegistryEntry.objects.filter(case_file_id__in=ids).order_by("journal_year", "journal_sequence"):
        entries.setdefault(entry.case_file_id, []).append(entry)
    documents: dict[int, list[ArchiveDocument]] = {}
    for document in ArchiveDocument.objects.filter(entry__case_file_id__in=ids).select_related("entry").order_by(
            "entry_id", "number"):
        documents.setdefault(document.entry_id, []).append(document)
    return Contents(settings=settings, case_files=list(case_files), entries=entries, documents=documents,
                    period_start=period_start, period_end=period_end, made_at=timezone.now(), made_by=made_by)


# --- arkivstruktur.xml ---------------------------------------------------------------------------------------


def _creator(settings: ArchiveSettings) -> tuple[str, str]:
    municipality = settings.municipality
    return settings.organisation_number or municipality.number, settings.records_creator or municipality.name


def _skjerming(w: Writer, parent: etree._Element, access_code: str, basis: str, metadata: Iterable[str],
               document: bool, years: int | None) -> None:
    node = w.el(parent, "skjerming")
    w.el(node, "tilgangsrestriksjon", access_code)
    w.el(node, "skjermingshjemmel", basis)
    for item in metadata:
        w.el(node, "skjermingMetadata", item)
    if document:
        w.el(node, "skjermingDokument", WHOLE_DOCUMENT)
    if years:
        w.el(node, "skjermingsvarighet", years)


def _kassasjon(w: Writer, parent: etree._Element, case_file: CaseFile, settings: ArchiveSettings) -> None:
    """Only a decision to discard goes into a deposit (Noark 5: nothing about discarding where all is kept)."""
    if case_file.retention_decision == RetentionDecision.PRESERVE:
        return
    node = w.el(parent, "kassasjon")
    w.el(node, "kassasjonsvedtak", case_file.retention_decision)
    w.opt(node, "kassasjonshjemmel", settings.retention_authority)
    w.el(node, "bevaringstid", case_file.retention_years)
    closed = timezone.localdate(case_file.closed_at) if case_file.closed_at else case_file.opened_on
    try:
        discard_on = closed.replace(year=closed.year + case_file.retention_years)
    except ValueError:  # 29 February
        discard_on = closed.replace(year=closed.year + case_file.retention_years, day=28)
    w.el(node, "kassasjonsdato", discard_on)


def _parties_with_handler(entry: RegistryEntry) -> list[dict]:
    """The correspondence parties, with the case handler and the administrative unit as the internal party
    (Noark 5 groups administrativEnhet and saksbehandler into korrespondansepart on a journalpost)."""
    parties = [dict(p) for p in entry.parties]
    internal = "Intern mottaker" if entry.entry_type == EntryType.INCOMING else "Intern avsender"
    if not any(p.get("type") in INTERNAL_PARTIES for p in parties):
        parties.append({"type": internal, "name": entry.handler_name})
    for party in parties:
        if party.get("type") in INTERNAL_PARTIES:
            party.setdefault("unit", entry.administrative_unit)
            party.setdefault("handler", entry.handler_name)
    return parties


def arkivstruktur(c: Contents) -> bytes:
    w = Writer(NS["arkivstruktur.xml"])
    s = c.settings
    creator_id, creator_name = _creator(s)
    root = w.el(None, "arkiv")
    root.set(f"{{{XSI}}}schemaLocation", f"{NS['arkivstruktur.xml']} arkivstruktur.xsd")
    w.el(root, "systemID", uuid.uuid5(uuid.NAMESPACE_URL, f"los:arkiv:{s.municipality.number}"))
    w.el(root, "tittel", s.archive_title or f"{s.municipality.name} – barnekoordinator")
    w.el(root, "arkivstatus", "Avsluttet")
    w.el(root, "dokumentmedium", "Elektronisk arkiv")
    w.el(root, "opprettetDato", c.made_at)
    w.el(root, "opprettetAv", SYSTEM_NAME)
    w.el(root, "avsluttetDato", c.made_at)
    w.el(root, "avsluttetAv", c.made_by)
    creator = w.el(root, "arkivskaper")
    w.el(creator, "arkivskaperID", creator_id)
    w.el(creator, "arkivskaperNavn", creator_name)
    part = w.el(root, "arkivdel")
    w.el(part, "systemID", uuid.uuid4())
    w.el(part, "tittel", s.series_title or "Barnekoordinator (Los)")
    w.el(part, "arkivdelstatus", "Avsluttet periode")
    w.el(part, "dokumentmedium", "Elektronisk arkiv")
    w.el(part, "opprettetDato", c.made_at)
    w.el(part, "opprettetAv", SYSTEM_NAME)
    w.el(part, "avsluttetDato", c.made_at)
    w.el(part, "avsluttetAv", c.made_by)
    w.el(part, "arkivperiodeStartDato", c.period_start)
    w.el(part, "arkivperiodeSluttDato", c.period_end)
    system = w.el(part, "klassifikasjonssystem")
    w.el(system, "systemID", uuid.uuid5(uuid.NAMESPACE_URL, f"los:klassifikasjonssystem:{s.municipality.number}"))
    w.opt(system, "klassifikasjonstype", s.classification_type)
    w.el(system, "tittel", s.classification_title or s.class_title)
    w.el(system, "opprettetDato", c.made_at)
    w.el(system, "opprettetAv", SYSTEM_NAME)
    by_class: dict[tuple[str, str], list[CaseFile]] = {}
    for case_file in c.case_files:
        by_class.setdefault((case_file.class_id, case_file.class_title), []).append(case_file)
    if not by_class:
        by_class[(s.class_id, s.class_title)] = []
    for (class_id, class_title), case_files in by_class.items():
        klasse = w.el(system, "klasse")
        w.el(klasse, "systemID", uuid.uuid5(uuid.NAMESPACE_URL, f"los:klasse:{s.municipality.number}:{class_id}"))
        w.el(klasse, "klasseID", class_id)
        w.el(klasse, "tittel", class_title)
        w.el(klasse, "opprettetDato", c.made_at)
        w.el(klasse, "opprettetAv", SYSTEM_NAME)
        for case_file in case_files:
            _saksmappe(w, klasse, case_file, c)
    return _bytes(root)


def _saksmappe(w: Writer, parent: etree._Element, case_file: CaseFile, c: Contents) -> None:
    mappe = w.el(parent, "mappe")
    _typed(mappe, "saksmappe")
    w.el(mappe, "systemID", case_file.system_id)
    w.el(mappe, "mappeID", case_file.case_number)
    w.el(mappe, "tittel", case_file.title)
    w.el(mappe, "offentligTittel", case_file.public_title)
    w.el(mappe, "dokumentmedium", "Elektronisk arkiv")
    w.el(mappe, "opprettetDato", case_file.created_at)
    w.el(mappe, "opprettetAv", case_file.handler_name)
    w.el(mappe, "avsluttetDato", case_file.closed_at or c.made_at)
    w.el(mappe, "avsluttetAv", case_file.closed_by_name or case_file.handler_name)
    for party in case_file.parties:
        node = w.el(mappe, "part")
        w.opt(node, "partID", party.get("id"))
        w.el(node, "partNavn", party.get("name") or SCREENED)
        w.el(node, "partRolle", party.get("role") or "Part")
    _kassasjon(w, mappe, case_file, c.settings)
    _skjerming(w, mappe, case_file.access_code, case_file.screening_basis, CASE_SCREENING, False,
               c.settings.screening_years)
    for entry in c.entries.get(case_file.pk, []):
        _journalpost(w, mappe, entry, c)
    w.el(mappe, "saksaar", case_file.case_year)
    w.el(mappe, "sakssekvensnummer", case_file.case_sequence)
    w.el(mappe, "saksdato", case_file.opened_on)
    w.el(mappe, "administrativEnhet", case_file.administrative_unit)
    w.el(mappe, "saksansvarlig", case_file.handler_name)
    w.opt(mappe, "journalenhet", c.settings.journal_unit)
    w.el(mappe, "saksstatus", CaseStatus.CLOSED.value if case_file.status == CaseStatus.CLOSED else case_file.status)


def _journalpost(w: Writer, parent: etree._Element, entry: RegistryEntry, c: Contents) -> None:
    node = w.el(parent, "registrering")
    _typed(node, "journalpost")
    w.el(node, "systemID", entry.system_id)
    w.el(node, "opprettetDato", entry.created_at)
    w.el(node, "opprettetAv", entry.handler_name)
    w.el(node, "arkivertDato", entry.created_at)
    w.el(node, "arkivertAv", entry.handler_name)
    _skjerming(w, node, entry.access_code, entry.screening_basis, ENTRY_SCREENING, True, c.settings.screening_years)
    for document in c.documents.get(entry.pk, []):
        _dokumentbeskrivelse(w, node, document)
    w.el(node, "registreringsID", entry.journal_number)
    w.el(node, "tittel", entry.title)
    w.el(node, "offentligTittel", entry.public_title)
    for party in _parties_with_handler(entry):
        kp = w.el(node, "korrespondansepart")
        w.el(kp, "korrespondanseparttype", party["type"])
        w.el(kp, "korrespondansepartNavn", party.get("name") or SCREENED)
        w.opt(kp, "administrativEnhet", party.get("unit"))
        w.opt(kp, "saksbehandler", party.get("handler"))
    w.el(node, "journalaar", entry.journal_year)
    w.el(node, "journalsekvensnummer", entry.journal_sequence)
    w.el(node, "journalpostnummer", entry.number)
    w.el(node, "journalposttype", entry.entry_type)
    w.el(node, "journalstatus", "Arkivert")
    w.el(node, "journaldato", entry.journal_date)
    w.el(node, "dokumentetsDato", entry.document_date)
    if entry.entry_type == EntryType.INCOMING:
        w.el(node, "mottattDato", entry.created_at)
    elif entry.entry_type == EntryType.OUTGOING:
        w.el(node, "sendtDato", entry.created_at)
    w.el(node, "offentlighetsvurdertDato", entry.journal_date)
    w.opt(node, "journalenhet", c.settings.journal_unit)


def _dokumentbeskrivelse(w: Writer, parent: etree._Element, document: ArchiveDocument) -> None:
    node = w.el(parent, "dokumentbeskrivelse")
    w.el(node, "systemID", document.system_id)
    w.el(node, "dokumenttype", document.document_type)
    w.el(node, "dokumentstatus", "Dokumentet er ferdigstilt")
    w.el(node, "tittel", document.title)
    w.el(node, "opprettetDato", document.created_at)
    w.el(node, "opprettetAv", document.created_by_name)
    w.el(node, "tilknyttetRegistreringSom", "Hoveddokument" if document.main else "Vedlegg")
    w.el(node, "dokumentnummer", document.number)
    w.el(node, "tilknyttetDato", document.created_at)
    w.el(node, "tilknyttetAv", document.created_by_name)
    obj = w.el(node, "dokumentobjekt")
    w.el(obj, "systemID", document.object_system_id)
    w.el(obj, "versjonsnummer", 1)
    w.el(obj, "variantformat", "Arkivformat")
    w.el(obj, "format", document.file_format)
    w.el(obj, "formatDetaljer", "ISO 19005-2:2011, samsvarsnivå A")
    w.el(obj, "opprettetDato", document.created_at)
    w.el(obj, "opprettetAv", document.created_by_name)
    w.el(obj, "referanseDokumentfil", document_path(document))
    w.el(obj, "sjekksum", document.sha256)
    w.el(obj, "sjekksumAlgoritme", "SHA256")
    w.el(obj, "filstoerrelse", document.size)


# --- endringslogg.xml ----------------------------------------------------------------------------------------


def endringslogg(c: Contents) -> bytes:
    """The metadata changed after registration: the status of each case file when it was closed."""
    w = Writer(NS["endringslogg.xml"])
    root = w.el(None, "endringslogg")
    root.set(f"{{{XSI}}}schemaLocation", f"{NS['endringslogg.xml']} endringslogg.xsd")
    for case_file in c.case_files:
        change = w.el(root, "endring")
        w.el(change, "referanseArkivenhet", case_file.system_id)
        w.el(change, "referanseMetadata", "saksstatus")
        w.el(change, "endretDato", case_file.closed_at or c.made_at)
        w.el(change, "endretAv", case_file.closed_by_name or case_file.handler_name)
        w.el(change, "tidligereVerdi", CaseStatus.OPEN.value)
        w.el(change, "nyVerdi", CaseStatus.CLOSED.value)
    return _bytes(root)


# --- loependeJournal.xml and offentligJournal.xml --------------------------------------------------------------


def journal(c: Contents, public: bool) -> bytes:
    filename = "offentligJournal.xml" if public else "loependeJournal.xml"
    w = Writer(NS[filename])
    root = w.el(None, "offentligJournal" if public else "loependeJournal")
    root.set(f"{{{XSI}}}schemaLocation", f"{NS[filename]} {SCHEMA_OF[filename]}")
    entries = c.all_entries
    head = w.el(root, "journalhode")
    w.el(head, "journalStartDato", min((e.journal_date for e in entries), default=c.period_start))
    w.el(head, "journalSluttDato", max((e.journal_date for e in entries), default=c.period_end))
    w.el(head, "antallJournalposter", len(entries))
    creator_id, creator_name = _creator(c.settings)
    creator = w.el(head, "arkivskaper")
    w.el(creator, "arkivskaperID", creator_id)
    w.el(creator, "arkivskaperNavn", creator_name)
    files = {cf.pk: cf for cf in c.case_files}
    for entry in entries:
        case_file = files[entry.case_file_id]
        registration = w.el(root, "journalregistrering")
        klasse = w.el(registration, "klasse")
        w.el(klasse, "klasseID", case_file.class_id)
        w.el(klasse, "tittel", case_file.class_title)
        mappe = w.el(registration, "saksmappe")
        w.el(mappe, "mappeID", case_file.case_number)
        w.el(mappe, "saksaar", case_file.case_year)
        w.el(mappe, "sakssekvensnummer", case_file.case_sequence)
        if not public:
            w.el(mappe, "tittel", case_file.title)
        w.el(mappe, "offentligTittel", case_file.public_title)
        if not public:
            w.el(mappe, "skjermingMetadata", CASE_SCREENING[0])
        w.el(mappe, "administrativEnhet", case_file.administrative_unit)
        w.el(mappe, "saksansvarlig", case_file.handler_name)
        if public:
            w.el(mappe, "tilgangsrestriksjon", case_file.access_code)
            w.el(mappe, "skjermingshjemmel", case_file.screening_basis)
        post = w.el(registration, "journalpost")
        w.el(post, "systemID", entry.system_id)
        w.el(post, "registreringsID", entry.journal_number)
        w.el(post, "journalaar", entry.journal_year)
        w.el(post, "journalsekvensnummer", entry.journal_sequence)
        w.el(post, "journalpostnummer", entry.number)
        if not public:
            w.el(post, "tittel", entry.title)
        w.el(post, "offentligTittel", entry.public_title)
        if not public:
            w.el(post, "offentlighetsvurdertDato", entry.journal_date)
        w.el(post, "skjermingMetadata", ENTRY_SCREENING[0])
        w.el(post, "journaldato", entry.journal_date)
        w.el(post, "dokumentetsDato", entry.document_date)
        w.el(post, "administrativEnhet", entry.administrative_unit)
        w.el(post, "saksbehandler", entry.handler_name)
        if not public:
            w.opt(post, "journalenhet", c.settings.journal_unit)
        w.el(post, "tilgangsrestriksjon", entry.access_code)
        w.el(post, "skjermingshjemmel", entry.screening_basis)
        for party in _parties_with_handler(entry):
            kp = w.el(post, "korrespondansepart")
            w.el(kp, "korrespondanseparttype", party["type"])
            external = party["type"] not in INTERNAL_PARTIES
            w.el(kp, "korrespondansepartNavn", SCREENED if public and external else party.get("name") or SCREENED)
            if not public and external:
                w.el(kp, "skjermingMetadata", "Skjerming navn avsender" if party["type"] == "Avsender"
                     else "Skjerming navn mottaker")
    return _bytes(root)


# --- arkivuttrekk.xml (ADDML) ---------------------------------------------------------------------------------


def _prop(w: Writer, parent: etree._Element, name: str, value: object = None, data_type: str = "") -> etree._Element:
    node = w.el(parent, "property", name=name)
    if data_type:
        node.set("dataType", data_type)
    if value is not None:
        w.el(node, "value", value)
    return node


def _props(w: Writer, parent: etree._Element) -> etree._Element:
    return w.el(parent, "properties")


def _file_props(w: Writer, parent: etree._Element, name: str, content: bytes) -> None:
    file_ = _prop(w, parent, "file")
    props = _props(w, file_)
    _prop(w, props, "name", name)
    fmt = _prop(w, props, "format", "XML")
    _prop(w, _props(w, fmt), "version", "1.0")
    checksum = _props(w, _prop(w, props, "checksum"))
    _prop(w, checksum, "algorithm", "SHA-256")
    _prop(w, checksum, "value", hashlib.sha256(content).hexdigest())


def _schema_prop(w: Writer, parent: etree._Element, name: str, main: bool) -> None:
    node = _prop(w, parent, "schema", "main" if main else None)
    props = _props(w, node)
    _file_props(w, props, name, (SCHEMA_DIR / name).read_bytes())
    kind = _prop(w, props, "type", "XML Schema")
    _prop(w, _props(w, kind), "version", "1.0")


def _occurrences(w: Writer, parent: etree._Element, element: str, count: int) -> None:
    info = _props(w, _prop(w, parent, "info"))
    node = _prop(w, info, "numberOfOccurrences", element)
    props = _props(w, node)
    _prop(w, props, "elementPath", f"//{element}")
    _prop(w, props, "value", count, "integer")


def arkivuttrekk(c: Contents, files: dict[str, bytes], document_count: int) -> bytes:
    w = Writer(NS["arkivuttrekk.xml"])
    root = w.el(None, "addml", name="Noark 5-arkivuttrekk")
    root.set(f"{{{XSI}}}schemaLocation", f"{NS['arkivuttrekk.xml']} addml.xsd")
    dataset = w.el(root, "dataset")
    w.el(dataset, "description", "Noark 5-arkivuttrekk")
    reference = w.el(dataset, "reference")
    context = w.el(w.el(reference, "context"), "additionalElements")
    creators = w.el(w.el(context, "additionalElement", name="recordCreators"), "additionalElements")
    w.el(w.el(creators, "additionalElement", name="recordCreator"), "value", _creator(c.settings)[1])
    w.el(w.el(context, "additionalElement", name="systemType"), "value", "Fagsystem (Noark 5-uttrekk)")
    w.el(w.el(context, "additionalElement", name="systemName"), "value", SYSTEM_NAME)
    w.el(w.el(context, "additionalElement", name="archive"), "value",
         c.settings.archive_title or c.settings.municipality.name)
    content = w.el(w.el(reference, "content"), "additionalElements")
    period = _props(w, w.el(content, "additionalElement", name="archivalPeriod"))
    _prop(w, period, "startDate", c.period_start)
    _prop(w, period, "endDate", c.period_end)
    objects = w.el(dataset, "dataObjects")
    package = w.el(objects, "dataObject", name="Noark 5-arkivuttrekk")
    info = _props(w, _prop(w, _props(w, package), "info"))
    kind = _prop(w, info, "type", "Noark 5")
    _prop(w, _props(w, kind), "version", NOARK_VERSION)
    extra = _props(w, _prop(w, info, "additionalInfo"))
    periods = _props(w, _prop(w, extra, "periode"))
    _prop(w, periods, "inngaaendeSkille", "mykt")
    _prop(w, periods, "utgaaendeSkille", "mykt")
    discards = any(cf.retention_decision == RetentionDecision.DISCARD for cf in c.case_files)
    _prop(w, extra, "inneholderSkjermetInformasjon", True, "boolean")
    _prop(w, extra, "omfatterDokumenterSomErKassert", False, "boolean")
    _prop(w, extra, "inneholderDokumenterSomSkalKasseres", discards, "boolean")
    _prop(w, extra, "inneholderVirksomhetsspesifikkeMetadata", False, "boolean")
    _prop(w, extra, "antallDokumentfiler", document_count, "integer")
    inner = w.el(package, "dataObjects")
    counts = {"arkivstruktur.xml": [("mappe", len(c.case_files)), ("registrering", len(c.all_entries))],
              "endringslogg.xml": [("endring", len(c.case_files))],
              "loependeJournal.xml": [("journalregistrering", len(c.all_entries))],
              "offentligJournal.xml": [("journalregistrering", len(c.all_entries))]}
    for filename, occurrences in counts.items():
        data_object = w.el(inner, "dataObject", name=filename.removesuffix(".xml"))
        props = _props(w, data_object)
        _file_props(w, props, filename, files[filename])
        _schema_prop(w, props, SCHEMA_OF[filename], True)
        _schema_prop(w, props, "metadatakatalog.xsd", False)
        for element, count in occurrences:
            _occurrences(w, props, element, count)
    return _bytes(root)


# --- the package ----------------------------------------------------------------------------------------------


def build(c: Contents, read_document=None) -> tuple[bytes, dict[str, int]]:
    """The zip and its counts. Every XML file is validated against its official schema first."""
    files = {
        "arkivstruktur.xml": arkivstruktur(c),
        "endringslogg.xml": endringslogg(c),
        "loependeJournal.xml": journal(c, public=False),
        "offentligJournal.xml": journal(c, public=True),
    }
    documents = [d for entry in c.all_entries for d in c.documents.get(entry.pk, [])]
    files["arkivuttrekk.xml"] = arkivuttrekk(c, files, len(documents))
    for filename, content in files.items():
        validate(filename, content)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for filename, content in files.items():
            package.writestr(f"{ROOT}/{filename}", content)
        for name in SCHEMA_FILES:
            package.writestr(f"{ROOT}/{name}", (SCHEMA_DIR / name).read_bytes())
        for document in documents:
            content = read_document(document) if read_document else _read(document)
            if hashlib.sha256(content).hexdigest() != document.sha256:
                raise PackageInvalid(f"the stored file of document {document.system_id} does not match its checksum")
            package.writestr(f"{ROOT}/{document_path(document)}", content, compress_type=zipfile.ZIP_STORED)
    counts = {"case_files": len(c.case_files), "entries": len(c.all_entries), "documents": len(documents)}
    return buffer.getvalue(), counts


def _read(document: ArchiveDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()
