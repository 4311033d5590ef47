"""Dates for people: always with the year, each language its own way, one filter for every page."""

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import engines
from django.utils import translation

from los.core.dates import format_day

FRIDAY = date(2027, 2, 12)


@pytest.mark.parametrize(("language", "style", "expected"), [
    ("nb", "long", "12. februar 2027"),
    ("nb", "weekday", "fredag 12. februar 2027"),
    ("nn", "weekday", "fredag 12. februar 2027"),
    ("en", "long", "12 February 2027"),
    ("en", "weekday", "Friday 12 February 2027"),
    ("nb", "short", "12.2.2027"),
    ("en", "short", "12 Feb 2027"),
])
def test_a_date_is_written_the_way_the_language_writes_it_with_the_year(language, style, expected):
    with translation.override(language):
        assert format_day(FRIDAY, style) == expected


def test_a_moment_is_shown_in_norwegian_time():
    moment = datetime(2027, 2, 12, 23, 30, tzinfo=ZoneInfo("UTC"))  # already Saturday in Oslo
    with translation.override("en"):
        assert format_day(moment, "weekday_time") == "Saturday 13 February 2027, 00:30"


def test_the_template_filter_is_built_in_and_leaves_nothing_for_no_date():
    template = engines.all()[0].from_string('{{ d|los_date:"weekday" }}|{{ none|los_date|default:"never" }}')
    with translation.override("en"):
        assert template.render({"d": FRIDAY, "none": None}) == "Friday 12 February 2027|never"


def test_no_template_writes_a_date_for_people_in_a_format_of_its_own():
    """One format for every page: the templates use los_date; Django's date filter only for machine formats."""
    allowed = {"c", "Y-m-d"}
    offenders = []
    for root in (Path(settings.BASE_DIR) / "los", Path(settings.BASE_DIR) / "templates"):
        for path in root.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for fmt in re.findall(r"""\|date:["']([^"']*)["']""", text):
                if fmt not in allowed:
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {fmt}")
    assert offenders == []
