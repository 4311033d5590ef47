"""The questionnaire on a 320 px phone, and the figures: nothing wider than the screen, no axe violations."""

from __future__ import annotations

import pytest

from los.accounts.models import Role
from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot
from los.survey.models import Answer
from los.survey.tests.conftest import invite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_parent_answers_on_a_small_phone(live_server, page_factory, world, language):
    invitation = invite(world.family)
    page = page_factory(width=320, height=640, language=language)
    login(page, live_server, "forelder", t.PASSWORD)
    page.goto(f"{live_server.url}/familie/{world.family.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    with page.expect_navigation():
        page.click(f"a[href='/sporreskjema/{world.family.pk}/svar/{invitation.pk}/']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
    screenshot(page, f"survey-questionnaire-320-{language}")
    page.check("input[name=road_heavy][value='1']")
    page.check("input[name=coordinator_satisfaction][value='2']")
    page.fill("textarea[name=comment]", "Godt å bli spurt.")
    with page.expect_navigation():
        page.click("button[name=send]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert "Godt å bli spurt." in page.content()
    assert axe_violations(page) == []
    screenshot(page, f"survey-our-answers-320-{language}")
    answer = Answer.objects.get()
    assert (answer.road_heavy, answer.coordinator_satisfaction, answer.coordinated) == (1, 2, None)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_figures_on_a_small_phone(live_server, page_factory, world, language):
    t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    page = page_factory(width=320, height=640, language=language)
    for username in ("kommunalsjef", "enhetsleder"):
        login(page, live_server, username, t.PASSWORD)
        page.goto(f"{live_server.url}/sporreskjema/familiene-svarer/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, username
        assert axe_violations(page) == [], username
        screenshot(page, f"survey-outcomes-320-{username}-{language}")
        page.context.clear_cookies()
