"""Foundation pages in a real browser: log-in, start pages per role, languages, 360 px, axe-core."""

import pytest
from django.urls import reverse

from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_login_page_is_accessible_in_each_language(live_server, page_factory, language):
    page = page_factory(language=language)
    page.goto(f"{live_server.url}/konto/logg-inn/")
    assert page.get_attribute("html", "lang") == language
    assert axe_violations(page) == []
    screenshot(page, f"login-{language}")


def test_coordinator_start_page_with_keyboard_and_axe(live_server, page_factory, world):
    page = page_factory(language="en")
    page.goto(f"{live_server.url}/konto/logg-inn/")
    # keyboard only: the skip link is the first stop, then the form
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.fill("input[name=username]", "bk")
    page.fill("input[name=password]", t.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # the coordinator's start page is the today page: what needs them, and the way to all their families
    assert page.locator("h1", has_text="Today").is_visible()
    assert page.locator("h2", has_text="What needs you as barnekoordinator").is_visible()
    assert page.locator("main", has_text="You work on 1 family.").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "start-coordinator-en")
    _tab_to(page, "main a[href$='?mine=on']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1", has_text="Find a family").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "find-mine-en")
    _tab_to(page, f"main a[href='/familier/{world.family.pk}/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1", has_text="Familien Berg").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "family-overview-en")


def _tab_to(page, selector: str) -> None:
    """Press Tab until the element has the focus."""
    target = page.locator(selector).first.element_handle()
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate("(t) => document.activeElement === t", target):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_family_start_page_on_a_phone(live_server, page_factory, world):
    page = page_factory(width=360, height=740, language="nb")
    login(page, live_server, "forelder", t.PASSWORD)
    # a guardian of one family starts on the family's home: what needs them now, then who to call
    assert page.url == f"{live_server.url}/familie/{world.family.pk}/"
    assert page.locator("h2#card-now", has_text="Venter på dere nå").is_visible()
    coordinator = page.locator("section[aria-labelledby=card-coordinator]")
    assert coordinator.locator("h2", has_text=f"Barnekoordinator: {world.coordinator.get_full_name()}").is_visible()
    # nothing is wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, "start-family-360-nb")


def test_a_long_operation_says_at_once_that_work_is_under_way(live_server, page_factory, world):
    page = page_factory(language="en")
    login(page, live_server, "kommunalsjef", t.PASSWORD)
    page.goto(f"{live_server.url}/statistikk/kommune/")
    notice = page.locator("#los-busy")
    assert not notice.is_visible()  # takes no room until there is something to say
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert notice.is_visible() and "This can take a few seconds" in notice.inner_text()
    assert notice.get_attribute("role") == "status"
    assert download.value.suggested_filename.endswith(".csv")
    assert axe_violations(page) == []


def test_a_form_sent_back_with_messages_puts_the_focus_on_its_error_summary(live_server, page_factory, world):
    """Every form page answers bad input the one way (los.core.forms.form_action): 400, what was typed kept, and
    the error summary focused, so that a keyboard or screen-reader user starts at what to fix."""
    page = page_factory(language="en")
    login(page, live_server, "bk", t.PASSWORD)
    page.goto(live_server.url + reverse("meetings:new", args=[world.family.pk]))
    page.fill("input[name=place]", "Rådhuset")
    page.fill("input[name=start_time]", "11:00")
    page.fill("input[name=end_time]", "10:00")
    with page.expect_navigation() as sent:
        page.click("main button[type=submit]")
    assert sent.value.status == 400
    focused = page.evaluate("document.activeElement.className")
    assert "ds-error-summary" in focused
    assert page.locator(".ds-error-summary").inner_text().startswith("Check what you wrote")
    assert page.title().startswith("Error: ")
    # each message leads to its field
    targets = page.eval_on_selector_all(".ds-error-summary a[href^='#']", "links => links.map(a => a.hash)")
    assert targets, page.locator(".ds-error-summary").inner_html()
    assert all(page.locator(target).count() == 1 for target in targets), targets
    assert page.input_value("input[name=place]") == "Rådhuset"
    assert axe_violations(page) == []
