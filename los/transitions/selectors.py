"""Queries for transitions and the timeline. Callers have been authorized for the family."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from los.access.models import Category, FamilyTransfer
from los.access.policy import Action, decide, visible_families
from los.accounts.models import User
from los.core import deadlines
from los.families.models import Family
from los.families.navigation import FAMILY_SIDE_BASES
from los.transitions import planner, timeline
from los.transitions.models import (
    ChecklistGroup,
    FamilyImport,
    HandoverSummary,
    PlanStatus,
    TaskStatus,
    TransitionPlan,
    TransitionSettings,
    TransitionTask,
)
from los.transitions.planner import Transition

MEETINGS_AGENDA_MONTHS = 12
FAMILY_PAGE_MONTHS = 60


def upcoming_transitions(family: Family, start: date, months: int = MEETINGS_AGENDA_MONTHS) -> list[Transition]:
    """Transitions for the family's children between ``start`` and ``months`` later, soonest first.

    The same signature and result fields (``child``, ``kind``, ``on``, ``label``) as the meetings app's agenda
    helper ``los.meetings.selectors.upcoming_transitions``, which can switch to this one. Compared with that
    helper: kindergarten and lower secondary school are included, the child's daily setting leaves out
    transitions already made, and recorded events (a move, a new coordinator or contact) are included.
    """
    end = deadlines.add_months(start, months)
    found: list[Transition] = []
    settings = TransitionSettings.for_municipality(family.municipality_id)
    for child in family.children.all():
        if child.birth_date is None:
            if child.expected_birth_date and start <= child.expected_birth_date <= end:
                found.append(Transition(child, "birth", child.expected_birth_date,
                                        planner.label_for("birth", child, child.expected_birth_date),
                                        family_id=family.pk))
            continue
        found += [t for t in planner.child_transitions(child, settings) if start <= t.on <= end]
    found += [t for t in planner.recorded_transitions([family.pk], start).get(family.pk, []) if t.on <= end]
    return sorted(found, key=lambda t: (t.on, t.kind))


# --- the family's transitions page ----------------------------------------------------------------------


@dataclass
class Ahead:
    transition: Transition
    plan: TransitionPlan | None
    due: bool


def family_page(family: Family, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    plans = list(TransitionPlan.objects.filter(family=family).select_related("child", "owner")
                 .prefetch_related("tasks").order_by("status", "transition_date", "pk"))
    by_key = {p.key: p for p in plans}
    settings = TransitionSettings.for_municipality(family.municipality_id)
    ahead = [Ahead(t, by_key.get(t.key), t.is_due_on(today, settings.event_window_days))
             for t in planner.family_transitions(family, today, horizon_months=FAMILY_PAGE_MONTHS)]
    for plan in plans:
        tasks = list(plan.tasks.all())
        plan.open_tasks = [t for t in tasks if t.status == TaskStatus.OPEN]
        plan.overdue_tasks = [t for t in plan.open_tasks if t.is_overdue_on(today)]
    return {
        "ahead": ahead,
        "open_plans": [p for p in plans if p.status == PlanStatus.OPEN],
        "closed_plans": [p for p in plans if p.status != PlanStatus.OPEN],
        "summaries": list(HandoverSummary.objects.filter(family=family)
                          .select_related("receiver_user", "receiver_provider", "created_by")[:20]),
        "imports": list(FamilyImport.objects.filter(family=family).select_related("imported_by")),
        "transfers": list(FamilyTransfer.objects.filter(family=family).select_related(
            "to_municipality", "consented_by").order_by("-created_at")),
        "settings": settings,
    }


def plan_page(plan: TransitionPlan, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    items = list(plan.checklist.select_related("done_by").order_by("position", "pk"))
    groups = [(value, label, [i for i in items if i.group == value]) for value, label in ChecklistGroup.choices]
    tasks = list(plan.tasks.select_related("owner", "owner_provider", "done_by").order_by("status", "due_date", "pk"))
    for task in tasks:
        task.overdue = task.is_overdue_on(today)
    return {
        "groups": [g for g in groups if g[2]],
        "items_done": sum(1 for i in items if i.done),
        "items_total": len(items),
        "open_tasks": [t for t in tasks if t.status == TaskStatus.OPEN],
        "done_tasks": [t for t in tasks if t.status == TaskStatus.DONE],
        "summaries": list(plan.summaries.select_related("receiver_user", "receiver_provider")),
        "months_ahead": TransitionSettings.for_municipality(plan.municipality_id).months_ahead(plan.kind),
    }


def task_owner_choices(plan: TransitionPlan) -> list[User]:
    """People who can own a task: the family's coordinator, members of the coordination group with a log-in
    and the family's guardians with a log-in, if the access policy lets them see the plan."""
    from los.transitions.services import active_coordinators

    today = timezone.localdate()
    ids: set[int] = set()
    coordinator = active_coordinators([plan.family_id], today).get(plan.family_id)
    if coordinator:
        ids.add(coordinator)
    try:
        from los.meetings import selectors as meeting_selectors

        for member in meeting_selectors.group_members(plan.family):
            if member.login_id:
                ids.add(member.login_id)
    except ImportError:  # pragma: no cover - the meetings app is part of Los
        pass
    for member in plan.family.members.filter(user__isnull=False):
        if member.is_guardian:
            ids.add(member.user_id)
    users = list(User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "last_name"))
    return [u for u in users if decide(u, Action.VIEW, plan).allowed]


