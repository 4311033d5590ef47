"""The family's service map: every service and benefit, application, decision (vedtak) and appeal
(klage), with documents, and the needs that no service has taken on.

Norwegian terms used here:

- *Tjeneste* / *ytelse* = a service or a benefit; the map holds both (avlastning, hjelpestønad ...).
- *Søknad* = application. *Vedtak* = the decision on it: *innvilget* (granted), *delvis innvilget*
  (partly granted) or *avslag* (refused). A vedtak states its legal basis (*hjemmel*).
- *Klage* = appeal against a vedtak; the appeal deadline (*klagefrist*) depends on the law the
  decision is made under (fvl § 29: 3 weeks, pbrl § 7-5: 4 weeks, ftrl § 21-12: 6 weeks) and is
  always computed by :mod:`los.core.deadlines`.
- *Foreløpig svar* = preliminary reply, owed under fvl § 11 a when a request cannot be answered
  within a month.
- *Saksbehandlingstid* = processing time (see :mod:`los.servicemap.processing`).
- *Ikke mitt bord* ("not my desk"): a need that falls between two chairs because no service accepts
  it. :class:`Need` records the need and :class:`NeedRequest` which services were asked and what
  they answered; a need no service has accepted shows on the "needs without an owner" list.
- *Levering* = delivery: what a granted service actually gave the family (hours, nights, visits), recorded by the
  family or the provider (:class:`Delivery`) and held against what the vedtak grants
  (:mod:`los.servicemap.delivery`). A decision that is granted but not delivered is flagged; a family may also
  record that it declined a service because it was not good enough.
- *Klageutkast* = a draft appeal: Los drafts an outline from the decision's own reasons
  (:mod:`los.servicemap.appeals`); the barnekoordinator's own working draft (:class:`AppealDraft`) is a working
  note, never shown to the coordinating unit, to those who decide, nor to the services.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core import deadlines
from los.core.models import (
    Municipality,
    ServiceProvider,
    family_field,
    municipality_field,
    user_field,
    version_field,
)
from los.families.models import Child, Family
from los.servicemap import catalog
from los.servicemap.catalog import validate_catalog_id


class Sector(models.TextChoices):
    """Where a service sits around the family; the map groups services by sector."""

    MUNICIPAL = "municipal", _("Municipal services")
    SCHOOL = "school", _("Kindergarten and school")
    SPECIALIST = "specialist", _("Specialist health service")
    STATE = "state", _("State and NAV")
    COUNTY = "county", _("County")
    ORGANISATION = "organisation", _("Organisations")


class EntryState(models.TextChoices):
    CONSIDERED = "considered", _("Considered")
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")
    APPEALED = "appealed", _("Appealed")
    ENDED = "ended", _("Ended")


class ExtentUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")
    NIGHTS = "nights", _("nights (døgn)")
    VISITS = "visits", _("visits")
    TRIPS = "trips", _("trips")
    NOK = "nok", _("kroner")
    ITEMS = "items", _("items")


#: Units whose delivery can be counted and held against the grant (money and items are not "delivered").
DELIVERY_UNITS = ("hours", "days", "nights", "visits", "trips")


class DeclinedReason(models.TextChoices):
    """Why a family declined a granted service (15 % declined respite care because it was not good enough)."""

    NOT_GOOD_ENOUGH = "not_good_enough", _("It was not good enough")
    NOT_SAFE = "not_safe", _("We did not feel the child was safe there")
    NOT_SUITED = "not_suited", _("It did not suit the child’s needs")
    CHANGING_STAFF = "changing_staff", _("New people all the time")
    TOO_FAR = "too_far", _("Too far away or at the wrong times")
    NO_LONGER_NEEDED = "no_longer_needed", _("We no longer need it")
    OTHER = "other", _("Something else")


class ExtentPer(models.TextChoices):
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")
    TOTAL = "total", _("in total")


_SECTOR_BY_PROVIDER_KIND = {
    "kindergarten": Sector.SCHOOL, "school": Sector.SCHOOL, "sfo": Sector.SCHOOL, "ppt": Sector.SCHOOL,
    "nav": Sector.STATE, "habu": Sector.SPECIALIST, "bup": Sector.SPECIALIST, "hospital": Sector.SPECIALIST,
    "organisation": Sector.ORGANISATION,
}
_SECTOR_BY_PROVIDER_LEVEL = {
    "municipal": Sector.MUNICIPAL, "county": Sector.COUNTY, "state": Sector.STATE,
    "specialist": Sector.SPECIALIST, "organisation": Sector.ORGANISATION,
}


def sector_for(catalog_id: str = "", provider: ServiceProvider | None = None) -> str:
    """The usual sector for a catalogue id or a provider (municipal when nothing is known)."""
    if provider is not None:
        return _SECTOR_BY_PROVIDER_KIND.get(provider.kind) or _SECTOR_BY_PROVIDER_LEVEL.get(
            provider.level, Sector.MUNICIPAL)
    return catalog.usual_sector(catalog_id) or Sector.MUNICIPAL


class ServiceEntry(models.Model):
    """One service or benefit on the family's map, in any state from *considered* to *ended*.

    Linked to the navigator's catalogue by its string id where one exists (``catalog_id``). For a
    granted service, the extent (``extent_amount`` ``extent_unit`` ``extent_per``, e.g. "16 hours per
    month" of avlastning) and the period (``period_from``–``period_to``) are recorded; a time-limited
    decision raises a renewal reminder ``renewal_notice_months`` (default
    ``settings.LOS_RENEWAL_NOTICE_MONTHS``, 3) before it ends.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="service_entries",
                               verbose_name=_("family"))
    municipality = municipality_field()
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("for whom"))
    catalog_id = models.CharField(_("right or benefit in the navigator"), max_length=60, blank=True,
                                  validators=[validate_catalog_id])
    title = models.CharField(_("name"), max_length=200, blank=True,
                             help_text=_("As the family calls it, for example “Respite at Solsikken”."))
    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("service provider"))
    provider_name = models.CharField(_("provider (if not in the list)"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.MUNICIPAL)
    state = models.CharField(_("state"), max_length=20, choices=EntryState.choices, default=EntryState.CONSIDERED)
    extent_amount = models.DecimalField(_("extent"), max_digits=9, decimal_places=1, null=True, blank=True)
    extent_unit = models.CharField(_("unit"), max_length=10, choices=ExtentUnit.choices, blank=True)
    extent_per = models.CharField(_("per"), max_length=10, choices=ExtentPer.choices, blank=True)
    extent_note = models.CharField(_("about the extent"), max_length=200, blank=True)
    period_from = models.DateField(_("granted from"), null=True, blank=True)
    period_to = models.DateField(_("granted until"), null=True, blank=True,
                                 help_text=_("For a time-limited decision. Los reminds you to apply for renewal."))
    renewal_notice_months = models.PositiveSmallIntegerField(
        _("renewal reminder (months before the end)"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact’s phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact’s e-mail"), blank=True)
    contact_user = user_field(_("contact person with a Los log-in"))
    notes = models.TextField(_("notes"), blank=True)
    follow_delivery = models.BooleanField(
        _("follow up what is delivered"), default=True,
        help_text=_("Los holds what is delivered against what is granted and says when it falls short."))
    declined_on = models.DateField(_("declined from"), null=True, blank=True)
    declined_reason = models.CharField(_("why we declined"), max_length=20, choices=DeclinedReason.choices,
                                       blank=True)
    declined_note = models.TextField(_("what was not good enough"), blank=True)
    renewal_reminded_for = models.DateField(null=True, blank=True, editable=False)
    created_by = user_field(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        ordering = ["sector", "title", "catalog_id"]
        verbose_name = _("service on the map")
        verbose_name_plural = _("services on the map")
        indexes = [
            models.Index(fields=["family", "state"]),
            models.Index(fields=["state", "period_to"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.title or (catalog.label(self.catalog_id, self.municipality_id) if self.catalog_id
                              else str(_("Service")))

    @property
    def has_application_kit(self) -> bool:
        """The application kit exists for the national catalogue's entries, not for a municipality's own."""
        return bool(self.catalog_id) and self.catalog_id in catalog.catalog_ids()

    @property
    def provider_display(self) -> str:
        return self.provider.name if self.provider else self.provider_name

    @property
    def provider_kind(self) -> str:
        return self.provider.kind if self.provider else ""

    @property
    def is_active_grant(self) -> bool:
        return self.state in (EntryState.GRANTED, EntryState.PARTLY_GRANTED)

    @property
    def delivery_countable(self) -> bool:
        """A grant with an extent in a unit that is delivered (hours, nights, visits …), per week, month, year or
        in total: what is delivered can be held against it."""
        return bool(self.extent_amount and self.extent_unit in DELIVERY_UNITS and self.extent_per)

    def notice_months(self) -> int:
        return self.renewal_notice_months or int(getattr(settings, "LOS_RENEWAL_NOTICE_MONTHS", 3))

    def renewal_due_from(self) -> date | None:
        """The day from which a renewal reminder is due (``notice_months`` before ``period_to``)."""
        if not self.period_to:
            return None
        return deadlines.add_months(self.period_to, -self.notice_months())

    def renewal_due(self, today: date) -> bool:
        start = self.renewal_due_from()
        return bool(self.is_active_grant and start and start <= today <= self.period_to)

    def access_owner_ids(self) -> list[int]:
        return [self.contact_user_id] if self.contact_user_id else []

    def clean(self) -> None:
        super().clean()
        # A municipality's own service in the navigator may be named only on the map of a family there.
        if catalog.is_local(self.catalog_id) and self.catalog_id not in catalog.local_entries(self.municipality_id):
            raise ValidationError({"catalog_id": _("“%(value)s” is not in the navigator’s catalogue.")
                                   % {"value": self.catalog_id}})


class Decision(models.TextChoices):
    PENDING = "pending", _("No decision yet")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")


class Application(models.Model):
    """A *søknad* for a service or benefit, and the *vedtak* made on it.

    The decision's legal basis is free text as written in the letter ("ftrl § 6-4"), resolved with
    :func:`los.core.deadlines.resolve_legal_basis`; from it and the day the decision reached the
    family, :func:`los.core.deadlines.appeal_deadline` gives the appeal deadline, stored in
    ``appeal_deadline`` for reminders and lists. Los never computes a deadline itself.
    """

    family = family_field()
    municipality = municipality_field()
    entry = models.ForeignKey(ServiceEntry, on_delete=models.PROTECT, related_name="applications",
                              verbose_name=_("service"))
    sent_on = models.DateField(_("date sent"))
    reference = models.CharField(_("the agency’s case number"), max_length=60, blank=True)
    expected_processing_days = models.PositiveSmallIntegerField(
        _("expected processing time (days)"), null=True, blank=True,
        help_text=_("If the agency has said how long it will take. Leave empty to use the usual time."))
    preliminary_reply_on = models.DateField(_("preliminary reply received"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decision_on = models.DateField(_("date of the decision"), null=True, blank=True)
    decision_received_on = models.DateField(
        _("date the decision reached the family"), null=True, blank=True,
        help_text=_("The appeal deadline runs from this day. For digital post: the day it arrived in the mailbox."))
    legal_basis = models.CharField(_("legal basis of the decision"), max_length=200, blank=True)
    legal_basis_key = models.CharField(max_length=40, blank=True, editable=False)
    appeal_rule = models.CharField(max_length=10, blank=True, editable=False)
    appeal_deadline = models.DateField(_("appeal deadline"), null=True, blank=True, editable=False)
    no_appeal = models.BooleanField(_("the family will not appeal"), default=False)
    appeal_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    appeal_final_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_reasons = models.TextField(
        _("what the decision says"), blank=True,
        help_text=_("The decision’s own reasons, in short, as the letter gives them. The appeal outline starts "
                    "from them."))
    notes = models.TextField(_("notes"), blank=True)
    created_by = user_field(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["decision", "appeal_deadline"]),
            models.Index(fields=["decision", "sent_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.entry} ({self.sent_on:%d.%m.%Y})"

    @property
    def is_decided(self) -> bool:
        return self.decision != Decision.PENDING

    def deadline_details(self) -> deadlines.AppealDeadline | None:
        """The full appeal-deadline computation (rule, law, weekend/holiday extension)."""
        if not (self.decision_received_on and self.legal_basis):
            return None
        try:
            return deadlines.appeal_deadline(self.decision_received_on, self.legal_basis)
        except deadlines.UnknownLegalBasis:
            return None

    def access_owner_ids(self) -> list[int]:
        return self.entry.access_owner_ids()


class AppealStatus(models.TextChoices):
    PREPARING = "preparing", _("Being written")
    SENT = "sent", _("Sent")
    RECONSIDERING = "reconsidering", _("The agency is reconsidering")
    FORWARDED = "forwarded", _("Sent on to the appeal body")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AppealOutcome(models.TextChoices):
    PENDING = "pending", _("No outcome yet")
    GRANTED = "granted", _("Appeal upheld: granted")
    PARTLY_GRANTED = "partly_granted", _("Partly upheld")
    REFUSED = "refused", _("Appeal not upheld")
    SENT_BACK = "sent_back", _("Decision set aside, to be decided again")


class Appeal(models.Model):
    """A *klage* against a decision, with its own status and outcome.

    The appeal is sent to the body that made the decision, which reconsiders it and forwards it to the
    appeal body (statsforvalteren, Nav klageinstans, the municipal appeals board ...).
    """

    family = family_field()
    municipality = municipality_field()
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="appeals",
                                    verbose_name=_("application"))
    status = models.CharField(_("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.SENT)
    sent_on = models.DateField(_("date sent"), null=True, blank=True)
    sent_to = models.CharField(_("sent to"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=AppealOutcome.choices,
                               default=AppealOutcome.PENDING)
    outcome_on = models.DateField(_("date of the outcome"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = user_field(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{_('Appeal')}: {self.application.entry}"

    @property
    def in_time(self) -> bool | None:
        deadline = self.application.appeal_deadline
        if not (self.sent_on and deadline):
            return None
        return self.sent_on <= deadline

    def access_owner_ids(self) -> list[int]:
        return self.application.access_owner_ids()


class DocumentKind(models.TextChoices):
    APPLICATION = "application", _("Application")
    DECISION = "decision", _("Decision letter")
    APPEAL = "appeal", _("Appeal")
    PRELIMINARY = "preliminary", _("Preliminary reply")
    MEDICAL = "medical", _("Medical statement")
    STATEMENT = "statement", _("Statement from a service")
    EXPERT = "expert", _("Expert assessment")
    OTHER = "other", _("Other document")


def _document_path(instance: Document, filename: str) -> str:
    # Never the uploaded name: a random name under the municipality, outside the web root.
    return f"servicemap/{instance.municipality_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """An attached letter (application, decision, appeal), stored through Django's default storage
    outside the web root, checked by content (:mod:`los.servicemap.uploads`) and served only
    through the access policy as a download."""

    family = family_field()
    municipality = municipality_field()
    entry = models.ForeignKey(ServiceEntry, on_delete=models.PROTECT, related_name="documents",
                              verbose_name=_("service"))
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="documents", verbose_name=_("application"))
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="documents", verbose_name=_("appeal"))
    kind = models.CharField(_("kind of document"), max_length=20, choices=DocumentKind.choices,
                            default=DocumentKind.DECISION)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=_document_path, max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = user_field()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    @property
    def base_name(self) -> str:
        """The name the document downloads under, before the extension of its detected type."""
        from los.servicemap.uploads import safe_base_name

        return safe_base_name(self.title, "dokument", file_name=False)

    def access_owner_ids(self) -> list[int]:
        return [self.uploaded_by_id] if self.uploaded_by_id else []


class NeedSource(models.TextChoices):
    PLAN = "plan", _("The individual plan")
    MEETING = "meeting", _("A meeting")
    FAMILY = "family", _("The family")
    COORDINATOR = "coordinator", _("The barnekoordinator")
    SERVICE = "service", _("A service")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    WITHDRAWN = "withdrawn", _("No longer needed")


class Need(models.Model):
    """A need recorded by the coordinator (from the plan, a meeting or the family). It has an owner
    when at least one service asked to take it has *accepted* it; until then it is on the "needs
    without an owner" list (ikke mitt bord)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="service_needs",
                               verbose_name=_("family"))
    municipality = municipality_field()
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("for whom"))
    description = models.TextField(_("the need"))
    source = models.CharField(_("where the need came from"), max_length=20, choices=NeedSource.choices,
                              default=NeedSource.COORDINATOR)
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    recorded_on = models.DateField(_("recorded"), default=timezone.localdate)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    recorded_by = user_field(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        ordering = ["recorded_on", "id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [models.Index(fields=["family", "status"]), models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return self.description[:80]


class NeedResponse(models.TextChoices):
    WAITING = "waiting", _("No answer yet")
    ACCEPTED = "accepted", _("Accepted: our responsibility")
    DECLINED = "declined", _("Declined: not our responsibility")


class NeedRequest(models.Model):
    """A service asked to take on a need, and its answer."""

    family = family_field()
    municipality = municipality_field()
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="requests", verbose_name=_("need"))
    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("service asked"))
    provider_name = models.CharField(_("service asked (if not in the list)"), max_length=200, blank=True)
    asked_on = models.DateField(_("asked on"), default=timezone.localdate)
    response = models.CharField(_("answer"), max_length=20, choices=NeedResponse.choices,
                                default=NeedResponse.WAITING)
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    response_note = models.CharField(_("what the service said"), max_length=500, blank=True)
    responded_by = user_field(editable=False)
    asked_by = user_field(editable=False)
    #: Optimistic locking of the answer, which the coordinator and the service's contacts may all record.
    version = version_field()

    class Meta:
        ordering = ["asked_on", "id"]
        verbose_name = _("service asked to take a need")
        verbose_name_plural = _("services asked to take a need")
        indexes = [models.Index(fields=["need", "response"])]

    def __str__(self) -> str:
        return f"{self.provider_display}: {self.get_response_display()}"

    @property
    def provider_display(self) -> str:
        return self.provider.name if self.provider else self.provider_name

    def access_owner_ids(self) -> list[int]:
        """Service contacts at the service asked may answer for it (under the family's consent)."""
        if not self.provider_id:
            return []
        from los.accounts.models import Role, StaffRole

        return list(StaffRole.objects.filter(service_provider_id=self.provider_id, role=Role.SERVICE_CONTACT,
                                             active=True).values_list("user_id", flat=True))


class NotificationKind(models.TextChoices):
    FAMILY_UPDATE = "family_update", _("The family updated the service map")
    APPEAL_DEADLINE = "appeal_deadline", _("Appeal deadline soon")
    APPEAL_FINAL = "appeal_final", _("Appeal deadline in a few days")
    RENEWAL = "renewal", _("Time to apply for renewal")


class Notification(models.Model):
    """An in-app notice about a family's service map for one person (the coordinator or a guardian).

    The text is built when shown, in the reader's language; e-mails about it never carry content."""

    family = family_field()
    municipality = municipality_field()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="servicemap_notifications", verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    entry = models.ForeignKey(ServiceEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    actor = user_field()
    due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.family})"

    def access_owner_ids(self) -> list[int]:
        return [self.recipient_id]


class DeliverySide(models.TextChoices):
    FAMILY = "family", _("The family")
    PROVIDER = "provider", _("The provider")
    COORDINATOR = "coordinator", _("The barnekoordinator")


class Delivery(models.Model):
    """What a granted service delivered on a day (or in the week or month that day stands for): 6 hours of
    avlastning, one night, two visits. Recorded by the family, the provider's contact person or the
    barnekoordinator, and held against the granted extent by :mod:`los.servicemap.delivery`."""

    family = family_field()
    municipality = municipality_field()
    entry = models.ForeignKey(ServiceEntry, on_delete=models.PROTECT, related_name="deliveries",
                              verbose_name=_("service"))
    delivered_on = models.DateField(_("date"))
    amount = models.DecimalField(_("delivered"), max_digits=7, decimal_places=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    side = models.CharField(_("recorded by"), max_length=20, choices=DeliverySide.choices,
                            default=DeliverySide.FAMILY)
    recorded_by = user_field(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["entry", "delivered_on"])]

    def __str__(self) -> str:
        return f"{self.entry} {self.delivered_on:%d.%m.%Y}: {self.amount}"

    def access_owner_ids(self) -> list[int]:
        return [self.recorded_by_id] if self.recorded_by_id else []


class DeliverySettings(models.Model):
    """A municipality's thresholds for flagging a granted service that is not delivered: nothing delivered for
    ``no_delivery_weeks`` weeks, or less than ``share_percent`` % of the granted extent in the last quarter
    (13 weeks). Kept by the coordinating unit; without a row the defaults apply."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="delivery_settings",
                                        verbose_name=_("municipality"))
    no_delivery_weeks = models.PositiveSmallIntegerField(_("weeks with nothing delivered"), default=4)
    share_percent = models.PositiveSmallIntegerField(_("least share delivered in a quarter (per cent)"),
                                                     default=75)
    updated_by = user_field(editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        verbose_name = _("thresholds for delivery")
        verbose_name_plural = _("thresholds for delivery")

    def __str__(self) -> str:
        return str(self.municipality)


class AppealDraft(models.Model):
    """The barnekoordinator's own working draft of an appeal (*klage*), started from the outline Los drafts from
    the decision. A working note: the family's coordinator sees it; the coordinating unit, those who decide the
    family's applications and the services never do (the access policy refuses ``working_notes`` to them). The
    family gets its own outline on the appeal page and sends the appeal itself."""

    family = family_field()
    municipality = municipality_field()
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="appeal_drafts",
                                    verbose_name=_("application"))
    text = models.TextField(_("the draft"))
    created_by = user_field(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = user_field(editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("working draft of an appeal")
        verbose_name_plural = _("working drafts of appeals")

    def __str__(self) -> str:
        return f"{_('Working draft')}: {self.application.entry}"


class MeasureDecision(models.Model):
    """A plan measure (tiltak) that needs a decision (vedtak) to be real, and the service-map entry that holds
    the application and the decision. Without an entry, or when its decision is refused, ended or not delivered,
    the measure is flagged on the plan: the plan's core weakness is to promise what no decision grants."""

    family = family_field()
    municipality = municipality_field()
    measure = models.OneToOneField("plans.Measure", on_delete=models.CASCADE, related_name="decision_link",
                                   verbose_name=_("measure"))
    entry = models.ForeignKey(ServiceEntry, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="measure_links", verbose_name=_("service on the map"))
    created_by = user_field(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("measure that needs a decision")
        verbose_name_plural = _("measures that need a decision")

    def __str__(self) -> str:
        return f"{self.measure_id} → {self.entry_id}"


class AgreementApplication(models.Model):
    """An agreement in a coordination group's meeting (``meetings.Decision``: an agreement, never a vedtak) that
    needs an application, and the service-map entry it became in one step. The entry's later decision, a
    refusal too, shows beside the agreement."""

    family = family_field()
    municipality = municipality_field()
    agreement = models.OneToOneField("meetings.Decision", on_delete=models.CASCADE,
                                     related_name="application_link", verbose_name=_("agreement"))
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("meeting"))
    entry = models.ForeignKey(ServiceEntry, on_delete=models.PROTECT, related_name="agreement_links",
                              verbose_name=_("service on the map"))
    created_by = user_field(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("agreement that became an application")
        verbose_name_plural = _("agreements that became applications")

    def __str__(self) -> str:
        return f"{self.agreement_id} → {self.entry_id}"
