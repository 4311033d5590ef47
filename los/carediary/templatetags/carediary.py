"""Template filters for the care diary: minutes shown as hours in the page's language."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes as hours with one decimal (``150`` → ``2,5`` in Norwegian); empty for no value."""
    if minutes is None or minutes == "":
        return ""
    return number_format(round(float(minutes) / 60, 1), 1)


@register.filter
def decimal1(value) -> str:
    if value is None or value == "":
        return ""
    return number_format(round(float(value), 1), 1)
