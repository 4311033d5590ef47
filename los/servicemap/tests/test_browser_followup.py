"""From a refusal to a drafted appeal, and from a grant to a delivery shortfall on the barnekoordinator's start page,
in a real browser in each language: axe-core (WCAG 2.1 AA), no sideways scrolling at 360 px."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from los.core import deadlines
from los.core import testing as t
from los.core.models import ProviderKind
from los.core.tests.browser import axe_violations, login, screenshot
from los.servicemap import services
from los.servicemap.models import Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOT_DECISION = {"nb": "Vi har fått vedtaket", "nn": "Vi har fått vedtaket", "en": "We got the decision"}
SAVE_DECISION = {"nb": "Lagre vedtaket", "nn": "Lagre vedtaket", "en": "Save the decision"}
PREPARE = {"nb": "Forbered klagen: Los har laget et utkast", "nn": "Førebu klaga: Los har laga eit utkast",
           "en": "Prepare the appeal: Los has drafted an outline"}
OUTLINE_HEADING = {"nb": "Klage på vedtak om", "nn": "Klage på vedtak om", "en": "Appeal against the decision on"}
NOT_DELIVERED = {"nb": "Innvilget, men ikke levert som innvilget", "nn": "Innvilga, men ikkje levert som innvilga",
                 "en": "Granted, but not delivered as granted"}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_refusal_leads_to_a_drafted_appeal(live_server, page_factory, world, language):
    nav = t.provider(world.municipality, ProviderKind.NAV, "NAV Testvik")
    entry = services.create_entry(world.family, world.coordinator, catalog_id="hjelpestonad", provider=nav)
    app = services.create_application(entry, world.coordinator, sent_on=timezone.localdate() - timedelta(days=60))
    received = timezone.localdate() - timedelta(days=2)
    page = page_factory(width=360, height=800, language=language)
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/tjenester/tjeneste/{entry.pk}/")
    page.click(f"summary:has-text('{GOT_DECISION[language]}')")
    page.select_option(f"select[name='decision-{app.pk}-decision']", "refused")
    page.fill(f"input[name='decision-{app.pk}-decision_received_on']", f"{received:%Y-%m-%d}")
    page.fill(f"input[name='decision-{app.pk}-legal_basis']", "ftrl § 6-4")
    with page.expect_navigation():
        page.click(f"button:has-text('{SAVE_DECISION[language]}')")
    with page.expect_navigation():
        page.click(f"a:has-text('{PREPARE[language]}')")
    text = page.locator("#outline-textarea").input_value()
    assert OUTLINE_HEADING[language] in text or OUTLINE_HEADING["nb"] in text  # the family's written language
    deadline = deadlines.appeal_deadline(received, "ftrl § 6-4").deadline
    assert deadline == _six_weeks_to_a_working_day(received)
    assert str(deadline.year) in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, f"servicemap-appeal-outline-360-{language}")


def _six_weeks_to_a_working_day(received: date) -> date:
    day = received + timedelta(weeks=6)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_delivery_shortfall_is_on_the_coordinators_start_page(live_server, page_factory, world, language):
    today = timezone.localdate()
    provider = t.provider(world.municipality, ProviderKind.OTHER, "Avlastning Testvik")
    entry = services.create_entry(world.family, world.coordinator, catalog_id="avlastning", provider=provider)
    app = services.create_application(entry, world.coordinator, sent_on=today - timedelta(days=150))
    services.record_decision(app, world.coordinator, app.version, decision=Decision.GRANTED,
                             decision_received_on=today - timedelta(days=120),
                             decision_on=today - timedelta(days=121), period_from=today - timedelta(days=110),
                             extent_amount=48, extent_unit="hours", extent_per="month")
    entry.refresh_from_db()
    services.record_delivery(entry, world.parent, delivered_on=today - timedelta(days=60), amount=24)
    page = page_factory(width=360, height=800, language=language)
    login(page, live_server, "bk", t.PASSWORD)
    page.goto(f"{live_server.url}/")
    assert page.locator(f"main .ds-alert h2:has-text('{NOT_DELIVERED[language]}')").is_visible()  # on Today
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, f"start-page-shortfall-360-{language}")
    with page.expect_navigation():
        page.click("main .ds-alert a[href*='#delivery']")
    assert page.locator("#delivery").count() == 1
    assert axe_violations(page) == []
