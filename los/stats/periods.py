"""Fixed reporting periods for protected figures.

A viewer who gets figures with small numbers hidden (a municipal leader, and everyone in the anonymised
export) may not choose a free period: two overlapping periods could be subtracted from each other, and the
difference is a count for the days in one and not the other, which may be a single family (January to March
minus February to March is January). Protected figures are therefore given only for *one kind* of period,
whole calendar periods that have ended, which never overlap:

- ``month`` (a calendar month), ``quarter`` (a calendar quarter) or ``year`` (a calendar year), chosen for the
  installation with ``LOS_STATS_PROTECTED_PERIOD`` (a quarter by default). Only one kind is offered: a year and
  the quarters in it overlap (a year minus three of its quarters is the fourth), so offering two kinds would
  open the same hole again;
- only periods that have ended (the current one keeps changing from day to day until it ends).

Periods are named by a key that reads the same in every language: ``2025`` (a year), ``2025-Q3`` (a quarter)
and ``2025-07`` (a month).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from los.stats.selectors import Period

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KINDS = (MONTH, QUARTER, YEAR)
DEFAULT_KIND = QUARTER
#: How many years back the list of periods to choose from reaches.
YEARS_BACK = 5

_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


def protected_kind() -> str:
    """The one kind of period protected figures are given for (``LOS_STATS_PROTECTED_PERIOD``)."""
    kind = getattr(settings, "LOS_STATS_PROTECTED_PERIOD", DEFAULT_KIND)
    return kind if kind in KINDS else DEFAULT_KIND


@dataclass(frozen=True, order=True)
class ReportingPeriod:
    """A whole calendar month, quarter or year."""

    year: int
    number: int  # the month (1–12), the quarter (1–4), or 1 for a year
    kind: str

    @property
    def start(self) -> date:
        if self.kind == MONTH:
            return date(self.year, self.number, 1)
        if self.kind == QUARTER:
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return self.following().start - timedelta(days=1)

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.kind == QUARTER:
            return _("Q%(n)s %(year)s") % {"n": self.number, "year": self.year}
        return str(self.year)

    @property
    def kind_plural(self) -> str:
        """The kind of period in words: "calendar quarters"."""
        return {MONTH: _("calendar months"), QUARTER: _("calendar quarters"), YEAR: _("calendar years")}[self.kind]

    def as_period(self) -> Period:
        return Period(self.start, self.end)

    def following(self) -> ReportingPeriod:
        last = {MONTH: 12, QUARTER: 4, YEAR: 1}[self.kind]
        if self.number < last:
            return ReportingPeriod(self.year, self.number + 1, self.kind)
        return ReportingPeriod(self.year + 1, 1, self.kind)

    def previous(self) -> ReportingPeriod:
        last = {MONTH: 12, QUARTER: 4, YEAR: 1}[self.kind]
        if self.number > 1:
            return ReportingPeriod(self.year, self.number - 1, self.kind)
        return ReportingPeriod(self.year - 1, last, self.kind)


def containing(kind: str, day: date) -> ReportingPeriod:
    if kind == MONTH:
        return ReportingPeriod(day.year, day.month, MONTH)
    if kind == QUARTER:
        return ReportingPeriod(day.year, (day.month - 1) // 3 + 1, QUARTER)
    return ReportingPeriod(day.year, 1, YEAR)


def last_completed(kind: str, today: date) -> ReportingPeriod:
    """The newest period of the kind that has ended before today."""
    return containing(kind, today).previous()


def completed(kind: str, today: date, years: int = YEARS_BACK) -> list[ReportingPeriod]:
    """The periods of the kind that have ended, newest first, reaching ``years`` years back."""
    out: list[ReportingPeriod] = []
    period = last_completed(kind, today)
    first = date(today.year - years, 1, 1)
    while period.start >= first:
        out.append(period)
        period = period.previous()
    return out


def parse(key: str | None, kind: str, today: date) -> ReportingPeriod | None:
    """The period a key names, when it is of the kind and has ended; otherwise None."""
    match = _KEY.match((key or "").strip())
    if not match:
        return None
    year = int(match["year"])
    if match["quarter"]:
        period = ReportingPeriod(year, int(match["quarter"]), QUARTER)
    elif match["month"]:
        period = ReportingPeriod(year, int(match["month"]), MONTH)
    else:
        period = ReportingPeriod(year, 1, YEAR)
    if period.kind != kind or period.end >= today or year < 1900:
        return None
    return period


def example_key(kind: str) -> str:
    return {MONTH: "2025-07", QUARTER: "2025-Q3", YEAR: "2025"}[kind]
