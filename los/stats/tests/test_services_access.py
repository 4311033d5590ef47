"""Access to services for the municipality: refusals, appeals, their outcomes, processing time and delivery,
counted from the service maps and hidden under five when the reader may not open the families behind them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from los.core import testing as t
from los.core.models import ProviderKind
from los.servicemap import services
from los.servicemap.models import Decision
from los.stats import selectors, services_access

TODAY = date(2026, 11, 18)
PERIOD = selectors.Period(start=date(2025, 11, 19), end=TODAY)


def _decided(family, actor, provider, catalog_id, decision, sent, decided, **extra):
    entry = services.create_entry(family, actor, catalog_id=catalog_id, provider=provider)
    app = services.create_application(entry, actor, sent_on=sent)
    app = services.record_decision(app, actor, app.version, decision=decision, decision_received_on=decided,
                                   decision_on=decided, legal_basis="hol § 3-6", **extra)
    return entry, app


@pytest.fixture
def access_world(world):
    """Seven families applied for respite care (avlastning): six refused, three of those appealed (one reversed
    on appeal), one granted 24 hours a month from 1 August 2026 with nothing delivered since October. Processing
    took 10, 20, …, 70 days."""
    provider = t.provider(world.municipality, ProviderKind.OTHER, "Avlastning Testvik")
    families = [world.family, world.other_family] + [t.family(world.municipality, f"Familien {n}") for n in range(5)]
    world.apps = []
    for i, family in enumerate(families):
        sent = date(2026, 6, 1)
        decided = sent + timedelta(days=10 * (i + 1))
        if i == 6:
            entry, app = _decided(family, world.coordinator, provider, "avlastning", Decision.GRANTED, sent, decided,
                                  period_from=date(2026, 8, 1), extent_amount=24, extent_unit="hours",
                                  extent_per="month")
            entry.refresh_from_db()
            services.record_delivery(entry, world.coordinator, delivered_on=date(2026, 10, 1), amount=24)
            world.granted = entry
        else:
            entry, app = _decided(family, world.coordinator, provider, "avlastning", Decision.REFUSED, sent, decided)
        world.apps.append(app)
    for app in world.apps[:3]:
        appeal = services.create_appeal(app, world.coordinator, sent_on=date(2026, 9, 1))
        if app is world.apps[0]:
            appeal.refresh_from_db()
            services.update_appeal(appeal, world.coordinator, appeal.version, status="decided", outcome="granted",
                                   sent_on=date(2026, 9, 1),
                                   outcome_on=date(2026, 10, 15))
    return world


def _days(app) -> int:
    return (app.decision_on - app.sent_on).days


def test_the_counts_per_service(access_world):
    f = services_access.access_figures([access_world.municipality.pk], PERIOD, TODAY)
    assert f.decisions["avlastning"] == [1, 0, 6]
    assert f.appealed["avlastning"] == [3, 3]
    assert f.outcomes["granted"] == 1
    assert f.outcomes["open"] == 2
    assert f.delivery["avlastning"] == [0, 1, 0]  # nothing delivered in the last four weeks
    days = sorted(_days(app) for app in access_world.apps)
    assert sorted(f.processing["avlastning"]) == days
    granted, delivered, grants = f.share["avlastning"]
    assert grants == 1 and delivered == 24
    assert granted == pytest.approx(24 * 3 + 24 * 18 / 30)  # August to October, and 18 days of November


def test_unprotected_tables_give_the_shares_beside_the_national_survey(access_world):
    decisions, appeals, _outcomes, not_delivered, share, processing = services_access.tables(
        [access_world.municipality.pk], PERIOD, TODAY, protect=False)
    row = decisions.row("avlastning")
    assert [c.value for c in row.cells[:4]] == [1, 0, 6, 7]
    assert row.cells[4].value == pytest.approx(6 / 7 * 100)
    assert row.cells[5].value == services_access.NATIONAL_REFUSED["avlastning"]
    assert appeals.row("avlastning").cells[3].value == pytest.approx(50)
    assert not_delivered.row("avlastning").cells[4].value == pytest.approx(100)
    days = sorted(_days(app) for app in access_world.apps)
    assert processing.row("avlastning").cells[1].value == days[3]


def test_small_numbers_are_hidden_when_protected(access_world):
    decisions, appeals, outcomes, not_delivered, share, processing = services_access.tables(
        [access_world.municipality.pk], PERIOD, TODAY, protect=True)
    row = decisions.row("avlastning").cells
    assert row[0].hidden  # one granted
    assert sum(c.hidden for c in row[:4]) >= 2  # and it cannot be worked out from the others
    assert appeals.row("avlastning").cells[0].hidden  # three appealed
    assert outcomes.row("granted").cells[0].hidden
    assert share.row("avlastning").cells[1].hidden  # one grant
    assert not processing.row("avlastning").cells[1].hidden  # seven decisions


def test_the_municipal_page_shows_the_section(client, access_world):
    client.force_login(access_world.leader)
    page = client.get(reverse("stats:municipal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Access to services: refused, appealed, delivered" in page
    assert "Refusals, by service" in page
    assert "Granted but not delivered, by service" in page
