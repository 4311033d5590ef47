"""The working day in a real browser (Debian's Chromium, headless): the today pages, finding a family, the minutes
that save as they are written, drafts that survive a reload, leaving the group with undo, the contact log, colleagues,
the start guide, the unit's load against capacity and the handover of many families. Every new page is checked with
axe-core (WCAG 2.1 AA) in bokmål, nynorsk and English, and at 320 px without sideways scrolling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from los.accounts.models import Role
from los.core import testing as t
from los.core.tests.browser import axe_violations, screenshot
from los.core.tests.test_browser_journeys import checked, mouse_login, no_horizontal_scroll
from los.families.models import FamilyStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def narrow(pages, live_server, username: str, path: str, name: str, language: str = "nn"):
    """The page at 320 px: no sideways scrolling, no WCAG violations."""
    page = pages(width=320, height=800, language=language)
    mouse_login(page, live_server, username)
    page.goto(f"{live_server.url}{path}")
    no_horizontal_scroll(page, name)
    assert axe_violations(page) == [], name
    screenshot(page, f"workday-{name}-320-{language}")
    return page


def test_the_coordinators_today_page_and_one_click_to_act(live_server, pages, busy):
    page = pages()
    mouse_login(page, live_server, "bk")
    assert page.locator("h1", has_text="I dag").is_visible()
    assert page.locator("nav.workday-menu a", has_text="Forfalt").is_visible()
    assert page.locator("#today-coordinator-overdue", has_text="Søke om avlastning").is_visible()
    checked(page, "workday-today-coordinator")
    narrow(pages, live_server, "bk", "/", "today")
    page.click(f"#today-coordinator-minutes a[href='/moter/{busy.past_meeting.pk}/referat/']")
    assert page.url.endswith(f"/moter/{busy.past_meeting.pk}/referat/")


def test_the_units_today_page_and_load_against_capacity_on_a_laptop_screen(live_server, pages, world):
    t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    for i in range(20):
        t.assign(t.family(world.municipality, f"Familien Mange{i}"), world.coordinator)
    page = pages(width=1366, height=768)
    mouse_login(page, live_server, "enhetsleder")
    assert page.locator("#today-unit-capacity", has_text="21").first.is_visible()
    checked(page, "workday-today-unit")
    page.goto(f"{live_server.url}/statistikk/")
    no_horizontal_scroll(page, "unit-dashboard-1366")
    sections = page.eval_on_selector_all("main section[aria-labelledby^=section-]", "els => els.map(e => e.id || e.getAttribute('aria-labelledby'))")
    assert sections[0] == "section-load", sections
    for table in ("load", "coordinators"):
        fits = page.evaluate(f"""() => {{ const t = document.querySelector("table[data-table='{table}']");
            const box = t.closest('.los-table-wrap'); return t.scrollWidth <= box.clientWidth; }}""")
        assert fits, table
    assert page.locator("table[data-table=load] th", has_text="– over kapasitet").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "workday-unit-dashboard-1366-nb")


def test_find_a_family_from_the_search_field_with_pages(live_server, pages, world):
    for i in range(30):
        t.family(world.municipality, f"Familien Side{i:02d}")
    page = pages(language="en")
    mouse_login(page, live_server, "saksbehandler")
    page.fill("#los-find-q", "Familien Side")
    with page.expect_navigation():
        page.press("#los-find-q", "Enter")
    assert page.locator("main h2", has_text="30 families found").is_visible()
    assert page.locator("main td, main th", has_text="Familien Side29").count() == 0
    checked(page, "workday-find", "en")
    with page.expect_navigation():
        page.click("main a:has-text('Next page')")
    assert page.locator("main th", has_text="Familien Side29").is_visible()
    narrow(pages, live_server, "saksbehandler", "/i-dag/finn/?q=berg", "find")


def test_the_notes_save_as_they_are_written_and_a_reload_loses_nothing(live_server, pages, busy):
    from los.meetings.models import Minutes

    meeting = busy.past_meeting
    page = pages()
    mouse_login(page, live_server, "bk")
    page.goto(f"{live_server.url}/moter/{meeting.pk}/referat/")
    notes = page.locator("#id_text")
    notes.focus()
    page.keyboard.type("Mia trives.")
    page.locator("#minutes-save[data-state=saved]").wait_for()
    assert Minutes.objects.get(meeting=meeting).text == "Mia trives."
    # typing and reloading at once: the text comes back from the tab's draft, and is then saved
    page.keyboard.press("Control+End")
    page.keyboard.type(" Skolen ordner assistent.")
    page.reload()
    assert page.locator(".los-draft-notice").is_visible()
    assert page.input_value("#id_text") == "Mia trives. Skolen ordner assistent."
    page.locator("#minutes-save[data-state=saved]").wait_for()
    assert Minutes.objects.get(meeting=meeting).text == "Mia trives. Skolen ordner assistent."
    checked(page, "workday-minutes-saved")
    # half-written agreement: approval waits
    page.fill("#id_decision-text", "Skolen lager en plan")
    page.click("#minutes-text button:has-text('Godkjenn referatet')")
    assert page.locator("#minutes-text [role=alert]").is_visible()
    assert "/referat/" in page.url and not Minutes.objects.get(meeting=meeting).is_approved
    page.fill("#id_decision-text", "")
    page.click("#minutes-text button:has-text('Godkjenn referatet')")
    page.locator("h1", has_text="Godkjenne referatet?").wait_for()
    checked(page, "workday-minutes-approve")
    page.click("main button:has-text('Ja, godkjenn referatet')")
    page.wait_for_load_state("networkidle")
    assert Minutes.objects.get(meeting=meeting).is_approved


@pytest.mark.parametrize("form", ["plan", "story", "decision"])
def test_long_forms_keep_what_was_typed_over_a_reload(live_server, pages, busy, form):
    from los.plans.models import Plan
    from los.referrals.tests.helpers import request_for

    if form == "plan":
        user, path, field = "bk", f"/plan/{Plan.objects.get(family=busy.family).pk}/endre/", "textarea[name=what_matters]"
    elif form == "story":
        user, path, field = "forelder", f"/familie/{busy.family.pk}/var-historie/?endre=1", "textarea[name=about_child]"
    else:
        req = request_for(t.family(busy.municipality, "Familien Vedtak", status=FamilyStatus.REQUESTED))
        user, path, field = "saksbehandler", f"/henvendelser/{req.pk}/vedtak/", "textarea[name=facts]"
    page = pages()
    mouse_login(page, live_server, user)
    page.goto(f"{live_server.url}{path}")
    before = page.input_value(field)
    page.locator(field).focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Dette må ikke bli borte.")
    page.reload()
    assert page.input_value(field) == before + " Dette må ikke bli borte."
    assert page.locator(".los-draft-notice").is_visible()
    assert axe_violations(page) == []
    screenshot(page, f"workday-draft-{form}-nb")
    page.click(".los-draft-notice button:has-text('Forkast')")
    assert page.input_value(field) == before


def test_leaving_the_group_asks_and_can_be_undone(live_server, pages, busy):
    page = pages()
    mouse_login(page, live_server, "bk")
    page.goto(f"{live_server.url}/moter/familie/{busy.family.pk}/")
    name = busy.contact.get_full_name()
    with page.expect_navigation():
        page.click(f"main a:has-text('Ta {name} ut av gruppen')")
    checked(page, "workday-member-leave")
    with page.expect_navigation():
        page.click("main button:has-text('Ja,')")
    assert page.locator("#left-today", has_text=name).is_visible()
    with page.expect_navigation():
        page.click("#left-today button")
    busy.m_contact.refresh_from_db()
    assert busy.m_contact.left is None


def test_contact_log_colleagues_and_start_guide(live_server, pages, busy):
    colleague = t.staff(Role.BARNEKOORDINATOR, busy.municipality, "kollega")
    page = pages()
    mouse_login(page, live_server, "bk")
    page.goto(f"{live_server.url}/moter/familie/{busy.family.pk}/kontakt/")
    checked(page, "workday-contact-log")
    page.fill("input[name=with_whom]", "Mor")
    page.fill("textarea[name=agreed]", "Vi snakket om skoleskyss.")
    with page.expect_navigation():
        page.click("main form button:has-text('Lagre kontakten')")
    assert page.locator("main li", has_text="Vi snakket om skoleskyss.").is_visible()
    narrow(pages, live_server, "bk", f"/moter/familie/{busy.family.pk}/kontakt/", "contact-log")

    page.goto(f"{live_server.url}/familier/{busy.family.pk}/kolleger/")
    checked(page, "workday-colleagues")
    page.select_option("select[name=user]", str(colleague.pk))
    page.check("input[name=role][value=minute_taker]")
    with page.expect_navigation():
        page.click("main form button:has-text('Legg til kollegaen')")
    assert page.locator("main li", has_text=colleague.get_full_name()).is_visible()

    page.goto(f"{live_server.url}/i-dag/startguide/")
    checked(page, "workday-start-guide")
    narrow(pages, live_server, "bk", "/i-dag/startguide/", "start-guide")


def test_appointment_warns_and_many_families_are_handed_over(live_server, pages, world):
    from los.referrals import services
    from los.referrals.tests.helpers import REASONS, request_for

    t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    waiting = t.family(world.municipality, "Familien Venter", status=FamilyStatus.REQUESTED)
    services.make_decision(request_for(waiting), world.caseworker, "granted", **REASONS)
    full = t.staff(Role.BARNEKOORDINATOR, world.municipality, "full.bk", position_share=4,
                   position_type="extra_function")
    t.assign(t.family(world.municipality, "Familien Full"), full)
    for i in range(3):
        t.assign(t.family(world.municipality, f"Familien Flytt{i}"), world.coordinator,
                 started=timezone.localdate() - timedelta(days=40))
    page = pages()
    mouse_login(page, live_server, "enhetsleder")
    page.goto(f"{live_server.url}/henvendelser/familie/{waiting.pk}/oppnevn/")
    assert page.locator("main li", has_text=full.get_full_name()).locator(".ds-tag", has_text="Full").is_visible()
    checked(page, "workday-appoint")
    page.goto(f"{live_server.url}/henvendelser/overlevering/flere/?fra={world.coordinator.pk}")
    checked(page, "workday-bulk-handover")
    narrow(pages, live_server, "enhetsleder", f"/henvendelser/overlevering/flere/?fra={world.coordinator.pk}",
           "bulk-handover")
    page.goto(f"{live_server.url}/i-dag/enhet/kapasitet/")
    checked(page, "workday-capacity-norm")
    page.goto(f"{live_server.url}/i-dag/startguide/endre/")
    checked(page, "workday-start-guide-edit")
