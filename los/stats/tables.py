"""The tables behind every figure: one object that the page, the chart, the CSV and the XLSX all read,
so that a download always holds the same numbers as the page.

A :class:`Table` is plain data (labels and cells). :func:`count_table` builds one from a grid of counts
with its totals, optionally *protected*: then small numbers are hidden with primary and secondary
suppression (:mod:`los.stats.suppression`), and every figure computed from counts (a share, a rate) is
hidden when one of the counts it is computed from is hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from los.stats.suppression import THRESHOLD, suppress

Label = str | Promise

COUNT = "count"
PERCENT = "percent"
DECIMAL = "decimal"
DAYS = "days"
TEXT = "text"

TOTAL = _("Total")

#: Shown instead of a hidden number (the symbol Statistics Norway uses for confidential figures).
HIDDEN_SYMBOL = ":"


@dataclass
class Cell:
    value: Any = None
    kind: str = COUNT
    hidden: bool = False

    @property
    def is_number(self) -> bool:
        return self.kind != TEXT and self.value is not None and not self.hidden

    @property
    def number(self) -> float | None:
        """The value for charts and comparison: None when hidden or missing."""
        if self.hidden or self.value is None or self.kind == TEXT:
            return None
        return float(self.value)

    @property
    def export_value(self) -> Any:
        """The value in a download: the number, the hidden symbol, or empty for no value."""
        if self.hidden:
            return HIDDEN_SYMBOL
        if self.value is None:
            return ""
        if self.kind in (PERCENT, DECIMAL, DAYS) and isinstance(self.value, float):
            return round(self.value, 1)
        return self.value


@dataclass
class Row:
    key: str
    label: Label
    cells: list[Cell]
    is_total: bool = False


@dataclass
class Table:
    id: str
    title: Label
    caption: Label
    row_header: Label
    columns: list[Label]
    rows: list[Row] = field(default_factory=list)
    notes: list[Label] = field(default_factory=list)
    protected: bool = False
    available: bool = True  # False: the data this figure needs is not in Los yet
    unavailable_reason: Label = ""

    @property
    def has_hidden(self) -> bool:
        return any(c.hidden for r in self.rows for c in r.cells)

    @property
    def body_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.is_total]

    @property
    def is_empty(self) -> bool:
        return not self.body_rows

    def column_index(self, label: Label) -> int:
        return [str(c) for c in self.columns].index(str(label))

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def cell(self, row_key: str, column: int) -> Cell | None:
        row = self.row(row_key)
        return row.cells[column] if row is not None else None


@dataclass(frozen=True)
class Derived:
    """A figure computed from counts: ``numerator / denominator × scale``.

    ``numerator`` and ``denominator`` are body column indexes of the same row, ``"total"`` (the row's
    total) or, for the denominator, ``"column_total"``: the total of the numerator's column."""

    label: Label
    numerator: int | str
    denominator: int | str
    kind: str = PERCENT
    scale: float = 100.0


def unavailable(id: str, title: Label, reason: Label) -> Table:
    """A figure whose data Los does not have yet: shown as "no data yet" with the reason."""
    return Table(id=id, title=title, caption=title, row_header="", columns=[], available=False,
                 unavailable_reason=reason)


def count_table(
    *,
    id: str,
    title: Label,
    caption: Label,
    row_header: Label,
    rows: Sequence[tuple[str, Label, Sequence[int]]],
    columns: Sequence[Label],
    row_totals: bool = True,
    col_totals: bool = True,
    protect: bool = False,
    total_label: Label = TOTAL,
    total_column_label: Label = TOTAL,
    derived: Sequence[Derived] = (),
    reference: Sequence[tuple[Label, Callable[[str], Any], str]] = (),
    notes: Sequence[Label] = (),
) -> Table:
    """A table of counts with its totals; hidden small numbers when ``protect``.

    ``rows`` holds (key, label, counts). ``reference`` adds columns that do not come from Los's data
    (e.g. the national survey): (label, function from row key — ``"total"`` for the total row — to a
    value, kind)."""
    body = [list(counts) for _key, _label, counts in rows]
    n_cols = len(columns)
    result = suppress(body or [[0] * n_cols], row_totals=row_totals and n_cols > 0,
                      col_totals=col_totals, threshold=THRESHOLD)
    grid = result.grid
    hidden = result.hidden if protect else frozenset()
    layout = result.layout
    headers: list[Label] = list(columns)
    if row_totals and n_cols:
        headers.append(total_column_label)
    headers += [d.label for d in derived]
    headers += [label for label, _fn, _kind in reference]

    def make_row(i: int, key: str, label: Label, is_total: bool) -> Row:
        cells = [Cell(grid[(i, j)], COUNT, (i, j) in hidden) for j in range(layout.width)]
        for d in derived:
            num = _pick(i, d.numerator, layout, row_totals)
            den = (layout.rows, num[1]) if d.denominator == "column_total" and num and col_totals else \
                _pick(i, d.denominator, layout, row_totals)
            if num is None or den is None or den not in grid:
                cells.append(Cell(None, d.kind))
            elif num in hidden or den in hidden:
                cells.append(Cell(None, d.kind, hidden=True))
            elif not grid[den]:
                cells.append(Cell(None, d.kind))
            else:
                cells.append(Cell(grid[num] / grid[den] * d.scale, d.kind))
        for _label, fn, kind in reference:
            cells.append(Cell(fn(key), kind))
        return Row(key=key, label=label, cells=cells, is_total=is_total)

    table_rows = [make_row(i, key, label, False) for i, (key, label, _c) in enumerate(rows)]
    if col_totals and rows and n_cols:
        table_rows.append(make_row(layout.rows, "total", total_label, True))
    return Table(id=id, title=title, caption=caption, row_header=row_header, columns=headers, rows=table_rows,
                 notes=list(notes), protected=protect)


def _pick(i: int, ref: int | str, layout: Any, row_totals: bool) -> tuple[int, int] | None:
    if ref == "total":
        return (i, layout.cols) if row_totals else None
    if ref == "column_total":
        return None
    return (i, int(ref))


def figures_table(*, id: str, title: Label, caption: Label, row_header: Label, value_header: Label,
                  figures: Sequence[tuple[str, Label, Cell]], notes: Sequence[Label] = (),
                  protected: bool = False) -> Table:
    """A list of single figures (key, label, cell): the key figures at the top of a page."""
    return Table(id=id, title=title, caption=caption, row_header=row_header, columns=[value_header],
                 rows=[Row(key=k, label=label, cells=[cell]) for k, label, cell in figures], notes=list(notes),
                 protected=protected)


def small(value: int | None, protect: bool) -> Cell:
    """A single count, hidden under protection when it is under the threshold."""
    return Cell(value, COUNT, hidden=bool(protect and value is not None and value < THRESHOLD))


def statistic(value: float | None, n: int, protect: bool, kind: str = DAYS) -> Cell:
    """A median or mean over ``n`` units: hidden under protection when fewer than the threshold."""
    return Cell(value, kind, hidden=bool(protect and value is not None and n < THRESHOLD))
