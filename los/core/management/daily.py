"""The shape of a job that runs once a day (from cron): ``--today YYYY-MM-DD`` runs it for another day, ``--enqueue``
leaves it to the background worker (``manage.py db_worker``), ``--no-email`` sends no e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand


class DailyCommand(BaseCommand):
    #: the background task that does the same job (its one argument: the day, ISO 8601, or None for today)
    task: Any
    #: what ``--today`` is the day for, and whom ``--no-email`` leaves without e-mail
    day_for = "The day to run for"
    emailed = "the people concerned"

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help=f"{self.day_for} (YYYY-MM-DD); defaults to today.")
        parser.add_argument("--enqueue", action="store_true", help="Queue the background task instead of running now.")
        parser.add_argument("--no-email", action="store_true", help=f"Do not e-mail {self.emailed}.")

    def handle(self, *args, **options):
        today = options["today"]
        if options["enqueue"]:
            result = self.task.enqueue(today.isoformat() if today else None)
            self.stdout.write(f"Queued task {result.id}")
            return
        self.run(today, email=not options["no_email"])

    def run(self, today: date | None, *, email: bool) -> None:
        raise NotImplementedError
