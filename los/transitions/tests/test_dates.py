"""Transition dates for children of every age, born early or late in the year or on 29 February."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from los.families.models import Child, Setting
from los.transitions import planner
from los.transitions.models import TransitionKind, TransitionSettings

TODAY = date(2026, 11, 23)
K = TransitionKind


def _age_on(birth: date, day: date) -> int:
    return Child(birth_date=birth).age_on(day)


def _births_for_age(age: int) -> list[date]:
    """A child who is ``age`` on TODAY born on 1 January, on 31 December, and (where the year has one) 29 February."""
    births = [date(TODAY.year - age, 1, 1), date(TODAY.year - age - 1, 12, 31)]
    for year in (TODAY.year - age, TODAY.year - age - 1):
        try:
            leap = date(year, 2, 29)
        except ValueError:
            continue
        if _age_on(leap, TODAY) == age:
            births.append(leap)
    return births


CASES = [(age, birth) for age in range(18) for birth in _births_for_age(age)]


@pytest.mark.parametrize(("age", "birth"), CASES, ids=[f"{a}y-born-{b.isoformat()}" for a, b in CASES])
def test_every_age_gets_the_norwegian_school_dates(age, birth):
    assert _age_on(birth, TODAY) == age
    dates = planner.age_transition_dates(birth)
    # school start: August of the calendar year the child turns six, so the child is five or six on the day
    assert dates[K.SCHOOL_START] == date(birth.year + 6, 8, 15)
    assert _age_on(birth, dates[K.SCHOOL_START]) in (5, 6)
    # 8th grade in August of the year they turn 13; upper secondary in August of the year they turn 16
    assert dates[K.LOWER_SECONDARY] == date(birth.year + 13, 8, 15)
    assert _age_on(birth, dates[K.LOWER_SECONDARY]) in (12, 13)
    assert dates[K.UPPER_SECONDARY] == date(birth.year + 16, 8, 15)
    assert _age_on(birth, dates[K.UPPER_SECONDARY]) in (15, 16)
    # turning 18: the first day the child is 18
    adult = dates[K.TURNING_18]
    assert _age_on(birth, adult) == 18 and _age_on(birth, adult - timedelta(days=1)) == 17
    assert adult == Child(birth_date=birth).eighteenth_birthday()
    # kindergarten: never before the first birthday's year, and at most twenty months after birth
    assert dates[K.KINDERGARTEN].year in (birth.year + 1, birth.year + 2)
    assert 0 < (dates[K.KINDERGARTEN] - birth).days <= 20 * 31
    # in order
    assert dates[K.KINDERGARTEN] < dates[K.SCHOOL_START] < dates[K.LOWER_SECONDARY] < dates[K.UPPER_SECONDARY]


def test_born_on_new_years_eve_starts_school_a_year_before_a_child_born_the_next_morning():
    late, early = date(2020, 12, 31), date(2021, 1, 1)
    assert planner.school_start(late) == date(2026, 8, 15)
    assert planner.school_start(early) == date(2027, 8, 15)
    assert _age_on(late, planner.school_start(late)) == 5
    assert _age_on(early, planner.school_start(early)) == 6
    assert planner.lower_secondary_start(late) == date(2033, 8, 15)
    assert planner.upper_secondary_start(early) == date(2037, 8, 15)


def test_leap_day_child():
    birth = date(2020, 2, 29)
    assert planner.school_start(birth) == date(2026, 8, 15)
    assert planner.eighteenth_birthday(birth) == date(2038, 3, 1)
    assert planner.kindergarten_start(birth) == date(2021, 8, 1)


@pytest.mark.parametrize(("birth", "start"), [
    (date(2025, 1, 1), date(2026, 8, 1)),     # turns one by the end of August: from August
    (date(2025, 8, 31), date(2026, 8, 1)),
    (date(2025, 9, 1), date(2026, 9, 1)),     # September–November: from the month they turn one
    (date(2025, 11, 30), date(2026, 11, 30)),
    (date(2025, 12, 1), date(2027, 8, 1)),    # December: from August the year after
    (date(2025, 12, 31), date(2027, 8, 1)),
])
def test_kindergarten_right(birth, start):
    assert planner.kindergarten_start(birth) == start


@pytest.mark.parametrize(("setting", "ahead"), [
    (Setting.HOME, {K.KINDERGARTEN, K.SCHOOL_START, K.LOWER_SECONDARY, K.UPPER_SECONDARY, K.TURNING_18}),
    (Setting.KINDERGARTEN, {K.SCHOOL_START, K.LOWER_SECONDARY, K.UPPER_SECONDARY, K.TURNING_18}),
    (Setting.PRIMARY, {K.LOWER_SECONDARY, K.UPPER_SECONDARY, K.TURNING_18}),
    (Setting.LOWER_SECONDARY, {K.UPPER_SECONDARY, K.TURNING_18}),
    (Setting.UPPER_SECONDARY, {K.TURNING_18}),
    (Setting.NONE, {K.SCHOOL_START, K.LOWER_SECONDARY, K.UPPER_SECONDARY, K.TURNING_18}),
])
def test_the_setting_leaves_out_transitions_already_made(setting, ahead):
    assert {kind for kind in planner.AGE_DATES if planner.applies(kind, setting)} == ahead


@pytest.mark.parametrize("age", range(18))
def test_plans_open_ahead_by_the_default_lead_times(age):
    settings = TransitionSettings(municipality_id=1)
    child = Child(pk=age + 1, family_id=1, given_name="Ada", birth_date=date(TODAY.year - age, 6, 1),
                  setting=Setting.HOME)
    for t in planner.child_transitions(child, settings):
        months = {K.KINDERGARTEN: 6, K.SCHOOL_START: 12, K.LOWER_SECONDARY: 9, K.UPPER_SECONDARY: 9,
                  K.TURNING_18: 12}[t.kind]
        assert t.opens_on.day == min(t.on.day, 28) or t.opens_on.day == t.on.day
        assert (t.on.year * 12 + t.on.month) - (t.opens_on.year * 12 + t.opens_on.month) == months
        assert t.is_due_on(t.opens_on) and not t.is_due_on(t.opens_on - timedelta(days=1))
        assert not t.is_due_on(t.on)
        assert "Ada" in t.label


def test_which_transitions_are_due_today_for_each_age():
    """On 23 November 2026: the five-year-olds born in 2021 (school start August 2027, plan open since August),
    the 12-year-olds born in 2014 (8th grade, open since 15 November), the 15-year-olds born in 2011 (upper
    secondary, likewise) and every 17-year-old (18 within a year)."""
    settings = TransitionSettings(municipality_id=1)
    due_by_age = {}
    for age in range(18):
        for birth in _births_for_age(age):
            stage = (Setting.HOME if age < 1 else Setting.KINDERGARTEN if age <= 5 else Setting.PRIMARY if age <= 12
                     else Setting.LOWER_SECONDARY if age <= 15 else Setting.UPPER_SECONDARY)
            child = Child(pk=1, family_id=1, given_name="Ada", birth_date=birth, setting=stage)
            due = {t.kind for t in planner.child_transitions(child, settings) if t.is_due_on(TODAY)}
            due_by_age.setdefault(age, set()).update(due)
            if birth.year == 2021:
                assert K.SCHOOL_START in due
            if birth.year == 2014:  # 12, or 11 for one born on 31 December: both start 8th grade in 2027
                assert K.LOWER_SECONDARY in due
            if birth.year == 2011:
                assert K.UPPER_SECONDARY in due
    assert K.TURNING_18 in due_by_age[17]
    for age in (1, 2, 3, 6, 7, 8, 9, 10):
        assert due_by_age[age] == set(), age
