"""End-to-end journeys across roles in a real browser (issue #15).

Each journey drives the real pages (links, forms, buttons) as the family, the coordinating unit, the
barnekoordinator, a service contact and a leader would; only the starting world is made with the factories.
Every page visited is checked with axe-core (WCAG 2.1 AA) in all three languages (the journey's own, then
the same address in the other two) and the main pages are saved as screenshots.
All six journeys are done with the keyboard only (Tab, Shift+Tab, Enter, Space, the arrow keys and typing); the
only addresses opened directly are the log-in page and, in journey 5, the pages the service contact tries again
after the consent is withdrawn. The main pages are also checked in nb, nn and en, at 360 px and at 200 % zoom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from los.accounts.models import Role
from los.core import testing as t
from los.core.tests.browser import axe_violations, screenshot
from los.families.models import FamilyStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


LANGUAGES = ("nb", "nn", "en")


def checked(page, name: str, language: str = "nb") -> None:
    """The page is in the right language, has no WCAG 2.1 AA violations, and is saved as a screenshot; the
    same page (as the same user, by its address) is then checked with axe in the other two languages."""
    assert page.get_attribute("html", "lang") == language, name
    assert page.locator("h1").count() >= 1, name
    violations = axe_violations(page)
    assert violations == [], (name, violations)
    screenshot(page, f"journey-{name}-{language}")
    in_the_other_languages(page, name, language)


def in_the_other_languages(page, name: str, language: str) -> None:
    """Open the page's address as the same user (the session cookie copied) in a browser asking for each other
    language, and check the page language and axe there."""
    url = page.url
    session = [c for c in page.context.cookies() if c["name"] != settings.LANGUAGE_COOKIE_NAME]
    for other in LANGUAGES:
        if other == language:
            continue
        context = page.context.browser.new_context(viewport=page.viewport_size, locale=other,
                                                   extra_http_headers={"Accept-Language": other})
        try:
            context.add_cookies(session)
            other_tab = context.new_page()
            other_tab.set_default_timeout(10_000)
            other_tab.goto(url)
            assert other_tab.get_attribute("html", "lang") == other, (name, other)
            violations = axe_violations(other_tab)
            assert violations == [], (name, other, violations)
        finally:
            context.close()


def no_horizontal_scroll(page, name: str) -> None:
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], (name, sizes)


def on_family_home(page, family) -> bool:
    """The page is the family's home (a guardian of one family lands there from the log-in, at its main content)."""
    return page.url.split("#")[0].endswith(f"/familie/{family.pk}/")


def mouse_login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/konto/logg-inn/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", t.PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


@pytest.fixture
def pages(page_factory, browser):
    """Pages that fail fast (10 s instead of 30 s) when something is missing. With device_scale_factor=2 and
    half the width, a page is shown as at 200 % zoom."""
    zoomed = []

    def make(width: int = 1280, height: int = 900, language: str = "nb", device_scale_factor: float | None = None):
        if device_scale_factor is None:
            page = page_factory(width=width, height=height, language=language)
        else:
            context = browser.new_context(viewport={"width": width, "height": height}, locale=language,
                                          device_scale_factor=device_scale_factor,
                                          extra_http_headers={"Accept-Language": language})
            zoomed.append(context)
            page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in zoomed:
        context.close()


# keyboard ------------------------------------------------------------------------------------------

