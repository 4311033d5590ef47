"""The consent register and the access log in a real browser: axe-core (WCAG 2.1 AA), 360 px, languages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from los.access import services
from los.access.models import Consent
from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page, width=360) -> bool:
    """Nothing in the page's main content reaches beyond the screen (the shared header is not ours)."""
    wide = page.evaluate(
        """(width) => Array.from(document.querySelectorAll('main, main *'))
             .filter(e => e.getBoundingClientRect().right > width + 0.5).map(e => e.tagName + '.' + e.className)""",
        width)
    assert not wide, wide
    return True


@pytest.fixture
def history(world):
    """A consent in force, a withdrawn one, a paper one, and some accesses to the family."""
    habu = t.provider(world.municipality, "habu", "Habiliteringstjenesten for barn og unge (HABU)")
    t.consent(world.family, world.school, categories=["case", "plan", "meetings"])
    old = t.consent(world.family, habu, categories=["case", "health"])
    services.withdraw_consent(consent=old, actor=world.parent)
    mother = world.family.members.get(relation="mother")
    services.record_consent(family=world.family, recorded_by=world.coordinator, given_by=mother, method="paper",
                            service_provider=habu, categories=["plan"], first_day=timezone.localdate(),
                            last_day=timezone.localdate() + timedelta(days=90),
                            text_shown="Samtykke til samarbeid, signert på papir.")
    assert Consent.objects.count() == 3
    return world


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_consent_pages_on_a_phone(live_server, page_factory, history, language):
    page = page_factory(width=360, height=740, language=language)
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/tilgang/familie/{history.family.pk}/samtykker/")
    assert page.get_attribute("html", "lang") == language
    assert page.locator("button", has_text={"nb": "Trekk tilbake", "nn": "Trekk tilbake",
                                            "en": "Withdraw"}[language]).count() == 2
    assert fits(page) and axe_violations(page) == []
    screenshot(page, f"consents-360-{language}")
    # give a new consent: first an error, then the text to read, then done
    page.goto(f"{live_server.url}/tilgang/familie/{history.family.pk}/samtykker/nytt/")
    assert fits(page) and axe_violations(page) == []
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator(".ds-error-summary").is_visible()
    assert fits(page) and axe_violations(page) == []
    page.select_option("select[name=service_provider]", value=str(history.school.pk))
    page.check("input[name=categories][value=plan]")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert fits(page) and axe_violations(page) == []
    screenshot(page, f"consent-confirm-360-{language}")
    page.check("#id_confirm")
    with page.expect_navigation():
        page.click("main button[value=confirm]")
    assert page.locator(".ds-alert[data-color=success]").is_visible()
    assert Consent.objects.count() == 4


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_access_log_on_a_phone(live_server, page_factory, history, language):
    coordinator = page_factory(language=language)
    login(coordinator, live_server, "bk", t.PASSWORD)
    coordinator.goto(f"{live_server.url}/familier/{history.family.pk}/")
    page = page_factory(width=360, height=740, language=language)
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/tilgang/familie/{history.family.pk}/innsyn/")
    assert page.locator("td", has_text=history.coordinator.get_full_name()).count() + page.locator(
        "th", has_text=history.coordinator.get_full_name()).count() >= 1
    assert fits(page) and axe_violations(page) == []
    screenshot(page, f"access-log-360-{language}")


def test_coordinator_records_a_paper_consent_with_the_keyboard(live_server, page_factory, history):
    page = page_factory(language="en")
    login(page, live_server, "bk", t.PASSWORD)
    page.goto(f"{live_server.url}/tilgang/familie/{history.family.pk}/samtykker/registrer/")
    assert axe_violations(page) == []
    page.select_option("select[name=given_by]", index=1)
    page.check("input[name=method][value=oral]")
    page.select_option("select[name=service_provider]", index=1)
    page.check("input[name=categories][value=meetings]")
    page.fill("textarea[name=text_shown]", "Mor sa ja i telefonen.")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator(".ds-alert[data-color=success]").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "consents-after-record-en")
