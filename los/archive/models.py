"""The family's case in the municipality's archive (Noark 5): case files, registry entries, documents and deposits.

A decision on a barnekoordinator is an *enkeltvedtak*; the request, the letters, the appeal and the documents the
case rests on are case documents the municipality must keep under the archive law (arkivlova), in its sak/arkiv
system, which follows the Noark 5 standard. Los journals them when they happen, so that nothing that must be
archived lives only in Los. Norwegian terms kept in the code:

- *Saksmappe* (:class:`CaseFile`) = the case file: one per family and case, with a case number (saksår/sekvens),
  the case handler (saksansvarlig), the municipality's classification (klasse) and the screening (skjerming).
- *Journalpost* (:class:`RegistryEntry`) = a registry entry: one record-worthy document with its type (inngående,
  utgående, organinternt), journal date, parties (korrespondansepart), case handler, screening and legal basis
  (skjermingshjemmel), and its place in the transfer queue to the municipality's own archive system.
- *Dokumentbeskrivelse / dokumentobjekt* (:class:`ArchiveDocument`) = the document and its file: PDF/A, with a
  SHA-256 checksum and size.
- *Arkivuttrekk / deponering / avlevering* (:class:`Deposit`) = a deposit package of closed case files for the
  archive depot, and whether the depot has confirmed it.
- *Bevares / kasseres* (``retention_decision``) = whether a case file is kept for ever (deposited) or discarded.

The family's own messages and the coordinator's working notes are not journaled. Every row here belongs to one
family and its municipality except :class:`ArchiveSettings` (the municipality's archive set-up) and
:class:`Deposit` (a package's bookkeeping).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from los.core.models import Municipality, municipality_field, user_field, version_field
from los.families.models import Family

#: forvaltningsloven § 13 first paragraph no. 1 (personal matters) read with offentleglova § 13: the default
#: skjermingshjemmel of a barnekoordinator case. The municipality can set its own wording (ArchiveSettings).
DEFAULT_SCREENING_BASIS = "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"


def _document_path(instance: ArchiveDocument, filename: str) -> str:
    return f"archive/{instance.municipality_id}/{instance.family_id}/{filename}"


def _deposit_path(instance: Deposit, filename: str) -> str:
    return f"archive/deposits/{instance.municipality_id}/{filename}"


class RetentionDecision(models.TextChoices):
    """Noark 5 M450 kassasjonsvedtak."""

    PRESERVE = "Bevares", _("Preserve (deposit to the archive depot)")
    DISCARD = "Kasseres", _("Discard after the retention period")
    LATER = "Vurderes senere", _("Decide later")


class ArchiveSettings(models.Model):
    """What the municipality's archive service sets up once: who the records creator is, the classification the
    case files get, the screening code and its legal basis, the retention decision, and where its sak/arkiv system
    is (for the transfer of registry entries). Defaults are written so that a municipality sees what to change."""

    municipality = models.OneToOneField(Municipality, on_delete=models.PROTECT, related_name="archive_settings",
                                        verbose_name=_("municipality"))
    organisation_number = models.CharField(
        _("organisation number"), max_length=9, blank=True,
        help_text=_("The municipality's organisation number in the Central Coordinating Register (9 digits). "
                    "Used as the records creator's identifier and in FHIR."))
    records_creator = models.CharField(_("records creator (arkivskaper)"), max_length=200, blank=True)
    archive_title = models.CharField(_("name of the archive"), max_length=200, blank=True)
    series_title = models.CharField(_("name of the archive part (arkivdel)"), max_length=200, blank=True)
    classification_type = models.CharField(_("type of classification system"), max_length=100,
                                           default="Funksjonsbasert, hierarkisk")
    classification_title = models.CharField(_("name of the classification system"), max_length=200, blank=True)
    class_id = models.CharField(_("class (arkivkode)"), max_length=50, default="BK")
    class_title = models.CharField(_("title of the class"), max_length=200,
                                   default="Barnekoordinator, pasient- og brukerrettighetsloven § 2-5 c")
    administrative_unit = models.CharField(_("administrative unit"), max_length=200, blank=True,
                                           help_text=_("Leave empty to use the coordinating unit's name."))
    journal_unit = models.CharField(_("journal unit (journalenhet)"), max_length=50, blank=True)
    access_code = models.CharField(_("screening code (tilgangskode)"), max_length=30, default="Unntatt offentlighet",
                                   help_text=_("The code the archive system uses for documents exempt from public "
                                               "access under offentleglova § 13."))
    screening_basis = models.CharField(_("legal basis for the screening"), max_length=200,
                                       default=DEFAULT_SCREENING_BASIS)
    screening_years = models.PositiveSmallIntegerField(_("years the screening lasts"), default=60)
    retention_decision = models.CharField(_("retention decision (kassasjonsvedtak)"), max_length=20,
                                          choices=RetentionDecision.choices, default=RetentionDecision.PRESERVE)
    retention_years = models.PositiveSmallIntegerField(_("retention period in years (bevaringstid)"), default=10)
    retention_authority = models.CharField(_("authority for the retention decision (kassasjonshjemmel)"),
                                           max_length=200, blank=True)
    archive_system = models.CharField(_("the archive system's name"), max_length=200, blank=True)
    archive_address = models.CharField(
        _("the archive's address"), max_length=300, blank=True,
        help_text=_("Where registry entries go: the address of the municipality's sak/arkiv system or integration "
                    "that fetches them from Los's API, or the archive service's postal address."))
    version = version_field()

    class Meta:
        verbose_name = _("archive settings")
        verbose_name_plural = _("archive settings")

    def __str__(self) -> str:
        return str(self.municipality)


class CaseStatus(models.TextChoices):
    """Noark 5 M052 saksstatus."""

    OPEN = "Under behandling", pgettext_lazy("archive case status", "Open")
    CLOSED = "Avsluttet", pgettext_lazy("archive case status", "Closed")


class CaseFile(models.Model):
    """A *saksmappe*: the family's case in the archive, with its case number, handler, classification and
    screening. The case number is ``case_year/case_sequence`` (sequence per municipality and year)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="archive_case_files",
                               verbose_name=_("family"))
    municipality = municipality_field()
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case_year = models.PositiveSmallIntegerField(_("case year"))
    case_sequence = models.PositiveIntegerField(_("case sequence number"))
    title = models.CharField(_("title"), max_length=300)
    public_title = models.CharField(_("public title"), max_length=300)
    opened_on = models.DateField(_("case date"))
    handler = user_field(_("case handler"), on_delete=models.PROTECT)
    handler_name = models.CharField(_("case handler"), max_length=200)
    administrative_unit = models.CharField(_("administrative unit"), max_length=200)
    class_id = models.CharField(_("class"), max_length=50)
    class_title = models.CharField(_("title of the class"), max_length=200)
    access_code = models.CharField(_("screening code"), max_length=30)
    screening_basis = models.CharField(_("legal basis for the screening"), max_length=200)
    parties = models.JSONField(_("parties"), default=list)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by_name = models.CharField(_("closed by"), max_length=200, blank=True)
    retention_decision = models.CharField(_("retention decision"), max_length=20, choices=RetentionDecision.choices,
                                          default=RetentionDecision.PRESERVE)
    retention_years = models.PositiveSmallIntegerField(_("retention period in years"), default=10)
    deposit = models.ForeignKey("Deposit", on_delete=models.PROTECT, null=True, blank=True, related_name="case_files",
                                verbose_name=_("deposit"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-case_year", "-case_sequence"]
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        constraints = [models.UniqueConstraint(fields=["municipality", "case_year", "case_sequence"],
                                               name="archive_case_number_unique")]
        indexes = [models.Index(fields=["family", "status"])]

    def __str__(self) -> str:
        return self.case_number

    @property
    def case_number(self) -> str:
        return f"{self.case_year}/{self.case_sequence}"


class EntryType(models.TextChoices):
    """Noark 5 M082 journalposttype."""

    INCOMING = "Inngående dokument", pgettext_lazy("registry entry type", "Incoming")
    OUTGOING = "Utgående dokument", pgettext_lazy("registry entry type", "Outgoing")
    INTERNAL = "Organinternt dokument uten oppfølging", pgettext_lazy("registry entry type", "Internal")


class EntryKind(models.TextChoices):
    """What happened in Los that made the registry entry."""

    REQUEST = "request", _("Request for a barnekoordinator")
    PRELIMINARY_REPLY = "preliminary_reply", _("Preliminary reply")
    DECISION = "decision", _("Decision letter")
    APPEAL = "appeal", _("Appeal")
    APPEAL_SENT = "appeal_sent", _("Appeal sent to the county governor")
    APPEAL_OUTCOME = "appeal_outcome", _("The county governor's decision on the appeal")
    APPOINTMENT = "appointment", _("Appointment of a barnekoordinator")
    PLAN_VERSION = "plan_version", _("Individual plan, version approved by the family")
    MINUTES = "minutes", _("Approved minutes")
    CLOSING = "closing", _("Closing summary")
    NOTE = "note", _("Journaled by the coordinator")


class TransferStatus(models.TextChoices):
    """Where a registry entry is on its way to the municipality's own archive system."""

    WAITING = "waiting", pgettext_lazy("archive transfer", "Waiting")
    SENT = "sent", pgettext_lazy("archive transfer", "Sent")
    CONFIRMED = "confirmed", pgettext_lazy("archive transfer", "Confirmed")
    FAILED = "failed", pgettext_lazy("archive transfer", "Failed")


class RegistryEntry(models.Model):
    """A *journalpost*: one record-worthy document of the case, journaled when the event happened in Los.

    ``journal_year``/``journal_sequence`` number the entry in the municipality's journal; ``number`` is its number
    within the case file (journalpostnummer). ``source`` names the Los object it was made from
    (``referrals.vedtak:17``). ``transfer_status`` and the fields after it are the queue to the municipality's
    sak/arkiv system: waiting, sent (fetched by the receiving system), confirmed (the receiving system answered
    with its own reference) or failed (with the receiving system's message; it is offered again)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="archive_entries",
                               verbose_name=_("family"))
    municipality = municipality_field()
    case_file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="entries",
                                  verbose_name=_("case file"))
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    journal_year = models.PositiveSmallIntegerField(_("journal year"))
    journal_sequence = models.PositiveIntegerField(_("journal sequence number"))
    number = models.PositiveIntegerField(_("number in the case"))
    kind = models.CharField(_("what"), max_length=30, choices=EntryKind.choices)
    entry_type = models.CharField(_("type"), max_length=50, choices=EntryType.choices)
    title = models.CharField(_("title"), max_length=300)
    public_title = models.CharField(_("public title"), max_length=300)
    journal_date = models.DateField(_("journal date"))
    document_date = models.DateField(_("date of the document"))
    handler = user_field(_("case handler"), on_delete=models.PROTECT)
    handler_name = models.CharField(_("case handler"), max_length=200)
    administrative_unit = models.CharField(_("administrative unit"), max_length=200)
    parties = models.JSONField(_("correspondence parties"), default=list)
    access_code = models.CharField(_("screening code"), max_length=30)
    screening_basis = models.CharField(_("legal basis for the screening"), max_length=200)
    source = models.CharField(_("made from"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("journaled"), default=timezone.now)
    transfer_status = models.CharField(_("transfer"), max_length=10, choices=TransferStatus.choices,
                                       default=TransferStatus.WAITING)
    transfer_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    external_reference = models.CharField(_("reference in the archive system"), max_length=100, blank=True)
    transfer_message = models.CharField(_("message from the archive system"), max_length=500, blank=True)

    class Meta:
        ordering = ["-journal_year", "-journal_sequence"]
        verbose_name = _("registry entry")
        verbose_name_plural = _("registry entries")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "journal_year", "journal_sequence"],
                                    name="archive_journal_number_unique"),
            models.UniqueConstraint(fields=["case_file", "number"], name="archive_entry_number_unique"),
        ]
        indexes = [models.Index(fields=["municipality", "transfer_status", "journal_year", "journal_sequence"]),
                   models.Index(fields=["source"])]

    def __str__(self) -> str:
        return self.journal_number

    @property
    def journal_number(self) -> str:
        return f"{self.journal_year}/{self.journal_sequence}"


class ArchiveDocument(models.Model):
    """A *dokumentbeskrivelse* with its *dokumentobjekt*: the document of a registry entry as PDF/A, with its
    checksum (SHA-256) and size, written once and never changed."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="archive_documents",
                               verbose_name=_("family"))
    municipality = municipality_field()
    entry = models.ForeignKey(RegistryEntry, on_delete=models.PROTECT, related_name="documents",
                              verbose_name=_("registry entry"))
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    object_system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveSmallIntegerField(_("document number"), default=1)
    title = models.CharField(_("title"), max_length=300)
    document_type = models.CharField(_("document type"), max_length=50)
    main = models.BooleanField(_("main document"), default=True)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    file_format = models.CharField(_("format"), max_length=30, default="PDF/A-2b")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by_name = models.CharField(_("made by"), max_length=200)

    class Meta:
        ordering = ["entry", "number"]
        verbose_name = _("archived document")
        verbose_name_plural = _("archived documents")

    def __str__(self) -> str:
        return self.title


class DepositStatus(models.TextChoices):
    MADE = "made", _("Made, waiting for the depot's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the archive depot")


class Deposit(models.Model):
    """A deposit package (*arkivuttrekk*) of closed case files, and whether the archive depot has confirmed that it
    received it whole. Until then, a case file marked *Bevares* in it cannot be deleted by retention."""

    municipality = municipality_field()
    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    made_at = models.DateTimeField(_("made"), default=timezone.now)
    made_by = user_field(_("made by"), on_delete=models.PROTECT)
    file = models.FileField(_("package"), upload_to=_deposit_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    counts = models.JSONField(_("contents"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=DepositStatus.choices, default=DepositStatus.MADE)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = user_field(_("confirmed by"), on_delete=models.PROTECT)
    receipt = models.CharField(_("the depot's receipt"), max_length=200, blank=True)

    class Meta:
        ordering = ["-made_at"]
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end}"
