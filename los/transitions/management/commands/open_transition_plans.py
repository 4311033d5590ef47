"""Open the transition plans that are due: ``manage.py open_transition_plans [--today YYYY-MM-DD] [--enqueue]``."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand

from los.transitions import services
from los.transitions.tasks import notify_owners, open_transition_plans_task


class Command(BaseCommand):
    help = ("Open every transition plan that is due (school start, secondary school, turning 18, recorded moves "
            "and changes), with checklist and tasks; tells the coordinators by e-mail (no sensitive content).")

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="The day to plan for (YYYY-MM-DD); defaults to today.")
        parser.add_argument("--enqueue", action="store_true", help="Queue the background task instead of running now.")
        parser.add_argument("--no-email", action="store_true", help="Do not e-mail the coordinators.")

    def handle(self, *args, **options):
        today = options["today"]
        if options["enqueue"]:
            result = open_transition_plans_task.enqueue(today.isoformat() if today else None)
            self.stdout.write(f"Queued task {result.id}")
            return
        plans = services.open_due_plans(today)
        if not options["no_email"]:
            notify_owners({p.owner_id for p in plans if p.owner_id})
        by_kind: dict[str, int] = {}
        for plan in plans:
            by_kind[plan.kind] = by_kind.get(plan.kind, 0) + 1
        self.stdout.write(f"Opened {len(plans)} transition plans"
                          + (": " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())) if by_kind else "."))
