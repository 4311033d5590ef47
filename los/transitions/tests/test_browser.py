"""Transitions in a real browser: axe-core (WCAG 2.1 AA) at 360 px and on a desktop, the checklist ticked with
htmx without a page reload, and the timeline's filter."""

from __future__ import annotations

from datetime import date

import pytest

from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot
from los.transitions import services
from los.transitions.models import ChecklistItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_plan(rich):
    key = f"lower_secondary:{rich.child.pk}:{date(rich.child.birth_date.year + 13, 8, 15).isoformat()}"
    rich.tplan = services.open_plan_now(rich.family, key, by=rich.coordinator)
    return rich


def test_the_plan_on_a_phone_is_accessible_and_the_checklist_works_without_reloads(live_server, page_factory,
                                                                                  open_plan):
    w = open_plan
    page = page_factory(width=360, height=740, language="nb")
    login(page, live_server, "bk", t.PASSWORD)
    page.goto(f"{live_server.url}/overganger/plan/{w.tplan.pk}/")
    assert page.locator("h1", has_text="Overgangsplan").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, "transitions-plan-360-nb")
    page.evaluate("window.__noReload = true")
    item = w.tplan.checklist.order_by("position").first()
    page.click(f"#item-{item.pk} button")
    page.locator(f"#item-{item.pk}", has_text="Marker som ikke utført").wait_for()
    assert page.evaluate("window.__noReload === true")
    assert ChecklistItem.objects.get(pk=item.pk).done
    assert axe_violations(page) == []


def test_the_timeline_and_the_summary_are_accessible(live_server, page_factory, open_plan):
    w = open_plan
    page = page_factory(language="en")
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/overganger/familie/{w.family.pk}/tidslinje/")
    assert page.locator("h1", has_text="The family's timeline").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "transitions-timeline-en")
    page.check("input[name=kinds][value=meeting]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("main", has_text="Coordination group meeting held").is_visible()
    assert page.locator("main", has_text="Plan version 1").count() == 0
    page.goto(f"{live_server.url}/overganger/familie/{w.family.pk}/sammendrag/")
    assert axe_violations(page) == []
    screenshot(page, "transitions-summary-en")
    page = page_factory(width=360, height=740, language="nn")
    login(page, live_server, "bk", t.PASSWORD)
    page.goto(f"{live_server.url}/overganger/familie/{w.family.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, "transitions-family-360-nn")
