"""The meetings pages in a real browser: axe-core (WCAG 2.1 AA), 360 px, and the live minutes page
working with htmx without page reloads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot
from los.meetings.models import Action, Attendance, Decision

from .conftest import held_meeting, schedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_family_meetings_page_on_a_phone_is_accessible(live_server, page_factory, group):
    schedule(group)
    page = page_factory(width=360, height=740, language="nb")
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/moter/familie/{group.family.pk}/")
    assert page.locator("h1", has_text="Møter og oppgaver").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, "meetings-family-360-nb")
    page.click("text=Se sakslisten og legg til det dere vil snakke om")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=title]", "Søvnen om natten")
    page.click("main button:has-text('Legg til på sakslisten')")
    page.wait_for_load_state("networkidle")
    assert page.locator("li", has_text="Søvnen om natten").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, "meetings-detail-360-nb")


def test_meeting_form_errors_are_accessible(live_server, page_factory, group):
    page = page_factory(language="en")
    login(page, live_server, "bk", t.PASSWORD)
    page.goto(f"{live_server.url}/moter/familie/{group.family.pk}/nytt-mote/")
    page.fill("input[name=date]", (timezone.localdate() + timedelta(days=7)).isoformat())
    page.fill("input[name=start_time]", "14:00")
    page.fill("input[name=end_time]", "13:00")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".ds-error-summary", has_text="The meeting must end after it starts").is_visible()
    assert page.input_value("input[name=start_time]") == "14:00"
    assert axe_violations(page) == []
    screenshot(page, "meetings-form-errors-en")


def test_live_minutes_without_page_reloads(live_server, page_factory, group):
    meeting = held_meeting(group, days_ago=1)
    page = page_factory(language="en")
    login(page, live_server, "bk", t.PASSWORD)
    page.goto(f"{live_server.url}/moter/{meeting.pk}/referat/")
    page.click("main button:has-text('Start the minutes')")
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
    page.evaluate("window.__noReload = true")  # survives only if the page is never reloaded

    # untick the school contact: attendance saves itself
    page.uncheck(f"#minutes-attendance input[value='{group.m_contact.pk}']")
    page.locator("#minutes-attendance [role=status]", has_text="Attendance is saved.").wait_for()
    assert Attendance.objects.get(meeting=meeting, member=group.m_contact).present is False

    # an agreement that becomes an action in one step
    page.fill("#id_decision-text", "Skolen lager en plan for friminuttene")
    page.select_option("#id_decision-owner", str(group.m_contact.pk))
    page.fill("#id_decision-due_date", (timezone.localdate() + timedelta(days=14)).isoformat())
    page.click("#minutes-outcomes button:has-text('Add the agreement')")
    page.locator("#minutes-outcomes [role=status]", has_text="as an action for").wait_for()
    assert Decision.objects.filter(meeting=meeting).count() == 1
    assert Action.objects.get(meeting=meeting).owner == group.contact

    # an action with a missing owner: the message shows and the title stays
    page.fill("#id_action-title", "Søke om avlastning")
    page.fill("#id_action-due_date", (timezone.localdate() + timedelta(days=10)).isoformat())
    page.click("#minutes-outcomes button:has-text('Add the action')")
    page.locator("#minutes-outcomes", has_text="Choose who owns the action.").wait_for()
    assert page.input_value("#id_action-title") == "Søke om avlastning"

    # the notes save themselves as they are written, and say so
    page.fill("#id_action-title", "")
    page.locator("#id_text").press_sequentially("Mia trives i klassen.")
    page.locator("#minutes-save[data-state=saved]").wait_for()
    assert page.locator("#minutes-save-status", has_text="Saved").is_visible()
    assert page.evaluate("window.__noReload") is True
    from los.meetings.models import Minutes
    assert Minutes.objects.get(meeting=meeting).text == "Mia trives i klassen."
    assert axe_violations(page) == []
    screenshot(page, "meetings-minutes-live-en")

    # approving asks first, and works after the saves (the version follows along)
    page.click("#minutes-text button:has-text('Approve the minutes')")
    page.locator("h1", has_text="Approve the minutes?").wait_for()
    assert axe_violations(page) == []
    page.click("main button:has-text('Yes, approve the minutes')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".ds-alert", has_text="The minutes are approved").is_visible()


def test_my_actions_page_is_accessible(live_server, page_factory, group):
    from los.meetings import services

    meeting = held_meeting(group, days_ago=3)
    services.start_minutes(meeting, by=group.coordinator)
    services.add_action(meeting, by=group.coordinator, title="Sende rapport", owner_member=group.m_contact,
                        due_date=timezone.localdate() + timedelta(days=3))
    page = page_factory(width=360, height=740, language="nn")
    login(page, live_server, "kontakt", t.PASSWORD)
    page.goto(f"{live_server.url}/moter/mine-oppgaver/")
    assert page.locator("h1", has_text="Oppgåvene mine").is_visible()  # the same words as the menu
    assert axe_violations(page) == []
    screenshot(page, "meetings-my-actions-360-nn")
    page.click("main button:has-text('Marker som utført')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".ds-alert", has_text="er markert som utført").is_visible()
