"""The hall's reports in the shapes the bureau asks for (spreadsheets). Each module reads
what a service gathered and writes one workbook; openpyxl is loaded with the report."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F3")
WRAP = Alignment(wrap_text=True, vertical="top")

# openpyxl refuses control characters; a pasted one must not break an export.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_cell(sheet: Any, row: int, column: int, value: str) -> Any:
    """A cell of text: control characters dropped, and never a formula (a taxpayer's or a
    clerk's "=…" stays text)."""
    cell = sheet.cell(row=row, column=column, value=_ILLEGAL.sub("", value))
    cell.data_type = "s"
    return cell


def write_sheet(
    book: Workbook,
    title: str,
    columns: Sequence[tuple[str, str, int]],
    rows: Sequence[dict[str, Any]],
    heading: str,
) -> None:
    """A sheet: a heading, a row of column labels (key, label, width), then one row per
    item — numbers stay numbers, text stays text."""
    sheet = book.create_sheet(title)
    sheet.cell(row=1, column=1, value=heading).font = Font(bold=True, size=13)
    for index, (_, label, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=2, column=index, value=label)
        cell.font, cell.fill = HEADER, HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = width
    for offset, row in enumerate(rows, start=3):
        for index, (key, _, _) in enumerate(columns, start=1):
            value = row.get(key)
            if isinstance(value, str):
                cell = text_cell(sheet, offset, index, value)
            else:
                cell = sheet.cell(row=offset, column=index, value=value)
            cell.alignment = WRAP
    sheet.freeze_panes = "A3"
