"""Actions on the individual plan. Views authorize through the access policy first; these functions hold
the business rules, keep every change as a :class:`~los.plans.models.PlanVersion` and refuse stale
edits (optimistic locking) with :class:`los.core.forms.ConflictError`, so that nothing is silently overwritten.

Other apps create measures with :func:`create_measure` (meetings: a decision becomes a plan measure).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from los.access import audit
from los.access.models import AuditAction, Category, ConsentMethod
from los.access.policy import Action, can, is_assigned_coordinator
from los.accounts.models import Role, StaffRole, User
from los.archive import hooks as archive
from los.core.forms import ConflictError
from los.core.models import ServiceProvider
from los.families.models import Child, CoordinatorAssignment, Family, FamilyMember
from los.plans import versioning
from los.plans.models import (
    ContactChannel,
    ContactFrequency,
    EditablePart,
    Evaluation,
    EvaluationDate,
    EvaluationResult,
    ExpectationClarification,
    Goal,
    GoalCategory,
    Measure,
    MeasureComment,
    MeasureOrigin,
    MeasureStatus,
    Need,
    Participant,
    ParticipantKind,
    Plan,
    PlanApproval,
    PlanChange,
    PlanStatus,
    PlanVersion,
    Resource,
    Whose,
)

MAX_TEXT = 4000
MAX_YEARS_AHEAD = 5


def _stale(current: Any) -> ConflictError:
    """Someone else saved the same thing after the user opened it; ``current`` is the saved object."""
    return ConflictError(_("Someone else changed this while you were working on it. Nothing of yours has "
                           "been saved yet: compare the two versions below and save again if yours "
                           "should apply."), current=current)


# --- helpers ------------------------------------------------------------------------------------------

def _now():
    return timezone.now()


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _check_version(obj: Any, version: int | None) -> None:
    if version is None or int(version) != obj.version:
        raise _stale(obj)


def _lock_plan(plan: Plan) -> Plan:
    locked = Plan.objects.select_for_update(of=("self",)).select_related("family").get(pk=plan.pk)
    if locked.status != PlanStatus.ACTIVE:
        raise ValidationError(_("This plan is closed and can no longer be changed."))
    return locked


def _record(plan: Plan, by: User | None, change: str, subject: str = "") -> PlanVersion:
    """Count the change on the (locked) plan and keep a full snapshot of the plan as it is now."""
    now = _now()
    plan.revision += 1
    plan.updated_at = now
    Plan.objects.filter(pk=plan.pk).update(revision=plan.revision, updated_at=now)
    return PlanVersion.objects.create(
        plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id, number=plan.revision,
        snapshot=versioning.snapshot(plan), change=change, subject=subject[:200], author=by,
        author_name=_name(by), created_at=now,
    )


def _text(value: str | None, field: str, message: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: _("This is too long: at most %(limit)s characters.") % {"limit": limit}})
    return value


def _choice(value: str, choices: type[models.TextChoices], field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the options.")})
    return value


def _member_of(family: Family, member: FamilyMember | None, field: str = "member") -> FamilyMember | None:
    if member is not None and member.family_id != family.pk:
        raise ValidationError({field: _("This person is not in this family.")})
    return member


def _touch(obj: EditablePart, by: User) -> None:
    obj.version += 1
    obj.updated_at = _now()
    obj.updated_by = by


def is_current_coordinator(user: User, family: Family) -> bool:
    return is_assigned_coordinator(user, family)


def family_member_for(user: User, family: Family) -> FamilyMember | Child | None:
    """The guardian (or the young person with an own log-in) ``user`` is in ``family``, if any."""
    for member in FamilyMember.objects.filter(user=user, family=family):
        if member.is_guardian:
            return member
    return Child.objects.filter(user=user, family=family).first()


# --- the plan ------------------------------------------------------------------------------------------

@transaction.atomic
def create_plan(family: Family, *, by: User, consent_given_by: FamilyMember | None,
                consent_method: str = ConsentMethod.DIGITAL, consent_given_on: date | None = None,
                what_matters: str = "") -> Plan:
    """Start the family's individual plan. A plan needs the family's consent (pbrl § 2-5): it is
    recorded with who gave it and how. The child, the guardians and the barnekoordinator take part."""
    Family.objects.select_for_update().filter(pk=family.pk).first()
    if Plan.objects.filter(family=family, status=PlanStatus.ACTIVE).exists():
        raise ValidationError(_("The family already has an individual plan. Open it and keep it up to date."))
    errors: dict[str, str] = {}
    if consent_given_by is None:
        errors["consent_given_by"] = _("An individual plan needs the family's consent. Say who in the family "
                                       "gave it.")
    elif consent_given_by.family_id != family.pk or not consent_given_by.may_consent:
        errors["consent_given_by"] = _("Choose a guardian in this family who may consent on the family's behalf.")
    if consent_method not in ConsentMethod.values:
        errors["consent_method"] = _("Choose how the consent was given.")
    today = timezone.localdate()
    consent_given_on = consent_given_on or today
    if consent_given_on > today:
        errors["consent_given_on"] = _("The consent cannot be given in the future. Check the date.")
    if errors:
        raise ValidationError(errors)
    plan = Plan.objects.create(
        family=family, municipality_id=family.municipality_id, consent_given_by=consent_given_by,
        consent_method=consent_method, consent_given_on=consent_given_on, created_by=by,
        what_matters=_text(what_matters, "what_matters", "", required=False),
    )
    rows = [Participant(plan=plan, family_id=family.pk, municipality_id=family.municipality_id,
                        kind=ParticipantKind.FAMILY, child=child) for child in family.children.all()]
    rows += [Participant(plan=plan, family_id=family.pk, municipality_id=family.municipality_id,
                         kind=ParticipantKind.FAMILY, family_member=m) for m in family.members.all() if m.is_guardian]
    today = timezone.localdate()
    for assignment in CoordinatorAssignment.objects.filter(family=family, started__lte=today).filter(
            models.Q(ended__isnull=True) | models.Q(ended__gt=today)).select_related("coordinator"):
        rows.append(Participant(plan=plan, family_id=family.pk, municipality_id=family.municipality_id,
                                kind=ParticipantKind.COORDINATOR, user=assignment.coordinator,
                                role_text=_("Barnekoordinator")))
    Participant.objects.bulk_create(rows)
    _record(plan, by, PlanChange.CREATED)
    return plan


@transaction.atomic
def update_plan(plan: Plan, *, by: User, version: int | None, what_matters: str) -> Plan:
    plan = _lock_plan(plan)
    _check_version(plan, version)
    plan.what_matters = _text(what_matters, "what_matters", "", required=False)
    plan.version += 1
    plan.save(update_fields=["what_matters", "version"])
    _record(plan, by, PlanChange.PLAN_EDITED)
    return plan


# --- goals -------------------------------------------------------------------------------------------

def _goal_fields(plan: Plan, *, text: str, whose: str, member: FamilyMember | None, child: Child | None,
                 category: str) -> dict[str, Any]:
    fields = {
        "text": _text(text, "text", _("Write the goal, in the family's own words.")),
        "whose": _choice(whose, Whose, "whose"),
        "member": _member_of(plan.family, member),
        "child": child,
        "category": _choice(category, GoalCategory, "category"),
    }
    if child is not None and child.family_id != plan.family_id:
        raise ValidationError({"child": _("This person is not in this family.")})
    if member is not None and whose == Whose.SIBLING and member.relation != "sibling":
        raise ValidationError({"member": _("The goal is a sibling's: choose one of the siblings.")})
    if member is not None and whose == Whose.CHILD:
        raise ValidationError({"member": _("The goal is the child's: leave the family member empty, or choose "
                                           "whose goal it is.")})
    return fields


@transaction.atomic
def add_goal(plan: Plan, *, by: User, text: str, whose: str = Whose.CHILD, member: FamilyMember | None = None,
             child: Child | None = None, category: str = GoalCategory.EVERYDAY) -> Goal:
    plan = _lock_plan(plan)
    fields = _goal_fields(plan, text=text, whose=whose, member=member, child=child, category=category)
    position = (plan.goals.aggregate(m=models.Max("position"))["m"] or 0) + 1
    goal = Goal.objects.create(plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id,
                               created_by=by, updated_by=by, position=position, **fields)
    _record(plan, by, PlanChange.GOAL_ADDED, goal.text)
    return goal


@transaction.atomic
def update_goal(goal: Goal, *, by: User, version: int | None, text: str, whose: str,
                member: FamilyMember | None = None, child: Child | None = None,
                category: str = GoalCategory.EVERYDAY, archived: bool = False) -> Goal:
    plan = _lock_plan(goal.plan)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    _check_version(goal, version)
    for name, value in _goal_fields(plan, text=text, whose=whose, member=member, child=child,
                                    category=category).items():
        setattr(goal, name, value)
    goal.archived = archived
    _touch(goal, by)
    goal.save()
    _record(plan, by, PlanChange.GOAL_EDITED, goal.text)
    return goal


# --- resources and needs -----------------------------------------------------------------------------

SECTION_MODELS: dict[str, type[Resource] | type[Need]] = {"resource": Resource, "need": Need}
_SECTION_CHANGES = {
    "resource": (PlanChange.RESOURCE_ADDED, PlanChange.RESOURCE_EDITED, PlanChange.RESOURCE_REMOVED),
    "need": (PlanChange.NEED_ADDED, PlanChange.NEED_EDITED, PlanChange.NEED_REMOVED),
}


def _section_fields(plan: Plan, kind: str, *, text: str, whose: str, member: FamilyMember | None) -> dict:
    message = (_("Write what the family has and can build on.") if kind == "resource"
               else _("Write what the family needs help with."))
    return {"text": _text(text, "text", message), "whose": _choice(whose, Whose, "whose"),
            "member": _member_of(plan.family, member)}


@transaction.atomic
def add_section_item(plan: Plan, kind: str, *, by: User, text: str, whose: str = Whose.FAMILY,
                     member: FamilyMember | None = None) -> Resource | Need:
    plan = _lock_plan(plan)
    model = SECTION_MODELS[kind]
    item = model.objects.create(plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id,
                                created_by=by, updated_by=by,
                                **_section_fields(plan, kind, text=text, whose=whose, member=member))
    _record(plan, by, _SECTION_CHANGES[kind][0], item.text)
    return item


@transaction.atomic
def update_section_item(item: Resource | Need, *, by: User, version: int | None, text: str, whose: str,
                        member: FamilyMember | None = None) -> Resource | Need:
    kind = "resource" if isinstance(item, Resource) else "need"
    plan = _lock_plan(item.plan)
    item = type(item).objects.select_for_update().get(pk=item.pk)
    _check_version(item, version)
    for name, value in _section_fields(plan, kind, text=text, whose=whose, member=member).items():
        setattr(item, name, value)
    _touch(item, by)
    item.save()
    _record(plan, by, _SECTION_CHANGES[kind][1], item.text)
    return item


@transaction.atomic
def remove_section_item(item: Resource | Need, *, by: User, version: int | None) -> None:
    """Remove a resource or need from the plan; the earlier versions still show it."""
    kind = "resource" if isinstance(item, Resource) else "need"
    plan = _lock_plan(item.plan)
    item = type(item).objects.select_for_update().get(pk=item.pk)
    _check_version(item, version)
    text = item.text
    item.delete()
    _record(plan, by, _SECTION_CHANGES[kind][2], text)


# --- participants ------------------------------------------------------------------------------------

def _service_roles(user: User) -> list[StaffRole]:
    return [r for r in user.active_roles() if r.role == Role.SERVICE_CONTACT]


@transaction.atomic
def add_participant(plan: Plan, *, by: User, family_member: FamilyMember | None = None, child: Child | None = None,
                    user: User | None = None, role_text: str = "") -> Participant:
    """Add a family member, a child, the coordinator or a service contact to the plan."""
    plan = _lock_plan(plan)
    if sum(x is not None for x in (family_member, child, user)) != 1:
        raise ValidationError({"person": _("Choose one person.")})
    current = plan.participants.filter(left_at__isnull=True)
    provider = None
    if family_member is not None:
        _member_of(plan.family, family_member, "person")
        kind, taken = ParticipantKind.FAMILY, current.filter(family_member=family_member).exists()
    elif child is not None:
        if child.family_id != plan.family_id:
            raise ValidationError({"person": _("This person is not in this family.")})
        kind, taken = ParticipantKind.FAMILY, current.filter(child=child).exists()
    else:
        roles = _service_roles(user)
        kind = ParticipantKind.SERVICE if roles else ParticipantKind.COORDINATOR
        if kind == ParticipantKind.COORDINATOR and not is_current_coordinator(user, plan.family):
            raise ValidationError({"person": _("Choose a contact in a service or the family's barnekoordinator.")})
        provider = roles[0].service_provider if roles else None
        if not role_text and roles:
            role_text = roles[0].title
        taken = current.filter(user=user).exists()
    if taken:
        raise ValidationError({"person": _("This person already takes part in the plan.")})
    participant = Participant.objects.create(
        plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id, kind=kind,
        family_member=family_member, child=child, user=user, service_provider=provider,
        role_text=_text(role_text, "role_text", "", required=False, limit=200))
    _record(plan, by, PlanChange.PARTICIPANT_ADDED, participant.name)
    return participant


@transaction.atomic
def remove_participant(participant: Participant, *, by: User) -> None:
    plan = _lock_plan(participant.plan)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.left_at is not None:
        return
    participant.left_at = _now()
    participant.save(update_fields=["left_at"])
    _record(plan, by, PlanChange.PARTICIPANT_REMOVED, participant.name)


# --- measures ----------------------------------------------------------------------------------------

def _as_user(value: User | int | None) -> User | None:
    if value is None or isinstance(value, User):
        return value
    return User.objects.filter(pk=value).first()


def _as_provider(value: ServiceProvider | int | None) -> ServiceProvider | None:
    if value is None or isinstance(value, ServiceProvider):
        return value
    return ServiceProvider.objects.filter(pk=value).first()


def _owner(plan: Plan, person: User | None, provider: ServiceProvider | None) -> tuple[User | None,
                                                                                      ServiceProvider | None]:
    """Check the owner: a service, a person or both, and a person who can see the plan."""
    if person is None and provider is None:
        raise ValidationError({"owner_person": _("Say who is responsible: a service, a person or both.")})
    if provider is not None and provider.municipality_id != plan.municipality_id:
        raise ValidationError({"owner_provider": _("Choose a service from this municipality's list.")})
    if person is not None:
        roles = _service_roles(person)
        if roles:
            providers = {r.service_provider_id for r in roles}
            if provider is None:
                provider = roles[0].service_provider
            elif provider.pk not in providers:
                raise ValidationError({"owner_person": _(
                    "%(person)s does not work at %(service)s. Choose the person's own service, or leave the "
                    "service empty.") % {"person": _name(person), "service": provider.name}})
        if not can(person, Action.VIEW, plan):
            raise ValidationError({"owner_person": _(
                "%(person)s cannot see this plan: the family has not given their service consent to see the "
                "plan. Ask the family for consent first, or choose someone else.") % {"person": _name(person)}})
    return person, provider


def _dates(start: date | None, due_date: date | None, *, new: bool) -> None:
    today = timezone.localdate()
    if start and due_date and due_date < start:
        raise ValidationError({"due_date": _("The due date is before the start. Check the dates.")})
    if due_date and new and due_date < today:
        raise ValidationError({"due_date": _("The due date has already passed. Choose a later date.")})
    limit = today + timedelta(days=365 * MAX_YEARS_AHEAD)
    for name, value in (("start", start), ("due_date", due_date)):
        if value and value > limit:
            raise ValidationError({name: _("This date is more than five years ahead. Check the year.")})


def _goal_of(plan: Plan, goal: Goal | int | None) -> Goal | None:
    if goal is None or goal == "":
        return None
    goal_obj = goal if isinstance(goal, Goal) else Goal.objects.filter(pk=goal).first()
    if goal_obj is None or goal_obj.plan_id != plan.pk:
        raise ValidationError({"goal": _("Choose one of the goals in this plan.")})
    return goal_obj


def current_plan(family: Family) -> Plan | None:
    return Plan.objects.filter(family=family, status=PlanStatus.ACTIVE).select_related("family").first()


@transaction.atomic
def create_measure(*, title: str, by: User, family: Family | None = None, plan: Plan | None = None,
                   goal: Goal | int | None = None, owner: User | int | None = None,
                   responsible_user: User | int | None = None,
                   service_provider: ServiceProvider | int | None = None, start: date | None = None,
                   due_date: date | None = None, description: str = "",
                   origin: str = MeasureOrigin.PLAN) -> Measure:
    """Add a measure (tiltak) to the family's current plan and keep the change as a new plan version.

    Give ``plan`` or ``family`` (its current plan is used). The owner is ``owner`` (or
    ``responsible_user``: a user or a user id) and/or ``service_provider``. Raises ValidationError
    with a message for the user when something is wrong (no plan, no owner, owner without consent,
    ``by`` may not change the plan, dates that do not make sense).
    """
    if plan is None:
        if family is None:
            raise ValueError("create_measure needs a plan or a family")
        plan = current_plan(family)
        if plan is None:
            raise ValidationError(_("The family has no individual plan yet. Create the plan first, then add "
                                    "the measure."))
    if not can(by, Action.CHANGE, plan):
        raise ValidationError(_("You cannot add measures to this family's plan."))
    plan = _lock_plan(plan)
    title = _text(title, "title", _("Write what is to be done."), limit=300)
    person, provider = _owner(plan, _as_user(owner if owner is not None else responsible_user),
                              _as_provider(service_provider))
    _dates(start, due_date, new=True)
    if origin not in MeasureOrigin.values:
        origin = MeasureOrigin.PLAN
    measure = Measure.objects.create(
        plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id, goal=_goal_of(plan, goal),
        title=title, description=_text(description, "description", "", required=False), owner_person=person,
        owner_provider=provider, start=start, due_date=due_date, origin=origin, created_by=by, updated_by=by)
    _record(plan, by, PlanChange.MEASURE_ADDED, measure.title)
    return measure


@transaction.atomic
def update_measure(measure: Measure, *, by: User, version: int | None, title: str, goal: Goal | int | None,
                   owner_person: User | None, owner_provider: ServiceProvider | None, start: date | None,
                   due_date: date | None, status: str, description: str = "") -> Measure:
    """The coordinator's full edit of a measure."""
    plan = _lock_plan(measure.plan)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    _check_version(measure, version)
    measure.title = _text(title, "title", _("Write what is to be done."), limit=300)
    measure.description = _text(description, "description", "", required=False)
    measure.goal = _goal_of(plan, goal)
    measure.owner_person, measure.owner_provider = _owner(plan, owner_person, owner_provider)
    _dates(start, due_date, new=False)
    measure.start, measure.due_date = start, due_date
    if _choice(status, MeasureStatus, "status") != measure.status:
        measure.status, measure.status_changed_at = status, _now()
    _touch(measure, by)
    measure.save()
    _record(plan, by, PlanChange.MEASURE_EDITED, measure.title)
    return measure


