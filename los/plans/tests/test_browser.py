"""The plan pages in a real browser: axe-core (WCAG 2.1 AA), 360 px, and htmx updates without reloads."""

from __future__ import annotations

import pytest

from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot
from los.plans import services
from los.plans.models import Measure, MeasureComment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rich(w) -> None:
    services.add_section_item(w.plan, "resource", by=w.coordinator, text="Besteforeldre som stiller opp")
    services.add_section_item(w.plan, "need", by=w.coordinator, text="Avlastning om natta")
    c = services.save_clarification(w.plan, by=w.coordinator, version=0, will_do="Ringe hver måned",
                                    will_not_do="Søke for familien", done_instead_by="NAV",
                                    contact_channels=["phone"], contact_frequency="monthly")
    services.sign_clarification(c, by=w.coordinator, version=c.version, as_family=False)


def test_the_family_reads_and_comments_on_a_phone(live_server, page_factory, plan_world):
    w = plan_world
    _rich(w)
    page = page_factory(width=360, height=740, language="nb")
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/plan/familie/{w.family.pk}/")
    assert page.locator("h2", has_text="Familiens individuelle plan").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, "plans-family-360-nb")
    measure = w.school_measure
    card = page.locator(f"#measure-{measure.pk}")
    card.locator("summary", has_text="kommentar").click()
    card.locator("textarea").fill("Ida gleder seg til friminuttene nå!")
    card.locator("button", has_text="Legg til kommentaren").click()
    page.locator(f"#measure-{measure.pk}", has_text="Kommentaren din er lagt til.").wait_for()
    assert MeasureComment.objects.filter(measure=measure, author=w.parent).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_owner_updates_the_status_inline(live_server, page_factory, plan_world):
    w = plan_world
    page = page_factory(language="en")
    login(page, live_server, "kontakt", t.PASSWORD)
    page.goto(f"{live_server.url}/plan/familie/{w.family.pk}/")
    assert axe_violations(page) == []
    card = page.locator(f"#measure-{w.school_measure.pk}")
    card.locator("summary", has_text="Update the status").click()
    card.locator("select").select_option("in_progress")
    card.locator("button", has_text="Save the status").click()
    page.locator(f"#measure-{w.school_measure.pk}", has_text="The status is updated.").wait_for()
    assert Measure.objects.get(pk=w.school_measure.pk).status == "in_progress"
    assert axe_violations(page) == []


def test_coordinator_pages_and_the_conflict_page_are_accessible(live_server, page_factory, plan_world):
    w = plan_world
    _rich(w)
    page = page_factory(language="en")
    login(page, live_server, "bk", t.PASSWORD)
    page.goto(f"{live_server.url}/plan/familie/{w.family.pk}/")
    assert axe_violations(page) == []
    screenshot(page, "plans-coordinator-en")
    page.goto(f"{live_server.url}/plan/maal/{w.goal.pk}/endre/")
    services.update_goal(w.goal, by=w.caseworker, version=w.goal.version, text="Spille fotball", whose="child",
                         category="friends")
    page.fill("textarea[name=text]", "Ha en venn i friminuttet")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".ds-alert", has_text="Someone else saved a change first").is_visible()
    assert page.locator("table", has_text="Spille fotball").is_visible()
    assert page.input_value("textarea[name=text]") == "Ha en venn i friminuttet"
    assert axe_violations(page) == []
    screenshot(page, "plans-conflict-en")
    page.goto(f"{live_server.url}/plan/{w.plan.pk}/versjoner/?fra=1&til={w.plan.revision + 4}")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/plan/{w.plan.pk}/maal/nytt/")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".ds-error-summary").is_visible()
    assert axe_violations(page) == []
