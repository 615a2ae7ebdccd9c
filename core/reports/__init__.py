"""The hall's reports in the shapes the bureau asks for (spreadsheets). Each module reads
what a service gathered and writes one workbook; openpyxl is loaded with the report."""

from __future__ import annotations

import re
from typing import Any

# openpyxl refuses control characters; a pasted one must not break an export.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_cell(sheet: Any, row: int, column: int, value: str) -> Any:
    """A cell of text: control characters dropped, and never a formula (a taxpayer's or a
    clerk's "=…" stays text)."""
    cell = sheet.cell(row=row, column=column, value=_ILLEGAL.sub("", value))
    cell.data_type = "s"
    return cell
