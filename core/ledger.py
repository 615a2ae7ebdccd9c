"""The incident ledger (突发事件应急处置登记台帐, SPEC §7): its rows, an XLSX and a printable page.

The columns and their words are the bureau's own form, so the text here is
Chinese whatever the reader's language: it is a government record, not screen
text, and does not go through the translation catalogs.

Personal data (SPEC §10): a row holds what the form asks — the incident's own
text and the people handling it (steps' actors, duty leader, who registered
it) — and nothing joined from tickets, registers or the SMS outbox.

The page is rendered with a plain Jinja2 environment on ``core/templates``, so
the CLI and tests can use it without an app; a Flask view passes the
stylesheet's URL from ``url_for``.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain.continuity import IncidentKind, Level, System
from core.domain.errors import InvalidInput

TITLE = "突发事件应急处置登记台帐"
ONGOING = "处置中"
AUTO_REGISTRAR = "系统自动登记"
NO_INCIDENTS = "本期间无突发事件。"


@dataclass(frozen=True)
class Column:
    """A column of the form: `key` names it in code and CSS, `width` in XLSX characters."""

    key: str
    title: str
    width: float


COLUMNS = (
    Column("serial", "序号", 6),
    Column("number", "事件编号", 15),
    Column("started", "发生时间", 17),
    Column("ended", "结束时间", 17),
    Column("place", "发生地点", 16),
    Column("kind", "事件类型", 13),
    Column("level", "事件等级", 9),
    Column("description", "事件描述", 34),
    Column("steps", "处置过程", 46),
    Column("result", "处置结果", 32),
    Column("leader", "值班领导", 10),
    Column("registrar", "登记人", 12),
)

# StrEnum keys: a stored code looks its name up directly; an unknown one shows as stored.
KIND_NAMES: dict[str, str] = {
    IncidentKind.POWER: "电力故障",
    IncidentKind.EQUIPMENT: "设备故障",
    IncidentKind.NETWORK: "网络故障",
    IncidentKind.APPLICATION: "应用系统问题",
    IncidentKind.CONFLICT: "语言肢体冲突",
    IncidentKind.PUBLIC_OPINION: "涉税舆情",
    IncidentKind.OTHER: "其他突发事件",
}
LEVEL_NAMES: dict[str, str] = {
    Level.GENERAL: "一般",
    Level.LARGER: "较大",
    Level.MAJOR: "重大",
    Level.EXTREME: "特别重大",
}
RULE_WORDS = {
    "etax_only_next_workday": "顺延至故障排除后的下一个工作日",
    "both_under_3_days_plus_1": "不足3日，顺延1个工作日",
    "both_3_days_or_more_plus_3": "持续3日及以上，顺延3个工作日",
}


def _date_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _moment(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class LedgerPeriod:
    """The days a ledger covers, both ends included and either open; hall-local dates."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise InvalidInput("request.invalid", field="to", problem="out_of_range")

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> LedgerPeriod:
        """A period from ``YYYY-MM-DD`` strings (``?from=&to=``); blank means open.

        Raises `InvalidInput` (``request.invalid``, field ``from`` or ``to``).
        """
        days: dict[str, date | None] = {}
        for field, text in (("from", start), ("to", end)):
            try:
                days[field] = date.fromisoformat(text.strip()) if text and text.strip() else None
            except ValueError:
                raise InvalidInput("request.invalid", field=field, problem="invalid") from None
        return cls(days["from"], days["to"])

    @property
    def label(self) -> str:
        """The period as the title row says it, e.g. ``2026年11月1日至2026年11月30日``."""
        if self.start and self.end:
            return f"{_date_zh(self.start)}至{_date_zh(self.end)}"
        if self.start:
            return f"{_date_zh(self.start)}起"
        if self.end:
            return f"截至{_date_zh(self.end)}"
        return "全部"

    @property
    def slug(self) -> str:
        """The period in a file name: ``20261101-20261130``, ``all`` when open at both ends."""
        if not (self.start or self.end):
            return "all"
        start = self.start.strftime("%Y%m%d") if self.start else ""
        end = self.end.strftime("%Y%m%d") if self.end else ""
        return f"{start}-{end}"