@transaction.atomic
def update_measure_status(measure: Measure, *, by: User, version: int | None, status: str,
                          note: str = "") -> Measure:
    """The owner (or the coordinator) says how the measure is going."""
    plan = _lock_plan(measure.plan)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    _check_version(measure, version)
    status = _choice(status, MeasureStatus, "status")
    note = _text(note, "note", "", required=False, limit=1000)
    if status == MeasureStatus.STOPPED and not note:
        raise ValidationError({"note": _("Say why the measure is stopped, so that the family knows.")})
    if status != measure.status:
        measure.status, measure.status_changed_at = status, _now()
    measure.status_note = note
    _touch(measure, by)
    measure.save()
    _record(plan, by, PlanChange.MEASURE_STATUS, measure.title)
    return measure


@transaction.atomic
def add_comment(measure: Measure, *, by: User, text: str, side: str = "") -> MeasureComment:
    """A comment on a measure (the family's or another participant's). Comments are kept with their
    own time and author and are not plan versions."""
    text = _text(text, "text", _("Write your comment."), limit=2000)
    if measure.plan.status != PlanStatus.ACTIVE:
        raise ValidationError(_("This plan is closed and can no longer be changed."))
    return MeasureComment.objects.create(plan_id=measure.plan_id, family_id=measure.family_id,
                                         municipality_id=measure.municipality_id, measure=measure, author=by,
                                         author_side=side[:20], text=text)


