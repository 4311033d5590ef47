"""Template filters of the redaction step: show a field only to those the policy lets see it.

``{% load disclosure %}`` then ``{% with condition=child|shown:"condition_summary" %}{% if condition %}…`` —
the value when the person the page is rendered for may see it, else nothing (never an error). A page that reads
such a field directly (``{{ child.condition_summary }}``) for someone who may not see it fails its tests.
"""

from __future__ import annotations

from typing import Any

from django import template

from los.access import disclosure

register = template.Library()


@register.filter
def shown(obj: Any, name: str) -> Any:
    if obj is None or obj == "":
        return None
    return disclosure.shown(obj, name)


@register.filter
def may_see(obj: Any, category: str) -> bool:
    if obj is None or obj == "":
        return False
    return disclosure.may_see(obj, category)