# --- lists ------------------------------------------------------------------------------------------------


def my_plans(user: User, today: date | None = None) -> QuerySet[TransitionPlan]:
    """Open transition plans the user may see, where they are responsible or coordinate the family."""
    visible = visible_families(user, Category.PLAN)
    return (TransitionPlan.objects.filter(status=PlanStatus.OPEN, family__in=visible)
            .select_related("family", "child", "owner").order_by("transition_date", "pk"))


def my_tasks(user: User) -> list[TransitionTask]:
    visible = visible_families(user, Category.PLAN)
    return list(TransitionTask.objects.filter(owner=user, status=TaskStatus.OPEN, family__in=visible,
                                              plan__status=PlanStatus.OPEN)
                .select_related("plan__family", "plan__child", "owner_provider").order_by("due_date", "pk"))


# --- the timeline -----------------------------------------------------------------------------------------


@dataclass
class HiddenCategory:
    category: str
    label: str
    reason: str


@dataclass
class Timeline:
    events: list[timeline.TimelineEvent]
    kinds: list[tuple[str, str]]
    hidden: list[HiddenCategory] = field(default_factory=list)


def _hidden_reason(basis: str) -> str:
    if basis in ("category_not_covered", "no_consent"):
        return _("The family's consent does not cover this.")
    if basis in ("coordinator_side", "family_only"):
        return _("Only the family and its barnekoordinator see this.")
    if basis in ("working_notes",):
        return _("These are the barnekoordinator's own notes.")
    if basis in ("young_person_health", "sibling_health"):
        return _("A young person aged 16 or more has not shared this.")
    return _("You do not have access to this.")


class _Decisions:
    """The access policy's answer for one user and family, asked once per information category."""

    def __init__(self, user: User, family: Family) -> None:
        self.user, self.family = user, family
        self.found: dict[str, object] = {}

    def allowed(self, category: str) -> bool:
        if category not in self.found:
            self.found[category] = decide(self.user, Action.VIEW, self.family, Category(category))
        return self.found[category].allowed


def timeline_kinds(user: User, family: Family, sources: list) -> list[tuple[str, str]]:
    """The kinds the user can filter on: those of the sources whose category they may view."""
    decisions = _Decisions(user, family)
    return timeline.kinds([s for s in sources if decisions.allowed(Category(s.category).value)])


def timeline_for(user: User, family: Family, *, kinds: Iterable[str] = (), since: date | None = None,
                 until: date | None = None, sources: list | None = None) -> Timeline:
    """The family's timeline as ``user`` may see it: one access decision per information category (not per
    row); events from categories the user may not view are left out, and the categories are named."""
    sources = timeline.sources() if sources is None else sources
    wanted = set(kinds)
    decisions = _Decisions(user, family)
    allowed = decisions.allowed

    family_side = decide(user, Action.VIEW, family).basis in FAMILY_SIDE_BASES
    events: list[timeline.TimelineEvent] = []
    for source in sources:
        category = Category(source.category).value
        if not allowed(category):
            continue
        if wanted and source.kind not in wanted:
            continue
        for event in source.events(family, since, until):
            if event.category != category and not allowed(event.category):
                continue
            if event.staff_only and family_side:
                continue
            events.append(event)
    events.sort(key=lambda e: (e.at, e.title), reverse=True)
    visible_sources = [s for s in sources if allowed(Category(s.category).value)]
    hidden = [HiddenCategory(cat, str(Category(cat).label), _hidden_reason(d.basis))
              for cat, d in decisions.found.items() if not d.allowed]
    hidden.sort(key=lambda h: h.label)
    return Timeline(events=events, kinds=timeline.kinds(visible_sources), hidden=hidden)
