"""The incident ledger's pure parts: periods, the extension in words, XLSX and page layout."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from core.domain.errors import InvalidInput
from core.ledger import (
    COLUMNS,
    ONGOING,
    LedgerPeriod,
    LedgerRow,
    LedgerStep,
    extension_text,
    ledger_filename,
)
from core.ledger.page import render_ledger_page
from core.ledger.xlsx import ledger_xlsx

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = LedgerPeriod(date(2026, 11, 1), date(2026, 11, 30))


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def ledger_row(serial: int = 1, **fields: object) -> LedgerRow:
    """A row factory: an ended printer failure unless told otherwise."""
    values: dict[str, object] = {
        "serial": serial,
        "number": f"SJ20261123-{serial:03d}",
        "started_at": at(23, 10),
        "ended_at": at(23, 10, 40),
        "place": "1号取号机",
        "kind": "设备故障",
        "level": "一般",
        "description": "取号机打印机缺纸",
        "steps": (LedgerStep(at(23, 10, 5), "张三", "更换打印纸"),),
        "result": "已恢复",
        "extension": "",
        "duty_leader": "李四",
        "registered_by": "王五",
    }
    values.update(fields)
    return LedgerRow(**values)  # type: ignore[arg-type]


# --- periods ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "label", "slug"),
    [
        (NOVEMBER, "2026年11月1日至2026年11月30日", "20261101-20261130"),
        (LedgerPeriod(date(2026, 11, 1)), "2026年11月1日起", "20261101-"),
        (LedgerPeriod(end=date(2026, 11, 30)), "截至2026年11月30日", "-20261130"),
        (LedgerPeriod(), "全部", "all"),
    ],
)
def test_period_label_and_slug(period: LedgerPeriod, label: str, slug: str) -> None:
    # GIVEN a period, closed or open at either end
    # WHEN it is shown in the title row and in a file name
    # THEN it reads as the bureau writes dates, and the file name stays ASCII-sortable
    assert period.label == label
    assert period.slug == slug


def test_period_parse_from_query_strings() -> None:
    # GIVEN ?from=2026-11-01&to= (blank end)
    # WHEN parsed
    # THEN the start is a date and the end is open
    assert LedgerPeriod.parse("2026-11-01", "") == LedgerPeriod(date(2026, 11, 1), None)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("2026-13-01", None, "from"), (None, "yesterday", "to"), ("2026-12-01", "2026-11-01", "to")],
)
def test_period_refuses_bad_dates(start: str | None, end: str | None, field: str) -> None:
    # GIVEN a date that is not one, or a start after the end
    # WHEN parsed
    # THEN it is refused as invalid input naming the field
    with pytest.raises(InvalidInput) as refused:
        LedgerPeriod.parse(start, end)
    assert refused.value.field == field


def test_filename_names_form_hall_and_period() -> None:
    # GIVEN the demo hall's November ledger
    # WHEN it is saved
    # THEN the file says what it is
    assert (
        ledger_filename("demo", NOVEMBER) == "突发事件应急处置登记台帐-demo-20261101-20261130.xlsx"
    )


# --- the filing-deadline extension in words ---------------------------------------


@pytest.mark.parametrize(
    ("extension", "systems", "text"),
    [
        (
            {
                "rule": "both_under_3_days_plus_1",
                "original": "2026-12-15",
                "extended": "2026-12-16",
            },
            ["backoffice", "etax"],
            "申报期限延长至2026年12月16日（电子税务局与核心征管系统均故障，不足3日，顺延1个工作日）",
        ),
        (
            {"rule": "both_3_days_or_more_plus_3", "extended": "2026-12-21"},
            ["backoffice"],
            "申报期限延长至2026年12月21日（核心征管系统故障，持续3日及以上，顺延3个工作日）",
        ),
        (
            {"rule": "etax_only_next_workday", "extended": "2026-12-16"},
            ["etax"],
            "申报期限延长至2026年12月16日（电子税务局故障、核心征管系统正常，顺延至故障排除后的下一个工作日）",
        ),
        (
            {"rule": "both_under_3_days_plus_1", "extended": "2026-12-16", "provisional": True},
            ["backoffice", "etax"],
            "申报期限暂定延长至2026年12月16日（电子税务局与核心征管系统均故障，不足3日，"
            "顺延1个工作日，故障尚未排除，结束后重新计算）",
        ),
        ({"rule": "something_new", "extended": "2026-12-16"}, [], "申报期限延长至2026年12月16日"),
        (None, ["etax"], ""),
        ({"rule": "etax_only_next_workday", "extended": None}, ["etax"], ""),
    ],
)
def test_extension_in_words(
    extension: dict[str, object] | None, systems: list[str], text: str
) -> None:
    # GIVEN an incident's stored extension and the systems it took down
    # WHEN the ledger writes it out
    # THEN it says the new deadline and which rule gave it (nothing when there is none)
    assert extension_text(extension, systems) == text


# --- rows -------------------------------------------------------------------------


def test_steps_one_a_line_with_the_date_when_on_a_later_day() -> None:
    # GIVEN an outage with a step on its first day and one the next morning
    row = ledger_row(
        steps=(
            LedgerStep(at(23, 10, 5), "张三", "报告值班领导"),
            LedgerStep(at(24, 9, 0), "李四", "系统恢复，\n通知纳税人"),
        )
    )
    # WHEN the 处置过程 cell is written
    # THEN each step is "HH:MM 人：事", the later day's step carries its date
    assert row.steps_text() == "10:05 张三：报告值班领导\n11-24 09:00 李四：系统恢复， 通知纳税人"


def test_open_incident_reads_ongoing() -> None:
    # GIVEN an incident not yet ended
    row = ledger_row(ended_at=None, result="")
    # WHEN its cells are written
    # THEN the end time says 处置中
    assert row.ongoing
    assert row.cells()[3] == ONGOING


# --- XLSX -------------------------------------------------------------------------


def test_xlsx_layout_for_printing() -> None:
    # GIVEN two incidents
    rows = [ledger_row(1), ledger_row(2, ended_at=None)]
    # WHEN exported
    book = load_workbook(io.BytesIO(ledger_xlsx(rows, "示例办税服务厅", NOVEMBER)))
    sheet = book.active
    # THEN a title, the hall and period, bold headers, a frozen header, A4 landscape fit to width
    assert sheet["A1"].value == "突发事件应急处置登记台帐"
    assert "示例办税服务厅" in sheet["A2"].value
    assert "2026年11月1日至2026年11月30日" in sheet["A2"].value
    assert [cell.value for cell in sheet[3]] == [column.title for column in COLUMNS]
    assert all(cell.font.bold for cell in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$3:$3"
    assert sheet["I4"].alignment.wrap_text
    assert sheet["D5"].value == ONGOING
    assert sheet.column_dimensions["I"].width > sheet.column_dimensions["A"].width


def test_xlsx_keeps_staff_text_as_text() -> None:
    # GIVEN a description that looks like a formula and a pasted control character
    row = ledger_row(description='=HYPERLINK("http://x")', result="已恢复\x07")
    # WHEN exported and opened again
    sheet = load_workbook(io.BytesIO(ledger_xlsx([row], "厅", NOVEMBER))).active
    # THEN the formula is plain text and the control character is gone
    assert sheet["H4"].value == '=HYPERLINK("http://x")'
    assert sheet["H4"].data_type == "s"
    assert sheet["J4"].value == "已恢复"


def test_xlsx_without_incidents_says_so() -> None:
    # GIVEN a quiet month
    # WHEN exported
    sheet = load_workbook(io.BytesIO(ledger_xlsx([], "厅", NOVEMBER))).active
    # THEN the sheet says there was none
    assert sheet["A4"].value == "本期间无突发事件。"
    assert "共0起" in sheet["A2"].value


# --- printable page ---------------------------------------------------------------


def test_page_escapes_and_uses_only_the_stylesheet() -> None:
    # GIVEN a description with markup in it
    row = ledger_row(description="<script>alert(1)</script>")
    # WHEN the page is rendered
    page = render_ledger_page([row], "示例办税服务厅", NOVEMBER, stylesheet="/static/x.css")
    # THEN the markup is escaped, and no inline style or script reaches the strict CSP
    assert "&lt;script&gt;" in page
    assert "<script" not in page
    assert "style=" not in page
    assert "<style" not in page
    assert '<link rel="stylesheet" href="/static/x.css">' in page


def test_page_without_incidents_says_so() -> None:
    # GIVEN a quiet month WHEN printed THEN the table says there was none
    assert "本期间无突发事件。" in render_ledger_page([], "厅", NOVEMBER)
