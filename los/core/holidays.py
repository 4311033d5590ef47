"""Norwegian public holidays and working days.

Pure Python, no Django: safe to import anywhere, also without settings.

Which days count
----------------
*Helligdager* (public holidays) are set by lov 24. februar 1995 nr. 12 om helligdager og helligdagsfred
§ 2: every Sunday, New Year's Day, Maundy Thursday, Good Friday, Easter Sunday and Monday, Ascension
Day, Whit Sunday and Monday, Christmas Day and Boxing Day. 1 May and 17 May are *offentlige
høytidsdager* and "jamstelt med søndager" (lov 26. april 1947 nr. 1 om 1. og 17. mai som høgtidsdager
§ 1, https://lovdata.no/dokument/NL/lov/1947-04-26-1), which is what the deadline rules mean by a day
"likestilt med helgedag".

Christmas Eve (24 December), New Year's Eve (31 December), Easter Saturday and Whit Saturday are
*not* public holidays in Norway (unlike e.g. Denmark's deadline rules), so they are ordinary days here:
a Saturday is a non-working day anyway; 24 and 31 December on a weekday are working days.

The same twelve days are applied to every year (the 1 and 17 May act dates from 1947); Los only deals
with present-day dates.

Easter
------
Easter Sunday is computed with the Gregorian computus (the "anonymous Gregorian algorithm",
Meeus/Jones/Butcher), valid for every year of the Gregorian calendar. Helligdagsloven § 2 e describes
Easter Sunday as the first Sunday after the first full moon on or after 21 March; that full moon is
the tabular (ecclesiastical) one the computus computes. Prop. 81 L (2010–2011) chapter 5 removed an
erroneous "(ved skuddår 20. mars)" from that wording on the advice of the Almanakk committee at the
University of Oslo, noting the old wording would first have given a wrong date in 2076.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

__all__ = [
    "OFFICIAL_NAMES_NB",
    "Holiday",
    "easter_sunday",
    "holiday_occurrences",
    "holidays",
    "is_holiday",
    "is_working_day",
    "next_working_day",
    "working_day_on_or_after",
]


class Holiday(StrEnum):
    """Stable codes for the Norwegian public holidays (translate in the UI layer, not here)."""

    NEW_YEARS_DAY = "new_years_day"
    MAUNDY_THURSDAY = "maundy_thursday"
    GOOD_FRIDAY = "good_friday"
    EASTER_SUNDAY = "easter_sunday"
    EASTER_MONDAY = "easter_monday"
    LABOUR_DAY = "labour_day"
    CONSTITUTION_DAY = "constitution_day"
    ASCENSION_DAY = "ascension_day"
    WHIT_SUNDAY = "whit_sunday"
    WHIT_MONDAY = "whit_monday"
    CHRISTMAS_DAY = "christmas_day"
    BOXING_DAY = "boxing_day"


#: The names the law uses (bokmål). Reference data for documentation and audits, not UI text.
OFFICIAL_NAMES_NB: dict[Holiday, str] = {
    Holiday.NEW_YEARS_DAY: "1. nyttårsdag",
    Holiday.MAUNDY_THURSDAY: "skjærtorsdag",
    Holiday.GOOD_FRIDAY: "langfredag",
    Holiday.EASTER_SUNDAY: "1. påskedag",
    Holiday.EASTER_MONDAY: "2. påskedag",
    Holiday.LABOUR_DAY: "1. mai",
    Holiday.CONSTITUTION_DAY: "17. mai",
    Holiday.ASCENSION_DAY: "Kristi himmelfartsdag",
    Holiday.WHIT_SUNDAY: "1. pinsedag",
    Holiday.WHIT_MONDAY: "2. pinsedag",
    Holiday.CHRISTMAS_DAY: "1. juledag",
    Holiday.BOXING_DAY: "2. juledag",
}

_SATURDAY = 5
_SUNDAY = 6


def easter_sunday(year: int) -> date:
    """Return Easter Sunday of ``year`` in the Gregorian calendar (anonymous Gregorian algorithm)."""
    if year < 1583:
        raise ValueError("The Gregorian computus is defined from 1583 onwards.")
    a = year % 19  # position in the 19-year Metonic cycle
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3  # lunar correction
    h = (19 * a + b - d - g + 15) % 30  # epact-based days to the paschal full moon
    i, k = divmod(c, 4)
    weekday_offset = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_offset) // 451
    month, day = divmod(h + weekday_offset - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=256)
def _occurrences(year: int) -> tuple[tuple[date, Holiday], ...]:
    easter = easter_sunday(year)
    return (
        (date(year, 1, 1), Holiday.NEW_YEARS_DAY),
        (easter - timedelta(days=3), Holiday.MAUNDY_THURSDAY),
        (easter - timedelta(days=2), Holiday.GOOD_FRIDAY),
        (easter, Holiday.EASTER_SUNDAY),
        (easter + timedelta(days=1), Holiday.EASTER_MONDAY),
        (date(year, 5, 1), Holiday.LABOUR_DAY),
        (date(year, 5, 17), Holiday.CONSTITUTION_DAY),
        (easter + timedelta(days=39), Holiday.ASCENSION_DAY),
        (easter + timedelta(days=49), Holiday.WHIT_SUNDAY),
        (easter + timedelta(days=50), Holiday.WHIT_MONDAY),
        (date(year, 12, 25), Holiday.CHRISTMAS_DAY),
        (date(year, 12, 26), Holiday.BOXING_DAY),
    )


@lru_cache(maxsize=256)
def _holiday_dates(year: int) -> frozenset[date]:
    return frozenset(day for day, _ in _occurrences(year))


def holiday_occurrences(year: int) -> list[tuple[date, Holiday]]:
    """All twelve holidays of ``year`` as ``(date, code)`` pairs, sorted by date.

    Two holidays can fall on the same date (Ascension Day was 1 May in 2008; Whit Monday is 17 May in
    2027); both are listed here.
    """
    return sorted(_occurrences(year), key=lambda item: item[0])


def holidays(year: int) -> dict[date, Holiday]:
    """Public holidays of ``year``: ``{date: code}`` (``Holiday`` is a ``str``), sorted by date.

    When two holidays share a date, the Easter-based one is kept (e.g. 1 May 2008 maps to
    ``ascension_day``); use :func:`holiday_occurrences` to see both.
    """
    result: dict[date, Holiday] = {}
    for day, code in holiday_occurrences(year):
        if day in result and code in (Holiday.LABOUR_DAY, Holiday.CONSTITUTION_DAY):
            continue
        result[day] = code
    return result


def is_holiday(day: date) -> bool:
    """True on the twelve public holidays (ordinary Sundays are not counted here)."""
    return day in _holiday_dates(day.year)


def is_working_day(day: date) -> bool:
    """True Monday to Friday unless the day is a public holiday."""
    return day.weekday() not in (_SATURDAY, _SUNDAY) and not is_holiday(day)


def working_day_on_or_after(day: date) -> date:
    """``day`` itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    return working_day_on_or_after(day + timedelta(days=1))
