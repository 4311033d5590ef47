"""Background tasks of the statistics (Django's tasks framework, database backend)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from los.stats import precomputed


@task
def refresh_statistics(today: str | None = None) -> dict:
    """Work out again the statistics pages' figures asked for in the last day before they grow older than
    ``LOS_STATS_FIGURES_MAX_AGE`` (``los.stats.precomputed.refresh``). Enqueue it every few minutes:
    ``manage.py refresh_statistics --enqueue`` from a timer (docs/statistics.md)."""
    result = precomputed.refresh(dt.date.fromisoformat(today) if today else None)
    return {"refreshed": result.refreshed, "deleted": result.deleted}
