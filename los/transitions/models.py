"""Transitions (*overganger*): planned early, handed over whole.

Norwegian terms used here:

- *Overgang* = a transition: start of kindergarten (*barnehagestart*), school start (*skolestart*, in
  August of the calendar year the child turns six), lower secondary school (*ungdomsskole*, 8th grade, in
  August of the year the child turns 13), upper secondary school (*videregående skole*, in August of the
  year the child turns 16) and turning 18 (the barnekoordinator ends; an ordinary coordinator, pbrl
  § 2-5 b, and adult services take over). Recorded events are transitions too: moving to another
  municipality (*flytting*), a new barnekoordinator and a new contact person in a service.
- *Overgangsplan* = a transition plan (:class:`TransitionPlan`): opened well ahead (how far ahead is set
  per municipality in :class:`TransitionSettings`), with a checklist (who to involve, which applications
  to renew or start, what the child says), tasks with owners and due dates, and a transition meeting in
  the coordination group (*ansvarsgruppe*).
- *Overføringsnotat* / *overleveringssammendrag* = the handover summary (:class:`HandoverSummary`) for a
  new coordinator, a receiving school or adult services, so that the family does not have to tell its
  story again. Only what the family's consent covers for the receiver is shared.
- *Flytting* = a family's move to another municipality: the coordinating unit proposes the move
  (:class:`MoveProposal`), the family confirms it in its portal, and only then is the record exported as a
  signed, documented package (``docs/family-transfer.md``) and imported by the receiving coordinating unit
  (:class:`FamilyExport`, :class:`FamilyImport`).

Every row about a family carries ``family`` and ``municipality`` (equal to the family's). Transition
plans, their checklists and tasks are in :attr:`Category.PLAN`: a service contact sees them only while
the family's consent covers the individual plan. Handover summaries, exports and imports are records of
sharing and are in :attr:`Category.CONSENTS`, as are proposed moves and the family's answer (the family, its coordinator and the coordinating unit see
them; no consent opens them to a service), except that the receiver of a summary reads the summary
itself through the policy for each of its sections (see :mod:`los.transitions.handover`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.models import (
    Municipality,
    ServiceProvider,
    family_field,
    municipality_field,
    user_field,
    version_field,
)
from los.families.models import Child, Family


class TransitionKind(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Start of kindergarten")
    SCHOOL_START = "school_start", _("School start")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary school (8th grade)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    TURNING_18 = "turning_18", _("Turning 18: adult services")
    MOVE = "move", _("Moving to another municipality")
    MOVED_IN = "moved_in", _("Moved here from another municipality")
    NEW_COORDINATOR = "new_coordinator", _("New barnekoordinator")
    NEW_CONTACT = "new_contact", _("New contact person in a service")


#: Transitions computed from the child's date of birth (the others are recorded events).
AGE_KINDS = (TransitionKind.KINDERGARTEN, TransitionKind.SCHOOL_START, TransitionKind.LOWER_SECONDARY,
             TransitionKind.UPPER_SECONDARY, TransitionKind.TURNING_18)
EVENT_KINDS = (TransitionKind.MOVE, TransitionKind.MOVED_IN, TransitionKind.NEW_COORDINATOR,
               TransitionKind.NEW_CONTACT)


class TransitionSettings(models.Model):
    """How far ahead the municipality opens transition plans (months before the transition).

    The defaults follow the national guide's advice to plan early: school start 12 months ahead, lower and
    upper secondary school 9 months, turning 18 12 months. Recorded events (a move, a new coordinator, a
    new contact) open a plan at once, and up to ``event_window_days`` after the event.
    """

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="transition_settings",
                                        verbose_name=_("municipality"))
    kindergarten_months = models.PositiveSmallIntegerField(
        _("start of kindergarten: months ahead"), default=6)
    school_start_months = models.PositiveSmallIntegerField(_("school start: months ahead"), default=12)
    lower_secondary_months = models.PositiveSmallIntegerField(
        _("lower secondary school: months ahead"), default=9)
    upper_secondary_months = models.PositiveSmallIntegerField(
        _("upper secondary school: months ahead"), default=9)
    adult_months = models.PositiveSmallIntegerField(_("turning 18: months ahead"), default=12)
    event_window_days = models.PositiveSmallIntegerField(
        _("recorded events: open a plan up to this many days after the event"), default=60)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = user_field(editable=False)
    version = version_field()

    class Meta:
        verbose_name = _("transition settings")
        verbose_name_plural = _("transition settings")

    def __str__(self) -> str:
        return str(self.municipality)

    @classmethod
    def for_municipality(cls, municipality_id: int) -> TransitionSettings:
        """The municipality's settings, or the defaults when none are recorded."""
        return cls.objects.filter(municipality_id=municipality_id).first() or cls(municipality_id=municipality_id)

    def months_ahead(self, kind: str) -> int:
        return {
            TransitionKind.KINDERGARTEN: self.kindergarten_months,
            TransitionKind.SCHOOL_START: self.school_start_months,
            TransitionKind.LOWER_SECONDARY: self.lower_secondary_months,
            TransitionKind.UPPER_SECONDARY: self.upper_secondary_months,
            TransitionKind.TURNING_18: self.adult_months,
        }.get(kind, 0)


class PlanStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Not needed")


class TransitionPlan(models.Model):
    """A transition plan (*overgangsplan*) for one transition of one child (or of the whole family).

    ``key`` identifies the transition (``school_start:<child>:<year>``, ``move:<transfer>`` ...) so that the
    planner never opens the same plan twice. ``owner`` is the barnekoordinator responsible when the plan
    was opened. ``version`` is the optimistic lock for the plan's own fields.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="transition_plans",
                               verbose_name=_("family"))
    municipality = municipality_field()
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="transition_plans",
                              verbose_name=_("child"))
    kind = models.CharField(_("transition"), max_length=20, choices=TransitionKind.choices)
    key = models.CharField(max_length=80, editable=False)
    transition_date = models.DateField(_("date of the transition"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.OPEN)
    opened_on = models.DateField(_("opened"))
    opened_automatically = models.BooleanField(_("opened by Los on time"), default=True)
    opened_by = user_field(_("opened by"), on_delete=models.PROTECT)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="transition_plans", verbose_name=_("responsible barnekoordinator"))
    receiving_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("receiving school or service"))
    child_view = models.TextField(_("What the child says"), blank=True,
                                  help_text=_("In the child's own words: what they look forward to, what worries "
                                              "them, what they want the new people to know."))
    notes = models.TextField(_("notes"), blank=True)
    what_worked = models.TextField(_("What worked"), blank=True,
                                   help_text=_("For the next transition and the next people: what helped."))
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("transition meeting"))
    source_ref = models.CharField(max_length=60, blank=True, editable=False)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    closed_by = user_field(_("closed by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        ordering = ["transition_date", "pk"]
        verbose_name = _("transition plan")
        verbose_name_plural = _("transition plans")
        constraints = [models.UniqueConstraint(fields=["family", "key"], name="transitions_one_plan_per_transition")]
        indexes = [
            models.Index(fields=["family", "status"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["municipality", "status", "transition_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        label = self.get_kind_display()
        if self.child_id:
            return f"{label} – {self.child.given_name}"
        return str(label)

    @property
    def is_open(self) -> bool:
        return self.status == PlanStatus.OPEN

    def access_owner_ids(self) -> list[int]:
        return [self.owner_id] if self.owner_id else []


class ChecklistGroup(models.TextChoices):
    INVOLVE = "involve", _("Who to involve")
    APPLICATIONS = "applications", _("Applications to renew or start")
    CHILD = "child", _("What the child says")
    PRACTICAL = "practical", _("Other things to arrange")


class ChecklistItem(models.Model):
    """One line of a transition plan's checklist. Lines from the planner have a ``code`` (their text is
    translated when shown, with ``params``); lines written by people have ``text``."""

    plan = models.ForeignKey(TransitionPlan, on_delete=models.PROTECT, related_name="checklist",
                             verbose_name=_("transition plan"))
    family = family_field()
    municipality = municipality_field()
    group = models.CharField(_("part of the checklist"), max_length=20, choices=ChecklistGroup.choices)
    code = models.CharField(max_length=40, blank=True, editable=False)
    params = models.JSONField(default=dict, blank=True, editable=False)
    text = models.CharField(_("what to do"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = user_field(_("marked done by"), on_delete=models.PROTECT)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from los.transitions.checklists import item_label

        return item_label(self.code, self.params, self.text)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class TransitionTask(models.Model):
    """A task in a transition plan: what is to be done, by whom (a person and their service) and when.
    The owner may mark it done (``access_owner_ids``)."""

    plan = models.ForeignKey(TransitionPlan, on_delete=models.PROTECT, related_name="tasks",
                             verbose_name=_("transition plan"))
    family = family_field()
    municipality = municipality_field()
    code = models.CharField(max_length=40, blank=True, editable=False)
    params = models.JSONField(default=dict, blank=True, editable=False)
    text = models.CharField(_("what is to be done"), max_length=300, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="transition_tasks", verbose_name=_("responsible person"))
    owner_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("responsible service"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = user_field(_("marked done by"), on_delete=models.PROTECT)
    created_by = user_field(_("added by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = version_field()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("transition task")
        verbose_name_plural = _("transition tasks")
        indexes = [models.Index(fields=["owner", "status", "due_date"]), models.Index(fields=["plan", "status"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from los.transitions.checklists import task_label

        return task_label(self.code, self.params, self.text)

    def access_owner_ids(self) -> list[int]:
        return [self.owner_id] if self.owner_id else []

    @property
    def is_done(self) -> bool:
        return self.status == TaskStatus.DONE

    def is_overdue_on(self, day: date) -> bool:
        return self.status == TaskStatus.OPEN and self.due_date < day

    @property
    def owner_label(self) -> str:
        parts = []
        if self.owner_id:
            parts.append(self.owner.get_full_name() or self.owner.username)
        if self.owner_provider_id:
            parts.append(self.owner_provider.name)
        return ", ".join(parts)


class ReceiverKind(models.TextChoices):
    NEW_COORDINATOR = "new_coordinator", _("A new barnekoordinator")
    RECEIVING_SCHOOL = "receiving_school", _("A receiving kindergarten or school")
    ADULT_SERVICES = "adult_services", _("Adult services")
    RECEIVING_UNIT = "receiving_unit", _("The coordinating unit in the new municipality")


class HandoverSummary(models.Model):
    """A handover summary made for a receiver: who made it, for whom, and which sections the family's consent
    covered (``included``) or not (``left_out``, with the reason), at the time it was made.

    The content is not stored: it is built from the family's record each time it is read, through the
    access policy for the receiver, so a consent withdrawn later stops the sharing at once.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="handover_summaries",
                               verbose_name=_("family"))
    municipality = municipality_field()
    plan = models.ForeignKey(TransitionPlan, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="summaries", verbose_name=_("transition plan"))
    receiver_kind = models.CharField(_("for"), max_length=20, choices=ReceiverKind.choices)
    receiver_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("receiving service"))
    receiver_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="received_handover_summaries", verbose_name=_("receiving person"))
    note = models.TextField(_("note to the receiver"), blank=True)
    included = models.JSONField(default=list, editable=False)
    left_out = models.JSONField(default=list, editable=False)
    created_by = user_field(_("made by"), on_delete=models.PROTECT, blank=False)
    created_at = models.DateTimeField(_("made"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("handover summary")
        verbose_name_plural = _("handover summaries")

    def __str__(self) -> str:
        return f"{self.get_receiver_kind_display()}: {self.receiver_name}"

    @property
    def receiver_name(self) -> str:
        parts = []
        if self.receiver_user_id:
            parts.append(self.receiver_user.get_full_name() or self.receiver_user.username)
        if self.receiver_provider_id:
            parts.append(self.receiver_provider.name)
        return ", ".join(parts)

    def access_owner_ids(self) -> list[int]:
        return [self.receiver_user_id] if self.receiver_user_id else []


class MoveStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the family's answer")
    CONFIRMED = "confirmed", _("Confirmed by the family")
    DECLINED = "declined", _("Declined by the family")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConfirmationMethod(models.TextChoices):
    DIGITAL = "digital", _("In Los, by the family")
    PAPER = "paper", _("On paper, recorded by the barnekoordinator")


class MoveProposal(models.Model):
    """A proposed move of the family's record to another municipality (*flytting*), and the family's answer.

    The coordinating unit or the barnekoordinator records that a move is proposed (to which municipality, from
    which day). The family answers in its portal: a guardian who may consent reads what will be sent and what
    stays, and confirms or declines; ``text_shown`` is the text they read. The family's barnekoordinator may
    record a confirmation the family signed on paper (``method`` paper, ``recorded_by``). A confirmation records
    the move (:class:`los.access.models.FamilyTransfer`, ``transfer``); only a confirmed move can be exported.
    Never deleted: a withdrawn proposal or confirmation stays with ``withdrawn_at``.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="move_proposals",
                               verbose_name=_("family"))
    municipality = municipality_field()
    to_municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("moving to"))
    handover_date = models.DateField(_("handover date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    proposed_by = user_field(_("proposed by"), on_delete=models.PROTECT, blank=False)
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=MoveStatus.choices, default=MoveStatus.PROPOSED)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by_member = models.ForeignKey("families.FamilyMember", on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("answered by (guardian)"))
    answered_by = user_field(_("answered in Los by"), on_delete=models.PROTECT)
    method = models.CharField(_("how it was confirmed"), max_length=10, choices=ConfirmationMethod.choices,
                              blank=True)
    recorded_by = user_field(_("recorded on paper by"), on_delete=models.PROTECT)
    paper_signed_on = models.DateField(_("signed on paper on"), null=True, blank=True)
    text_shown = models.TextField(_("the text the family read"), blank=True)
    transfer = models.ForeignKey("access.FamilyTransfer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("recorded move"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = user_field(_("withdrawn by"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("proposed move")
        verbose_name_plural = _("proposed moves")

    def __str__(self) -> str:
        return f"{self.family} → {self.to_municipality}"

    @property
    def confirmed_by_name(self) -> str:
        member = self.answered_by_member
        return f"{member.given_name} {member.family_name}" if member is not None else ""

    @property
    def is_open(self) -> bool:
        """Waiting for the family's answer, or confirmed and not withdrawn."""
        return self.status in (MoveStatus.PROPOSED, MoveStatus.CONFIRMED)


class FamilyExport(models.Model):
    """The sending side's record of a family's record handed over as a package, for a move the family confirmed
    (:class:`MoveProposal`, recorded as a :class:`los.access.models.FamilyTransfer`)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="transition_exports",
                               verbose_name=_("family"))
    municipality = municipality_field()
    transfer = models.ForeignKey("access.FamilyTransfer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("recorded move"))
    proposal = models.ForeignKey(MoveProposal, on_delete=models.PROTECT, null=True, blank=True, related_name="exports",
                                 verbose_name=_("the move the family confirmed"))
    package_id = models.CharField(_("package id"), max_length=36, blank=True)
    to_municipality_number = models.CharField(_("to municipality number"), max_length=4)
    to_municipality_name = models.CharField(_("to municipality"), max_length=100)
    exported_at = models.DateTimeField(_("exported"), default=timezone.now)
    exported_by = user_field(_("exported by"), on_delete=models.PROTECT, blank=False)
    sha256 = models.CharField(_("package checksum (SHA-256)"), max_length=64)
    rows = models.PositiveIntegerField(_("rows in the package"), default=0)

    class Meta:
        ordering = ["-exported_at"]
        verbose_name = _("family record handed over")
        verbose_name_plural = _("family records handed over")

    def __str__(self) -> str:
        return f"{self.family} → {self.to_municipality_name}"


class FamilyImport(models.Model):
    """The receiving side's record of a family's record imported from another municipality's package."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="transition_imports",
                               verbose_name=_("family"))
    municipality = municipality_field()
    from_municipality_number = models.CharField(_("from municipality number"), max_length=4)
    from_municipality_name = models.CharField(_("from municipality"), max_length=100)
    source_reference = models.CharField(_("case reference in the former municipality"), max_length=30)
    source_family_id = models.PositiveBigIntegerField()
    transfer_date = models.DateField(_("handover date"), null=True, blank=True)
    consented_by_name = models.CharField(_("consent to hand over given by"), max_length=200, blank=True)
    format_version = models.PositiveSmallIntegerField(default=1)
    exported_at = models.DateTimeField(_("exported"))
    sha256 = models.CharField(_("package checksum (SHA-256)"), max_length=64)
    package_id = models.CharField(_("package id"), max_length=36, blank=True)
    sender_installation = models.CharField(_("sending installation"), max_length=100, blank=True)
    signature_key_id = models.CharField(_("signing key"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    imported_by = user_field(_("imported by"), on_delete=models.PROTECT, blank=False)
    counts = models.JSONField(default=dict, editable=False)
    adjustments = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [models.UniqueConstraint(fields=["package_id"], condition=~models.Q(package_id=""),
                                               name="family_import_package_once")]
        verbose_name = _("family record received")
        verbose_name_plural = _("family records received")

    def __str__(self) -> str:
        return f"{self.from_municipality_name} → {self.family}"
