"""The incident ledger as the bureau's XLSX form (openpyxl)."""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from core.ledger import COLUMNS, NO_INCIDENTS, TITLE, LedgerPeriod, LedgerRow
from core.reports import text_cell

FONT = "宋体"
HEADER_ROW = 3
LINE_HEIGHT_PT = 14.5
MAX_ROW_HEIGHT_PT = 409  # Excel's limit
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRED = Alignment(wrap_text=True, vertical="center", horizontal="center")
_CENTRED_KEYS = {"serial", "started", "ended", "kind", "level", "leader", "registrar"}


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _lines_needed(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide (CJK count double)."""
    return sum(
        max(1, math.ceil(_display_width(line) / max(width - 1, 1))) for line in text.split("\n")
    )


def _cell_value(row: LedgerRow, key: str, text: str) -> Any:
    """Numbers and times as real spreadsheet values (sortable, filterable), the rest as text."""
    if key == "serial":
        return row.serial
    if key == "started":
        return row.started_at.replace(tzinfo=None)
    if key == "ended" and row.ended_at:
        return row.ended_at.replace(tzinfo=None)
    return text


def _title_rows(sheet: Any, hall_name: str, period: LedgerPeriod, count: int) -> None:
    last = get_column_letter(len(COLUMNS))
    title = text_cell(sheet, 1, 1, TITLE)
    title.font = Font(name=FONT, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    subtitle = text_cell(sheet, 2, 1, f"单位：{hall_name}　　期间：{period.label}　　共{count}起")
    subtitle.font = Font(name=FONT, size=11)
    subtitle.alignment = Alignment(horizontal="left", vertical="center")
    for line, height in ((1, 30), (2, 20)):
        sheet.merge_cells(f"A{line}:{last}{line}")
        sheet.row_dimensions[line].height = height


def _header_row(sheet: Any) -> None:
    fill = PatternFill("solid", fgColor="E7E6E6")
    for index, column in enumerate(COLUMNS, start=1):
        cell = text_cell(sheet, HEADER_ROW, index, column.title)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.alignment, cell.border, cell.fill = _CENTRED, _BORDER, fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = 22


def _incident_row(sheet: Any, line: int, row: LedgerRow) -> None:
    texts = row.cells()
    for index, (column, text) in enumerate(zip(COLUMNS, texts, strict=True), start=1):
        value = _cell_value(row, column.key, text)
        if isinstance(value, str):
            cell = text_cell(sheet, line, index, value)
        else:
            cell = sheet.cell(row=line, column=index, value=value)
            cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime) else "0"
        marked = column.key == "ended" and row.ongoing
        cell.font = Font(name=FONT, size=10.5, bold=marked)
        cell.alignment = _CENTRED if column.key in _CENTRED_KEYS else _WRAP
        cell.border = _BORDER
    # Spreadsheet programs do not all grow a wrapped row by themselves.
    lines = max(_lines_needed(text, col.width) for col, text in zip(COLUMNS, texts, strict=True))
    sheet.row_dimensions[line].height = min(max(lines, 2) * LINE_HEIGHT_PT + 4, MAX_ROW_HEIGHT_PT)


def _print_setup(sheet: Any) -> None:
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def ledger_xlsx(
    rows: Sequence[LedgerRow], hall_name: str, period: LedgerPeriod, note: str = ""
) -> bytes:
    """The ledger as an .xlsx: title, hall and period, the form's columns, one row per incident,
    and `note` (the device blips left out) in a last row across the form.

    Printed on A4 landscape, fitted to the page width, the header row on every page.
    """
    book = Workbook()
    book.properties.title = TITLE
    book.properties.creator = "HallQ"
    sheet = book.active
    sheet.title = "台帐"
    _title_rows(sheet, hall_name, period, len(rows))
    _header_row(sheet)
    for line, row in enumerate(rows, start=HEADER_ROW + 1):
        _incident_row(sheet, line, row)
    last = HEADER_ROW + len(rows)
    for text in ([] if rows else [NO_INCIDENTS]) + ([note] if note else []):
        last += 1
        sheet.merge_cells(f"A{last}:{get_column_letter(len(COLUMNS))}{last}")
        text_cell(sheet, last, 1, text).alignment = _CENTRED
    _print_setup(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
