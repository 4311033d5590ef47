"""The tables behind the figures: totals, shares computed only from shown counts, and the download formats."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.utils import translation
from openpyxl import load_workbook

from los.stats import exports
from los.stats.formatting import cell_html, cell_text
from los.stats.tables import DAYS, DECIMAL, PERCENT, Cell, Derived, count_table, unavailable

from .helpers import csv_rows


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def table(protect: bool):
    return count_table(id="t", title="Title", caption="Caption", row_header="Kind", columns=["Yes", "No"],
                       rows=[("a", "A", [10, 3]), ("b", "B", [12, 20]), ("c", "C", [0, 0])], protect=protect,
                       derived=[Derived("Share yes", 0, "total")],
                       reference=[("Norway", lambda key: 42, PERCENT)])


def test_totals_shares_and_reference_columns():
    t = table(protect=False)
    assert [str(c) for c in t.columns] == ["Yes", "No", "Total", "Share yes", "Norway"]
    a = t.row("a").cells
    assert [c.value for c in a[:3]] == [10, 3, 13] and round(a[3].value, 1) == 76.9 and a[4].value == 42
    assert t.row("c").cells[3].value is None and not t.row("c").cells[3].hidden  # 0 of 0: no share
    assert [c.value for c in t.row("total").cells[:3]] == [22, 23, 45]


def test_protection_hides_small_counts_and_the_shares_made_from_them():
    t = table(protect=True)
    a = t.row("a").cells
    assert a[1].hidden and a[3].hidden  # 3 is hidden, so is the share computed from it
    assert not t.row("total").cells[2].hidden  # the grand total 45 stays
    assert t.row("c").cells[0].hidden  # zeros too
    assert t.row("a").cells[4].value == 42 and not t.row("a").cells[4].hidden  # the survey is not protected
    assert t.has_hidden


def test_formatting_in_norwegian_and_english():
    with translation.override("nb"):
        assert cell_text(Cell(1234)) == "1\xa0234"
        assert cell_text(Cell(0.5, DECIMAL)) == "0,5"
        assert cell_text(Cell(41.7, PERCENT)) == "42\xa0%"
        assert cell_text(Cell(28.0, DAYS)) == "28" and cell_text(Cell(28.5, DAYS)) == "28,5"
        assert 'class="ds-sr-only">skjult' in cell_html(Cell(3, hidden=True))
    with translation.override("en"):
        assert cell_text(Cell(1234)) == "1,234" and cell_text(Cell(0.5, DECIMAL)) == "0.5"
        assert cell_text(Cell(None)) == "–"


@pytest.fixture
def about():
    return exports.About(title="Test", municipalities=["Testvik"], period=(date(2026, 1, 1), date(2026, 6, 30)),
                         generated_at=datetime(2026, 7, 1, 12, 0), protected=True, method="Counts under 5 hidden.")


def test_csv_in_long_form(about):
    rows = csv_rows(exports.to_csv(about, [table(protect=True), unavailable("gone", "Gone", "No data yet.")]))
    assert rows[0]["table"] == "about" and any(r["value"] == "2026-01-01 – 2026-06-30" for r in rows)
    cell = next(r for r in rows if r["table"] == "t" and r["row_key"] == "a" and r["column"] == "No")
    assert cell["value"] == ":"
    total = next(r for r in rows if r["table"] == "t" and r["row_key"] == "total" and r["column"] == "Total")
    assert total["value"] == "45"
    assert next(r for r in rows if r["table"] == "gone")["value"] == "No data yet."


def test_xlsx_has_an_about_sheet_and_one_sheet_per_table(about):
    book = load_workbook(io.BytesIO(exports.to_xlsx(about, [table(protect=False)])))
    assert book.sheetnames == ["about", "t"]
    rows = [list(r) for r in book["t"].iter_rows(values_only=True)]
    assert rows[0][0] == "Title" and rows[3] == ["Kind", "Yes", "No", "Total", "Share yes", "Norway"]
    assert rows[4][:4] == ["A", 10, 3, 13] and rows[4][4] == 76.9
    assert book["t"].cell(row=5, column=5).number_format == '0" %"'
