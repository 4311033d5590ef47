"""Granted against delivered: what a decision (vedtak) grants, what the family actually got, and when it falls short.

Just over 60 % of the families in the 2023 evaluation had a decision on støttekontakt that was never followed up,
just under half one on respite care, just under 40 % one on a special-needs teacher. A granted service is only
real when it is delivered. For a granted service with an extent in a unit that is delivered (hours, days, nights,
visits, trips; not money or items), Los holds the deliveries the family or the provider records
(:class:`~los.servicemap.models.Delivery`) against the granted extent:

- **Granted in a period.** The extent is spread evenly over the days it covers: "48 hours per month" is 48 hours
  in every whole calendar month (1/30 of it a day in a 30-day month), "10 hours per week" 10/7 hours a day, "per
  year" over the days of that year, "in total" over the days of the granted period (which must then have an end).
  The grant runs from ``period_from`` (or the day the decision was made) to ``period_to`` (or open-ended); a day
  outside it grants nothing.
- **Flags** (the thresholds are the municipality's :class:`~los.servicemap.models.DeliverySettings`, by default
  4 weeks and 75 %):

  * *nothing delivered*: the grant has run at least ``no_delivery_weeks`` weeks and nothing was delivered in the
    last ``no_delivery_weeks`` weeks;
  * *too little delivered*: over the last quarter (13 weeks, or since the grant started when that is shorter but at
    least ``no_delivery_weeks`` weeks), less than ``share_percent`` % of what was granted was delivered.

  No flag is raised for a grant the family has chosen not to follow (``follow_delivery``) or has declined
  (``declined_on``): a decline is recorded with its reason instead, and counted in the statistics.

Pure functions over rows already read; the selectors read them in a fixed number of queries.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from los.core.deadlines import add_months

DEFAULT_WEEKS = 4
DEFAULT_SHARE = 75
QUARTER_DAYS = 91
NOTHING, LOW = "nothing", "low"


@dataclass(frozen=True)
class Thresholds:
    weeks: int = DEFAULT_WEEKS
    share: int = DEFAULT_SHARE


def thresholds_for(municipality_ids: Iterable[int]) -> dict[int, Thresholds]:
    """Each municipality's thresholds (the defaults where it has set none), in one query."""
    from los.servicemap.models import DeliverySettings

    ids = set(municipality_ids)
    found = {row.municipality_id: Thresholds(row.no_delivery_weeks, row.share_percent)
             for row in DeliverySettings.objects.filter(municipality_id__in=ids)}
    return {m: found.get(m, Thresholds()) for m in ids}


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _segments(start: date, end: date) -> Iterable[tuple[date, date]]:
    """``start``–``end`` cut at month ends."""
    cursor = start
    while cursor <= end:
        last = min(_month_end(cursor), end)
        yield cursor, last
        cursor = last + timedelta(days=1)


def granted_between(amount: Decimal | float | None, per: str, grant_from: date | None, grant_to: date | None,
                    start: date, end: date) -> float | None:
    """What the grant gives between ``start`` and ``end`` (both included), or None when it cannot be said (no extent,
    no start, or "in total" without an end)."""
    if not amount or not per or grant_from is None:
        return None
    first = max(start, grant_from)
    last = min(end, grant_to) if grant_to else end
    if first > last:
        return 0.0
    amount = float(amount)
    if per == "total":
        if grant_to is None:
            return None
        return amount * ((last - first).days + 1) / ((grant_to - grant_from).days + 1)
    total = 0.0
    for seg_start, seg_end in _segments(first, last):
        days = (seg_end - seg_start).days + 1
        if per == "week":
            total += amount * days / 7
        elif per == "month":
            total += amount * days / calendar.monthrange(seg_start.year, seg_start.month)[1]
        elif per == "year":
            total += amount * days / (366 if calendar.isleap(seg_start.year) else 365)
        else:
            return None
    return total


def delivered_between(deliveries: Iterable, start: date, end: date) -> float:
    """The sum of deliveries dated between ``start`` and ``end`` (rows with ``delivered_on`` and ``amount``)."""
    return float(sum((d.amount for d in deliveries if start <= d.delivered_on <= end), Decimal(0)))


