"""The care diary's sums: by ISO week and calendar month, only recorded days counted, averages per recorded day."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from los.carediary import selectors, services
from los.carediary.models import DiaryDay
from los.core.forms import ConflictError


def _record(child, user, day, sup=0, care=0, wakings=0, night=0, note=""):
    row = DiaryDay.objects.filter(child=child, day=day).first()
    return services.record_day(child, by=user, day=day, supervision_minutes=sup, care_minutes=care,
                               night_wakings=wakings, night_minutes=night, note=note,
                               version=row.version if row else 0)


@pytest.mark.django_db
def test_weeks_and_months_add_up_only_recorded_days(world, child, time_machine):
    time_machine.move_to(date(2026, 11, 18))
    # Monday 26 October to Sunday 8 November 2026: two whole ISO weeks (44 and 45), crossing into November
    _record(child, world.parent, date(2026, 10, 26), sup=120, care=60)  # week 44, October
    _record(child, world.parent, date(2026, 10, 31), sup=30, care=30, wakings=2, night=45)  # week 44, October
    _record(child, world.parent, date(2026, 11, 1), sup=60, wakings=1, night=15)  # Sunday: week 44, November
    _record(child, world.parent, date(2026, 11, 2), care=90)  # week 45
    _record(child, world.parent, date(2026, 11, 8), sup=240, care=120, wakings=3, night=120)  # week 45

    summary = selectors.summary(services.diary_for(child), date(2026, 10, 26), date(2026, 11, 8))
    week44, week45 = summary.weeks
    assert (week44.start, week44.end, week45.start, week45.end) == (
        date(2026, 10, 26), date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 8))
    assert (week44.days_recorded, week44.supervision, week44.care) == (3, 210, 90)
    assert (week44.nights_disturbed, week44.wakings, week44.night) == (2, 3, 60)
    assert (week45.days_recorded, week45.supervision, week45.care, week45.extra) == (2, 240, 210, 450)
    assert (week45.nights_disturbed, week45.wakings, week45.night) == (1, 3, 120)
    october, november = summary.months
    assert (october.start, october.end, november.start, november.end) == (
        date(2026, 10, 26), date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 8))
    assert (october.days_recorded, october.extra, october.days) == (2, 240, 6)
    assert (november.days_recorded, november.extra, november.nights_disturbed) == (3, 510, 2)
    total = summary.total
    assert (total.days, total.days_recorded, total.days_missing) == (14, 5, 9)
    assert total.extra == 750
    # averages are per recorded day: 750 minutes over 5 days is 150 a day, 1050 a week
    assert total.extra_per_day == 150
    assert total.extra_per_week == 1050
    assert total.disturbed_per_week == pytest.approx(3 / 5 * 7)


@pytest.mark.django_db
def test_a_week_without_entries_has_a_row_with_nothing(world, child, time_machine):
    time_machine.move_to(date(2026, 11, 18))
    _record(child, world.parent, date(2026, 11, 16), sup=60)
    summary = selectors.summary(services.diary_for(child), date(2026, 11, 2), date(2026, 11, 18))
    assert [w.days_recorded for w in summary.weeks] == [0, 0, 1]
    assert summary.weeks[-1].end == date(2026, 11, 18)
    assert summary.weeks[0].extra_per_week is None


@pytest.mark.django_db
def test_a_day_is_checked_and_two_people_do_not_overwrite_each_other(world, child):
    with pytest.raises(ValidationError) as raised:
        services.record_day(child, by=world.parent, day=date(2099, 1, 1), supervision_minutes=0, care_minutes=0,
                            night_wakings=0, night_minutes=0)
    assert "day" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.record_day(child, by=world.parent, day=date(2026, 11, 17), supervision_minutes=900,
                            care_minutes=600, night_wakings=0, night_minutes=0)
    assert "care_minutes" in raised.value.message_dict
    first = _record(child, world.parent, date(2026, 11, 17), sup=60)
    with pytest.raises(ConflictError):  # the coordinator opened the day before the parent saved it
        services.record_day(child, by=world.coordinator, day=date(2026, 11, 17), supervision_minutes=120,
                            care_minutes=0, night_wakings=0, night_minutes=0, version=0)
    first.refresh_from_db()
    assert first.supervision_minutes == 60


@pytest.mark.django_db
def test_the_same_as_the_day_before_in_one_tap(world, child):
    _record(child, world.parent, date(2026, 11, 16), sup=180, care=45, wakings=2, night=30, note="Feber")
    row = services.copy_previous_day(child, by=world.parent, day=date(2026, 11, 17))
    assert (row.supervision_minutes, row.care_minutes, row.night_wakings, row.night_minutes) == (180, 45, 2, 30)
    assert row.note == ""
    with pytest.raises(ValidationError):
        services.copy_previous_day(child, by=world.parent, day=date(2026, 11, 17))  # already recorded
