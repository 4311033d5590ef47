"""Norwegian public holidays and working days (los.core.holidays). Pure Python, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from los.core.holidays import (
    OFFICIAL_NAMES_NB,
    Holiday,
    easter_sunday,
    holiday_occurrences,
    holidays,
    is_holiday,
    is_working_day,
    next_working_day,
    working_day_on_or_after,
)

# Easter Sunday (Gregorian) 2000–2040, from published church calendars / almanacs.
KNOWN_EASTER_SUNDAYS = {
    2000: (4, 23),
    2001: (4, 15),
    2002: (3, 31),
    2003: (4, 20),
    2004: (4, 11),
    2005: (3, 27),
    2006: (4, 16),
    2007: (4, 8),
    2008: (3, 23),
    2009: (4, 12),
    2010: (4, 4),
    2011: (4, 24),
    2012: (4, 8),
    2013: (3, 31),
    2014: (4, 20),
    2015: (4, 5),
    2016: (3, 27),
    2017: (4, 16),
    2018: (4, 1),
    2019: (4, 21),
    2020: (4, 12),
    2021: (4, 4),
    2022: (4, 17),
    2023: (4, 9),
    2024: (3, 31),
    2025: (4, 20),
    2026: (4, 5),
    2027: (3, 28),
    2028: (4, 16),
    2029: (4, 1),
    2030: (4, 21),
    2031: (4, 13),
    2032: (3, 28),
    2033: (4, 17),
    2034: (4, 9),
    2035: (3, 25),
    2036: (4, 13),
    2037: (4, 5),
    2038: (4, 25),
    2039: (4, 10),
    2040: (4, 1),
}


@pytest.mark.parametrize(("year", "month_day"), sorted(KNOWN_EASTER_SUNDAYS.items()))
def test_easter_sunday_matches_the_calendar(year: int, month_day: tuple[int, int]) -> None:
    assert easter_sunday(year) == date(year, *month_day)


def test_easter_sunday_agrees_with_dateutil_over_the_gregorian_range() -> None:
    easter_module = pytest.importorskip("dateutil.easter")
    for year in range(1583, 4100):
        assert easter_sunday(year) == easter_module.easter(year, easter_module.EASTER_WESTERN), year


def test_easter_is_always_a_sunday_between_22_march_and_25_april() -> None:
    for year in range(1583, 3000):
        easter = easter_sunday(year)
        assert easter.weekday() == 6
        assert date(year, 3, 22) <= easter <= date(year, 4, 25)


def test_easter_before_the_gregorian_calendar_is_refused() -> None:
    with pytest.raises(ValueError):
        easter_sunday(1582)


def test_holidays_2026() -> None:
    assert holidays(2026) == {
        date(2026, 1, 1): Holiday.NEW_YEARS_DAY,
        date(2026, 4, 2): Holiday.MAUNDY_THURSDAY,
        date(2026, 4, 3): Holiday.GOOD_FRIDAY,
        date(2026, 4, 5): Holiday.EASTER_SUNDAY,
        date(2026, 4, 6): Holiday.EASTER_MONDAY,
        date(2026, 5, 1): Holiday.LABOUR_DAY,
        date(2026, 5, 14): Holiday.ASCENSION_DAY,
        date(2026, 5, 17): Holiday.CONSTITUTION_DAY,
        date(2026, 5, 24): Holiday.WHIT_SUNDAY,
        date(2026, 5, 25): Holiday.WHIT_MONDAY,
        date(2026, 12, 25): Holiday.CHRISTMAS_DAY,
        date(2026, 12, 26): Holiday.BOXING_DAY,
    }
    assert list(holidays(2026)) == sorted(holidays(2026))


def test_holiday_values_are_plain_string_codes() -> None:
    for code in holidays(2025).values():
        assert isinstance(code, str)
    assert holidays(2025)[date(2025, 12, 25)] == "christmas_day"
    assert set(OFFICIAL_NAMES_NB) == set(Holiday)


def test_movable_holidays_fall_on_the_right_weekdays() -> None:
    expected_weekday = {
        Holiday.MAUNDY_THURSDAY: 3,
        Holiday.GOOD_FRIDAY: 4,
        Holiday.EASTER_SUNDAY: 6,
        Holiday.EASTER_MONDAY: 0,
        Holiday.ASCENSION_DAY: 3,
        Holiday.WHIT_SUNDAY: 6,
        Holiday.WHIT_MONDAY: 0,
    }
    for year in range(1950, 2101):
        occurrences = holiday_occurrences(year)
        assert len(occurrences) == 12
        for day, code in occurrences:
            if code in expected_weekday:
                assert day.weekday() == expected_weekday[code], (year, code)


def test_two_holidays_on_one_date_are_both_listed() -> None:
    # 2008: Ascension Day fell on 1 May; 2027: Whit Monday falls on 17 May.
    occurrences_2008 = holiday_occurrences(2008)
    assert (date(2008, 5, 1), Holiday.LABOUR_DAY) in occurrences_2008
    assert (date(2008, 5, 1), Holiday.ASCENSION_DAY) in occurrences_2008
    assert holidays(2008)[date(2008, 5, 1)] == Holiday.ASCENSION_DAY
    assert len(holidays(2008)) == 11

    assert holidays(2027)[date(2027, 5, 17)] == Holiday.WHIT_MONDAY
    assert (date(2027, 5, 17), Holiday.CONSTITUTION_DAY) in holiday_occurrences(2027)


def test_holidays_returns_a_fresh_dict_each_time() -> None:
    first = holidays(2026)
    first.clear()
    assert len(holidays(2026)) == 12


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),
        date(2026, 4, 2),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2028, 5, 17),
    ],
)
def test_public_holidays_are_not_working_days(day: date) -> None:
    assert is_holiday(day)
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 24),  # Christmas Eve, Thursday: an ordinary working day in Norway
        date(2026, 12, 31),  # New Year's Eve, Thursday
        date(2026, 4, 1),  # Wednesday before Maundy Thursday
        date(2026, 5, 15),  # Friday after Ascension Day
        date(2026, 3, 10),  # ordinary Tuesday
    ],
)
def test_ordinary_weekdays_are_working_days(day: date) -> None:
    assert not is_holiday(day)
    assert is_working_day(day)


def test_weekends_are_not_working_days_but_not_holidays_either() -> None:
    saturday, sunday = date(2026, 3, 7), date(2026, 3, 8)
    assert not is_working_day(saturday)
    assert not is_working_day(sunday)
    assert not is_holiday(saturday)
    assert not is_holiday(sunday)


def test_working_day_on_or_after() -> None:
    assert working_day_on_or_after(date(2026, 3, 10)) == date(2026, 3, 10)
    assert working_day_on_or_after(date(2026, 3, 7)) == date(2026, 3, 9)
    # Maundy Thursday 2026 -> Tuesday after Easter Monday
    assert working_day_on_or_after(date(2026, 4, 2)) == date(2026, 4, 7)
    # Christmas Day 2026 (Friday) -> Monday 28 December
    assert working_day_on_or_after(date(2026, 12, 25)) == date(2026, 12, 28)


def test_next_working_day_is_strictly_after() -> None:
    assert next_working_day(date(2026, 3, 6)) == date(2026, 3, 9)  # Friday -> Monday
    assert next_working_day(date(2026, 3, 10)) == date(2026, 3, 11)
    assert next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)  # over New Year's Day and a weekend


def _working_days(year: int) -> int:
    start = date(year, 1, 1)
    days = [start + timedelta(days=offset) for offset in range((date(year + 1, 1, 1) - start).days)]
    return sum(is_working_day(day) for day in days)


def test_working_days_in_2026() -> None:
    # 261 weekdays; 8 holidays fall on weekdays (17 May is a Sunday, Boxing Day a Saturday).
    assert _working_days(2026) == 253


def test_each_year_has_about_250_working_days() -> None:
    for year in range(2000, 2041):
        assert 245 <= _working_days(year) <= 258, year
