"""The statistics pages' figures rendered ahead (``los.stats.precomputed``): the same figures for everyone with the
same choice, shown while young, worked out again when old or by the background task, small numbers still hidden."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from los.referrals.models import RequestStatus
from los.stats import figures, precomputed
from los.stats.models import PrecomputedFigures
from los.stats.tasks import refresh_statistics

from .conftest import request
from .helpers import values

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(settings):
    settings.LOS_STATS_FIGURES_MAX_AGE = 300


def later(time_machine, delta: timedelta) -> None:
    time_machine.move_to(timezone.now() + delta)


def as_of() -> str:
    """The line under the filter: the time the stored figures were worked out."""
    return f"Figures as of {timezone.localtime(PrecomputedFigures.objects.get().computed_at):%H:%M}"


def page(client, user, name: str = "stats:dashboard", language: str = "en") -> str:
    client.force_login(user)
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_everyone_in_the_unit_gets_the_figures_worked_out_once(client, stored, stats_world):
    w = stats_world
    first = page(client, w.caseworker)
    assert values(first, "key")["waiting_decision"] == ["4"] and as_of() in first
    request(w.f1, 1, status=RequestStatus.RECEIVED)  # a new request: the stored figures do not know it yet
    second = page(client, w.unit_leader)
    assert values(second, "key")["waiting_decision"] == ["4"]
    assert values(second, "coordinators") == values(first, "coordinators")
    assert PrecomputedFigures.objects.count() == 1


def test_old_figures_are_worked_out_again(client, stored, stats_world, time_machine):
    w = stats_world
    page(client, w.caseworker)
    request(w.f1, 1, status=RequestStatus.RECEIVED)
    later(time_machine, timedelta(seconds=301))
    again = page(client, w.caseworker)
    assert values(again, "key")["waiting_decision"] == ["5"] and as_of() in again
    assert timezone.now() - PrecomputedFigures.objects.get().computed_at < timedelta(seconds=60)


def test_the_background_task_keeps_what_was_asked_for_current(client, stored, stats_world, time_machine):
    w = stats_world
    page(client, w.caseworker)
    page(client, w.caseworker, language="nb")
    request(w.f1, 1, status=RequestStatus.RECEIVED)
    later(time_machine, timedelta(seconds=200))  # older than half the maximum age
    assert refresh_statistics.call() == {"refreshed": 2, "deleted": 0}
    assert values(page(client, w.caseworker), "key")["waiting_decision"] == ["5"]
    assert values(page(client, w.caseworker, language="nb"), "key")["waiting_decision"] == ["5"]


def test_figures_nobody_asked_for_in_a_day_are_dropped_and_yesterdays_carried_to_today(client, stored, stats_world,
                                                                                          time_machine):
    w = stats_world
    page(client, w.caseworker)
    later(time_machine, timedelta(hours=20))  # the next day, asked for 20 hours ago
    call_command("refresh_statistics")
    row = PrecomputedFigures.objects.get()
    assert row.day == timezone.localdate() and row.asked_at < timezone.now() - timedelta(hours=19)
    later(time_machine, timedelta(hours=5))
    assert precomputed.refresh().deleted == 1 and not PrecomputedFigures.objects.exists()


def test_small_numbers_stay_hidden_in_stored_figures(client, stored, protected_world):
    w = protected_world
    for _ in range(2):  # worked out, then stored
        shown = page(client, w.leader, "stats:municipal")
        assert "Numbers under 5 are hidden" in shown
        assert values(shown, "key")["open_now"] == [":"] and values(shown, "key")["share_granted"] == [":"]
    unit_leader = page(client, w.unit_leader, "stats:municipal")  # may open every family: nothing hidden
    assert ":" not in values(unit_leader, "key")["open_now"]
    assert PrecomputedFigures.objects.filter(page="municipal").count() == 2


def test_the_units_figures_are_those_of_the_families_the_unit_may_open(stats_world):
    """The figures worked out for no one in particular (every family of the municipality) are the figures the
    unit's people get when the counts start from the families they may open."""
    w = stats_world
    today = timezone.localdate()
    ids = [w.municipality.pk]
    for person in (w.caseworker, w.unit_leader):
        theirs, everyones = figures.unit_page(person, ids, today, 8), figures.unit_page(None, ids, today, 8)
        assert [[(c.value, c.hidden) for r in t.rows for c in r.cells] for t in theirs.tables] == \
            [[(c.value, c.hidden) for r in t.rows for c in r.cells] for t in everyones.tables]
        assert theirs.summary == everyones.summary
