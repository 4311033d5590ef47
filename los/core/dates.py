"""How Los writes a date or a time for a person: one place, used by every page, message and letter.

Every date carries its year (a task two years overdue must not read "by 27.10."), and each language writes dates its
own way: bokmål and nynorsk "fredag 12. februar 2027", English "Friday 12 February 2027". Templates use the
``los_date`` filter (a built-in of the template engine, no ``{% load %}`` needed); Python code uses
:func:`format_day`. Machine formats (ISO 8601 in ``datetime`` attributes, file names) are not for people and do not
go through here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone, translation
from django.utils.dateformat import format as django_format
from django.utils.translation import get_language


class DaySpan:
    """Whole days from ``start`` to ``end``, both included (a period of the figures, a calendar year), and the
    moments that bound it in the current time zone, for queries on a ``DateTimeField``."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_before(self) -> datetime:
        """The first moment after the span."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


#: style → Django date format, per language. "short" is for tables and lists, "long" for text.
FORMATS: dict[str, dict[str, str]] = {
    "nb": {
        "long": "j. F Y", "weekday": "l j. F Y", "short": "j.n.Y", "datetime": "j. F Y H:i",
        "weekday_time": "l j. F Y, H:i", "short_datetime": "j.n.Y H:i", "month": "F Y",
    },
    "en": {
        "long": "j F Y", "weekday": "l j F Y", "short": "j M Y", "datetime": "j F Y, H:i",
        "weekday_time": "l j F Y, H:i", "short_datetime": "j M Y, H:i", "month": "F Y",
    },
}
FORMATS["nn"] = FORMATS["nb"]
STYLES = tuple(FORMATS["nb"])


def pattern(style: str = "long", language: str | None = None) -> str:
    """The Django date format for ``style`` in ``language`` (the active language when None)."""
    language = (language or get_language() or "nb")[:2]
    table = FORMATS.get(language, FORMATS["nb"])
    if style not in table:
        raise ValueError(f"unknown date style {style!r}; one of {', '.join(STYLES)}")
    return table[style]


def format_day(value: date | datetime | None, style: str = "long", language: str | None = None) -> str:
    """``value`` written for a person in the active language: a datetime in Los's time zone, always with the year.
    None gives the empty string."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if language is None:
        return django_format(value, pattern(style))
    with translation.override(language):  # month and weekday names in that language, not the active one
        return django_format(value, pattern(style, language))
