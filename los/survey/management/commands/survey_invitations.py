"""Invite the families whose moment has come: ``manage.py survey_invitations [--today YYYY-MM-DD] [--enqueue]``."""

from __future__ import annotations

from datetime import date

from los.core.management.daily import DailyCommand
from los.survey import tasks


class Command(DailyCommand):
    help = ("Invite every family whose moment has come to the short questionnaire (three months after the first "
            "barnekoordinator, yearly, when the barnekoordinator ended), and e-mail them that something is waiting "
            "in Los (no content). Run daily.")
    task = tasks.create_invitations_task
    day_for = "The day to invite for"
    emailed = "the families"

    def run(self, today: date | None, *, email: bool) -> None:
        made, sent = tasks.run(today, email=email)
        self.stdout.write(f"Made {made} invitations; sent {sent} e-mails.")
