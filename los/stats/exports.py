"""CSV and XLSX downloads of the statistics pages and of the anonymised export.

Both are written from the same :class:`~los.stats.tables.Table` objects as the page, so they hold the same
numbers; a hidden number is written as ``:`` in both.

- CSV: one file in "long" form, one line per figure: ``table, table title, row key, row, column, value``
  (UTF-8 with a byte-order mark so that spreadsheet programs read the Norwegian letters; decimal point;
  percentages as numbers from 0 to 100). The first lines (table ``about``) say what the file covers.
- XLSX: a sheet "about" with what the file covers and how to read it, then one sheet per table laid out
  as on the page, with its notes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from los.core.downloads import file_response
from los.stats.tables import DAYS, DECIMAL, HIDDEN_SYMBOL, PERCENT, Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The formats a page's download is offered in; the first is the one given when the asked format is not one.
FORMATS = ("csv", "xlsx")


@dataclass
class About:
    """What a download covers: shown first in both formats."""

    title: str | Promise
    municipalities: Sequence[str]
    period: tuple[date, date] | None
    generated_at: datetime
    protected: bool
    method: str | Promise = ""

    def lines(self) -> list[tuple[str, str]]:
        out = [(_("Title"), str(self.title)),
               (_("Municipalities"), ", ".join(self.municipalities)),
               (_("Made"), self.generated_at.strftime("%Y-%m-%d %H:%M"))]
        if self.period:
            out.append((_("Period"), f"{self.period[0].isoformat()} – {self.period[1].isoformat()}"))
        out.append((_("Small numbers hidden"), _("yes") if self.protected else _("no")))
        out.append((_("Symbol"), _("%(symbol)s = hidden to protect privacy; empty = no value")
                    % {"symbol": HIDDEN_SYMBOL}))
        if self.method:
            out.append((_("Method"), str(self.method)))
        return out


def _header(table: Table) -> list[str]:
    return [str(table.row_header)] + [str(c) for c in table.columns]


def to_csv(about: About, tables: Sequence[Table]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["table", "table_title", "row_key", "row", "column", "value"])
    for label, value in about.lines():
        writer.writerow(["about", _("About the figures"), "", label, "", value])
    for table in tables:
        if not table.available:
            writer.writerow([table.id, str(table.title), "", "", "", str(table.unavailable_reason)])
            continue
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                writer.writerow([table.id, str(table.title), row.key, str(row.label), str(column), cell.export_value])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _number_format(kind: str) -> str | None:
    if kind == PERCENT:
        return '0" %"'
    if kind in (DECIMAL, DAYS):
        return "0.0"
    return None


def to_xlsx(about: Sequence[tuple[str, str]] | About, tables: Sequence[Table]) -> bytes:
    lines = about.lines() if isinstance(about, About) else list(about)
    book = Workbook()
    sheet = book.active
    sheet.title = "about"
    bold = Font(bold=True)
    sheet.append([_("About the figures")])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in lines:
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90
    for table in tables:
        ws = book.create_sheet(title=table.id[:31])
        ws.append([str(table.title)])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([str(table.caption)])
        ws.append([])
        if not table.available:
            ws.append([str(table.unavailable_reason)])
            continue
        ws.append(_header(table))
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            ws.append([str(row.label)] + [c.export_value for c in row.cells])
            current = ws.max_row
            if row.is_total:
                for cell in ws[current]:
                    cell.font = bold
            for index, c in enumerate(row.cells, start=2):
                fmt = _number_format(c.kind)
                if fmt and not c.hidden and c.value is not None:
                    ws.cell(row=current, column=index).number_format = fmt
        if table.notes:
            ws.append([])
            for note in table.notes:
                ws.append([str(note)])
        ws.column_dimensions["A"].width = 42
        for index in range(2, len(table.columns) + 2):
            ws.column_dimensions[get_column_letter(index)].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download_format(asked: str | None) -> str:
    """The format a download is written in: the one asked for (``?format=``) if it is offered, else CSV."""
    return asked if asked in FORMATS else FORMATS[0]


def download(about: About, tables: Sequence[Table], stem: str, fmt: str) -> HttpResponse:
    """The tables as an attachment named ``stem.fmt``, in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "xlsx":
        return file_response(to_xlsx(about, tables), XLSX_TYPE, f"{stem}.xlsx", cache_control="")
    return file_response(to_csv(about, tables), CSV_TYPE, f"{stem}.{fmt}", cache_control="")