# A check box or radio button inside a Designsystemet field shows its focus ring around the whole field (the
# box and its label), not on the box itself.
FOCUS_INFO = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const hasRing = (el) => {
    const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
  };
  const r = e.getBoundingClientRect();
  const field = e.matches('input[type=checkbox], input[type=radio]') ? e.closest('.ds-field') : null;
  const ring = hasRing(e) || (field !== null && hasRing(field));
  return {tag: e.tagName, name: e.getAttribute('name') || '', text: (e.innerText || e.value || '').trim().slice(0, 60),
          focusVisible: e.matches(':focus-visible'), ring: ring, size: r.width * r.height};
}"""


def tab_to(page, selector: str, max_tabs: int = 150, back: bool = False) -> None:
    """Press Tab (or Shift+Tab, back up the page) until the element is focused; the focus must be visible on it."""
    target = page.locator(selector).first.element_handle()
    for _ in range(max_tabs):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate("(t) => document.activeElement === t", target):
            info = page.evaluate(FOCUS_INFO)
            assert info["focusVisible"] and info["ring"] and info["size"] > 0, (selector, info)
            return
    raise AssertionError(f"Tab never reached {selector}")


def skip_to_main(page) -> None:
    """The first Tab reaches the skip link (it appears); Enter moves the focus to the main content. After a
    redirect to a place in the page ("#main", or a section such as "#goals"), the browser already starts the Tab
    order there, in the main content."""
    page.keyboard.press("Tab")
    if page.evaluate("() => document.activeElement.classList.contains('ds-skip-link')"):
        assert page.evaluate(FOCUS_INFO)["size"] > 100  # hidden until focused: it appears
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")
    else:
        assert "#" in page.url, page.url
        assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
        page.keyboard.press("Shift+Tab")


def key_follow(page, selector: str, key: str = "Enter", back: bool = False) -> None:
    """Tab to a link or submit button and press Enter (or Space) on it; a new page loads."""
    tab_to(page, selector, back=back)
    with page.expect_navigation():
        page.keyboard.press(key)


def key_type(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def key_radio(page, name: str, value: str) -> None:
    """Tab into a radio group and choose an option with Space and the arrow keys."""
    tab_to(page, f"input[name='{name}']")
    page.keyboard.press("Space")
    for _ in range(8):
        if page.is_checked(f"input[name='{name}'][value='{value}']"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {value} in {name}")


def key_check(page, selector: str) -> None:
    """Tab to a check box and tick it with Space."""
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.is_checked(selector), selector


def key_select(page, selector: str, *, label: str | None = None, value: str | None = None,
               index: int | None = None) -> None:
    """Tab to a <select> and choose an option with the arrow keys (the list stays closed, as a keyboard user
    does it): by the option's text (the first option containing it), its value or its position."""
    tab_to(page, selector)
    options = page.eval_on_selector(selector, "s => [...s.options].map(o => [o.value, o.text.trim()])")
    if index is None:
        matches = [i for i, (v, text) in enumerate(options) if (value is not None and v == value)
                   or (label is not None and label in text)]
        assert matches, (selector, label, value, options)
        index = matches[0]
    for _ in range(len(options) + 1):
        current = page.eval_on_selector(selector, "s => s.selectedIndex")
        if current == index:
            return
        page.keyboard.press("ArrowDown" if current < index else "ArrowUp")
    raise AssertionError(f"could not choose option {index} in {selector}")


_FIELD_LAYOUTS: dict[str, tuple[list[str], bool]] = {}


def date_and_time_layout(page) -> tuple[list[str], bool]:
    """The order of the day, month and year parts of the browser's date inputs, and whether its time inputs have
    AM/PM. Chromium lays these out by its own language, not the page's (Debian's headless Chromium shows
    mm/dd/yyyy and a 12-hour clock even on a Norwegian page), so it is found once by typing into a blank tab."""
    language = page.evaluate("() => navigator.language")
    if language not in _FIELD_LAYOUTS:
        probe = page.context.new_page()
        try:
            probe.set_content("<input type=date id=d><input type=time id=t>")
            probe.focus("#d")
            probe.keyboard.type("01022003")
            orders = {"2003-01-02": ["month", "day", "year"], "2003-02-01": ["day", "month", "year"]}
            assert probe.input_value("#d") in orders, ("unknown date input layout", probe.input_value("#d"))
            probe.focus("#t")
            probe.keyboard.type("0130P")
            assert probe.input_value("#t") in ("13:30", "01:30"), ("unknown time input layout", probe.input_value("#t"))
            _FIELD_LAYOUTS[language] = (orders[probe.input_value("#d")], probe.input_value("#t") == "13:30")
        finally:
            probe.close()
    return _FIELD_LAYOUTS[language]


def key_date(page, selector: str, day) -> None:
    """Tab to a date input and type the date digit by digit: day, month and year in the order the input shows
    them (each part moves on to the next by itself)."""
    order, _ = date_and_time_layout(page)
    tab_to(page, selector)
    digits = {"day": f"{day.day:02}", "month": f"{day.month:02}", "year": f"{day.year:04}"}
    page.keyboard.type("".join(digits[part] for part in order))
    assert page.input_value(selector) == day.isoformat(), (selector, order, page.input_value(selector))


def key_time(page, selector: str, hh_mm: str) -> None:
    """Tab to a time input and type the hours and minutes (and A or P where the input has AM/PM)."""
    _, twelve_hours = date_and_time_layout(page)
    tab_to(page, selector)
    hour, minute = (int(part) for part in hh_mm.split(":"))
    if twelve_hours:
        page.keyboard.type(f"{(hour % 12) or 12:02}{minute:02}{'A' if hour < 12 else 'P'}")
    else:
        page.keyboard.type(f"{hour:02}{minute:02}")
    assert page.input_value(selector) == hh_mm, (selector, page.input_value(selector))


