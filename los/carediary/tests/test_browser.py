"""A parent keeps the care diary on a 360 px phone, in each language: two weeks of days in a few taps each, the
sums, and the dated PDF attachment downloaded. No sideways scrolling, no axe-core (WCAG 2.1 AA) violations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from los.carediary.models import DiaryDay
from los.core import testing as t
from los.core.tests.browser import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE = {"nb": "Lagre dagen", "nn": "Lagre dagen", "en": "Save the day"}
DOWNLOAD = {"nb": "Last ned vedlegget (PDF)", "nn": "Last ned vedlegget (PDF)", "en": "Download the attachment (PDF)"}
BY_WEEK = {"nb": "Per uke", "nn": "Per veke", "en": "By week"}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_parent_records_two_weeks_on_a_phone_and_downloads_the_attachment(live_server, page_factory, world,
                                                                           language):
    child = world.family.children.get()
    today = timezone.localdate()
    page = page_factory(width=360, height=780, language=language)
    login(page, live_server, "forelder", t.PASSWORD)
    url = f"{live_server.url}/dagbok/familie/{world.family.pk}/?barn={child.pk}"
    for back in range(13, -1, -1):
        day = today - timedelta(days=back)
        page.goto(f"{url}&dag={day:%Y-%m-%d}")
        page.check("input[name='day-supervision'][value='120']")
        page.check("input[name='day-care'][value='60']")
        page.check("input[name='day-night_wakings'][value='2']")
        page.check("input[name='day-night_minutes'][value='30']")
        with page.expect_navigation():
            page.click(f"button:has-text('{SAVE[language]}')")
    days = DiaryDay.objects.filter(child=child)
    assert days.count() == 14
    assert sum(d.supervision_minutes + d.care_minutes for d in days) == 14 * 180
    page.goto(url)
    assert page.locator(f"caption:has-text('{BY_WEEK[language]}')").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, f"carediary-360-{language}")
    with page.expect_download() as caught:
        page.click(f"button:has-text('{DOWNLOAD[language]}')")
    download = caught.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
