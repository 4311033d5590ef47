"""Enqueue reminder e-mails for actions due soon or overdue. Run daily from cron, e.g.
``15 7 * * * cd /srv/los && .venv/bin/python manage.py send_action_reminders``; the database task
worker (``manage.py db_worker``) sends them."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from los.meetings.services import enqueue_action_reminders


class Command(BaseCommand):
    help = "Enqueue reminders for actions that are due soon or overdue (one e-mail per owner)."

    def handle(self, *args, **options):
        owners = enqueue_action_reminders()
        self.stdout.write(f"Enqueued reminders for {owners} action owner(s).")
