"""Queries about individual plans. Lists start from ``visible_families`` (the access policy); one family's
plan is read after the view has authorized the user for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from los.access.models import Category, Consent
from los.access.policy import visible_families
from los.accounts.models import StaffRole, User
from los.families.models import CoordinatorAssignment, Family
from los.families.navigation import FAMILY_SIDE_BASES
from los.plans.models import (
    OPEN_MEASURE_STATUSES,
    Evaluation,
    EvaluationDate,
    ExpectationClarification,
    Goal,
    Measure,
    MeasureComment,
    Participant,
    Plan,
    PlanApproval,
    PlanStatus,
    PlanVersion,
)
from los.plans.services import current_plan  # noqa: F401  (re-exported: a query as much as a rule)

FAMILY_SIDE = FAMILY_SIDE_BASES


def _measures() -> QuerySet[Measure]:
    return Measure.objects.select_related("owner_person", "owner_provider", "goal").prefetch_related(
        Prefetch("comments", queryset=MeasureComment.objects.select_related("author")))


_CLARIFICATION_PEOPLE = ("family_signed_member", "family_signed_by", "coordinator_signed_by")


def _clarification(plan: Plan) -> ExpectationClarification | None:
    if Plan.clarification.is_cached(plan):  # read with the plan (``current_plan_for_page``)
        return getattr(plan, "clarification", None)
    return ExpectationClarification.objects.select_related(*_CLARIFICATION_PEOPLE).filter(plan=plan).first()


def current_plan_for_page(family_pk: int) -> Plan | None:
    """The family's current plan, read with the family (and its municipality) and the guardian who consented,
    which the plan page shows; None when the family has no current plan."""
    return Plan.objects.filter(family_id=family_pk, status=PlanStatus.ACTIVE).select_related(
        "family__municipality", "consent_given_by", *(f"clarification__{name}" for name in _CLARIFICATION_PEOPLE)
    ).first()


def plan_page(plan: Plan, today: date | None = None) -> dict:
    """Everything the plan page shows. The caller has been authorized for the plan."""
    today = today or timezone.localdate()
    goals = list(plan.goals.select_related("member", "child"))
    goal_by_pk = {g.pk: g for g in goals}
    # the measures with their owners and comments; each measure's goal is one of the goals just read
    measures = list(Measure.objects.filter(plan=plan).select_related("owner_person", "owner_provider").prefetch_related(
        Prefetch("comments", queryset=MeasureComment.objects.select_related("author"))))
    family = plan.family if Plan.family.is_cached(plan) else None
    by_goal: dict[int | None, list[Measure]] = {}
    for m in measures:
        if family is not None:  # the plan's family: the page asks the policy about it without reading it again
            m.family = family
        if m.goal_id in goal_by_pk:
            m.goal = goal_by_pk[m.goal_id]
        m.overdue = m.is_overdue_on(today)
        by_goal.setdefault(m.goal_id, []).append(m)
    for group in by_goal.values():  # open measures first, by due date; then done and stopped ones
        group.sort(key=lambda m: (not m.is_open, m.due_date or date.max, m.pk))
    for g in goals:
        g.plan_measures = by_goal.get(g.pk, [])
    occasions = list(plan.evaluation_dates.all())
    # the results of the evaluations held (the page shows no others), their goals taken from the plan's goals
    held = [o for o in occasions if o.held_on is not None]
    results: dict[int, list[Evaluation]] = {}
    if held:
        for result in Evaluation.objects.filter(occasion__in=held):
            if result.goal_id in goal_by_pk:
                result.goal = goal_by_pk[result.goal_id]
            results.setdefault(result.occasion_id, []).append(result)
    for occasion in held:
        occasion.held_results = results.get(occasion.pk, [])
    for occasion in occasions:
        occasion.missed = occasion.is_missed_on(today)
    upcoming = [o for o in occasions if o.held_on is None and o.date >= today]
    return {
        "goals": [g for g in goals if not g.archived],
        "archived_goals": [g for g in goals if g.archived],
        "loose_measures": by_goal.get(None, []),
        "measures": measures,
        "overdue_measures": [m for m in measures if m.overdue],
        "resources": list(plan.resources.select_related("member")),
        "needs": list(plan.needs.select_related("member")),
        # the view asks the access policy whether each participant may see the plan; the policy reads the
        # user's active roles from ``User._active_roles`` (User.active_roles), loaded here for all at once
        "participants": list(plan.participants.filter(left_at__isnull=True).select_related(
            "family_member", "child", "user", "service_provider").prefetch_related(
            Prefetch("user__staff_roles", to_attr="_active_roles",
                     queryset=StaffRole.objects.filter(active=True).select_related("municipality",
                                                                                    "service_provider")))),
        "evaluation_dates": occasions,
        "next_evaluation": upcoming[0] if upcoming else None,
        "missed_evaluations": [o for o in occasions if o.missed],
        "held_evaluations": [o for o in occasions if o.held_on is not None],
        "clarification": _clarification(plan),
        # the page shows a version's number and author, never its snapshot of the whole plan
        "latest_approval": plan.approvals.select_related("plan_version", "approved_by").defer(
            "plan_version__snapshot").first(),
        "latest_version": plan.versions.defer("snapshot").order_by("-number").first(),
    }


def goal_progress(plan: Plan) -> list[Goal]:
    """The plan's goals that are not archived, in the plan page's order, each with ``total_count`` (its measures)
    and ``done_count`` (those no longer open), counted in the one query."""
    in_plan = Q(measures__plan=plan)
    return list(plan.goals.filter(archived=False).annotate(
        total_count=Count("measures", filter=in_plan),
        done_count=Count("measures", filter=in_plan & ~Q(measures__status__in=OPEN_MEASURE_STATUSES))))


def plan_consents(family: Family) -> list[Consent]:
    """The family's active consents that let a service (or a named person) see the plan."""
    now = timezone.now()
    return [c for c in Consent.objects.filter(family=family, withdrawn_at__isnull=True, valid_from__lte=now,
                                              valid_to__gt=now).select_related("service_provider", "person")
            if Category.PLAN.value in (c.categories or [])]


