"""The individual plan (*individuell plan*, IP): the family's own plan across all services.

Norwegian terms used here:

- *Individuell plan* (IP) = individual plan (hol § 7-1, pbrl § 2-5 and the regulation on habilitation,
  rehabilitation, individual plan and coordinator). It is consent-based and holds the family's own goals
  in their own words ("hva er viktig for deg?" – what matters to you?), the family's resources, the
  needs, who takes part, the measures with who is responsible, and evaluation. One plan across all
  services; the barnekoordinator keeps it alive (hol § 7-2 a no. 5). A family has one current plan.
- *Tiltak* = measure: something a service or a person does for the family, with an owner (a service
  and a named person), a start, a due date and a status, serving one of the family's goals.
- *Forventningsavklaring* = expectation clarification: agreed at start-up between the family and the
  barnekoordinator: what the coordinator will do, what they will not do (and who does it instead), how
  and how often the family wants contact, and the coordinator's delegated authority in this
  municipality. Signed by both, revisited at each evaluation.
- *Evaluering* = evaluation: at each evaluation date the coordinator records per goal whether it was
  reached, partly reached or not, the family's view, and what is done in the next period.

Every change to the plan writes a :class:`PlanVersion` (a full JSON snapshot with author and time), so
the plan can be shown as it was on any date and two versions can be compared. Rows that two people may
edit carry a ``version`` integer for optimistic locking (a stale one raises ``los.core.forms.ConflictError``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.access.models import ConsentMethod
from los.core.dates import format_day
from los.core.models import (
    CachedChoiceDisplay,
    ServiceProvider,
    family_field,
    municipality_field,
    user_field,
    version_field,
)
from los.families.models import Child, Family, FamilyMember, person_name


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("In use")
    CLOSED = "closed", _("Closed")


class Whose(models.TextChoices):
    """Whose goal, resource or need it is: the family, not only the child, is the subject."""

    CHILD = "child", _("The child")
    PARENT = "parent", _("A parent")
    SIBLING = "sibling", _("A sibling")
    FAMILY = "family", _("The whole family")


class GoalCategory(models.TextChoices):
    """What a goal is about (what matters to the family)."""

    EVERYDAY = "everyday", _("Everyday life at home")
    SCHOOL = "school", _("Kindergarten and school")
    HEALTH = "health", _("Health and treatment")
    COMMUNICATION = "communication", _("Communication and language")
    MOBILITY = "mobility", _("Moving about and assistive devices")
    FRIENDS = "friends", _("Friends, play and leisure")
    REST = "rest", _("Rest and respite for the family")
    ECONOMY = "economy", _("Work and finances")
    TRANSITION = "transition", _("Transitions")
    OTHER = "other", _("Something else")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped")


OPEN_MEASURE_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


class MeasureOrigin(models.TextChoices):
    PLAN = "plan", _("Added in the plan")
    MEETING = "meeting", _("Agreed in a meeting")
    EVALUATION = "evaluation", _("Agreed at an evaluation")


class ParticipantKind(models.TextChoices):
    FAMILY = "family", _("Family")
    COORDINATOR = "coordinator", _("Barnekoordinator")
    SERVICE = "service", _("Service")


class EvaluationResult(models.TextChoices):
    REACHED = "reached", _("Reached")
    PARTLY = "partly", _("Partly reached")
    NOT_REACHED = "not_reached", _("Not reached")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    LOS = "los", _("Message in Los")
    HOME = "home", _("Visit at home")
    VIDEO = "video", _("Video meeting")
    OFFICE = "office", _("Meeting at the office")


class ContactFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every other week")
    MONTHLY = "monthly", _("Once a month")
    QUARTERLY = "quarterly", _("A few times a year")
    WHEN_NEEDED = "when_needed", _("When the family or the coordinator needs it")


class PlanChange(models.TextChoices):
    """What a plan version recorded; shown in the version list."""

    CREATED = "created", _("Plan created")
    PLAN_EDITED = "plan_edited", _("What matters most changed")
    GOAL_ADDED = "goal_added", _("Goal added")
    GOAL_EDITED = "goal_edited", _("Goal changed")
    RESOURCE_ADDED = "resource_added", _("Resource added")
    RESOURCE_EDITED = "resource_edited", _("Resource changed")
    RESOURCE_REMOVED = "resource_removed", _("Resource removed")
    NEED_ADDED = "need_added", _("Need added")
    NEED_EDITED = "need_edited", _("Need changed")
    NEED_REMOVED = "need_removed", _("Need removed")
    PARTICIPANT_ADDED = "participant_added", _("Participant added")
    PARTICIPANT_REMOVED = "participant_removed", _("Participant left")
    MEASURE_ADDED = "measure_added", _("Measure added")
    MEASURE_EDITED = "measure_edited", _("Measure changed")
    MEASURE_STATUS = "measure_status", _("Measure status updated")
    EVALUATION_DATE = "evaluation_date", _("Evaluation date set")
    EVALUATION = "evaluation", _("Evaluation recorded")
    CLARIFICATION = "clarification", _("Expectation clarification changed")
    CLARIFICATION_SIGNED = "clarification_signed", _("Expectation clarification signed")


class Plan(CachedChoiceDisplay, models.Model):
    """The family's individual plan (*individuell plan*). One current (active) plan per family.

    ``version`` is the optimistic lock for the plan's own fields; ``revision`` counts the snapshots
    (:class:`PlanVersion`) and grows with every change anywhere in the plan.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="plans", verbose_name=_("family"))
    municipality = municipality_field()
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    what_matters = models.TextField(
        _("What matters most to you?"), blank=True,
        help_text=_("In the family's own words. The goals below say more."))
    consent_given_by = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("the family's consent to a plan, given by"))
    consent_method = models.CharField(_("how the consent was given"), max_length=20, choices=ConsentMethod.choices,
                                      blank=True)
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    created_by = user_field(_("created by"), on_delete=models.PROTECT, blank=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = version_field()
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("individual plan")
        verbose_name_plural = _("individual plans")
        constraints = [
            models.UniqueConstraint(fields=["family"], condition=models.Q(status="active"),
                                    name="plans_one_current_plan_per_family"),
        ]
        indexes = [models.Index(fields=["family", "status"])]

    def __str__(self) -> str:
        return str(_("Individual plan for %(family)s") % {"family": self.family.display_name})


class PlanPart(CachedChoiceDisplay, models.Model):
    """What every part of a plan has: the plan, the family and its municipality."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+", verbose_name=_("plan"))
    family = family_field()
    municipality = municipality_field()
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        abstract = True


class EditablePart(PlanPart):
    """A part two people may edit at the same time: optimistic locking with ``version``."""

    created_by = user_field(_("created by"), on_delete=models.PROTECT, blank=False)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    updated_by = user_field(_("last changed by"), on_delete=models.PROTECT, blank=False)
    version = version_field()

    class Meta:
        abstract = True


class Goal(EditablePart):
    """One of the family's goals, in the family's own words: for the child, a parent or a sibling."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals", verbose_name=_("plan"))
    text = models.TextField(_("The goal, in the family's own words"))
    whose = models.CharField(_("Whose goal is it?"), max_length=10, choices=Whose.choices, default=Whose.CHILD)
    member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("family member"))
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("child"))
    category = models.CharField(_("What is it about?"), max_length=20, choices=GoalCategory.choices,
                                default=GoalCategory.EVERYDAY)
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(_("no longer followed up"), default=False)

    class Meta:
        ordering = ["archived", "position", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def whose_label(self) -> str:
        person = self.member or self.child
        if person is not None:
            return f"{self.get_whose_display()}: {person.given_name}"
        return str(self.get_whose_display())


class SectionItem(EditablePart):
    """A line in the resources or needs section: whose it is and what it says."""

    text = models.TextField(_("text"))
    whose = models.CharField(_("Whose is it?"), max_length=10, choices=Whose.choices, default=Whose.FAMILY)
    member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("family member"))

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def whose_label(self) -> str:
        if self.member is not None:
            return f"{self.get_whose_display()}: {self.member.given_name}"
        return str(self.get_whose_display())


