"""The archive pages in a real browser: axe-core (WCAG 2.1 AA) and no sideways scrolling at 320 px."""

from __future__ import annotations

import pytest

from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot
from los.referrals import services as referrals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("language", "width"), [("nb", 320), ("nn", 320), ("en", 1280)])
def test_the_journal_the_family_archive_and_deposits_are_accessible(live_server, page_factory, settings, tmp_path,
                                                                    decided, language, width):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None}}}
    w = decided
    referrals.end_coordination(w.family, w.caseworker, "family_wish", "Familien klarer seg selv nå.")
    page = page_factory(width=width, language=language)
    login(page, live_server, w.caseworker.username, t.PASSWORD)
    for name, url in (("journal", "/arkiv/"), ("family", f"/arkiv/familie/{w.family.pk}/"),
                      ("deposits", "/arkiv/avlevering/")):
        page.goto(live_server.url + url)
        assert page.get_attribute("html", "lang") == language
        assert axe_violations(page) == [], name
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        screenshot(page, f"archive-{name}-{language}-{width}")
