"""The link to the individual plan (los.plans), kept in one place.

Meetings use three things from the plans app: the family's open measures (to link an action to),
``los.plans.selectors.measures_due_for_evaluation`` (for the agenda) and
``los.plans.services.create_measure`` (a decision becomes a plan measure in one step). The plans app
checks its own rules there (a current plan, who may change it, an owner who can see the plan) and
answers with a ValidationError the meetings pages show as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from los.accounts.models import User
from los.families.models import Family
from los.plans import selectors as plan_selectors
from los.plans import services as plan_services
from los.plans.models import OPEN_MEASURE_STATUSES, Measure, MeasureOrigin, PlanStatus


@dataclass(frozen=True)
class MeasureRef:
    pk: int
    title: str
    evaluation_date: date | None = None


def plans_available(family: Family | None = None) -> bool:
    """Whether meetings can create plan measures: the plans app is there, and (when a family is given)
    the family has a current individual plan."""
    return family is None or plan_services.current_plan(family) is not None


def measure_model() -> type[Measure]:
    return Measure


def open_measures(family: Family):
    return Measure.objects.filter(family=family, plan__status=PlanStatus.ACTIVE, status__in=OPEN_MEASURE_STATUSES)


def measure_choices(family: Family) -> list[MeasureRef]:
    """The open measures of the family's current plan, for linking an action to one."""
    return [MeasureRef(m.pk, m.title, m.due_date) for m in open_measures(family).order_by("due_date", "pk")[:200]]


def measures_due_for_evaluation(family: Family, until: date) -> list[MeasureRef]:
    """Plan measures to look at by ``until`` (the plans app decides which: an evaluation date or the
    measure's own due date on or before ``until``)."""
    return [MeasureRef(m.pk, m.title, getattr(m, "evaluation_date", None) or m.due_date)
            for m in plan_selectors.measures_due_for_evaluation(family, until)]


def create_measure(*, family: Family, title: str, by: User, responsible_user: int | None,
                   service_provider: Any, due_date: date | None, description: str = "") -> Measure:
    """Create a measure in the family's current plan, marked as decided in a meeting."""
    return plan_services.create_measure(
        family=family, title=title, by=by, responsible_user=responsible_user, service_provider=service_provider,
        due_date=due_date, description=description, origin=MeasureOrigin.MEETING)