@dataclass(frozen=True)
class LedgerStep:
    """A handling step in hall-local time."""

    at: datetime
    actor: str
    text: str

    def line(self, incident_day: date) -> str:
        """``HH:MM 张三：……``; the date goes in front when the step is on a later day."""
        when = self.at.strftime("%H:%M" if self.at.date() == incident_day else "%m-%d %H:%M")
        text = " ".join(self.text.split())
        return f"{when} {self.actor}：{text}" if self.actor else f"{when} {text}"


@dataclass(frozen=True)
class LedgerRow:
    """One incident as the ledger shows it; times are hall-local, `ended_at` None while open."""

    serial: int
    number: str
    started_at: datetime
    ended_at: datetime | None
    place: str
    kind: str
    level: str
    description: str
    steps: tuple[LedgerStep, ...]
    result: str
    extension: str
    duty_leader: str
    registered_by: str

    @property
    def ongoing(self) -> bool:
        """Still open: the end time reads 处置中."""
        return self.ended_at is None

    def steps_text(self) -> str:
        """处置过程: one step a line."""
        return "\n".join(step.line(self.started_at.date()) for step in self.steps)

    def result_text(self) -> str:
        """处置结果: the result, then the filing-deadline extension if the incident earned one."""
        return "\n".join(part for part in (self.result, self.extension) if part)

    def cells(self) -> tuple[str, ...]:
        """The row's text in the order of `COLUMNS`."""
        return (
            str(self.serial),
            self.number,
            _moment(self.started_at),
            _moment(self.ended_at) if self.ended_at else ONGOING,
            self.place,
            self.kind,
            self.level,
            self.description,
            self.steps_text(),
            self.result_text(),
            self.duty_leader,
            self.registered_by,
        )


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def extension_text(extension: Mapping[str, Any] | None, systems: Iterable[str]) -> str:
    """An incident's filing-deadline extension in words, or "" when it has none.

    e.g. ``申报期限延长至2026年12月16日（电子税务局与核心征管系统均故障，不足3日，顺延1个工作日）``;
    a provisional one (the outage is still open) says 暂定.
    """
    extended = _as_date((extension or {}).get("extended"))
    if extension is None or extended is None:
        return ""
    rule = extension.get("rule")
    reasons: list[str] = []
    if rule == "etax_only_next_workday":
        reasons.append("电子税务局故障、核心征管系统正常")
    elif rule in RULE_WORDS:
        both = System.ETAX in set(systems)
        reasons.append("电子税务局与核心征管系统均故障" if both else "核心征管系统故障")
    if rule in RULE_WORDS:
        reasons.append(RULE_WORDS[rule])
    if extension.get("provisional"):
        reasons.append("故障尚未排除，结束后重新计算")
    verb = "暂定延长至" if extension.get("provisional") else "延长至"
    details = f"（{'，'.join(reasons)}）" if reasons else ""
    return f"申报期限{verb}{_date_zh(extended)}{details}"


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def _incidents_query(hall: orm.Hall, period: LedgerPeriod, zone: ZoneInfo) -> Select[Any]:
    query = select(orm.Incident).where(orm.Incident.hall_id == hall.id)
    if period.start:
        query = query.where(orm.Incident.started_at >= _midnight(period.start, zone))
    if period.end:
        next_day = _midnight(period.end + timedelta(days=1), zone)
        query = query.where(orm.Incident.started_at < next_day)
    return query


