"""Open the transition plans that are due: ``manage.py open_transition_plans [--today YYYY-MM-DD] [--enqueue]``."""

from __future__ import annotations

from datetime import date

from los.core.management.daily import DailyCommand
from los.transitions import services
from los.transitions.tasks import notify_owners, open_transition_plans_task


class Command(DailyCommand):
    help = ("Open every transition plan that is due (school start, secondary school, turning 18, recorded moves "
            "and changes), with checklist and tasks; tells the coordinators by e-mail (no sensitive content).")
    task = open_transition_plans_task
    day_for = "The day to plan for"
    emailed = "the coordinators"

    def run(self, today: date | None, *, email: bool) -> None:
        plans = services.open_due_plans(today)
        if email:
            notify_owners({p.owner_id for p in plans if p.owner_id})
        by_kind: dict[str, int] = {}
        for plan in plans:
            by_kind[plan.kind] = by_kind.get(plan.kind, 0) + 1
        self.stdout.write(f"Opened {len(plans)} transition plans"
                          + (": " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())) if by_kind else "."))
