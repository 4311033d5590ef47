"""A tiny server-side SVG bar chart: no JavaScript, no inline styles, readable without colour.

Horizontal bars, one group per category with the category's name above its bars (long names fit a
360 px screen), one bar per series. Every bar carries its value as text at its end, and series differ
by pattern (solid, hatched, dotted, crossed) as well as colour, with a legend in words. Colours come from
classes in ``stats/stats.css`` (the CSP forbids ``style`` attributes). The chart has ``role="img"`` and a
title; the same figures are always in a table next to it (see ``stats/_figure.html``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 360
LABEL_HEIGHT = 19
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 10
VALUE_SPACE = 64
LEGEND_HEIGHT = 22
MAX_LABEL = 44
PATTERNS = 4


@dataclass
class Series:
    name: str
    values: Sequence[float | None]  # None: hidden or no value


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _pattern_defs(chart_id: str) -> str:
    size = 6
    return (
        "<defs>"
        f'<pattern id="{chart_id}-p1" patternUnits="userSpaceOnUse" width="{size}" height="{size}" '
        f'patternTransform="rotate(45)"><rect width="{size}" height="{size}" class="los-chart__fill-bg"/>'
        f'<line x1="0" y1="0" x2="0" y2="{size}" class="los-chart__stroke" stroke-width="3"/></pattern>'
        f'<pattern id="{chart_id}-p2" patternUnits="userSpaceOnUse" width="{size}" height="{size}">'
        f'<rect width="{size}" height="{size}" class="los-chart__fill-bg"/>'
        f'<circle cx="3" cy="3" r="1.6" class="los-chart__dot"/></pattern>'
        f'<pattern id="{chart_id}-p3" patternUnits="userSpaceOnUse" width="{size}" height="{size}">'
        f'<rect width="{size}" height="{size}" class="los-chart__fill-bg"/>'
        f'<path d="M0 0L{size} {size}M{size} 0L0 {size}" class="los-chart__stroke" stroke-width="1.2"/></pattern>'
        "</defs>"
    )


def _fill(chart_id: str, index: int) -> str:
    pattern = index % PATTERNS
    if pattern == 0:
        return 'class="los-chart__bar los-chart__bar--solid"'
    return f'class="los-chart__bar los-chart__bar--{pattern}" fill="url(#{chart_id}-p{pattern})"'


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    value_format: Callable[[float], str] = lambda v: f"{v:g}",
    max_value: float | None = None,
    hidden_text: str | None = None,
) -> SafeString:
    """An SVG bar chart. ``max_value`` fixes the scale (e.g. 100 for percentages); otherwise the largest
    value sets it. A ``None`` value draws no bar and says ``hidden_text`` (default: "hidden")."""
    chart_id = "".join(ch for ch in chart_id if ch.isalnum() or ch in "-_") or "chart"
    hidden_text = hidden_text if hidden_text is not None else _("hidden")
    values = [v for s in series for v in s.values if v is not None]
    top = max_value if max_value is not None else max(values, default=0)
    top = top if top and top > 0 else 1
    plot = WIDTH - VALUE_SPACE
    legend = len(series) > 1
    y = 0
    parts: list[str] = []
    if legend:  # one line per series: the pattern, then its name
        for index, s in enumerate(series):
            parts.append(f'<rect x="0" y="{y + 3}" width="14" height="14" {_fill(chart_id, index)}/>')
            parts.append(f'<text x="20" y="{y + 15}" class="los-chart__text">{escape(_short(s.name))}</text>')
            y += LEGEND_HEIGHT
        y += 6
    for row, label in enumerate(labels):
        parts.append(f'<text x="0" y="{y + LABEL_HEIGHT - 5}" class="los-chart__text los-chart__label">'
                     f"{escape(_short(str(label)))}</text>")
        y += LABEL_HEIGHT
        for index, s in enumerate(series):
            value = s.values[row] if row < len(s.values) else None
            if value is None:
                parts.append(f'<text x="0" y="{y + BAR_HEIGHT - 3}" class="los-chart__text los-chart__muted">'
                             f"{escape(hidden_text)}</text>")
            else:
                length = max(0.0, min(1.0, value / top)) * plot
                if length > 0:
                    parts.append(f'<rect x="0" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                                 f"{_fill(chart_id, index)}/>")
                parts.append(f'<text x="{length + 4:.1f}" y="{y + BAR_HEIGHT - 3}" class="los-chart__text">'
                             f"{escape(value_format(value))}</text>")
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    height = max(y, 20)
    svg = (
        f'<svg class="los-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f"{_pattern_defs(chart_id)}{''.join(parts)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text above is escaped
