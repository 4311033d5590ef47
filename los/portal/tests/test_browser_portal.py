"""The family portal on a 360 px phone: nothing wider than the screen, no axe violations."""

import pytest

from los.access.models import Category
from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot
from los.portal.models import FamilyStory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_portal_pages_on_a_phone(live_server, page_factory, world, language):
    FamilyStory.objects.create(family=world.family, municipality=world.municipality, about_child="Liker tog",
                               what_helps="Faste rutiner")
    t.consent(world.family, world.school, categories=[Category.CASE, Category.STORY])
    page = page_factory(width=360, height=740, language=language)
    login(page, live_server, "forelder", t.PASSWORD)
    for path, name in [("", "overview"), ("meldinger/", "messages"), ("var-historie/", "story"),
                       ("var-historie/?endre=1", "story-edit"), ("sosken-og-pararende/", "needs")]:
        page.goto(f"{live_server.url}/familie/{world.family.pk}/{path}")
        assert page.get_attribute("html", "lang") == language
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
        assert axe_violations(page) == [], name
        screenshot(page, f"portal-{name}-360-{language}")


def test_parent_sends_a_message_on_a_phone(live_server, page_factory, world):
    page = page_factory(width=360, height=740, language="en")
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/familie/{world.family.pk}/")
    with page.expect_navigation():
        page.click("nav.los-famnav >> text=Messages")
    page.fill("textarea[name=body]", "Can we move the meeting?")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("text=Your message is sent.").is_visible()
    assert page.locator(".portal-thread", has_text="Can we move the meeting?").is_visible()
    assert axe_violations(page) == []