def next_evaluation(plan: Plan, today: date | None = None) -> EvaluationDate | None:
    today = today or timezone.localdate()
    return plan.evaluation_dates.filter(held_on__isnull=True, date__gte=today).order_by("date").first()


# --- measures across families -------------------------------------------------------------------------

def _current_plan_measures(user: User) -> QuerySet[Measure]:
    return _measures().select_related("family").filter(
        family__in=visible_families(user, Category.PLAN), plan__status=PlanStatus.ACTIVE)


def measures_owned_by(user: User) -> QuerySet[Measure]:
    """The user's own measures across families, where the policy lets the user see the plan."""
    return _current_plan_measures(user).filter(owner_person=user).order_by("status", "due_date", "pk")


def _coordinated_family_ids(user: User, today: date) -> QuerySet:
    return CoordinatorAssignment.objects.filter(coordinator=user, started__lte=today).filter(
        Q(ended__isnull=True) | Q(ended__gt=today)).values("family_id")


@dataclass
class PlanFlags:
    """What needs attention: overdue measures and missed evaluations, for the owner and the coordinator."""

    owned_overdue: list[Measure] = field(default_factory=list)
    coordinated_overdue: list[Measure] = field(default_factory=list)
    missed_evaluations: list[EvaluationDate] = field(default_factory=list)

    @property
    def count(self) -> int:
        ids = {m.pk for m in self.owned_overdue} | {m.pk for m in self.coordinated_overdue}
        return len(ids) + len(self.missed_evaluations)


def plan_flags(user: User, today: date | None = None, limit: int = 200) -> PlanFlags:
    """Overdue measures the user owns, and (for a barnekoordinator) overdue measures and missed
    evaluations in the plans of the families they coordinate. Only families the policy lets the user see."""
    today = today or timezone.localdate()
    overdue = _current_plan_measures(user).filter(status__in=OPEN_MEASURE_STATUSES, due_date__lt=today)
    flags = PlanFlags(owned_overdue=list(overdue.filter(owner_person=user).order_by("due_date")[:limit]))
    coordinated = _coordinated_family_ids(user, today)
    flags.coordinated_overdue = list(overdue.filter(family_id__in=coordinated).order_by("due_date")[:limit])
    flags.missed_evaluations = list(
        EvaluationDate.objects.select_related("family").filter(
            family_id__in=coordinated, held_on__isnull=True, date__lt=today, plan__status=PlanStatus.ACTIVE)
        .filter(family__in=visible_families(user, Category.PLAN)).order_by("date")[:limit])
    for m in [*flags.owned_overdue, *flags.coordinated_overdue]:
        m.overdue = True
    return flags


def overdue_measures(today: date | None = None) -> QuerySet[Measure]:
    """Every open measure past its due date in a current plan (for the reminder task)."""
    today = today or timezone.localdate()
    return Measure.objects.filter(status__in=OPEN_MEASURE_STATUSES, due_date__lt=today,
                                  plan__status=PlanStatus.ACTIVE)


def missed_evaluations(today: date | None = None) -> QuerySet[EvaluationDate]:
    today = today or timezone.localdate()
    return EvaluationDate.objects.filter(held_on__isnull=True, date__lt=today, plan__status=PlanStatus.ACTIVE)


def measures_due_for_evaluation(family: Family, until: date) -> list[Measure]:
    """Open measures of the family's current plan to look at by ``until``: all open measures when an
    evaluation falls on or before ``until``, otherwise those whose due date does. Each carries
    ``evaluation_date`` (used by the meetings app to build an agenda)."""
    # one query: the open measures of the current plan (``current_plan``: at most one per family), each with the
    # plan's first evaluation not held by ``until``
    plan = Plan.objects.filter(family=family, status=PlanStatus.ACTIVE).order_by("-created_at").values("pk")[:1]
    occasion = EvaluationDate.objects.filter(plan_id=OuterRef("plan_id"), held_on__isnull=True,
                                             date__lte=until).order_by("date").values("date")[:1]
    out = []
    for m in Measure.objects.filter(plan_id=Subquery(plan), status__in=OPEN_MEASURE_STATUSES).annotate(
            occasion_date=Subquery(occasion)).order_by("due_date", "pk"):
        day = m.occasion_date
        if m.due_date and m.due_date <= until:
            day = min(day, m.due_date) if day else m.due_date
        if day is not None:
            m.evaluation_date = day
            out.append(m)
    return sorted(out, key=lambda m: m.evaluation_date)


# --- versions ------------------------------------------------------------------------------------------

def versions(plan: Plan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("author").order_by("-number")


def version_as_of(plan: Plan, day: date) -> PlanVersion | None:
    """The plan as it was at the end of ``day`` (the last version saved on or before that day)."""
    end = timezone.make_aware(datetime.combine(day, time.max))
    return plan.versions.filter(created_at__lte=end).order_by("-number").first()


def approvals(plan: Plan) -> QuerySet[PlanApproval]:
    return plan.approvals.select_related("plan_version", "approved_by")


def goals(plan: Plan) -> list[Goal]:
    return list(plan.goals.filter(archived=False))


def participants(plan: Plan) -> QuerySet[Participant]:
    return plan.participants.filter(left_at__isnull=True)
