"""How a figure is written on the page and in a chart, in the page's language."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from los.stats.tables import COUNT, DAYS, DECIMAL, HIDDEN_SYMBOL, PERCENT, TEXT, Cell


def number(value: float, kind: str = COUNT) -> str:
    if kind == PERCENT:
        return f"{number_format(round(value), 0, force_grouping=True)}\u00a0%"
    if kind == DAYS and float(round(value, 1)).is_integer():
        return number_format(int(round(value)), 0, force_grouping=True)
    if kind in (DECIMAL, DAYS):
        return number_format(round(value, 1), 1, force_grouping=True)
    return number_format(int(round(value)), 0, force_grouping=True)


def cell_text(cell: Cell) -> str:
    """Plain text (for charts and summaries)."""
    if cell.hidden:
        return HIDDEN_SYMBOL
    if cell.value is None:
        return "–"
    if cell.kind == TEXT:
        return str(cell.value)
    return number(float(cell.value), cell.kind)


def cell_html(cell: Cell) -> SafeString:
    """A table cell's content; a hidden number is read out as "hidden" by screen readers."""
    if cell.hidden:
        return format_html('<span aria-hidden="true">{}</span><span class="ds-sr-only">{}</span>',
                           HIDDEN_SYMBOL, _("hidden"))
    if cell.value is None:
        return format_html('<span aria-hidden="true">–</span><span class="ds-sr-only">{}</span>', _("no value"))
    return format_html("{}", cell_text(cell))