# --- evaluation ----------------------------------------------------------------------------------------

@transaction.atomic
def add_evaluation_date(plan: Plan, *, by: User, day: date | None, note: str = "") -> EvaluationDate:
    plan = _lock_plan(plan)
    today = timezone.localdate()
    if day is None:
        raise ValidationError({"date": _("Give the date of the evaluation.")})
    if day < today:
        raise ValidationError({"date": _("The date has already passed. Choose today or a later date.")})
    if day > today + timedelta(days=365 * 2):
        raise ValidationError({"date": _("The date is more than two years ahead. Evaluate the plan at least "
                                         "once a year.")})
    occasion = EvaluationDate.objects.create(plan=plan, family_id=plan.family_id,
                                             municipality_id=plan.municipality_id, date=day, created_by=by,
                                             updated_by=by, note=_text(note, "note", "", required=False, limit=300))
    _record(plan, by, PlanChange.EVALUATION_DATE, str(day))
    return occasion


@transaction.atomic
def record_evaluation(occasion: EvaluationDate, *, by: User, version: int | None, held_on: date | None,
                      results: dict[int, dict[str, str]], summary: str = "", family_view: str = "",
                      clarification_reviewed: bool = False, clarification_note: str = "",
                      next_date: date | None = None) -> EvaluationDate:
    """Record an evaluation: per goal reached / partly / not, with the family's view and the next
    period's measures; the expectation clarification is revisited; optionally the next date is set."""
    plan = _lock_plan(occasion.plan)
    occasion = EvaluationDate.objects.select_for_update().get(pk=occasion.pk)
    _check_version(occasion, version)
    if occasion.held_on is not None:
        raise ValidationError(_("This evaluation is already recorded."))
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = _("Give the date the evaluation was held.")
    elif held_on > today:
        errors["held_on"] = _("An evaluation can only be recorded once it has been held. Check the date.")
    goals = list(plan.goals.filter(archived=False))
    rows = []
    for goal in goals:
        entry = results.get(goal.pk) or {}
        result = entry.get("result") or ""
        if result not in EvaluationResult.values:
            errors[f"result_{goal.pk}"] = _("Say whether this goal was reached, partly reached or not reached.")
            continue
        rows.append(Evaluation(plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id,
                               occasion=occasion, goal=goal, result=result, recorded_by=by,
                               family_view=(entry.get("family_view") or "").strip()[:MAX_TEXT],
                               next_period=(entry.get("next_period") or "").strip()[:MAX_TEXT]))
    if next_date is not None and held_on is not None and next_date <= held_on:
        errors["next_date"] = _("The next evaluation must come after this one.")
    elif next_date is not None and next_date > today + timedelta(days=365 * 2):
        errors["next_date"] = _("The date is more than two years ahead. Evaluate the plan at least once a year.")
    if not goals:
        errors["summary"] = _("The plan has no goals to evaluate yet. Add the family's goals first.")
    if errors:
        raise ValidationError(errors)
    Evaluation.objects.bulk_create(rows)
    occasion.held_on, occasion.held_by = held_on, by
    occasion.summary = summary.strip()[:MAX_TEXT]
    occasion.family_view = family_view.strip()[:MAX_TEXT]
    occasion.clarification_reviewed = clarification_reviewed
    occasion.clarification_note = clarification_note.strip()[:MAX_TEXT]
    _touch(occasion, by)
    occasion.save()
    if clarification_reviewed:
        ExpectationClarification.objects.filter(plan=plan).update(last_reviewed_on=held_on)
    if next_date is not None:
        EvaluationDate.objects.create(plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id,
                                      date=next_date, created_by=by, updated_by=by)
    _record(plan, by, PlanChange.EVALUATION, str(held_on))
    return occasion


