"""The statistics pages in a real browser: WCAG 2.1 AA (axe-core), a 360 px phone, and the charts with
their tables."""

from __future__ import annotations

import pytest
from django.urls import reverse

from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("username", "url_name", "language"), [
    ("enhetsleder", "stats:dashboard", "nb"),
    ("enhetsleder", "stats:municipal", "nn"),
    ("kommunalsjef", "stats:municipal", "en"),
    ("enhetsleder", "stats:without_contact", "nb"),
    ("enhetsleder", "stats:queue", "nb"),
    ("kommunalsjef", "stats:export", "nb"),
])
def test_statistics_pages_on_a_phone_are_accessible(live_server, page_factory, stats_world, username, url_name,
                                                     language):
    page = page_factory(width=360, height=740, language=language)
    login(page, live_server, username, t.PASSWORD)
    page.goto(f"{live_server.url}{reverse(url_name)}")
    assert page.locator("h1").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for details in page.locator("details").all():
        details.locator("summary").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, f"stats-{url_name.split(':')[1]}-{username}-360-{language}")


def test_desktop_screenshots(live_server, page_factory, stats_world):
    page = page_factory(language="nb")
    login(page, live_server, "enhetsleder", t.PASSWORD)
    page.goto(f"{live_server.url}{reverse('stats:dashboard')}")
    assert page.locator("svg.los-chart").count() >= 3
    assert axe_violations(page) == []
    screenshot(page, "stats-dashboard-desktop-nb")
    page.goto(f"{live_server.url}{reverse('stats:municipal')}")
    assert axe_violations(page) == []
    screenshot(page, "stats-municipal-desktop-nb")