class Resource(SectionItem):
    """Something the family has and can build on: people, strengths, what already works."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="resources", verbose_name=_("plan"))

    class Meta(SectionItem.Meta):
        verbose_name = _("resource")
        verbose_name_plural = _("resources")


class Need(SectionItem):
    """Something the family needs help with, in the family's words."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="needs", verbose_name=_("plan"))

    class Meta(SectionItem.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class Participant(PlanPart):
    """Who takes part in the plan: family members, the barnekoordinator and contacts in the services."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="participants", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=20, choices=ParticipantKind.choices)
    family_member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("family member"))
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("child"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="plan_participations", verbose_name=_("person"))
    service_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("service"))
    role_text = models.CharField(_("role in the plan"), max_length=200, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return person_name(self) or (self.service_provider.name if self.service_provider_id else "")

    @property
    def affiliation(self) -> str:
        if self.family_member_id:
            return str(self.family_member.get_relation_display())
        if self.child_id:
            return str(_("The child"))
        if self.service_provider_id:
            return self.service_provider.name
        return str(self.get_kind_display())


class Measure(EditablePart):
    """A *tiltak*: what a service or a person does for the family, serving one of the family's goals.

    The owner is a service (``owner_provider``) and a named person (``owner_person``); the owner person
    may update the measure's status within the family's consent (see ``access_owner_ids``). Other apps
    link to measures (meetings: an action that follows up a measure) and create them through
    ``los.plans.services.create_measure``.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="measures", verbose_name=_("plan"))
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, null=True, blank=True, related_name="measures",
                             verbose_name=_("goal it serves"))
    title = models.CharField(_("What is to be done"), max_length=300)
    description = models.TextField(_("More about the measure"), blank=True)
    owner_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="plan_measures", verbose_name=_("responsible service"))
    owner_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="plan_measures", verbose_name=_("responsible person"))
    start = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices,
                              default=MeasureStatus.PLANNED)
    status_note = models.TextField(_("note on the status"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    origin = models.CharField(_("where it comes from"), max_length=20, choices=MeasureOrigin.choices,
                              default=MeasureOrigin.PLAN)
    last_reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [
            models.Index(fields=["owner_person", "status"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def access_owner_ids(self) -> list[int]:
        return [self.owner_person_id] if self.owner_person_id else []

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEASURE_STATUSES

    def is_overdue_on(self, day: date) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def owner_label(self) -> str:
        parts = []
        if self.owner_person_id:
            parts.append(self.owner_person.get_full_name() or self.owner_person.username)
        if self.owner_provider_id:
            parts.append(self.owner_provider.name)
        return ", ".join(parts)


class MeasureComment(PlanPart):
    """A comment on a measure from the family or someone else in the plan. Comments are never edited."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="measure_comments", verbose_name=_("plan"))
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="comments",
                                verbose_name=_("measure"))
    author = user_field(_("written by"), on_delete=models.PROTECT, null=False)
    author_side = models.CharField(_("as"), max_length=20, blank=True)
    text = models.TextField(_("comment"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on a measure")
        verbose_name_plural = _("comments on measures")

    def __str__(self) -> str:
        return self.text[:80]


class EvaluationDate(EditablePart):
    """A planned evaluation of the plan. When it is held, ``held_on`` is set and the results per goal
    are in :class:`Evaluation`; an evaluation date in the past that was not held is a missed evaluation."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="evaluation_dates",
                             verbose_name=_("plan"))
    date = models.DateField(_("evaluation date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    held_by = user_field(_("recorded by"), on_delete=models.PROTECT)
    summary = models.TextField(_("summary of the evaluation"), blank=True)
    family_view = models.TextField(_("the family's view of the period"), blank=True)
    clarification_reviewed = models.BooleanField(_("expectation clarification revisited"), default=False)
    clarification_note = models.TextField(_("what was said about the expectation clarification"), blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("evaluation date")
        verbose_name_plural = _("evaluation dates")
        indexes = [models.Index(fields=["held_on", "date"])]

    def __str__(self) -> str:
        return str(self.date)

    def is_missed_on(self, day: date) -> bool:
        return self.held_on is None and self.date < day

    @property
    def is_missed(self) -> bool:
        return self.is_missed_on(timezone.localdate())


class Evaluation(PlanPart):
    """The result for one goal at one evaluation: reached, partly or not, the family's view and what
    is done in the next period."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("plan"))
    occasion = models.ForeignKey(EvaluationDate, on_delete=models.PROTECT, related_name="results",
                                 verbose_name=_("evaluation"))
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("goal"))
    result = models.CharField(_("Was the goal reached?"), max_length=20, choices=EvaluationResult.choices)
    family_view = models.TextField(_("The family's view"), blank=True)
    next_period = models.TextField(_("Measures for the next period"), blank=True)
    recorded_by = user_field(_("recorded by"), on_delete=models.PROTECT, null=False)

    class Meta:
        ordering = ["occasion__date", "goal__position", "goal_id"]
        verbose_name = _("evaluation of a goal")
        verbose_name_plural = _("evaluations of goals")
        constraints = [models.UniqueConstraint(fields=["occasion", "goal"], name="plans_one_result_per_goal")]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_result_display()}"


class ExpectationClarification(EditablePart):
    """The *forventningsavklaring* between the family and the barnekoordinator. Changing the text
    removes both signatures: the family and the coordinator sign what is written now."""

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="clarification",
                                verbose_name=_("plan"))
    will_do = models.TextField(_("What the barnekoordinator will do"))
    will_not_do = models.TextField(_("What the barnekoordinator will not do"), blank=True)
    done_instead_by = models.TextField(_("Who does that instead"), blank=True)
    contact_channels = models.JSONField(_("How the family wants to be contacted"), default=list, blank=True)
    contact_frequency = models.CharField(_("How often the family wants contact"), max_length=20,
                                         choices=ContactFrequency.choices, blank=True)
    contact_note = models.CharField(_("More about contact"), max_length=300, blank=True)
    delegated_authority = models.TextField(
        _("The barnekoordinator's delegated authority in this municipality"), blank=True,
        help_text=_("What the coordinator may decide or require here, for example calling a meeting "
                    "with the services without the family."))
    family_signed_at = models.DateTimeField(_("signed by the family"), null=True, blank=True)
    family_signed_by = user_field(_("signed for the family by"), on_delete=models.PROTECT)
    family_signed_member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="+", verbose_name=_("family member who signed"))
    coordinator_signed_at = models.DateTimeField(_("signed by the barnekoordinator"), null=True, blank=True)
    coordinator_signed_by = user_field(_("signed by the barnekoordinator"), on_delete=models.PROTECT)
    last_reviewed_on = models.DateField(_("last revisited"), null=True, blank=True)

    class Meta:
        verbose_name = _("expectation clarification")
        verbose_name_plural = _("expectation clarifications")

    def __str__(self) -> str:
        return str(_("Expectation clarification"))

    @property
    def is_signed(self) -> bool:
        return self.family_signed_at is not None and self.coordinator_signed_at is not None

    @property
    def family_signer_name(self) -> str:
        """Who signed for the family: the guardian in the family, or the log-in that signed."""
        if self.family_signed_member_id:
            m = self.family_signed_member
            return f"{m.given_name} {m.family_name}"
        if self.family_signed_by_id:
            return self.family_signed_by.get_full_name() or self.family_signed_by.username
        return ""

    def channel_labels(self) -> list[str]:
        labels = dict(ContactChannel.choices)
        return [str(labels.get(value, value)) for value in self.contact_channels or []]


class PlanVersion(PlanPart):
    """A full JSON snapshot of the plan after one change, with who made it and when."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions", verbose_name=_("plan"))
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("the plan at this version"))
    change = models.CharField(_("what changed"), max_length=30, choices=PlanChange.choices)
    subject = models.CharField(_("about"), max_length=200, blank=True)
    author = user_field(_("changed by"), on_delete=models.PROTECT, blank=False)
    author_name = models.CharField(_("changed by"), max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_number_unique")]
        indexes = [models.Index(fields=["plan", "created_at"])]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"

    @property
    def subject_display(self) -> str:
        """The subject for a reader: a date (evaluations) in the reader's format, otherwise the text."""
        try:
            return format_day(date.fromisoformat(self.subject))
        except ValueError:
            return self.subject


class PlanApproval(PlanPart):
    """The family approves one version of the plan (a digital acknowledgement, also in the audit log)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("plan"))
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="approvals",
                                     verbose_name=_("version approved"))
    approved_by = user_field(_("approved by"), on_delete=models.PROTECT, null=False)
    member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("family member"))
    statement = models.TextField(_("the text the family agreed to"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("approval of the plan")
        verbose_name_plural = _("approvals of the plan")

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.plan_version.number}"
