"""A page's parts written once: its title shown as its heading, and each section named by its heading.

A base template shows the text of another block of the page:

    {% load los_pages %}
    <h1 class="ds-heading" data-size="lg">{% block heading %}{% block_text "title" %}{% endblock %}</h1>

A page that extends this base and gives only ``{% block title %}…{% endblock %}`` gets the same words as its
heading; a page whose heading differs from its title gives ``{% block heading %}`` as before. The text is the
block as the page (the most derived template) wrote it, rendered in the page's context.

A part of a page is a section named by its heading:

    {% section _("Open actions") id="actions-heading" items=open_actions empty=_("There are no open actions.") %}
      {% table … %}…{% endtable %}
    {% endsection %}

renders

    <section class="los-section" aria-labelledby="actions-heading">
    <h2 class="ds-heading" data-size="md" id="actions-heading">Open actions</h2>
      …the content…
    </section>

and, when `items` is empty, `<p class="ds-paragraph">There are no open actions.</p>` in place of the content.
The first argument is the heading (`_("…")` or a variable); `id` is the heading's id and required. Options, all
keywords: `size` (the heading's `data-size`, `md` unless given), `classes` (more classes of the section),
`section_id` (an id of the section itself), `items` and `empty` (together: what the section lists, and the
sentence shown when it lists nothing).
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.html import format_html
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


SECTION_OPTIONS = ("id", "size", "classes", "section_id", "items", "empty")


class SectionNode(template.Node):
    def __init__(self, heading: FilterExpression, options: dict[str, FilterExpression], body: template.NodeList) -> None:
        self.heading = heading
        self.options = options
        self.body = body

    def render(self, context: Context) -> SafeString:
        option = {name: value.resolve(context) for name, value in self.options.items()}
        classes = " ".join(["los-section", *str(option.get("classes", "")).split()])
        section_id = format_html(' id="{}"', option["section_id"]) if option.get("section_id") else ""
        if "items" in self.options and not option["items"]:
            body = format_html('\n<p class="ds-paragraph">{}</p>\n', option.get("empty", ""))
        else:
            body = self.body.render(context)  # a SafeString: the template escaped what it wrote
        return format_html(
            '<section class="{}"{} aria-labelledby="{}">\n<h2 class="ds-heading" data-size="{}" id="{}">{}</h2>{}</section>',
            classes,
            section_id,
            option["id"],
            option.get("size") or "md",
            option["id"],
            self.heading.resolve(context),
            body,
        )


@register.tag("section")
def do_section(parser: Parser, token: Token) -> SectionNode:
    """`{% section heading id=… option=value… %}content{% endsection %}` (see the module's docstring)."""
    bits = token.split_contents()[1:]
    if not bits or "=" in bits[0].partition("(")[0]:
        raise template.TemplateSyntaxError("section takes its heading first")
    options: dict[str, FilterExpression] = {}
    for bit in bits[1:]:
        name, sep, value = bit.partition("=")
        if not sep or name not in SECTION_OPTIONS:
            raise template.TemplateSyntaxError(f"section: {bit!r} is not one of the options {', '.join(SECTION_OPTIONS)}")
        options[name] = parser.compile_filter(value)
    if "id" not in options:
        raise template.TemplateSyntaxError("section: the heading needs an id (id=\"…\") to name the section")
    if ("items" in options) != ("empty" in options):
        raise template.TemplateSyntaxError("section: items and empty go together")
    body = parser.parse(("endsection",))
    parser.delete_first_token()
    return SectionNode(parser.compile_filter(bits[0]), options, body)