@dataclass
class MonthRow:
    month: date
    granted: float | None
    delivered: float
    so_far: bool  # the current month, counted up to today

    @property
    def share(self) -> float | None:
        if not self.granted:
            return None
        return self.delivered / self.granted * 100


@dataclass
class Shortfall:
    """A granted service that is not delivered as granted."""

    kind: str  # NOTHING or LOW
    entry: object
    start: date  # the window judged
    end: date
    granted: float
    delivered: float
    thresholds: Thresholds
    last_delivery: date | None = None

    @property
    def share(self) -> float:
        return self.delivered / self.granted * 100 if self.granted else 0.0

    @property
    def weeks(self) -> int:
        return ((self.end - self.start).days + 1) // 7

    @property
    def family_id(self) -> int:
        return self.entry.family_id


def grant_window(entry, decided_on: date | None = None) -> tuple[date | None, date | None]:
    """When the grant runs: ``period_from`` (or the day it was decided) to ``period_to`` (None: open-ended)."""
    return entry.period_from or decided_on, entry.period_to


def followed(entry, today: date) -> bool:
    """Whether Los holds this grant's deliveries against it today."""
    declined = entry.declined_on is not None and entry.declined_on <= today
    return bool(entry.is_active_grant and entry.follow_delivery and entry.delivery_countable and not declined)


def months(entry, deliveries: list, today: date, decided_on: date | None = None, count: int = 12) -> list[MonthRow]:
    """Granted and delivered per calendar month, the newest last: the months of the grant up to today, at most
    ``count`` of them (the current month so far)."""
    grant_from, grant_to = grant_window(entry, decided_on)
    if grant_from is None or grant_from > today:
        return []
    last_month = today.replace(day=1)
    first_month = max(grant_from.replace(day=1), add_months(last_month, -(count - 1)))
    if grant_to is not None and grant_to < today:
        last_month = grant_to.replace(day=1)
    rows: list[MonthRow] = []
    cursor = first_month
    while cursor <= last_month:
        end = min(_month_end(cursor), today)
        rows.append(MonthRow(month=cursor,
                             granted=granted_between(entry.extent_amount, entry.extent_per, grant_from, grant_to,
                                                     cursor, end),
                             delivered=delivered_between(deliveries, cursor, end), so_far=end == today))
        cursor = add_months(cursor, 1)
    return rows


def evaluate(entry, deliveries: list, today: date, thresholds: Thresholds, decided_on: date | None = None,
             last_delivery: date | None = None) -> Shortfall | None:
    """The shortfall of a followed grant today, or None (see the module docstring)."""
    if not followed(entry, today):
        return None
    grant_from, grant_to = grant_window(entry, decided_on)
    if grant_from is None or grant_from > today:
        return None
    weeks = max(1, thresholds.weeks)
    window_start = today - timedelta(days=7 * weeks - 1)
    dated = [d.delivered_on for d in deliveries if d.delivered_on <= today and d.amount > 0]
    latest = max([*dated, *( [last_delivery] if last_delivery else [])], default=None)
    if grant_from <= window_start:
        granted = granted_between(entry.extent_amount, entry.extent_per, grant_from, grant_to, window_start, today)
        delivered = delivered_between(deliveries, window_start, today)
        if granted and delivered <= 0:
            return Shortfall(NOTHING, entry, window_start, today, granted, 0.0, thresholds, latest)
    quarter_start = max(grant_from, today - timedelta(days=QUARTER_DAYS - 1))
    if (today - quarter_start).days + 1 < 7 * weeks:
        return None
    granted = granted_between(entry.extent_amount, entry.extent_per, grant_from, grant_to, quarter_start, today)
    if not granted:
        return None
    delivered = delivered_between(deliveries, quarter_start, today)
    if delivered / granted * 100 < thresholds.share:
        return Shortfall(LOW, entry, quarter_start, today, granted, delivered, thresholds, latest)
    return None