# --- expectation clarification ------------------------------------------------------------------------

CLARIFICATION_TEXT_FIELDS = ("will_do", "will_not_do", "done_instead_by", "contact_channels", "contact_frequency",
                             "contact_note", "delegated_authority")


@transaction.atomic
def save_clarification(plan: Plan, *, by: User, version: int | None, will_do: str, will_not_do: str = "",
                       done_instead_by: str = "", contact_channels: list[str] | None = None,
                       contact_frequency: str = "", contact_note: str = "",
                       delegated_authority: str = "") -> ExpectationClarification:
    """Write or change the expectation clarification. A change of content removes both signatures."""
    plan = _lock_plan(plan)
    fields = {
        "will_do": _text(will_do, "will_do", _("Write what the barnekoordinator will do for the family.")),
        "will_not_do": _text(will_not_do, "will_not_do", "", required=False),
        "done_instead_by": _text(done_instead_by, "done_instead_by", "", required=False),
        "contact_channels": [c for c in dict.fromkeys(contact_channels or []) if c in ContactChannel.values],
        "contact_frequency": contact_frequency if contact_frequency in ContactFrequency.values else "",
        "contact_note": _text(contact_note, "contact_note", "", required=False, limit=300),
        "delegated_authority": _text(delegated_authority, "delegated_authority", "", required=False),
    }
    if fields["will_not_do"] and not fields["done_instead_by"]:
        raise ValidationError({"done_instead_by": _(
            "Say who does what the barnekoordinator will not do, so that nothing falls between two chairs.")})
    clarification = ExpectationClarification.objects.select_for_update().filter(plan=plan).first()
    if clarification is None:
        if version not in (None, 0):
            raise _stale(None)
        clarification = ExpectationClarification(plan=plan, family_id=plan.family_id,
                                                 municipality_id=plan.municipality_id, created_by=by, version=0)
    else:
        _check_version(clarification, version)
    changed = any(getattr(clarification, name) != value for name, value in fields.items())
    for name, value in fields.items():
        setattr(clarification, name, value)
    if changed:
        clarification.family_signed_at = clarification.family_signed_by = None
        clarification.family_signed_member = None
        clarification.coordinator_signed_at = clarification.coordinator_signed_by = None
    _touch(clarification, by)
    clarification.save()
    plan.clarification = clarification
    _record(plan, by, PlanChange.CLARIFICATION)
    return clarification


