"""Referral pages in a real browser: axe-core (WCAG 2.1 AA), keyboard-free checks, 360 px."""

import pytest
from django.utils import timezone

from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot
from los.families.models import FamilyStatus
from los.referrals import services
from los.referrals.models import Outcome

from .helpers import REASONS, request_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cases(world):
    m = world.municipality
    waiting = t.family(m, "Familien Venter", status=FamilyStatus.REQUESTED)
    services.make_decision(request_for(waiting, days_ago=12), world.caseworker, Outcome.GRANTED, **REASONS)
    refused = t.family(m, "Familien Nei", status=FamilyStatus.REQUESTED)
    vedtak = services.make_decision(request_for(refused, days_ago=50), world.caseworker, Outcome.REFUSED, **REASONS)
    services.register_appeal(vedtak, world.caseworker, timezone.localdate(), "Vi er uenige.")
    open_request = request_for(t.family(m, "Familien Ny", status=FamilyStatus.REQUESTED), days_ago=27)
    return {"waiting": waiting, "refused": refused, "open": open_request}


@pytest.mark.parametrize(("language", "width"), [("nb", 1280), ("nn", 360), ("en", 1280)])
def test_unit_pages_are_accessible(live_server, page_factory, world, cases, language, width):
    page = page_factory(width=width, language=language)
    login(page, live_server, "saksbehandler", t.PASSWORD)
    urls = {
        "queue": "/henvendelser/ko/",
        "case": f"/henvendelser/familie/{cases['refused'].pk}/",
        "assessment": f"/henvendelser/{cases['open'].pk}/vurdering/",
        "decision": f"/henvendelser/{cases['open'].pk}/vedtak/",
        "appoint": f"/henvendelser/familie/{cases['waiting'].pk}/oppnevn/",
        "reply": f"/henvendelser/{cases['open'].pk}/forelopig-svar/",
    }
    for name, url in urls.items():
        page.goto(live_server.url + url)
        assert page.get_attribute("html", "lang") == language
        assert axe_violations(page) == [], name
        if width == 360:
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
        screenshot(page, f"referrals-{name}-{language}-{width}")
    # a decision without reasons: the error summary and the fields are linked and announced
    page.goto(live_server.url + urls["decision"])
    page.check("input[name=outcome][value=granted]")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator(".ds-error-summary").is_visible()
    assert page.get_attribute("#id_facts", "aria-invalid") == "true"
    assert axe_violations(page) == []


def test_public_form_and_family_pages_on_a_phone(live_server, page_factory, world, cases):
    page = page_factory(width=360, height=740, language="nb")
    page.goto(f"{live_server.url}/henvendelser/ny/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "referrals-public-360-nb")
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/henvendelser/familie/{world.family.pk}/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
