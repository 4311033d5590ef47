"""Enqueue the service map's reminder tasks: ``python manage.py send_service_reminders``.

Run once a day (cron or a scheduler). The tasks create in-app reminders for appeal deadlines that are
near and for time-limited decisions that end soon, and send e-mails without content. ``--now`` runs
them at once in this process instead of enqueueing them.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand

from los.servicemap.tasks import send_appeal_reminders, send_renewal_reminders


class Command(BaseCommand):
    help = "Enqueue the appeal-deadline and renewal reminders of the service map."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="Reference date (YYYY-MM-DD); defaults to today.")
        parser.add_argument("--now", action="store_true", help="Run the reminders here instead of enqueueing.")

    def handle(self, *args, **options):
        today = options["today"].isoformat() if options["today"] else None
        for reminder in (send_appeal_reminders, send_renewal_reminders):
            if options["now"]:
                count = reminder.call(today)
                self.stdout.write(f"{reminder.name}: {count} people reminded")
            else:
                result = reminder.enqueue(today)
                self.stdout.write(f"{reminder.name}: enqueued ({result.id})")