def key_press_button(page, selector: str, key: str = "Enter") -> None:
    """Tab to a button that works in place (htmx, or a <summary> that opens its details) and press it."""
    tab_to(page, selector)
    page.keyboard.press(key)


_LOGIN_PAGE_CHECKED: set[str] = set()


def key_login(page, live_server, username: str, language: str = "nb") -> None:
    """Log in with the keyboard. The log-in page is the same every time: it is checked (in all three languages)
    the first time only, which keeps the browser suite's time down."""
    page.goto(f"{live_server.url}/konto/logg-inn/")
    if not _LOGIN_PAGE_CHECKED:
        checked(page, "login", language)
        _LOGIN_PAGE_CHECKED.add(language)
    skip_to_main(page)
    key_type(page, "input[name=username]", username)
    key_type(page, "input[name=password]", t.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def key_logout(page) -> None:
    page.keyboard.press("Tab")  # the skip link, then on through the header to "Log out"
    key_follow(page, "header form button[type=submit] >> nth=-1")


# --------------------------------------------------------------------------------------------------
# Journey 1: a family asks for a barnekoordinator, the unit grants and appoints, the family sees who
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def unit_leader(world):
    return t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")


@pytest.fixture
def asking_family(world):
    """A family known to Los whose earlier case is closed: the guardian has a log-in."""
    parent = t.user("mor.lie", first_name="Kari", last_name="Lie")
    family = t.family(world.municipality, "Familien Lie", status=FamilyStatus.CLOSED, guardian_user=parent)
    return family


def test_journey_1_request_to_appointment_keyboard_only(live_server, pages, world, asking_family):
    from los.referrals.models import Request

    family = asking_family
    page = pages()

    # the guardian asks from the family's home (a guardian of one family lands there), in the coordinator card
    key_login(page, live_server, "mor.lie")
    assert on_family_home(page, family)
    checked(page, "1-family-home")
    skip_to_main(page)
    key_follow(page, f"section[aria-labelledby=card-coordinator] a[href='/henvendelser/familie/{family.pk}/be-om-barnekoordinator/']")
    checked(page, "1-family-ask")
    skip_to_main(page)
    key_type(page, "textarea[name=description]", "Vi har mange tjenester for Emil og trenger hjelp til å samordne dem.")
    key_follow(page, "main form button[type=submit]")
    assert page.locator(".ds-alert[data-color=success]").is_visible()
    checked(page, "1-family-case-after-request")
    request = Request.objects.get(family=family)
    key_logout(page)

    # the caseworker takes it from the queue, assesses and grants
    key_login(page, live_server, "saksbehandler")
    checked(page, "1-caseworker-home")
    skip_to_main(page)
    key_follow(page, "main a[href='/henvendelser/ko/']")
    checked(page, "1-queue")
    assert page.locator("main tr", has_text="Familien Lie").is_visible()
    skip_to_main(page)
    key_follow(page, f"main a[href='/henvendelser/{request.pk}/vurdering/']")
    checked(page, "1-assessment")
    assert page.locator("main", has_text="Vi har mange tjenester for Emil").is_visible()
    skip_to_main(page)
    groups = page.eval_on_selector_all(
        "main input[type=radio][name^=result_]", "els => [...new Set(els.map(e => e.name))]")
    assert groups, "the assessment has criteria"
    for name in groups:
        key_radio(page, name, "met")
    key_radio(page, "recommendation", "grant")
    key_type(page, "textarea[name=conclusion]", "Familien har behov for langvarige og koordinerte tjenester.")
    key_follow(page, "main button[name=save_and_decide]")
    checked(page, "1-decision")
    skip_to_main(page)
    key_radio(page, "outcome", "granted")
    key_type(page, "textarea[name=facts]", "Emil har vedtak om flere tjenester fra kommunen og spesialisthelsetjenesten.")
    key_type(page, "textarea[name=considerations]", "Vilkårene er oppfylt og familien ønsker koordinering.")
    key_follow(page, "main form button[type=submit]")
    assert page.locator(".ds-alert[data-color=success]").is_visible()
    checked(page, "1-case-granted")
    skip_to_main(page)
    key_follow(page, f"main a[href='/henvendelser/familie/{family.pk}/oppnevn/']")
    checked(page, "1-appoint")
    skip_to_main(page)
    tab_to(page, f"input[name=coordinator][value='{world.coordinator.pk}']")
    page.keyboard.press("Space")
    assert page.is_checked(f"input[name=coordinator][value='{world.coordinator.pk}']")
    key_type(page, "textarea[name=family_wishes]", "Ønsker en koordinator som kjenner skolen.")
    key_follow(page, "main form button[type=submit]")
    assert page.locator(".ds-alert[data-color=success]").is_visible()
    checked(page, "1-case-appointed")
    key_logout(page)

    # the family logs in (straight to the family's home: they have one family) and sees who their
    # barnekoordinator is, with no button to ask for one any more
    key_login(page, live_server, "mor.lie")
    assert on_family_home(page, family)
    name = world.coordinator.get_full_name()
    card = page.locator("section[aria-labelledby=card-coordinator]")
    assert card.locator("h2", has_text=f"Barnekoordinator: {name}").is_visible()
    assert page.locator(f"main a[href='/henvendelser/familie/{family.pk}/be-om-barnekoordinator/']").count() == 0
    checked(page, "1-family-home-appointed")


# --------------------------------------------------------------------------------------------------
# Journey 5: the family withdraws a consent; the service contact is refused on the next page load
# --------------------------------------------------------------------------------------------------


def test_journey_5_withdrawn_consent_closes_access_at_once_keyboard_only(live_server, pages, world):
    from los.access.models import Consent

    t.consent(world.family, world.school, categories=["case", "plan", "meetings"])

    contact = pages()
    key_login(contact, live_server, "kontakt")
    checked(contact, "5-contact-home")
    key_follow(contact, f"main a[href='/familier/{world.family.pk}/']")
    checked(contact, "5-contact-family")
    key_follow(contact, f"main nav a[href='/moter/familie/{world.family.pk}/']")
    assert contact.locator("h1").is_visible()
    checked(contact, "5-contact-meetings")

    parent = pages()
    key_login(parent, live_server, "forelder")  # one family: straight to the family's home
    assert on_family_home(parent, world.family)
    key_follow(parent, f"main a[href='/tilgang/familie/{world.family.pk}/samtykker/']")  # the home's 'Your data'
    checked(parent, "5-family-consents")
    key_follow(parent, "main form.los-consent__withdraw button[type=submit]")
    assert parent.locator(".ds-alert[data-color=success]", has_text="Testvik skole").is_visible()
    checked(parent, "5-family-consent-withdrawn")
    assert Consent.objects.get().withdrawn_at is not None

    # the contact's very next page load is refused, and the family is gone from the contact's list
    response = contact.reload()
    assert response.status == 404
    assert "Familien Berg" not in contact.content()
    checked(contact, "5-contact-refused")
    contact.goto(f"{live_server.url}/")
    assert contact.locator("main", has_text="Familien Berg").count() == 0
    response = contact.goto(f"{live_server.url}/familier/{world.family.pk}/")
    assert response.status == 404


# --------------------------------------------------------------------------------------------------
# Journey 3: meeting, the family's agenda item, minutes with an action, the service contact marks it done
# --------------------------------------------------------------------------------------------------


def test_journey_3_meeting_agenda_minutes_action_keyboard_only(live_server, pages, world):
    from los.meetings.models import Action, ActionStatus, AgendaItem, Meeting

    t.consent(world.family, world.school, categories=["case", "plan", "meetings"])
    family = world.family
    tomorrow = timezone.localdate() + timedelta(days=1)

    # the coordinator gathers the group and calls a meeting
    bk = pages(language="en")
    key_login(bk, live_server, "bk", "en")
    # the start page is the coordinator's today page; the family is found with the search in the header
    assert bk.locator("h1", has_text="Today").is_visible()
    key_type(bk, "#los-find-q", "Berg")
    with bk.expect_navigation():
        bk.keyboard.press("Enter")
    assert bk.locator("main tr", has_text="Familien Berg").is_visible()
    checked(bk, "3-find", "en")
    skip_to_main(bk)
    key_follow(bk, f"main a[href='/familier/{family.pk}/']")
    key_follow(bk, f"main nav a[href='/moter/familie/{family.pk}/']")
    checked(bk, "3-meetings", "en")
    for person in ("Mor Berg", world.contact.get_full_name()):
        skip_to_main(bk)
        key_follow(bk, f"main a[href='/moter/familie/{family.pk}/medlemmer/ny/']")
        checked(bk, "3-member-add", "en")
        skip_to_main(bk)
        key_select(bk, "select[name=person]", label=person)
        key_follow(bk, "main form button[type=submit]")
        assert bk.locator(".ds-alert[data-color=success]").is_visible()
    skip_to_main(bk)
    key_follow(bk, f"main a[href='/moter/familie/{family.pk}/nytt-mote/']")
    checked(bk, "3-meeting-new", "en")
    skip_to_main(bk)
    key_date(bk, "input[name=date]", tomorrow)
    key_time(bk, "input[name=start_time]", "10:00")
    key_time(bk, "input[name=end_time]", "11:30")
    key_type(bk, "input[name=place]", "Testvik skole, møterom 2")
    key_follow(bk, "main form button[type=submit]")
    assert bk.locator(".ds-alert[data-color=success]").is_visible()
    checked(bk, "3-meeting-detail", "en")
    meeting = Meeting.objects.get(family=family)

    # the family adds what they want to talk about
    parent = pages(language="en")
    key_login(parent, live_server, "forelder", "en")  # one family: straight to the family's home
    assert on_family_home(parent, family)
    key_follow(parent, f"a[href='/moter/familie/{family.pk}/']", back=True)  # up to the family's pages
    checked(parent, "3-family-meetings", "en")
    skip_to_main(parent)
    key_follow(parent, f"main a[href='/moter/{meeting.pk}/#agenda-heading']")
    key_type(parent, "input[name=title]", "Søvnen om natten")
    key_follow(parent, "main form[action$='/saksliste/'] button[type=submit]")
    assert parent.locator("main li", has_text="Søvnen om natten").is_visible()
    checked(parent, "3-family-agenda-added", "en")
    assert AgendaItem.objects.filter(meeting=meeting, title="Søvnen om natten").exists()

    # the coordinator (still on the meeting's page) writes the minutes with an action for the school contact
    key_follow(bk, f"main a[href='/moter/{meeting.pk}/referat/']")
    checked(bk, "3-minutes", "en")
    skip_to_main(bk)
    key_follow(bk, "main button:has-text('Start the minutes')")
    assert bk.locator("main", has_text="Søvnen om natten").first.is_visible()
    checked(bk, "3-minutes-open", "en")
    skip_to_main(bk)
    key_type(bk, "#id_action-title", "Lage en plan for friminuttene")
    key_select(bk, "#id_action-owner", label=world.contact.get_full_name())
    key_date(bk, "#id_action-due_date", timezone.localdate() + timedelta(days=14))
    key_press_button(bk, "#minutes-outcomes button:has-text('Add the action')")  # htmx: the section is replaced
    bk.locator("#minutes-outcomes", has_text="Lage en plan for friminuttene").first.wait_for()
    bk.wait_for_function("() => document.activeElement && document.activeElement.closest('#minutes-outcomes')")
    checked(bk, "3-minutes-action", "en")
    action = Action.objects.get(meeting=meeting)
    assert action.owner == world.contact

    # the school contact marks the action done
    contact = pages(language="en")
    key_login(contact, live_server, "kontakt", "en")
    key_follow(contact, "header a[href='/moter/mine-oppgaver/']")
    assert contact.locator("main", has_text="Lage en plan for friminuttene").first.is_visible()
    checked(contact, "3-contact-actions", "en")
    skip_to_main(contact)
    key_follow(contact, "main button:has-text('Mark as done')")
    assert contact.locator(".ds-alert[data-color=success]").is_visible()
    checked(contact, "3-contact-action-done", "en")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_by == world.contact


# --------------------------------------------------------------------------------------------------
# Journey 2: expectation clarification and plan with a goal and a measure; the family comments and approves
# --------------------------------------------------------------------------------------------------


def test_journey_2_plan_with_goal_measure_comment_and_approval_keyboard_only(live_server, pages, world):
    from los.plans.models import Plan, PlanApproval

    family = world.family
    plan_url = f"/plan/familie/{family.pk}/"
    bk = pages()
    key_login(bk, live_server, "bk")
    checked(bk, "2-today")
    # the today page leads to all the coordinator's families, and from there to the family
    skip_to_main(bk)
    key_follow(bk, "main a[href='/i-dag/finn/?mine=on']")
    assert bk.locator("main tr", has_text="Familien Berg").is_visible()
    checked(bk, "2-find-mine")
    skip_to_main(bk)
    key_follow(bk, f"main a[href='/familier/{family.pk}/']")
    key_follow(bk, f"main nav a[href='{plan_url}']")
    checked(bk, "2-plan-empty")
    skip_to_main(bk)
    key_follow(bk, f"main a[href='{plan_url}ny/']")
    checked(bk, "2-plan-create")
    skip_to_main(bk)
    key_select(bk, "select[name=consent_given_by]", index=1)
    key_type(bk, "textarea[name=what_matters]", "At Emil har det bra på skolen og at vi får sove om natten.")
    key_follow(bk, "main form button[type=submit]")
    assert bk.locator(".ds-alert[data-color=success]").is_visible()
    plan = Plan.objects.get(family=family)

    # the expectation clarification
    skip_to_main(bk)
    key_follow(bk, f"main a[href='/plan/{plan.pk}/forventningsavklaring/']")
    checked(bk, "2-clarification")
    skip_to_main(bk)
    key_type(bk, "textarea[name=will_do]", "Kalle inn til møter, holde oversikten og følge opp planen.")
    key_type(bk, "textarea[name=will_not_do]", "Fatte vedtak om tjenester.")
    key_check(bk, "input[name=contact_channels] >> nth=0")
    key_follow(bk, "main form button[type=submit]")
    # what the coordinator will not do needs who does it instead: said clearly, nothing typed is lost
    assert bk.locator(".ds-error-summary").is_visible()
    assert bk.input_value("textarea[name=will_do]").startswith("Kalle inn til møter")
    assert bk.is_checked("input[name=contact_channels] >> nth=0")
    checked(bk, "2-clarification-error")
    skip_to_main(bk)
    key_type(bk, "textarea[name=done_instead_by]", "Tjenestene fatter egne vedtak; koordinatoren hjelper med søknaden.")
    key_follow(bk, "main form button[type=submit]")
    assert bk.locator("main", has_text="Kalle inn til møter").first.is_visible()

    # a goal and a measure that serves it
    skip_to_main(bk)
    key_follow(bk, f"main a[href='/plan/{plan.pk}/maal/nytt/']")
    checked(bk, "2-goal")
    skip_to_main(bk)
    key_type(bk, "textarea[name=text]", "Emil skal trives i friminuttene.")
    if bk.locator("input[name=whose]").count():
        key_check(bk, "input[name=whose] >> nth=0")
    else:
        key_select(bk, "select[name=whose]", index=1)
    key_follow(bk, "main form button[type=submit]")
    assert bk.locator("main", has_text="Emil skal trives i friminuttene.").first.is_visible()
    skip_to_main(bk)
    key_follow(bk, f"main a[href='/plan/{plan.pk}/tiltak/nytt/'] >> nth=0")
    checked(bk, "2-measure")
    skip_to_main(bk)
    key_type(bk, "input[name=title]", "Fast voksen i friminuttene")
    key_select(bk, "select[name=goal]", index=1)
    key_select(bk, "select[name=owner_provider]", label="Testvik skole")
    key_date(bk, "input[name=due_date]", timezone.localdate() + timedelta(days=60))
    key_follow(bk, "main form button[type=submit]")
    assert bk.locator("main", has_text="Fast voksen i friminuttene").first.is_visible()
    checked(bk, "2-plan-filled")

    # the family comments on the measure and approves the plan
    parent = pages()
    key_login(parent, live_server, "forelder")  # one family: straight to the family's home
    assert on_family_home(parent, family)
    key_follow(parent, f"a[href='{plan_url}']", back=True)  # up to the family's pages
    checked(parent, "2-family-plan")
    assert parent.locator("main", has_text="Kalle inn til møter").first.is_visible()
    measure = parent.locator("main [id^=measure-]", has_text="Fast voksen i friminuttene").first
    in_measure = f"#{measure.get_attribute('id')}"
    skip_to_main(parent)
    key_press_button(parent, f"{in_measure} details summary:has-text('kommentar')")  # opens the comment form
    key_type(parent, f"{in_measure} textarea[name$=text]", "Fint! Helst en han kjenner fra før.")
    key_press_button(parent, f"{in_measure} button[type=submit]:has-text('Legg til kommentaren')")  # htmx
    measure.locator("[role=status]", has_text="Kommentaren din er lagt til").wait_for()
    # the focus moves to the message in the new part of the page, not back to the top
    parent.wait_for_function("(id) => document.activeElement && document.activeElement.closest(id) "
                             "&& document.activeElement.matches('[role=status]')", arg=in_measure)
    # the comment just written stays in view
    assert measure.locator(".plans-comments li", has_text="Helst en han kjenner fra før.").is_visible()
    checked(parent, "2-family-commented")
    key_follow(parent, "main form.plans-approve button[type=submit]")
    assert parent.locator(".ds-alert[data-color=success]").is_visible()
    checked(parent, "2-family-approved")
    assert PlanApproval.objects.filter(plan=plan, approved_by=world.parent).exists()


# --------------------------------------------------------------------------------------------------
# Journey 4: the navigator, "we have applied", the refusal on the service map and the appeal deadline
# --------------------------------------------------------------------------------------------------


def test_journey_4_navigator_application_refusal_and_appeal_deadline_keyboard_only(live_server, pages, world):
    from los.core.deadlines import appeal_deadline
    from los.servicemap.models import Application

    family = world.family
    parent = pages(language="en")
    key_login(parent, live_server, "forelder", "en")  # one family: straight to the family's home
    assert on_family_home(parent, family)
    # up to the family's pages in the header: "Rights and benefits" is behind "More"
    tab_to(parent, "header details.los-famnav__more > summary", back=True)
    parent.keyboard.press("Enter")
    key_follow(parent, f"header details[open] a[href='/los/familie/{family.pk}/']")
    checked(parent, "4-navigator", "en")
    # a card shown at once (not behind "Show more"); its "we have applied" form is in the card's details
    card = parent.locator("main section.nav-section > ul.nav-cards > li.nav-card",
                          has=parent.locator("form.nav-applied")).first
    name = card.locator("h3").inner_text()
    card_id = card.get_attribute("id")
    sent = timezone.localdate() - timedelta(days=20)
    skip_to_main(parent)
    key_press_button(parent, f"#{card_id} details.nav-card__more > summary")  # opens the card's details
    key_date(parent, f"#{card_id} input[name$=sent_on]", sent)
    key_follow(parent, f"#{card_id} button[type=submit]")
    assert parent.locator(".ds-alert", has_text=name).is_visible()
    checked(parent, "4-navigator-applied", "en")

    # the service map shows the application; the family records the refusal
    assert parent.url.endswith(f"#{card_id}")  # back at the same card
    key_follow(parent, f"main li.nav-card#{card_id} a[href^='/tjenester/tjeneste/']")
    checked(parent, "4-service-entry", "en")
    application = Application.objects.get(family=family)
    assert application.sent_on == sent
    details = parent.locator("main details", has=parent.locator("summary", has_text="We got the decision")).first
    skip_to_main(parent)
    key_press_button(parent, "main details > summary:has-text('We got the decision')")  # opens the form
    assert details.get_attribute("open") is not None
    in_details = "main details[open]:has(> summary:has-text('We got the decision'))"
    key_select(parent, f"{in_details} select[name$=-decision]", value="refused")
    received = timezone.localdate() - timedelta(days=2)
    key_date(parent, f"{in_details} input[name$=-decision_received_on]", received)
    if not details.locator("input[name$=-legal_basis]").input_value():
        key_type(parent, f"{in_details} input[name$=-legal_basis]", "folketrygdloven § 6-3")
    key_follow(parent, f"{in_details} button[type=submit]")
    application.refresh_from_db()
    assert application.decision == "refused"
    deadline = appeal_deadline(received, application.legal_basis).deadline
    shown = parent.locator("main dd", has_text=f"{deadline.day} {deadline.strftime('%B')} {deadline.year}").first
    assert shown.is_visible(), parent.inner_text("main")[:2000]
    assert parent.locator("main dd", has_text="days left").first.is_visible()
    checked(parent, "4-service-entry-refused", "en")

    # the navigator now says where to find the appeal deadline; the map shows the refusal
    navigator_link = parent.locator("main dd a[href^='/los/familie/']")
    assert navigator_link.inner_text() == name  # the name, not the catalogue's internal id
    key_follow(parent, "main dd a[href^='/los/familie/']")
    assert parent.url.endswith(f"#{card_id}")
    assert parent.locator(f"main li.nav-card#{card_id}").locator(
        "text=see the service map for the appeal deadline").is_visible()
    key_follow(parent, f"a[href='/tjenester/familie/{family.pk}/']", back=True)  # up to the family's tabs
    checked(parent, "4-service-map", "en")


# --------------------------------------------------------------------------------------------------
# Journey 6: the leaders read the statistics (figures only, never a single family)
# --------------------------------------------------------------------------------------------------


def test_journey_6_leaders_read_the_statistics_keyboard_only(live_server, pages, world, unit_leader):
    for username, shot in (("enhetsleder", "unit-leader"), ("kommunalsjef", "municipal-leader")):
        page = pages()
        key_login(page, live_server, username)
        checked(page, f"6-{shot}-home")
        key_follow(page, "header nav a[href='/statistikk/']")
        checked(page, f"6-{shot}-statistics")
        if username == "enhetsleder":
            assert page.locator("main .los-figure, main table").count() > 0
            key_follow(page, "main nav a[href='/statistikk/kommune/']")
            checked(page, f"6-{shot}-municipality")
        else:  # the municipal leader lands on the municipality's figures
            assert page.url.endswith("/statistikk/kommune/")
        assert page.locator("main table").count() > 0
        for family in ("Familien Berg", "Familien Dal"):
            assert family not in page.inner_text("main")


# --------------------------------------------------------------------------------------------------
# The journeys' main pages in bokmål, nynorsk and English, on a 360 px phone and at 200 % zoom
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def rich_family(world):
    """The Berg family part-way through the journeys: a plan with a goal and a measure, a meeting, a refused
    application on the service map and a consent to the school (made with the apps' own services)."""
    from los.meetings import services as meetings
    from los.meetings.models import MemberKind
    from los.plans import services as plans
    from los.servicemap import services as servicemap
    from los.servicemap.models import Decision

    today = timezone.localdate()
    family, bk = world.family, world.coordinator
    mother = family.members.get()
    t.consent(family, world.school, categories=["case", "plan", "meetings", "services"])
    plan = plans.create_plan(family, by=bk, consent_given_by=mother, what_matters="At Emil trives på skolen.")
    plans.save_clarification(plan, by=bk, version=0, will_do="Kalle inn til møter og følge opp planen.")
    goal = plans.add_goal(plan, by=bk, text="Emil skal trives i friminuttene.")
    plans.create_measure(title="Fast voksen i friminuttene", by=bk, plan=plan, goal=goal,
                         service_provider=world.school, due_date=today + timedelta(days=60))
    members = [meetings.add_group_member(family, by=bk, kind=MemberKind.FAMILY, family_member=mother),
               meetings.add_group_member(family, by=bk, kind=MemberKind.COORDINATOR, user=bk),
               meetings.add_group_member(family, by=bk, kind=MemberKind.SERVICE, user=world.contact)]
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=7)
    meetings.schedule_meeting(family, by=bk, kind="coordination", starts_at=start, ends_at=start + timedelta(hours=1),
                              participants=members, place="Testvik skole, møterom 2")
    entry = servicemap.create_entry(family, bk, catalog_id="omsorgsstonad")
    application = servicemap.create_application(entry, bk, sent_on=today - timedelta(days=40))
    servicemap.record_decision(application, bk, application.version, decision=Decision.REFUSED,
                               decision_received_on=today - timedelta(days=3), legal_basis="hol § 3-6")
    return world


