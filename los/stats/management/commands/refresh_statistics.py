"""``manage.py refresh_statistics``: work out again the statistics pages' figures that were asked for in the last day.

    manage.py refresh_statistics             # now, in this process
    manage.py refresh_statistics --enqueue   # as a background task for the worker (manage.py db_worker)

Meant for a timer every few minutes, at most half of ``LOS_STATS_FIGURES_MAX_AGE`` (300 s by default):
``*/2 * * * * los cd /srv/los && .venv/bin/python manage.py refresh_statistics --enqueue``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from los.stats import precomputed


class Command(BaseCommand):
    help = "Work out again the statistics pages' figures asked for in the last day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the background task instead.")
        parser.add_argument("--all", action="store_true", help="Also figures that are still young.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from los.stats.tasks import refresh_statistics

            result = refresh_statistics.enqueue()
            self.stdout.write(f"Queued the statistics refresh ({result.id}).")
            return
        done = precomputed.refresh(older_than=0 if options["all"] else None)
        self.stdout.write(f"Worked out {done.refreshed} choices of figures again; deleted {done.deleted}.")
