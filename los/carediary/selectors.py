"""Queries and sums for the care diary.

The sums are the form NAV and the municipality ask for: hours of supervision and hours of care beyond what is
usual for a child of the same age, and the nights that were disturbed (how many, how many times woken, how long
the family was up). Per ISO week (Monday–Sunday) and per calendar month, over a period. Days without an entry are
not counted as zero: the sums say how many days were recorded, and averages are per recorded day, so that a week
the family forgot to write does not make the need look smaller (or bigger).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from los.carediary.models import CareDiary, DiaryDay
from los.core.deadlines import add_months
from los.families.models import Child, Family

WEEK, MONTH = "week", "month"


@dataclass
class Totals:
    """The sums of the recorded days between ``start`` and ``end`` (both included)."""

    start: date
    end: date
    label: str = ""
    days_recorded: int = 0
    supervision: int = 0  # minutes
    care: int = 0  # minutes
    night: int = 0  # minutes up at night
    nights_disturbed: int = 0
    wakings: int = 0

    def add(self, row: DiaryDay) -> None:
        self.days_recorded += 1
        self.supervision += row.supervision_minutes
        self.care += row.care_minutes
        self.night += row.night_minutes
        self.wakings += row.night_wakings
        self.nights_disturbed += 1 if row.night_disturbed else 0

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def extra(self) -> int:
        """Minutes of supervision and care together."""
        return self.supervision + self.care

    @property
    def days_missing(self) -> int:
        return self.days - self.days_recorded

    def per_recorded_day(self, minutes: int) -> float | None:
        return minutes / self.days_recorded if self.days_recorded else None

    @property
    def extra_per_day(self) -> float | None:
        return self.per_recorded_day(self.extra)

    @property
    def extra_per_week(self) -> float | None:
        """Average minutes of supervision and care per week (7 × the average per recorded day)."""
        per_day = self.extra_per_day
        return None if per_day is None else per_day * 7

    @property
    def night_per_day(self) -> float | None:
        return self.per_recorded_day(self.night)

    @property
    def disturbed_per_week(self) -> float | None:
        """Average disturbed nights per week (7 × the share of recorded nights that were disturbed)."""
        return None if not self.days_recorded else self.nights_disturbed / self.days_recorded * 7


@dataclass
class Summary:
    """A diary's sums over a period: week by week, month by month and in total."""

    start: date
    end: date
    weeks: list[Totals] = field(default_factory=list)
    months: list[Totals] = field(default_factory=list)
    total: Totals | None = None
    days: list[DiaryDay] = field(default_factory=list)

    @property
    def has_entries(self) -> bool:
        return bool(self.total and self.total.days_recorded)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def _week_label(start: date, end: date) -> str:
    week = start.isocalendar().week
    return _("Week %(week)s (%(start)s–%(end)s)") % {
        "week": week, "start": formats.date_format(start, "j.n."), "end": formats.date_format(end, "j.n.Y")}


def _month_label(start: date) -> str:
    return formats.date_format(start, "YEAR_MONTH_FORMAT")


def group(days: Iterable[DiaryDay], start: date, end: date, by: str) -> list[Totals]:
    """The days between ``start`` and ``end`` summed per ISO week or calendar month; every week or month of the
    period has a row, also one with no entries (its first and last row cut to the period)."""
    buckets: list[Totals] = []
    index: dict[date, Totals] = {}
    cursor = week_start(start) if by == WEEK else month_start(start)
    while cursor <= end:
        following = cursor + timedelta(days=7) if by == WEEK else add_months(cursor, 1)
        first, last = max(cursor, start), min(following - timedelta(days=1), end)
        label = _week_label(first, last) if by == WEEK else _month_label(cursor)
        bucket = Totals(start=first, end=last, label=label)
        buckets.append(bucket)
        index[cursor] = bucket
        cursor = following
    for row in days:
        if start <= row.day <= end:
            key = week_start(row.day) if by == WEEK else month_start(row.day)
            index[key].add(row)
    return buckets


def total(days: Iterable[DiaryDay], start: date, end: date) -> Totals:
    out = Totals(start=start, end=end)
    for row in days:
        if start <= row.day <= end:
            out.add(row)
    return out


def days_of(diary: CareDiary | None, start: date, end: date) -> list[DiaryDay]:
    if diary is None or diary.pk is None:
        return []
    return list(DiaryDay.objects.filter(diary=diary, day__gte=start, day__lte=end).order_by("day"))


def summary(diary: CareDiary | None, start: date, end: date) -> Summary:
    """Weeks, months and the total of the diary between ``start`` and ``end``."""
    days = days_of(diary, start, end)
    return Summary(start=start, end=end, weeks=group(days, start, end, WEEK), months=group(days, start, end, MONTH),
                   total=total(days, start, end), days=days)


def default_period(today: date) -> tuple[date, date]:
    """The last three months up to today (what an application usually asks to see)."""
    return add_months(today, -3) + timedelta(days=1), today


def diary_children(family: Family) -> list[Child]:
    """The children in the family a diary can be kept for (born; an expected child has no days yet)."""
    return [c for c in family.children.filter(birth_date__isnull=False).order_by("birth_date", "pk")]


def recent_days(diary: CareDiary | None, today: date, count: int = 14) -> list[tuple[date, DiaryDay | None]]:
    """The last ``count`` days up to today, each with its entry or None, newest first."""
    start = today - timedelta(days=count - 1)
    rows = {row.day: row for row in days_of(diary, start, today)}
    return [(today - timedelta(days=i), rows.get(today - timedelta(days=i))) for i in range(count)]


def day_entry(diary: CareDiary | None, day: date) -> DiaryDay | None:
    if diary is None or diary.pk is None:
        return None
    return DiaryDay.objects.filter(diary=diary, day=day).first()


def previous_entry(diary: CareDiary | None, day: date) -> DiaryDay | None:
    if diary is None or diary.pk is None:
        return None
    return DiaryDay.objects.filter(diary=diary, day__lt=day).order_by("-day").first()


def latest_summary_for(family: Family, child: Child | None, today: date, weeks: int = 12) -> Summary | None:
    """The diary of ``child`` over the last ``weeks`` weeks, for a kit or an appeal (None: no diary, or no days)."""
    if child is None:
        return None
    diary = CareDiary.objects.filter(family=family, child=child).first()
    if diary is None:
        return None
    result = summary(diary, today - timedelta(days=7 * weeks - 1), today)
    return result if result.has_entries else None


def diaries_of(family: Family) -> QuerySet[CareDiary]:
    return CareDiary.objects.filter(family=family).select_related("child")
