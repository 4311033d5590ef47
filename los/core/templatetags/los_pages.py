"""Write a page's title once: a base template shows the text of another block of the page.

    {% load los_pages %}
    <h1 class="ds-heading" data-size="lg">{% block heading %}{% block_text "title" %}{% endblock %}</h1>

A page that extends this base and gives only ``{% block title %}…{% endblock %}`` gets the same words as its
heading; a page whose heading differs from its title gives ``{% block heading %}`` as before. The text is the
block as the page (the most derived template) wrote it, rendered in the page's context.
"""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def block_text(context: Context, name: str) -> SafeString | str:
    """The content of the page's block ``name`` (empty when no template in the page defines it)."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context is not None else None
    if block is None:
        return ""
    with context.push():
        return block.nodelist.render(context)
