"""From request to decision to an appointed barnekoordinator, and on to the end.

Norwegian terms used here:

- *Henvendelse* = a request (here: for a barnekoordinator, pbrl § 2-5 c). It is registered with the
  day it was received: the duty to answer without undue delay (forvaltningsloven (fvl) § 11 a) runs
  from that day, and a *foreløpig svar* (preliminary reply) must be sent if no decision can be made
  within one month.
- *Vurdering* = the assessment against the legal criteria of pbrl § 2-5 c and the municipality's own
  local criteria (:class:`LocalCriterion`).
- *Vedtak* = the decision (an *enkeltvedtak*), granted or refused (*avslag*), with reasons (fvl §§ 24–25)
  and information about the right to appeal (fvl § 27). The letter is archived as a PDF.
- *Klage* = an appeal. It is sent to the coordinating unit, which reassesses it; if the unit upholds
  its decision, the appeal goes on to *statsforvalteren* (the county governor, pbrl § 7-2).
- *Oppnevning* = appointment of a barnekoordinator; the family's link to its coordinator is
  :class:`los.families.models.CoordinatorAssignment`, created only through :mod:`los.referrals.services`.
- *Overlevering* = the handover when the coordinator changes, with a case summary so that the family
  need not tell its story again.
- *Avslutning* = ending: at 18, at the family's wish, or by decision, with a closing summary.

Retention (oppbevaring): the referral workflow never deletes anything. Ending a barnekoordinator, withdrawing
a request, a refusal or an appeal only change status and dates; earlier decisions, letters, assessments,
appointments and coordinator history stay, readable for the family and the coordinating unit. A case is
removed only as a whole by the central retention rules (:mod:`los.ops.retention`, ``docs/retention.md``):
when ``LOS_RETENTION_CASE_YEARS`` have passed since the case was closed or finally refused, together with every
row here that belongs to the family and the archived PDF letters, unless a retention hold stops it. The
municipality's archive duty (arkivlova, its bevarings- og kassasjonsplan, Noark 5 deposit) is met before
that, outside Los. The one exception is an *unconfirmed* public request (:class:`PublicRequest`): nobody
has confirmed that it comes from the family, so after ``PUBLIC_REQUEST_RETENTION_DAYS`` its personal
fields are blanked (the row stays, marked expired) by :func:`los.referrals.services.expire_public_requests`
(management command ``expire_public_requests``, or the task ``expire_public_requests_task``).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.access.models import Category, ConsentMethod
from los.core.models import ServiceProvider, family_field, municipality_field, user_field, version_field
from los.families.models import CoordinatorAssignment, Family, FamilyMember, Relation, validate_fodselsnummer

#: The information category of the request, assessment, decision and appeal: guardians, the young
#: person, the family's barnekoordinator and the coordinating unit see it; no consent can open it to a
#: service (it is in ``NEVER_CONSENTABLE``).
REFERRAL_CATEGORY = Category.REFERRAL

#: Days an unconfirmed public request is kept before its personal fields are blanked.
PUBLIC_REQUEST_RETENTION_DAYS = 90

#: The legal basis of a decision on a barnekoordinator.
BARNEKOORDINATOR_BASIS = "pbrl-2-5-c"


def _letter_path(instance: Vedtak, filename: str) -> str:
    return f"referrals/letters/{instance.municipality_id}/{instance.family_id}/{filename}"


class RequestSource(models.TextChoices):
    FAMILY = "family", _("The family, in Los")
    PUBLIC_FORM = "public_form", _("The family, on the public form")
    PROFESSIONAL = "professional", _("A professional on the family's behalf")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSESSING = "assessing", _("Being assessed")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_REQUEST_STATUSES = (RequestStatus.RECEIVED, RequestStatus.ASSESSING)


class PublicRequestStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for the family to log in and confirm")
    CONFIRMED = "confirmed", _("Confirmed by the family")
    DECLINED = "declined", _("Not recognised by the person named")
    EXPIRED = "expired", _("Never confirmed; personal data removed")


class PublicRequest(models.Model):
    """A request sent on the public form by someone who was not logged in (*uverifisert henvendelse*).

    Nobody has confirmed who sent it, so it belongs to no family and nobody in the municipality sees it.
    Only a logged-in guardian whose fødselsnummer matches ``sender_fodselsnummer`` sees it, and can
    confirm it (it then becomes a :class:`Request` of that family, received on the day it was sent)
    or say it is not theirs. ``family`` is set on confirmation; ``municipality`` is the one the
    sender chose. The anonymous sender is shown only a receipt number and the unit's contact details.
    """

    municipality = municipality_field()
    family = models.ForeignKey(Family, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="referral_public_requests", verbose_name=_("family"))
    reference = models.CharField(_("receipt number"), max_length=20, unique=True)
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now)
    sender_name = models.CharField(_("your name"), max_length=200)
    sender_fodselsnummer = models.CharField(_("your fødselsnummer"), max_length=11,
                                            validators=[validate_fodselsnummer], db_index=True)
    sender_relation = models.CharField(_("your relation to the child"), max_length=20, choices=Relation.choices)
    child_name = models.CharField(_("the child's name"), max_length=200)
    child_birth_date = models.DateField(_("the child's date of birth"), null=True, blank=True)
    description = models.TextField(_("what you need help with"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PublicRequestStatus.choices,
                              default=PublicRequestStatus.UNCONFIRMED)
    handled_by = user_field(_("confirmed or declined by"), on_delete=models.PROTECT)
    handled_at = models.DateTimeField(_("confirmed or declined"), null=True, blank=True)
    #: A keyed digest of the sender's network (the address; for IPv6 its /64), only to limit how many requests
    #: one network can send (``services.check_public_throttle``). Not the address itself.
    sender_network = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("request from the public form")
        verbose_name_plural = _("requests from the public form")
        indexes = [models.Index(fields=["status", "submitted_at"]), models.Index(fields=["submitted_at"]),
                   models.Index(fields=["sender_network", "submitted_at"])]

    def __str__(self) -> str:
        return self.reference


class Request(models.Model):
    """A *henvendelse*: a request for a barnekoordinator, from the family or a professional.

    ``received`` starts the fvl § 11 a clock. A professional's request records the family's consent to
    it (who consented, how and when). The preliminary reply (*foreløpig svar*) is stored with the day it
    was sent.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="referral_requests",
                               verbose_name=_("family"))
    municipality = municipality_field()
    source = models.CharField(_("from"), max_length=20, choices=RequestSource.choices)
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices,
                              default=RequestStatus.RECEIVED)
    received = models.DateField(_("received"))
    received_at = models.DateTimeField(_("registered"), default=timezone.now)
    submitted_by = user_field(_("registered by"), on_delete=models.PROTECT)
    submitter_name = models.CharField(_("sent by"), max_length=300, blank=True)
    submitter_service = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("on behalf of the service"))
    description = models.TextField(_("what the family needs help with"), blank=True)
    consent_by_member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("consent given by"))
    consent_by_name = models.CharField(_("consent given by"), max_length=200, blank=True)
    consent_method = models.CharField(_("how consent was given"), max_length=20, choices=ConsentMethod.choices,
                                      blank=True)
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    public_request = models.OneToOneField(PublicRequest, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="request", verbose_name=_("from the public form"))
    preliminary_reply_text = models.TextField(_("preliminary reply"), blank=True)
    preliminary_reply_expected_by = models.DateField(_("answer expected by"), null=True, blank=True)
    preliminary_reply_sent_on = models.DateField(_("preliminary reply sent"), null=True, blank=True)
    preliminary_reply_sent_by = user_field(on_delete=models.PROTECT)
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    version = version_field()

    class Meta:
        ordering = ["-received", "-id"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [models.Index(fields=["municipality", "status", "received"])]

    def __str__(self) -> str:
        return f"{self.family} ({self.received:%d.%m.%Y})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def age_days(self, today: date | None = None) -> int:
        return ((today or timezone.localdate()) - self.received).days


class LocalCriterion(models.Model):
    """One of the municipality's own criteria, assessed alongside the legal minimum of pbrl § 2-5 c.

    Municipalities differ ("everyone under 18 with a coordinator", the number of services involved, the
    family's needs). The leader of the coordinating unit edits them; an assessment keeps the wording
    it was made under, so changing or retiring a criterion never changes an earlier assessment.
    """

    municipality = municipality_field()
    title = models.CharField(_("criterion"), max_length=300)
    help_text = models.TextField(_("guidance for the caseworker"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=10)
    active = models.BooleanField(_("in use"), default=True)
    created_by = user_field(on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    version = version_field()

    class Meta:
        ordering = ["municipality", "position", "id"]
        verbose_name = _("local criterion")
        verbose_name_plural = _("local criteria")

    def __str__(self) -> str:
        return self.title


class Recommendation(models.TextChoices):
    NONE = "", _("Not concluded yet")
    GRANT = "grant", _("Grant")
    REFUSE = "refuse", _("Refuse")


class Assessment(models.Model):
    """The *vurdering* of one request against the criteria, with the navigator's view attached.

    ``navigator_snapshot`` is JSON text: what the navigator said about the family's rights and services
    when the assessment was made (from :mod:`los.referrals.navigator_adapter` when the navigator engine is
    installed, otherwise written by the caseworker), kept as it was so that the decision can be
    understood later.
    """

    request = models.OneToOneField(Request, on_delete=models.PROTECT, related_name="assessment",
                                   verbose_name=_("request"))
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="referral_assessments",
                               verbose_name=_("family"))
    municipality = municipality_field()
    assessed_by = user_field(_("assessed by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    conclusion = models.TextField(_("overall assessment"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation.choices,
                                      blank=True, default=Recommendation.NONE)
    navigator_snapshot = models.TextField(
        _("the navigator's view of the family's services"), blank=True,
        help_text=_("Rights, services and benefits that may apply to the family, as the navigator saw them."))
    navigator_snapshot_at = models.DateTimeField(null=True, blank=True)
    navigator_source = models.CharField(max_length=20, blank=True)  # "engine" or "manual"
    version = version_field()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{_('Assessment')}: {self.family}"


class CriterionResult(models.TextChoices):
    NOT_ASSESSED = "", _("Not assessed")
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    UNCLEAR = "unclear", _("Unclear")


class CriterionAssessment(models.Model):
    """One line of the checklist: a legal criterion (``legal_key``) or a local one, and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="criteria")
    family = family_field()
    municipality = municipality_field()
    legal_key = models.CharField(max_length=30, blank=True)
    local_criterion = models.ForeignKey(LocalCriterion, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="results")
    label = models.CharField(_("criterion"), max_length=300)
    result = models.CharField(_("result"), max_length=10, choices=CriterionResult.choices, blank=True)
    justification = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("criterion assessment")
        verbose_name_plural = _("criterion assessments")

    def __str__(self) -> str:
        return self.label


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class Vedtak(models.Model):
    """The decision (*vedtak*) on a request, with reasons and appeal information.

    The reasons state the rules, the facts and the main considerations (fvl § 25); a decision without
    them is refused by the service. ``appeal_deadline`` is computed by
    :func:`los.core.deadlines.appeal_deadline` from ``notified_on`` (the day the decision reached the
    family) and ``legal_basis``, and stored. The letter is a PDF in the family's written language,
    archived in ``letter`` (default storage, outside the web root) and served only through the access
    policy. A decision made after an appeal was reversed points to the appeal in ``after_appeal``.
    """

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="decisions",
                                verbose_name=_("request"))
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="referral_decisions",
                               verbose_name=_("family"))
    municipality = municipality_field()
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=60, default=BARNEKOORDINATOR_BASIS)
    rules = models.TextField(_("the rules the decision is based on"))
    facts = models.TextField(_("the facts"))
    considerations = models.TextField(_("the main considerations"))
    decided_by = user_field(_("decided by"), on_delete=models.PROTECT, null=False)
    decided_at = models.DateTimeField(default=timezone.now)
    decision_date = models.DateField(_("date of the decision"))
    notified_on = models.DateField(_("date the decision reached the family"))
    appeal_deadline = models.DateField(_("appeal deadline"))
    appeal_deadline_nominal = models.DateField(null=True, blank=True)
    appeal_weeks = models.PositiveSmallIntegerField(default=4)
    appeal_rule = models.CharField(max_length=10, blank=True)
    appeal_body = models.CharField(max_length=30, blank=True)
    after_appeal = models.ForeignKey("Appeal", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="new_decisions", verbose_name=_("after the appeal"))
    letter = models.FileField(_("letter"), upload_to=_letter_path, max_length=200, blank=True)
    letter_language = models.CharField(max_length=2, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    letter_generated_at = models.DateTimeField(null=True, blank=True)
    version = version_field()

    class Meta:
        ordering = ["-decision_date", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["municipality", "outcome", "decision_date"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.family} ({self.decision_date:%d.%m.%Y})"

    @property
    def deadline_extended(self) -> bool:
        return bool(self.appeal_deadline_nominal and self.appeal_deadline_nominal != self.appeal_deadline)


class AppealStatus(models.TextChoices):
    RECEIVED = "received", _("Received, being reassessed by the unit")
    REVERSED = "reversed", _("The unit changed its decision")
    SENT = "sent", _("Upheld by the unit, sent to the county governor")
    DECIDED = "decided", _("Decided by the county governor")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GovernorOutcome(models.TextChoices):
    NONE = "", _("No outcome yet")
    UPHELD = "upheld", _("The decision stands (appeal not upheld)")
    REVERSED = "reversed", _("The decision is changed: the family gets a barnekoordinator")
    RETURNED = "returned", _("The decision is set aside and sent back to be decided again")


class Appeal(models.Model):
    """A *klage* against a decision. The unit reassesses it (fvl § 33); if it upholds its decision, the
    appeal is sent to the county governor (*statsforvalteren*, pbrl § 7-2), with its own status and
    outcome. If the unit changes its decision, a new :class:`Vedtak` points back here."""

    vedtak = models.ForeignKey(Vedtak, on_delete=models.PROTECT, related_name="appeals",
                               verbose_name=_("decision"))
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="referral_appeals",
                               verbose_name=_("family"))
    municipality = municipality_field()
    received = models.DateField(_("appeal received"))
    in_time = models.BooleanField(_("received in time"), default=True)
    grounds = models.TextField(_("the family's grounds"))
    registered_by = user_field(on_delete=models.PROTECT, null=False)
    registered_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=AppealStatus.choices,
                              default=AppealStatus.RECEIVED)
    reassessment = models.TextField(_("the unit's reassessment"), blank=True)
    reassessed_by = user_field(on_delete=models.PROTECT)
    reassessed_on = models.DateField(_("reassessed"), null=True, blank=True)
    sent_on = models.DateField(_("sent to the county governor"), null=True, blank=True)
    governor_outcome = models.CharField(_("the county governor's outcome"), max_length=10,
                                        choices=GovernorOutcome.choices, blank=True, default=GovernorOutcome.NONE)
    governor_decided_on = models.DateField(_("the county governor decided"), null=True, blank=True)
    governor_note = models.TextField(_("about the county governor's decision"), blank=True)
    version = version_field()

    class Meta:
        ordering = ["-received", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{_('Appeal')}: {self.family} ({self.received:%d.%m.%Y})"


class Appointment(models.Model):
    """The appointment (*oppnevning*) of a barnekoordinator: who chose whom, why, and what the family
    wished. It owns exactly one :class:`~los.families.models.CoordinatorAssignment`."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="referral_appointments",
                               verbose_name=_("family"))
    municipality = municipality_field()
    assignment = models.OneToOneField(CoordinatorAssignment, on_delete=models.PROTECT,
                                      related_name="appointment", verbose_name=_("coordinator assignment"))
    vedtak = models.ForeignKey(Vedtak, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("decision"))
    appointed_by = user_field(_("appointed by"), on_delete=models.PROTECT)
    appointed_at = models.DateTimeField(default=timezone.now)
    family_wishes = models.TextField(_("the family's wishes"), blank=True)
    reasons = models.TextField(_("why this coordinator"), blank=True)
    is_change = models.BooleanField(_("change of coordinator"), default=False)
    change_reason = models.CharField(_("reason for the change"), max_length=300, blank=True)

    class Meta:
        ordering = ["-appointed_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return str(self.assignment)


class HandoverTask(models.Model):
    """*Overlevering*: the task for the new coordinator when the coordinator changes, with a generated
    summary of the case so that the family need not tell its story again."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="referral_handovers",
                               verbose_name=_("family"))
    municipality = municipality_field()
    from_assignment = models.ForeignKey(CoordinatorAssignment, on_delete=models.PROTECT, related_name="+")
    to_assignment = models.ForeignKey(CoordinatorAssignment, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("case summary"))
    created_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(_("handover by"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = user_field(on_delete=models.PROTECT)
    note = models.TextField(_("note from the handover"), blank=True)
    version = version_field()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"{_('Handover')}: {self.family}"

    def access_owner_ids(self) -> list[int]:
        return [self.to_assignment.coordinator_id]


class EndReason(models.TextChoices):
    AGE_18 = "age_18", _("The child has turned 18")
    FAMILY_WISH = "family_wish", _("The family's wish")
    DECISION = "decision", _("Decision: the family's needs no longer call for a barnekoordinator")
    MOVED = "moved", _("The family has moved to another municipality")


class Ending(models.Model):
    """*Avslutning*: the end of the family's barnekoordinator, with a closing summary and, at 18, the
    proposed transition to an ordinary coordinator (pbrl § 2-5 b) and adult services."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="referral_endings",
                               verbose_name=_("family"))
    municipality = municipality_field()
    assignment = models.ForeignKey(CoordinatorAssignment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=EndReason.choices)
    ended_on = models.DateField(_("ended"))
    closing_summary = models.TextField(_("closing summary"))
    transition = models.TextField(_("transition to an ordinary coordinator and adult services"), blank=True)
    ended_by = user_field(_("ended by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-ended_on"]
        verbose_name = _("ending")
        verbose_name_plural = _("endings")

    def __str__(self) -> str:
        return f"{self.family}: {self.get_reason_display()}"