@transaction.atomic
def sign_clarification(clarification: ExpectationClarification, *, by: User, version: int | None,
                       as_family: bool) -> ExpectationClarification:
    """The family (a guardian or the young person) or the barnekoordinator signs what is written now."""
    plan = _lock_plan(clarification.plan)
    clarification = ExpectationClarification.objects.select_for_update().get(pk=clarification.pk)
    _check_version(clarification, version)
    now = _now()
    if as_family:
        person = family_member_for(by, plan.family)
        if person is None:
            raise ValidationError(_("Only a guardian or the young person can sign for the family."))
        clarification.family_signed_at, clarification.family_signed_by = now, by
        clarification.family_signed_member = person if isinstance(person, FamilyMember) else None
    else:
        if not is_current_coordinator(by, plan.family):
            raise ValidationError(_("Only the family's barnekoordinator can sign as the coordinator."))
        clarification.coordinator_signed_at, clarification.coordinator_signed_by = now, by
    # A signature does not change the text, so the version (which guards the text) stays: the other side
    # can still sign what they read.
    clarification.save()
    _record(plan, by, PlanChange.CLARIFICATION_SIGNED, _name(by))
    return clarification


# --- approval ------------------------------------------------------------------------------------------

def approval_statement() -> str:
    return _("We have read this version of the individual plan and agree to it. We know that we can ask for "
             "changes at any time and withdraw our consent.")