FAMILY_PAGES = [("home", "/"), ("portal", "/familie/{pk}/"), ("case", "/henvendelser/familie/{pk}/"),
                ("plan", "/plan/familie/{pk}/"), ("meetings", "/moter/familie/{pk}/"),
                ("servicemap", "/tjenester/familie/{pk}/"), ("navigator", "/los/familie/{pk}/"),
                ("consents", "/tilgang/familie/{pk}/samtykker/")]
STAFF_PAGES = [("bk", "plan", "/plan/familie/{pk}/"), ("bk", "meetings", "/moter/familie/{pk}/"),
               ("bk", "servicemap", "/tjenester/familie/{pk}/"), ("saksbehandler", "queue", "/henvendelser/ko/"),
               ("saksbehandler", "case", "/henvendelser/familie/{pk}/"), ("kommunalsjef", "statistics",
                                                                        "/statistikk/kommune/")]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_journey_pages_in_every_language_on_a_phone_and_zoomed(live_server, pages, rich_family, language):
    pk = rich_family.family.pk
    # the family on a 360 px phone
    phone = pages(width=360, height=740, language=language)
    mouse_login(phone, live_server, "forelder")
    for name, url in FAMILY_PAGES:
        phone.goto(live_server.url + url.format(pk=pk))
        checked(phone, f"lang-family-{name}-360", language)
        no_horizontal_scroll(phone, f"{name} at 360 px")
    # 200 % zoom: a 1280 px window shows 640 CSS px, each drawn with two device pixels
    zoomed = {}
    for username, name, url in [("forelder", name, url) for name, url in FAMILY_PAGES[1:4]] + STAFF_PAGES:
        if username not in zoomed:
            zoomed[username] = pages(width=640, height=450, language=language, device_scale_factor=2)
            mouse_login(zoomed[username], live_server, username)
        page = zoomed[username]
        page.goto(live_server.url + url.format(pk=pk))
        no_horizontal_scroll(page, f"{username} {name} at 200 %")
        if username != "forelder":
            checked(page, f"lang-{username}-{name}-zoom200", language)
