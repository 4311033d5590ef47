"""``{% family_layout family as layout %}``: the navigation around a family's page for the person looking at it
(``los.families.navigation``): the family's own navigation, or the staff's tabs, each only when the policy lets
the person open it."""

from __future__ import annotations

from django import template

from los.families.navigation import FamilyLayout
from los.families.navigation import family_layout as layout_for

register = template.Library()


@register.simple_tag(takes_context=True)
def family_layout(context, family) -> FamilyLayout | None:
    request = context.get("request")
    if request is None or family is None or not getattr(family, "pk", None):
        return None
    return layout_for(request, family)