@transaction.atomic
def approve_plan(plan: Plan, *, by: User, revision: int | None, request: HttpRequest | None = None) -> PlanApproval:
    """The family approves the version it has read. Recorded as a digital acknowledgement and in the audit
    log; a plan that changed since it was opened must be read again first."""
    plan = _lock_plan(plan)
    if revision is None or int(revision) != plan.revision:
        raise _stale(plan)
    person = family_member_for(by, plan.family)
    if person is None or (isinstance(person, FamilyMember) and not person.may_consent):
        raise ValidationError(_("Only a guardian who may consent on the family's behalf, or the young person, "
                                "can approve the plan."))
    plan_version = PlanVersion.objects.get(plan=plan, number=plan.revision)
    approval = PlanApproval.objects.create(
        plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id, plan_version=plan_version,
        approved_by=by, member=person if isinstance(person, FamilyMember) else None,
        statement=approval_statement())
    audit.record(actor=by, action=AuditAction.CHANGE, object_type="PlanApproval", object_id=approval.pk,
                 municipality_id=plan.municipality_id, family_id=plan.family_id, category=str(Category.PLAN),
                 reason=f"the family approved version {plan_version.number} of the individual plan",
                 role="guardian" if isinstance(person, FamilyMember) else "young_person", request=request)
    archive.plan_approved(approval, by, request)
    return approval
