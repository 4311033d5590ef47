"""Consent (samtykke) and the audit log.

*Samtykke* = consent. Sharing a family's information with a service needs the family's consent (or a
legal basis). Consent is specific (to a service or a person, for named information categories),
informed (the text shown is kept), limited in time (a default end date) and can be withdrawn at any
time; withdrawal works on the next request. Consent rows are never deleted: withdrawal and expiry are
recorded on the row, so the history stays.

The audit log records every read and change of a family's data (helsepersonelloven,
pasientjournalloven, Normen). Events are append-only and chained with SHA-256 hashes per
municipality, so editing, deleting or reordering an event is detected by ``manage.py audit_verify``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.models import Municipality, ServiceProvider, municipality_field, user_field
from los.families.models import Child, Family, FamilyMember


class Category(models.TextChoices):
    """Information categories a policy decision and a consent speak about."""

    CASE = "case", _("Basic case information")
    CONTACT = "contact", _("Contact details")
    PLAN = "plan", _("Individual plan")
    MEETINGS = "meetings", _("Meetings and minutes")
    SERVICES = "services", _("Services and applications")
    HEALTH = "health", _("Health information")
    STORY = "story", _("Our story")
    DOCUMENTS = "documents", _("Documents")
    MESSAGES = "messages", _("Messages")
    WORKING_NOTES = "working_notes", _("The coordinator's working notes")
    CONSENTS = "consents", _("Consents")
    ACCESS_LOG = "access_log", _("Who has looked at the family's data")
    REFERRAL = "referral", _("Request, assessment and decision")
    PROFESSIONAL = "professional", _("Content of professionals-only meetings")
    DRAFT = "draft", _("Minutes not yet approved")
    SURVEY = "survey", _("Our answers to the questionnaire")


#: Categories a family can never give a service access to: the coordinator's own notes, the messages
#: between the family and the coordinator, the consent register, the access log, the case about the
#: request for a barnekoordinator (assessment and vedtak are between the family and the municipality), and the
#: family's answers to the questionnaire about the scheme (``los.survey``: the family's own, never staff's).
NEVER_CONSENTABLE = frozenset({Category.WORKING_NOTES, Category.MESSAGES, Category.CONSENTS, Category.ACCESS_LOG,
                               Category.REFERRAL, Category.DRAFT, Category.SURVEY})
#: Categories that are part of another for consent: a consent that covers meetings covers the content of a
#: professionals-only meeting (fagmøte) too, for the services that take part.
COVERED_BY = {Category.PROFESSIONAL: Category.MEETINGS}
#: What the family side (guardians, the young person) never sees: the agenda, minutes and actions of a fagmøte,
#: and minutes before they are approved.
FAMILY_SIDE_HIDDEN = frozenset({Category.PROFESSIONAL, Category.DRAFT})
CONSENTABLE_CATEGORIES = [c for c in Category if c not in NEVER_CONSENTABLE and c not in COVERED_BY]


class ConsentMethod(models.TextChoices):
    DIGITAL = "digital", _("Digitally in Los")
    PAPER = "paper", _("On paper, scanned")
    ORAL = "oral", _("Orally, recorded by staff")


class Consent(models.Model):
    """A family's consent that a service (or a named person) may see named categories of its data.

    Given by a guardian who may consent (``given_by_member``), or by a young person aged 16 or more for
    their own health information (``given_by_child``). ``method`` says how: digitally in Los, or on paper
    or orally and then recorded by staff (``recorded_by``). ``valid_to`` is the first moment the consent
    no longer applies (the default end is one year after it was given).
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="consents", verbose_name=_("family"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    given_by_member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="consents_given", verbose_name=_("given by (guardian)"))
    given_by_child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="consents_given",
                                       verbose_name=_("given by (the young person, 16 or older)"))
    service_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="consents", verbose_name=_("service"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="consents_naming", verbose_name=_("named person"))
    categories = models.JSONField(_("information categories"), default=list)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_to = models.DateTimeField(_("valid to"))
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentMethod.choices)
    text_shown = models.TextField(_("the text shown when consent was given"))
    recorded_by = user_field(_("recorded by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = user_field(_("withdrawn by"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            models.Index(fields=["service_provider", "withdrawn_at", "valid_to"]),
            models.Index(fields=["family", "withdrawn_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service_provider__isnull=False) | models.Q(person__isnull=False),
                name="consent_names_service_or_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family}: {self.service_provider or self.person}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.withdrawn_at is None and self.valid_from <= at < self.valid_to

    @property
    def status(self) -> str:
        """``active``, ``upcoming``, ``withdrawn`` or ``expired`` (now)."""
        now = timezone.now()
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.valid_to <= now:
            return "expired"
        if self.valid_from > now:
            return "upcoming"
        return "active"

    @property
    def first_day(self) -> date:
        return timezone.localtime(self.valid_from).date()

    @property
    def last_day(self) -> date:
        """The last day the consent is valid (``valid_to`` is the first moment it is no longer valid)."""
        return (timezone.localtime(self.valid_to) - timedelta(microseconds=1)).date()

    def category_labels(self) -> list[str]:
        labels = []
        for value in self.categories:
            try:
                labels.append(Category(value).label)
            except ValueError:
                labels.append(value)
        return labels

    @property
    def given_by(self) -> FamilyMember | Child | None:
        return self.given_by_child or self.given_by_member

    @property
    def recipient_name(self) -> str:
        if self.service_provider_id:
            return self.service_provider.name
        return str(self.person) if self.person_id else ""


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CHANGE = "change", _("Changed")
    SHARE = "share", _("Shared")
    EXPORT = "export", _("Exported")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    DENIED = "denied", _("Was refused access")


class AuditEvent(models.Model):
    """One append-only audit event. ``hash`` = HMAC-SHA256, under the audit key named by ``key_id`` (kept
    outside the database: ``los.access.audit_keys``), over the previous event's hash in the same chain (one
    chain per municipality) and this event's canonical content. Events written before the chain was keyed have
    no ``key_id`` and a plain SHA-256 ``hash``."""

    chain = models.CharField(max_length=10, db_index=True)
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField(default=timezone.now)
    actor = user_field(on_delete=models.PROTECT, blank=False)
    actor_name = models.CharField(max_length=200, blank=True)
    actor_role = models.CharField(max_length=40, blank=True)
    actor_service = models.CharField(max_length=200, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, related_name="+")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    category = models.CharField(max_length=20, blank=True)
    #: The information categories the response actually showed of the family (comma-separated, sorted): a page
    #: opened for one category that also showed the plan and contact details names all three.
    categories = models.CharField(max_length=200, blank=True, default="")
    allowed = models.BooleanField(default=True)
    reason = models.CharField(max_length=300)
    session_ref = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    path = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    #: The id of the audit key the hash was made with ("": plain SHA-256, written before the chain was keyed).
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["chain", "seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")]
        indexes = [models.Index(fields=["family", "-at"])]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only.")


class AuditChainHead(models.Model):
    """The last event of one audit chain; locked while appending so that the chain stays linear."""

    chain = models.CharField(max_length=10, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.chain}@{self.seq}"


class FamilyTransfer(models.Model):
    """A family's recorded move to another municipality (*flytting*), with the family's consent.

    From ``date`` the coordinating unit (and an appointed barnekoordinator) of ``to_municipality`` may
    see the handed-over family, so that the family does not have to tell its story again. The sending
    municipality keeps access until the family's municipality is changed (the move is completed);
    ``municipality`` is the family's municipality when the move was recorded. A transfer is never
    deleted; a cancelled move is marked with ``cancelled_at``.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("family"))
    municipality = municipality_field()
    from_municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="transfers_out",
                                          verbose_name=_("moving from"))
    to_municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="transfers_in",
                                        verbose_name=_("moving to"))
    consented_by = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, related_name="transfers_consented",
                                     verbose_name=_("consent to hand over given by"))
    date = models.DateField(_("handover date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = user_field(_("recorded by"), on_delete=models.PROTECT, blank=False)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("family move")
        verbose_name_plural = _("family moves")
        indexes = [models.Index(fields=["to_municipality", "cancelled_at", "date"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(from_municipality=models.F("to_municipality")),
                                   name="transfer_changes_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.family}: {self.from_municipality} → {self.to_municipality}"
