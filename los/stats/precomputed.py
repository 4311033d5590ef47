"""The statistics pages' figures, rendered ahead of time and kept current in the background.

Working out the unit's dashboard or the municipality's statistics reads every family of the municipalities
(some twenty aggregate queries and a navigator screening) and renders a few hundred table cells: at municipality
scale that cost 150–400 ms a view, while the page around the figures costs what any page in the layout costs.
Every viewer with the same choice sees the same figures:

- the unit's dashboard counts every family of the municipalities chosen, and only people of the coordinating
  unit of *all* those municipalities see it (``views.dashboard`` offers no other), so the figures depend on the
  municipalities, the day and the number of weeks, not on who asks;
- the municipal statistics depend on the municipalities, the period, whether small numbers are hidden, and for
  hidden small numbers on the month's snapshot of the figures "now" (``selectors.protected_now_figures``), which
  is the same for everyone.

So the rendered figures (summary, key figures, sections: no row per family, small numbers already hidden where
they must be) are stored per choice, day and language in :class:`los.stats.models.PrecomputedFigures`. A page
shows them while they are younger than ``LOS_STATS_FIGURES_MAX_AGE`` seconds (with the time they were worked out)
and works them out again otherwise; :func:`refresh` (the background task ``los.stats.tasks.refresh_statistics``,
enqueued by ``manage.py refresh_statistics --enqueue`` from a timer) works out again every choice asked for in
the last day before it grows old, so that viewers nearly always get stored figures. With the setting at 0 (the
tests) every view works its figures out. Downloads and the anonymised export are always worked out afresh.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from los.core.models import Municipality
from los.stats import figures, selectors
from los.stats.models import PrecomputedFigures

UNIT, MUNICIPAL = "unit", "municipal"
TEMPLATES = {UNIT: "stats/_unit_figures.html", MUNICIPAL: "stats/_municipal_figures.html"}
#: A choice not asked for in this long is no longer kept current (and its row is deleted).
KEEP_ASKED = timedelta(days=1)
#: How often a view that finds its figures writes down that they were asked for.
MARK_ASKED = timedelta(hours=1)


@dataclass(frozen=True)
class Spec:
    """What one page's figures depend on (never the viewer)."""

    page: str
    municipality_ids: tuple[int, ...]
    day: date
    language: str
    weeks: int = selectors.DEFAULT_WEEKS  # the unit's dashboard
    start: date | None = None  # the municipal statistics' period
    end: date | None = None
    protect: bool = False  # small numbers hidden (and the figures "now" from the month's snapshot)

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()

    def to_json(self) -> dict:
        data = asdict(self)
        data["municipality_ids"] = sorted(self.municipality_ids)
        for name in ("day", "start", "end"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> Spec:
        dates = {name: date.fromisoformat(data[name]) if data.get(name) else None for name in ("day", "start", "end")}
        return cls(page=data["page"], municipality_ids=tuple(data["municipality_ids"]), language=data["language"],
                   weeks=int(data["weeks"]), protect=bool(data["protect"]), **dates)


def unit_spec(municipality_ids: Sequence[int], day: date, weeks: int, language: str) -> Spec:
    return Spec(page=UNIT, municipality_ids=tuple(sorted(set(municipality_ids))), day=day, language=language,
                weeks=weeks)


def municipal_spec(municipality_ids: Sequence[int], period: selectors.Period, day: date, language: str, *,
                   protect: bool) -> Spec:
    return Spec(page=MUNICIPAL, municipality_ids=tuple(sorted(set(municipality_ids))), day=day, language=language,
                start=period.start, end=period.end, protect=protect)


@dataclass
class Figures:
    """The rendered figures of a page, and when they were worked out (None: just now, for this view only)."""

    html: SafeString
    now_on: date | None
    computed_at: datetime | None
    protected: bool


def build(spec: Spec) -> figures.Page:
    """The page's figures, worked out now (as the views did before they were stored)."""
    ids = list(spec.municipality_ids)
    if spec.page == UNIT:
        # every family of the municipalities: what ``selectors.unit_families`` gives the unit that serves them all
        return figures.unit_page(None, ids, spec.day, spec.weeks)
    now = None
    if spec.protect:
        now = selectors.protected_now_figures(Municipality.objects.get(pk=ids[0]), spec.day)
    assert spec.start is not None and spec.end is not None
    return figures.municipal_page(ids, selectors.Period(spec.start, spec.end), spec.day, spec.language,
                                  protect=spec.protect, now=now)


def render(spec: Spec) -> Figures:
    with translation.override(spec.language):
        page = build(spec)
        html = render_to_string(TEMPLATES[spec.page], {"page": page})
    return Figures(html=mark_safe(html), now_on=page.now_on, computed_at=None, protected=page.protected)  # noqa: S308 - our own template's output


def max_age() -> int:
    return int(getattr(settings, "LOS_STATS_FIGURES_MAX_AGE", 0))


def _store(spec: Spec, done: Figures, at: datetime, asked_at: datetime) -> None:
    values = {"page": spec.page, "spec": spec.to_json(), "day": spec.day, "language": spec.language,
              "html": str(done.html), "now_on": done.now_on, "computed_at": at, "asked_at": asked_at}
    try:
        with transaction.atomic():
            if not PrecomputedFigures.objects.filter(key=spec.key).update(**values):
                PrecomputedFigures.objects.create(key=spec.key, **values)
    except IntegrityError:  # stored at the same moment by another view or the task: theirs is as fresh
        pass


def get(spec: Spec) -> Figures:
    """The page's figures: stored ones younger than ``LOS_STATS_FIGURES_MAX_AGE``, or worked out now (and stored)."""
    seconds = max_age()
    if not seconds:
        return render(spec)
    now = timezone.now()
    row = (PrecomputedFigures.objects.filter(key=spec.key, computed_at__gt=now - timedelta(seconds=seconds))
           .values_list("html", "now_on", "computed_at", "asked_at").first())
    if row is not None:
        html, now_on, computed_at, asked_at = row
        if asked_at < now - MARK_ASKED:
            PrecomputedFigures.objects.filter(key=spec.key).update(asked_at=now)
        return Figures(html=mark_safe(html), now_on=now_on, computed_at=computed_at, protected=spec.protect)  # noqa: S308
    done = render(spec)
    _store(spec, done, now, asked_at=now)
    done.computed_at = now
    return done


@dataclass
class Refreshed:
    refreshed: int = 0
    deleted: int = 0


def refresh(today: date | None = None, *, older_than: int | None = None) -> Refreshed:
    """Work out again, for today, every choice asked for in the last day whose figures are older than
    ``older_than`` seconds (half of ``LOS_STATS_FIGURES_MAX_AGE`` by default, so that a timer every few minutes
    keeps them all younger than the maximum). Figures of an earlier day are carried over to today; those nobody
    asked for in a day are deleted."""
    today = today or timezone.localdate()
    now = timezone.now()
    stale_before = now - timedelta(seconds=max_age() // 2 if older_than is None else older_than)
    result = Refreshed()
    rows = PrecomputedFigures.objects.values_list("pk", "spec", "day", "computed_at", "asked_at").order_by("pk")
    for pk, data, day, computed_at, asked_at in list(rows):
        if asked_at < now - KEEP_ASKED:
            result.deleted += PrecomputedFigures.objects.filter(pk=pk).delete()[0]
            continue
        spec = Spec.from_json(data)
        if day != today:
            result.deleted += PrecomputedFigures.objects.filter(pk=pk).delete()[0]
            spec = Spec(**{**asdict(spec), "day": today})
        elif computed_at > stale_before:
            continue
        _store(spec, render(spec), timezone.now(), asked_at=asked_at)
        result.refreshed += 1
    return result