def ledger_rows(
    session: Session, hall: orm.Hall, *, start: date | None, end: date | None
) -> list[LedgerRow]:
    """Every incident of `hall`, open or ended, that started within `start`…`end`, oldest first.

    The dates are the hall's local days, both included; None leaves that end
    open. Raises `InvalidInput` when `start` is after `end`.
    """
    zone = ZoneInfo(hall.timezone)
    query = _incidents_query(hall, LedgerPeriod(start, end), zone)
    incidents = session.scalars(query.order_by(orm.Incident.started_at, orm.Incident.id)).all()
    ids = query.with_only_columns(orm.Incident.id)
    steps: dict[int, list[LedgerStep]] = defaultdict(list)
    step_rows = session.scalars(
        select(orm.IncidentStep)
        .where(orm.IncidentStep.incident_id.in_(ids))
        .order_by(orm.IncidentStep.at, orm.IncidentStep.id)
    )
    for step in step_rows:
        steps[step.incident_id].append(LedgerStep(step.at.astimezone(zone), step.actor, step.text))
    return [
        LedgerRow(
            serial=serial,
            number=incident.number,
            started_at=incident.started_at.astimezone(zone),
            ended_at=incident.ended_at.astimezone(zone) if incident.ended_at else None,
            place=incident.place or hall.name_zh,
            kind=KIND_NAMES.get(incident.kind, incident.kind),
            level=LEVEL_NAMES.get(incident.level, incident.level),
            description=incident.description,
            steps=tuple(steps[incident.id]),
            result=incident.result,
            extension=extension_text(incident.extension, incident.systems or ()),
            duty_leader=incident.duty_leader,
            registered_by=AUTO_REGISTRAR if incident.source == "auto" else incident.reported_by,
        )
        for serial, incident in enumerate(incidents, start=1)
    ]


def ledger_filename(hall_code: str, period: LedgerPeriod, suffix: str = "xlsx") -> str:
    """``突发事件应急处置登记台帐-demo-20261101-20261130.xlsx``."""
    return f"{TITLE}-{hall_code}-{period.slug}.{suffix}"


# --- XLSX ----------------------------------------------------------------------

# openpyxl refuses control characters; a pasted one must not break the export.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
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


def _text_cell(sheet: Any, row: int, column: int, value: str) -> Any:
    cell = sheet.cell(row=row, column=column, value=_ILLEGAL.sub("", value))
    cell.data_type = "s"  # staff text such as "=…" stays text, never a formula
    return cell


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
    title = _text_cell(sheet, 1, 1, TITLE)
    title.font = Font(name=FONT, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    subtitle = _text_cell(sheet, 2, 1, f"单位：{hall_name}　　期间：{period.label}　　共{count}起")
    subtitle.font = Font(name=FONT, size=11)
    subtitle.alignment = Alignment(horizontal="left", vertical="center")
    for line, height in ((1, 30), (2, 20)):
        sheet.merge_cells(f"A{line}:{last}{line}")
        sheet.row_dimensions[line].height = height


def _header_row(sheet: Any) -> None:
    fill = PatternFill("solid", fgColor="E7E6E6")
    for index, column in enumerate(COLUMNS, start=1):
        cell = _text_cell(sheet, HEADER_ROW, index, column.title)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.alignment, cell.border, cell.fill = _CENTRED, _BORDER, fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = 22


def _incident_row(sheet: Any, line: int, row: LedgerRow) -> None:
    texts = row.cells()
    for index, (column, text) in enumerate(zip(COLUMNS, texts, strict=True), start=1):
        value = _cell_value(row, column.key, text)
        if isinstance(value, str):
            cell = _text_cell(sheet, line, index, value)
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


def ledger_xlsx(rows: Sequence[LedgerRow], hall_name: str, period: LedgerPeriod) -> bytes:
    """The ledger as an .xlsx: title, hall and period, the form's columns, one row per incident.

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
    if not rows:
        sheet.merge_cells(f"A{HEADER_ROW + 1}:{get_column_letter(len(COLUMNS))}{HEADER_ROW + 1}")
        _text_cell(sheet, HEADER_ROW + 1, 1, NO_INCIDENTS).alignment = _CENTRED
    _print_setup(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- printable page ------------------------------------------------------------

STYLESHEET = "/static/ledger-print.css"


@cache
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_ledger_page(
    rows: Sequence[LedgerRow], hall_name: str, period: LedgerPeriod, *, stylesheet: str = STYLESHEET
) -> str:
    """The ledger as a printable HTML page (A4 landscape, ``ledger-print.css``).

    No inline style or script, so it passes the hub's CSP. A view passes
    ``stylesheet=url_for("static", filename="ledger-print.css")``.
    """
    return (
        _templates()
        .get_template("ledger_print.html")
        .render(
            title=TITLE,
            columns=COLUMNS,
            rows=rows,
            hall_name=hall_name,
            period=period.label,
            stylesheet=stylesheet,
            ongoing=ONGOING,
            no_incidents=NO_INCIDENTS,
        )
    )
