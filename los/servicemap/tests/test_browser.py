"""The service map in a real browser: axe-core (WCAG 2.1 AA), 360 px, open forms with errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from los.core import testing as t
from los.core.models import ProviderKind
from los.core.tests.browser import axe_violations, login, screenshot
from los.servicemap import services
from los.servicemap.models import Decision, EntryState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rich_map(world):
    today = timezone.localdate()
    m, f, bk = world.municipality, world.family, world.coordinator
    nav = t.provider(m, ProviderKind.NAV, "NAV Testvik")
    habu = t.provider(m, ProviderKind.HABU, "HABU Testvik")
    hjelp = services.create_entry(f, bk, catalog_id="hjelpestonad", provider=nav, state=EntryState.GRANTED,
                                  period_from=today - timedelta(days=600), period_to=today + timedelta(days=40),
                                  extent_note="Forhøyet sats 2")
    grunn = services.create_entry(f, bk, catalog_id="grunnstonad", provider=nav)
    services.create_application(grunn, bk, sent_on=today - timedelta(days=200))
    omsorg = services.create_entry(f, bk, catalog_id="omsorgsstonad")
    app = services.create_application(omsorg, bk, sent_on=today - timedelta(days=40))
    services.record_decision(app, bk, app.version, decision=Decision.REFUSED,
                             decision_received_on=today - timedelta(days=3), legal_basis="hol § 3-6")
    services.create_entry(f, bk, catalog_id="avlastning", state=EntryState.GRANTED, extent_amount=48,
                          extent_unit="hours", extent_per="month", period_to=today + timedelta(days=300))
    services.create_entry(f, bk, catalog_id="tt_ordning", state=EntryState.APPEALED)
    services.create_entry(f, bk, catalog_id="tilrettelagt_opplaering", provider=world.school,
                          state=EntryState.PARTLY_GRANTED)
    services.create_entry(f, bk, title="Oppfølging i HABU", provider=habu, state=EntryState.CONSIDERED)
    services.create_entry(f, bk, catalog_id="brukerorganisasjon", provider_name="CP-foreningen",
                          state=EntryState.ENDED)
    services.record_need(f, bk, description="Transport til avlastning", source="family", providers=[world.school])
    return hjelp


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (360, "nb"), (768, "nn")])
def test_family_map_is_accessible_and_fits(live_server, page_factory, world, width, language):
    _rich_map(world)
    page = page_factory(width=width, height=900, language=language)
    login(page, live_server, "bk", t.PASSWORD)
    page.goto(f"{live_server.url}/tjenester/familie/{world.family.pk}/")
    assert page.locator(".sm-node").count() >= 8
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    page.click("text=" + {"en": "Add to the map", "nb": "Legg til på kartet", "nn": "Legg til på kartet"}[language])
    assert axe_violations(page) == []
    screenshot(page, f"servicemap-family-{width}-{language}")


def test_entry_page_with_errors_is_accessible(live_server, page_factory, world):
    entry = _rich_map(world)
    page = page_factory(width=1280, language="en")
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/tjenester/tjeneste/{entry.pk}/")
    page.click("text=Record an application")
    page.fill("input[name='new-app-sent_on']", "")
    page.click("text=Record the application")
    page.wait_for_load_state("networkidle")
    assert page.locator(".ds-error-summary").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "servicemap-entry-errors-en")
    page.goto(f"{live_server.url}/tjenester/uten-eier/")
    screenshot(page, "servicemap-unowned-en")
