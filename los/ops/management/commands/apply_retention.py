"""``manage.py apply_retention [--dry-run] [--today YYYY-MM-DD]``: apply the retention rules.

Prints what would be (``--dry-run``) or was deleted: each case with its rows per table, audit events, files
and log-ins; cases kept by a hold; cases that need a person to look at them. See docs/retention.md.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from los.ops.retention import apply_retention


class Command(BaseCommand):
    help = "Delete closed cases (and their audit events, behind signed tombstones) whose retention time is over."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be deleted.")
        parser.add_argument("--today", help="Reference date YYYY-MM-DD (default: today).")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the report as JSON.")

    def handle(self, *args, dry_run=False, today=None, as_json=False, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {today!r}.") from exc
        report = apply_retention(today=day, dry_run=dry_run)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
            return
        for line in report.lines():
            self.stdout.write(line)

