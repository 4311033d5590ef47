"""Template filters for the statistics pages."""

from django import template

from los.stats.formatting import cell_html

register = template.Library()


@register.filter
def stat(cell):
    """A table cell's value, written for the page's language; a hidden one is read out as "hidden"."""
    return cell_html(cell)


@register.filter
def numeric(cell) -> bool:
    return cell.kind != "text"
