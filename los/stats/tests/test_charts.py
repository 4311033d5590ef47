"""The SVG bar chart: lengths in proportion, every value written out, patterns as well as colours, no
inline styles, and text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from los.stats.charts import VALUE_SPACE, WIDTH, Series, bar_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
PLOT = WIDTH - VALUE_SPACE


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, in a test


def bars(root: ET.Element) -> list[ET.Element]:
    """The bars (the pattern tiles in <defs> are rectangles too)."""
    return [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if "los-chart__bar" in (r.get("class") or "")]


def test_bars_are_in_proportion_and_every_value_is_written():
    svg = bar_chart(chart_id="c1", title="Families", labels=["A", "B", "C"], series=[Series("n", [10, 5, 0])])
    root = parse(svg)
    widths = [float(r.get("width")) for r in bars(root)]
    assert widths == [PLOT, PLOT / 2]  # no bar for 0
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["A", "10", "B", "5", "C", "0"]
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "Families"
    assert root.get("aria-labelledby") == "c1-title"


def test_a_fixed_scale_for_percentages():
    root = parse(bar_chart(chart_id="p", title="Share", labels=["x"], series=[Series("s", [50])], max_value=100,
                           value_format=lambda v: f"{v:.0f} %"))
    assert [float(r.get("width")) for r in bars(root)] == [PLOT / 2]
    assert "50 %" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_hidden_values_draw_no_bar_and_say_so():
    root = parse(bar_chart(chart_id="h", title="T", labels=["x", "y"], series=[Series("s", [None, 3])],
                           hidden_text="skjult"))
    assert len(bars(root)) == 1
    assert [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")] == ["x", "skjult", "y", "3"]


def test_series_differ_by_pattern_and_have_a_legend_in_words():
    svg = bar_chart(chart_id="two", title="T", labels=["x"], series=[Series("Here", [3]), Series("Norway", [4])])
    root = parse(svg)
    fills = [r.get("fill") for r in bars(root) if r.get("fill")]
    assert "url(#two-p1)" in fills  # the second series is hatched
    assert root.find("svg:defs/svg:pattern[@id='two-p1']", NS) is not None
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[:2] == ["Here", "Norway"]  # the legend


def test_text_is_escaped_and_there_are_no_inline_styles():
    svg = bar_chart(chart_id='x"><script>', title="<b>&", labels=["<script>alert(1)</script>"],
                    series=[Series("a&b", [1])])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'id="xscript-title"' in svg
    assert not re.search(r"\sstyle=", svg)
    parse(svg)  # well-formed


def test_long_labels_are_shortened_and_an_empty_chart_is_valid():
    label = "Habilitation service for children and young people, with a long name"
    root = parse(bar_chart(chart_id="l", title="T", labels=[label], series=[Series("s", [1])]))
    first = next(root.iter("{http://www.w3.org/2000/svg}text")).text
    assert first.endswith("…") and len(first) <= 44
    parse(bar_chart(chart_id="e", title="T", labels=[], series=[Series("s", [])]))
