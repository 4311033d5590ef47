"""Background tasks of the operations app (Django's tasks framework)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from los.ops.retention import apply_retention


@task
def apply_retention_task(today: str | None = None, dry_run: bool = False) -> dict:
    """Apply the retention rules (docs/retention.md) and return the report. Enqueue it once a day (see
    docs/retention.md: a cron job or systemd timer calls ``manage.py apply_retention`` or enqueues this)."""
    report = apply_retention(today=dt.date.fromisoformat(today) if today else None, dry_run=dry_run)
    return report.as_dict()
