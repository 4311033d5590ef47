"""Invite the families whose moment has come: ``manage.py survey_invitations [--today YYYY-MM-DD] [--enqueue]``."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand

from los.survey import tasks


class Command(BaseCommand):
    help = ("Invite every family whose moment has come to the short questionnaire (three months after the first "
            "barnekoordinator, yearly, when the barnekoordinator ended), and e-mail them that something is waiting "
            "in Los (no content). Run daily.")

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="The day to invite for (YYYY-MM-DD); defaults to today.")
        parser.add_argument("--enqueue", action="store_true", help="Queue the background task instead of running now.")
        parser.add_argument("--no-email", action="store_true", help="Do not e-mail the families.")

    def handle(self, *args, **options):
        today = options["today"]
        if options["enqueue"]:
            result = tasks.create_invitations_task.enqueue(today.isoformat() if today else None)
            self.stdout.write(f"Queued task {result.id}")
            return
        made, sent = tasks.run(today, email=not options["no_email"])
        self.stdout.write(f"Made {made} invitations; sent {sent} e-mails.")
