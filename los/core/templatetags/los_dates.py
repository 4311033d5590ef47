"""``{{ value|los_date }}`` and ``{{ value|los_date:"weekday" }}``: dates for people, with the year, in the page's
language (see ``los.core.dates``). Installed as a built-in of the template engine."""

from __future__ import annotations

from django import template

from los.core.dates import format_day

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def los_date(value, style: str = "long") -> str:
    if value in (None, ""):
        return ""
    try:
        return format_day(value, style)
    except (AttributeError, TypeError):
        return ""
