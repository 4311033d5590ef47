"""Reading the statistics pages and downloads the way a person (or a spreadsheet) would."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

from openpyxl import load_workbook

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Tables(HTMLParser):
    """Collects every ``<table data-table=…>``: {table id: {row key: [header, cell texts…]}}, reading only
    the visible text (the caption, and what a screen reader gets extra in ``ds-sr-only``, are left out)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self.headers: dict[str, list[str]] = {}
        self.table: str | None = None
        self.row: str | None = None
        self.cell: list[str] | None = None
        self.in_head = False
        self.cell_tag = ""
        self.stack: list[tuple[str, bool]] = []

    @property
    def hidden(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in VOID:
            self.stack.append((tag, tag == "caption" or "ds-sr-only" in (a.get("class") or "")))
        if a.get("data-table") is not None:
            self.table = a["data-table"]
            self.tables[self.table] = {}
            self.headers[self.table] = []
        elif self.table and tag == "thead":
            self.in_head = True
        elif self.table and (tag == "tr" or "data-row" in a):
            self.row = a.get("data-row")
            if self.row is not None:
                self.tables[self.table][self.row] = []
        elif self.table and (tag in ("td", "th") or "data-cell" in a):
            self.cell = []
            self.cell_tag = tag

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _skip = self.stack.pop()
            if open_tag == tag:
                break
        if tag in ("table", "ul") and self.cell is None:
            self.table = None
        elif tag == "thead":
            self.in_head = False
        elif self.table is not None and self.cell is not None and tag == self.cell_tag:
            text = " ".join("".join(self.cell).split())
            if self.in_head:
                self.headers[self.table].append(text)
            elif self.row is not None:
                self.tables[self.table][self.row].append(text)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and not self.hidden:
            self.cell.append(data)


def page_tables(html: str) -> dict[str, dict[str, list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def page_headers(html: str) -> dict[str, list[str]]:
    parser = _Tables()
    parser.feed(html)
    return parser.headers


def values(html: str, table: str) -> dict[str, list[str]]:
    """The cells of a table on the page, without the row label: {row key: [cell texts]}."""
    return {key: cells[1:] for key, cells in page_tables(html)[table].items()}


def to_number(text: str, language: str = "nb") -> float | str:
    """A page cell as a number (nb "1 234" → 1234, "0,5" → 0.5; en "1,234.5"; "45 %" → 45); ":" and "–"
    stay text."""
    text = text.replace("\u00a0", " ").strip()
    if text in (":", "–", ""):
        return text
    text = text.replace("%", "").replace(" ", "")
    text = text.replace(",", "") if language == "en" else text.replace(",", ".")
    return float(text)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def csv_tables(content: bytes) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for row in csv_rows(content):
        if row["table"] == "about":
            continue
        out.setdefault(row["table"], {}).setdefault(row["row_key"], []).append(row["value"])
    return out


def xlsx_tables(content: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def same_number(page_text: str, exported, language: str = "nb") -> bool:
    """A page cell and a downloaded value hold the same figure (the page rounds for reading)."""
    shown = to_number(page_text, language)
    if shown == ":":
        return exported == ":"
    if shown in ("–", ""):
        return exported in ("", None)
    if exported in (":", "", None):
        return False
    separator = "." if language == "en" else ","
    digits = page_text.replace("\u00a0", " ").split("%")[0].strip()
    decimals = len(digits.split(separator)[1]) if separator in digits else 0
    return round(float(exported), decimals) == shown
