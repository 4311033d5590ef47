"""Figures with small numbers hidden cannot be subtracted from each other (docs/statistics.md, "Period").

Before: a municipal leader chose any period (widened to whole months). January to March minus February to
March is January, whose count the page hid when asked for January alone. Now a protected viewer gets one kind
of whole calendar period that has ended (quarters by default), never a free from/to; periods of one kind never
overlap; and the figures "now" are the month's snapshot.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import combinations

import pytest
from django.urls import reverse

from los.accounts.models import Role
from los.core import testing as t
from los.families.models import FamilyStatus
from los.referrals.models import Request, RequestSource, RequestStatus
from los.stats import periods
from los.stats.models import NowSnapshot

from .conftest import OSLO
from .helpers import values

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 5, 10, 12, 0, tzinfo=OSLO)


@pytest.fixture
def january(world, time_machine):
    """Testvik on 10 May 2026: one request in January, six in February and March, one open now."""
    time_machine.move_to(TODAY)
    m = world.municipality
    world.unit_leader = t.staff(Role.UNIT_LEADER, m, "enhetsleder")
    days = [date(2026, 1, 15)] + [date(2026, 2, 3 + 4 * i) for i in range(3)] + [date(2026, 3, 2 + 5 * i)
                                                                                  for i in range(3)]
    for n, day in enumerate(days):
        family = t.family(m, f"Familien Nr{n}", status=FamilyStatus.REQUESTED)
        Request.objects.create(family=family, municipality=m, source=RequestSource.FAMILY, received=day,
                               status=RequestStatus.DECIDED if n else RequestStatus.RECEIVED)
    return world


def received(client, **params) -> str:
    page = client.get(reverse("stats:municipal"), params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return values(page, "key")["received"][0]


def test_two_overlapping_periods_cannot_be_subtracted(client, january):
    client.force_login(january.leader)
    january_to_march = received(client, fra="2026-01-01", til="2026-03-31")
    february_to_march = received(client, fra="2026-02-01", til="2026-03-31")
    # both asks give the same whole quarter: nothing is left over to single out January's one request
    assert january_to_march == february_to_march == "7"
    assert received(client, periode="2026-01") == "7"  # a month is not a period this installation offers
    # the unit, who may open every family anyway, still chooses freely
    client.force_login(january.unit_leader)
    assert received(client, fra="2026-01-01", til="2026-03-31") == "7"
    assert received(client, fra="2026-02-01", til="2026-03-31") == "6"


def test_a_period_that_has_not_ended_or_of_another_kind_is_explained(client, january):
    client.force_login(january.leader)
    for key in ("2026-Q2", "2026", "2026-01", "nonsense"):
        page = client.get(reverse("stats:municipal"), {"periode": key}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Choose a period from the list." in page
        assert "Q1 2026: 1 January 2026 to 31 March 2026" in page  # the newest whole quarter is used


def test_the_export_gives_whole_periods_for_the_unit_too(client, january):
    client.force_login(january.unit_leader)
    first = client.get(reverse("stats:export_download"), {"fra": "2026-01-01", "til": "2026-03-31"})
    second = client.get(reverse("stats:export_download"), {"fra": "2026-02-01", "til": "2026-03-31"})
    assert "2026-01-01 – 2026-03-31" in first.content.decode("utf-8-sig")
    assert first.content.decode("utf-8-sig").split("\n", 4)[4] == second.content.decode("utf-8-sig").split("\n", 4)[4]


@pytest.mark.parametrize("kind", periods.KINDS)
def test_the_periods_offered_never_overlap_and_have_ended(kind):
    today = date(2026, 5, 10)
    offered = periods.completed(kind, today)
    assert offered and all(p.end < today for p in offered)
    for a, b in combinations(offered, 2):
        assert a.end < b.start or b.end < a.start
    # together they cover every day from the first to the last without a gap
    ordered = sorted(offered, key=lambda p: p.start)
    assert all(b.start - a.end == timedelta(days=1) for a, b in zip(ordered, ordered[1:], strict=False))
    assert periods.parse(offered[0].key, kind, today) == offered[0]
    assert periods.parse(periods.containing(kind, today).key, kind, today) is None  # not ended
    assert all(periods.parse(p.key, other, today) is None for p in offered for other in periods.KINDS if other != kind)


def test_figures_now_are_the_months_snapshot_for_a_protected_viewer(client, january, time_machine):
    w = january
    client.force_login(w.leader)

    def open_now(user) -> str:
        client.force_login(user)
        page = client.get(reverse("stats:municipal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return values(page, "key")["open_now"][0], page

    before, page = open_now(w.leader)
    assert "as they were on 10 May 2026" in page
    assert NowSnapshot.objects.filter(municipality=w.municipality, month=date(2026, 5, 1)).count() == 1
    for n in range(5):  # five new requests the next day
        family = t.family(w.municipality, f"Familien Ny{n}", status=FamilyStatus.REQUESTED)
        Request.objects.create(family=family, municipality=w.municipality, source=RequestSource.FAMILY,
                               received=date(2026, 5, 11), status=RequestStatus.RECEIVED)
    time_machine.move_to(TODAY + timedelta(days=1))
    assert open_now(w.leader)[0] == before == ":"  # the same all month: two days cannot be compared
    assert open_now(w.unit_leader)[0] == "6"  # the unit sees the figure live
    time_machine.move_to(datetime(2026, 6, 2, 12, 0, tzinfo=OSLO))
    assert open_now(w.leader)[0] == "6"  # a new month, a new snapshot
    assert NowSnapshot.objects.filter(municipality=w.municipality).count() == 2


def test_the_api_gives_protected_figures_for_whole_periods_only(client, january):
    client.force_login(january.leader)
    refused = client.get("/api/statistics", {"start": "2026-02-01", "end": "2026-03-31"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422 and "period=2025-Q3" in refused.json()["detail"]
    body = client.get("/api/statistics", {"period": "2026-Q1"}).json()
    assert (body["period_start"], body["period_end"], body["protected"]) == ("2026-01-01", "2026-03-31", True)
    key = next(t for t in body["tables"] if t["id"] == "key")
    assert next(r for r in key["rows"] if r["key"] == "received")["cells"][0]["value"] == 7
    assert client.get("/api/statistics", {"period": "2026-02"}).status_code == 422
    assert client.get("/api/statistics", {"period": "2026-Q2"}).status_code == 422  # not ended
