"""The frame every data table in Los stands in: a scroll container, the table, its caption and header row.

    {% load los_tables %}
    {% table _("Open actions agreed in the meetings") _("What is to be done") _("Owner") _("Due date") %}
      {% for action in open_actions %}<tr><th scope="row">…</th><td>…</td><td>…</td></tr>{% endfor %}
    {% endtable %}

renders

    <div class="los-table-wrap" tabindex="0" role="region" aria-label="Open actions agreed in the meetings">
    <table class="ds-table" data-border>
      <caption class="ds-sr-only">Open actions agreed in the meetings</caption>
      <thead><tr><th scope="col">What is to be done</th><th scope="col">Owner</th><th scope="col">Due date</th></tr></thead>
      <tbody>…the rows…</tbody>
    </table>
    </div>

The first argument is the caption, the others the column headings (`_("…")` marks them for translation; a
caption made with `{% blocktranslate … asvar caption %}` is passed as `caption`). Without column headings the
body writes its own `<thead>` and `<tbody>` (a heading shown only on a condition, a heading with a class).
Options, all keywords:

- `wrap`: `"region"` (the default: the container can be scrolled with the keyboard and is named by the caption,
  or by `labelledby`), `"focusable"` (can be scrolled with the keyboard, not named), `"plain"` (neither);
- `labelledby`: the id of the element that names the region in place of the caption;
- `caption_id`: an id for the caption; `visible_caption=True`: the caption is shown, not only read aloud;
- `classes`: more classes of the table; `size`: the table's `data-size`.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.template.context import Context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

WRAPS = ("region", "focusable", "plain")
OPTIONS = ("wrap", "labelledby", "caption_id", "visible_caption", "classes", "size")


class TableNode(template.Node):
    def __init__(
        self,
        caption: FilterExpression,
        columns: list[FilterExpression],
        options: dict[str, FilterExpression],
        body: template.NodeList,
    ) -> None:
        self.caption = caption
        self.columns = columns
        self.options = options
        self.body = body

    def render(self, context: Context) -> SafeString:
        option = {name: value.resolve(context) for name, value in self.options.items()}
        caption = self.caption.resolve(context)
        wrap = option.get("wrap", "region")
        if wrap not in WRAPS:
            raise template.TemplateSyntaxError(f"table: wrap is one of {', '.join(WRAPS)}, not {wrap!r}")
        if wrap == "plain":
            wrap_attrs = mark_safe("")
        elif wrap == "focusable":
            wrap_attrs = mark_safe(' tabindex="0"')
        elif option.get("labelledby"):
            wrap_attrs = format_html(' tabindex="0" role="region" aria-labelledby="{}"', option["labelledby"])
        else:
            wrap_attrs = format_html(' tabindex="0" role="region" aria-label="{}"', caption)
        table_class = " ".join(["ds-table", *str(option.get("classes", "")).split()])
        size = format_html(' data-size="{}"', option["size"]) if option.get("size") else ""
        caption_attrs = "" if option.get("visible_caption") else mark_safe(' class="ds-sr-only"')
        if option.get("caption_id"):
            caption_attrs = format_html('{} id="{}"', caption_attrs, option["caption_id"])
        body = self.body.render(context)  # a SafeString: the template escaped what it wrote
        if self.columns:
            headings = format_html_join(
                "", '<th scope="col">{}</th>', ((column.resolve(context),) for column in self.columns)
            )
            body = format_html("<thead><tr>{}</tr></thead>\n<tbody>{}</tbody>", headings, body)
        return format_html(
            '<div class="los-table-wrap"{}>\n<table class="{}" data-border{}>\n<caption{}>{}</caption>\n{}\n</table>\n</div>',
            wrap_attrs,
            table_class,
            size,
            caption_attrs,
            caption,
            body,
        )


@register.tag("table")
def do_table(parser: Parser, token: Token) -> TableNode:
    """`{% table caption heading… option=value… %}rows{% endtable %}` (see the module's docstring)."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("table takes a caption first")
    positional: list[FilterExpression] = []
    options: dict[str, FilterExpression] = {}
    for bit in bits:
        name, sep, value = bit.partition("=")
        if sep and name.isidentifier():
            if name not in OPTIONS:
                raise template.TemplateSyntaxError(f"table: no option {name!r} (there are {', '.join(OPTIONS)})")
            options[name] = parser.compile_filter(value)
        elif options:
            raise template.TemplateSyntaxError("table: the column headings come before the options")
        else:
            positional.append(parser.compile_filter(bit))
    body = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(positional[0], positional[1:], options, body)
