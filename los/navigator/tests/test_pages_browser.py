"""The navigator's pages in a real browser: axe-core (WCAG 2.1 AA) and 360 px, in three languages."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused(page, element_id: str) -> str:
    """The id of the element with the focus, once the page has moved it there or 2 s have passed: htmx moves the
    focus when the swapped content has settled, a moment after it is in the page."""
    try:
        # a function, not an expression: Playwright polls an expression with eval(), which the CSP refuses
        page.wait_for_function("(id) => document.activeElement && document.activeElement.id === id",
                               arg=element_id, timeout=2000)
    except PlaywrightTimeoutError:
        pass
    return page.evaluate("document.activeElement.id")


def _fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (360, "nb"), (360, "nn")])
def test_anonymous_questionnaire_and_results(live_server, page_factory, world, width, language):
    page = page_factory(width=width, height=900, language=language)
    page.goto(f"{live_server.url}/los/")
    assert _fits(page, width)
    assert axe_violations(page) == []
    # three short steps; each answer is sent on with the next step, without a page load
    page.select_option("#id_age", "9")
    page.check("#id_conditions_0")  # physical
    page.check("#id_expected_duration_months_3")  # 2 years or more
    page.click("form.nav-form button[name=go][value='2']")
    page.wait_for_selector("input[name=shown][value='2']", state="attached")
    assert _focused(page, "nav-step-h") == "nav-step-h"
    assert _fits(page, width)
    page.click("form.nav-form button[name=go][value='3']")
    page.wait_for_selector("input[name=shown][value='3']", state="attached")
    assert axe_violations(page) == []
    page.click("form.nav-form button[name=go][value=results]")
    page.wait_for_selector("#nav-g-likely")
    assert page.locator(".nav-card").count() >= 10
    # the list ends in asking for a barnekoordinator, and the refining questions are beside it
    assert page.locator("#nav-next button[type=submit]").is_visible()
    assert page.locator("#nav-questions").is_visible()
    assert _fits(page, width)
    assert axe_violations(page) == []
    # the results heading has the focus, so a screen reader starts at the list
    assert _focused(page, "nav-results-h") == "nav-results-h"
    screenshot(page, f"navigator-anonymous-{width}-{language}")


def test_anonymous_errors_are_accessible(live_server, page_factory, world):
    page = page_factory(width=360, language="en")
    page.goto(f"{live_server.url}/los/")
    page.click("form.nav-form button[type=submit]")
    summary = page.locator(".ds-error-summary")
    summary.wait_for()
    assert "Choose the child’s age" in summary.inner_text()
    assert _focused(page, "nav-errors") == "nav-errors"
    assert axe_violations(page) == []


@pytest.mark.parametrize(("width", "language"), [(1280, "nb"), (360, "en")])
def test_family_page(live_server, page_factory, world, width, language):
    child = world.family.children.get()
    child.condition_categories = ["physical", "neurological"]
    child.setting = "primary_school"
    child.save()
    page = page_factory(width=width, height=900, language=language)
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/los/familie/{world.family.pk}/?steg=1")
    assert page.locator(".nav-card").count() >= 10
    assert _fits(page, width)
    assert axe_violations(page) == []
    page.check("#id_extra_supervision_and_care_0")
    page.check("#id_expected_duration_months_3")
    page.click("#nav-questions button[type=submit]")
    page.wait_for_selector("#nav-saved")
    # the step's answers are saved and the next step is shown, without a page load
    assert "steg=2" in page.locator(".nav-stepper a[aria-current=step]").get_attribute("href")
    assert axe_violations(page) == []
    screenshot(page, f"navigator-family-{width}-{language}")


def test_screening_page(live_server, page_factory, world):
    page = page_factory(width=360, language="nb")
    login(page, live_server, "bk", t.PASSWORD)
    page.goto(f"{live_server.url}/los/mine-familier/")
    assert page.locator("#nav-counts").is_visible()
    assert _fits(page, 360) and axe_violations(page) == []
    screenshot(page, "navigator-screening-360-nb")


def test_unit_page(live_server, page_factory, world):
    page = page_factory(width=1280, language="en")
    login(page, live_server, "saksbehandler", t.PASSWORD)
    page.goto(f"{live_server.url}/los/enhet/")
    page.click("#nav-unit-counts ~ div a >> nth=0")
    assert page.locator("#nav-unit-families").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "navigator-unit-1280-en")
