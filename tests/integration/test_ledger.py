"""The incident ledger from a real migrated database: rows, XLSX and the printable page."""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.db import Database
from core.ledger import ONGOING, LedgerPeriod, ledger_rows, short_failures_note
from core.ledger.page import render_ledger_page
from core.ledger.xlsx import ledger_xlsx
from tests.support.databases import SqliteTemplate

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = LedgerPeriod(date(2026, 11, 1), date(2026, 11, 30))


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the hall's time zone."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


AddIncident = Callable[..., orm.Incident]


@pytest.fixture
def session(sqlite_template: SqliteTemplate, tmp_path: Path) -> Iterator[Session]:
    database = Database(sqlite_template.copy(tmp_path / "hallq.db"))
    with database.write_session() as db_session:
        yield db_session
    database.dispose()


@pytest.fixture
def hall(session: Session) -> orm.Hall:
    return session.scalars(select(orm.Hall).where(orm.Hall.code == "demo")).one()


@pytest.fixture
def add_incident(session: Session, hall: orm.Hall) -> AddIncident:
    """An incident factory: an ended equipment failure of the demo hall unless told otherwise.

    `steps` is a list of ``(at, actor, text)``.
    """

    def add(
        number: str,
        started_at: datetime,
        *,
        steps: tuple[tuple[datetime, str, str], ...] = (),
        of: orm.Hall | None = None,
        **fields: Any,
    ) -> orm.Incident:
        values: dict[str, Any] = {
            "kind": "equipment",
            "level": "general",
            "mode": "degraded",
            "place": "1号取号机",
            "description": "取号机打印机缺纸",
            "ended_at": None,
            "result": "",
            "duty_leader": "李四",
            "reported_by": "王五",
            "source": "manual",
        }
        values.update(fields)
        incident = orm.Incident(
            hall_id=(of or hall).id, number=number, started_at=started_at, **values
        )
        session.add(incident)
        session.flush()
        for when, actor, text in steps:
            session.add(orm.IncidentStep(incident_id=incident.id, at=when, actor=actor, text=text))
        session.commit()
        return incident

    return add


@pytest.fixture
def month_of_incidents(add_incident: AddIncident, session: Session) -> None:
    """November in the demo hall: a printer fault, a two-day outage still open, and neighbours."""
    add_incident(
        "SJ-001",
        at(11, 23, 10, 0),
        ended_at=at(11, 23, 10, 40),
        result="更换打印纸后恢复",
        steps=(
            (at(11, 23, 10, 5), "张三", "更换打印纸"),
            (at(11, 23, 10, 2), "王五", "报告值班领导"),
        ),
    )
    add_incident(
        "SJ-002",
        at(11, 30, 9, 15),
        kind="application",
        level="larger",
        mode="outage",
        systems=["backoffice", "etax"],
        place="",
        description="核心征管系统与电子税务局无法访问",
        extension={
            "rule": "both_under_3_days_plus_1",
            "original": "2026-12-15",
            "extended": "2026-12-16",
            "provisional": True,
        },
        steps=((at(11, 30, 9, 20), "李四", "启用应急专窗"), (at(12, 1, 8, 30), "赵六", "联系运维")),
    )
    # The last evening of October in the hall: outside.
    add_incident("SJ-OCT", at(10, 31, 23, 30), ended_at=at(10, 31, 23, 50))
    # 2026-11-30 17:00 UTC is 1 December 01:00 in the hall: outside.
    add_incident("SJ-DEC", datetime(2026, 11, 30, 17, 0, tzinfo=UTC), kind="power")
    other = orm.Hall(code="other", name_zh="另一办税服务厅", timezone="Asia/Shanghai")
    session.add(other)
    session.flush()
    add_incident("OTHER-001", at(11, 10, 9), of=other)


@pytest.mark.usefixtures("month_of_incidents")
def test_rows_hold_the_period_only_oldest_first(
    session: Session, hall: orm.Hall, add_incident: AddIncident
) -> None:
    # GIVEN November's incidents, one from the last evening of October, one just after
    # midnight on 1 December hall time, one of another hall, and one early on 1 November
    # hall time (still 31 October in UTC)
    add_incident("SJ-000", at(11, 1, 7, 0), ended_at=at(11, 1, 7, 30))
    # WHEN the demo hall's November ledger is read
    rows = ledger_rows(session, hall, start=NOVEMBER.start, end=NOVEMBER.end)
    # THEN it holds exactly the hall's November incidents by hall-local day, oldest first
    assert [(row.serial, row.number) for row in rows] == [
        (1, "SJ-000"),
        (2, "SJ-001"),
        (3, "SJ-002"),
    ]


@pytest.mark.usefixtures("month_of_incidents")
def test_rows_in_hall_time_with_chinese_names_and_steps(session: Session, hall: orm.Hall) -> None:
    # GIVEN November's incidents
    # WHEN the ledger is read
    printer, outage = ledger_rows(session, hall, start=NOVEMBER.start, end=NOVEMBER.end)
    # THEN times are hall-local, kinds and levels are the form's words, steps are in time order
    assert printer.started_at == at(11, 23, 10, 0)
    assert printer.started_at.utcoffset() == at(11, 23, 10).utcoffset()
    assert (printer.kind, printer.level) == ("设备故障", "一般")
    assert printer.steps_text() == "10:02 王五：报告值班领导\n10:05 张三：更换打印纸"
    assert (outage.kind, outage.level) == ("应用系统问题", "较大")
    # AND an open outage is ongoing, with its extension in words and the hall as the place
    assert outage.ongoing
    assert outage.cells()[3] == ONGOING
    assert outage.place == hall.name_zh
    assert outage.extension.startswith(
        "申报期限暂定延长至2026年12月16日（电子税务局与核心征管系统均故障"
    )
    assert outage.steps_text() == "09:20 李四：启用应急专窗\n12-01 08:30 赵六：联系运维"


@pytest.mark.usefixtures("month_of_incidents")
def test_open_ended_period_reads_everything(session: Session, hall: orm.Hall) -> None:
    # GIVEN incidents in October, November and December
    # WHEN the ledger is read with no dates
    rows = ledger_rows(session, hall, start=None, end=None)
    # THEN every incident of the hall is there, and only the hall's
    assert [row.number for row in rows] == ["SJ-OCT", "SJ-001", "SJ-002", "SJ-DEC"]


def test_auto_incident_registered_by_the_system(
    session: Session, hall: orm.Hall, add_incident: AddIncident
) -> None:
    # GIVEN an incident opened by detection
    add_incident("SJ-AUTO", at(11, 5, 9), source="auto", reported_by="system")
    # WHEN the ledger is read
    (row,) = ledger_rows(session, hall, start=NOVEMBER.start, end=NOVEMBER.end)
    # THEN the 登记人 column says the system registered it
    assert row.registered_by == "系统自动登记"


def test_people_are_named_not_their_principals(
    session: Session, hall: orm.Hall, add_incident: AddIncident
) -> None:
    # GIVEN the leader declared an incident, noted a step, and the system ended it
    leader = session.scalars(select(orm.Staff).where(orm.Staff.username == "leader")).one()
    leader.display_name = "值班长 王五"
    add_incident(
        "SJ-NAMES",
        at(11, 5, 9),
        reported_by="staff:leader",
        steps=(
            (at(11, 5, 9, 5), "staff:leader", "到场调解"),
            (at(11, 5, 9, 30), "system", "处置结束"),
        ),
    )
    # WHEN the ledger is read
    (row,) = ledger_rows(session, hall, start=NOVEMBER.start, end=NOVEMBER.end)
    # THEN the form names the person by the account's name, and the system as 系统
    assert row.registered_by == "值班长 王五"
    assert row.steps_text() == "09:05 值班长 王五：到场调解\n09:30 系统：处置结束"


@pytest.mark.usefixtures("month_of_incidents")
def test_xlsx_holds_every_incident_with_times_steps_and_result(
    session: Session, hall: orm.Hall
) -> None:
    # GIVEN November's incidents
    rows = ledger_rows(session, hall, start=NOVEMBER.start, end=NOVEMBER.end)
    # WHEN exported to XLSX and opened with openpyxl
    data = ledger_xlsx(rows, hall.name_zh, NOVEMBER)
    sheet = load_workbook(io.BytesIO(data)).active
    table = [[cell.value for cell in line] for line in sheet.iter_rows(min_row=4)]
    # THEN each incident is a row with type, hall-local times, steps with people, and result
    assert len(table) == 2
    first, second = table
    assert first[:7] == [
        1,
        "SJ-001",
        datetime(2026, 11, 23, 10, 0),
        datetime(2026, 11, 23, 10, 40),
        "1号取号机",
        "设备故障",
        "一般",
    ]
    assert first[8] == "10:02 王五：报告值班领导\n10:05 张三：更换打印纸"
    assert first[9] == "更换打印纸后恢复"
    assert first[10:] == ["李四", "王五"]
    # AND the open outage is marked ongoing, its result carries the extension
    assert second[1] == "SJ-002"
    assert second[3] == ONGOING
    assert second[5] == "应用系统问题"
    assert "联系运维" in second[8]
    assert "申报期限暂定延长至2026年12月16日" in second[9]
    # AND no incident from outside the period appears anywhere
    text = "".join(str(value) for line in table for value in line)
    assert "SJ-OCT" not in text
    assert "SJ-DEC" not in text
    assert "OTHER" not in text
    # AND the Chinese hall name round-trips in the title rows
    assert hall.name_zh in sheet["A2"].value


@pytest.mark.usefixtures("month_of_incidents")
def test_page_holds_the_same_rows(session: Session, hall: orm.Hall) -> None:
    # GIVEN November's ledger rows
    rows = ledger_rows(session, hall, start=NOVEMBER.start, end=NOVEMBER.end)
    # WHEN the printable page is rendered
    page = html.unescape(render_ledger_page(rows, hall.name_zh, NOVEMBER))
    # THEN every cell of every row is on it, and nothing from outside the period
    for row in rows:
        for text in row.cells():
            assert text in page
    assert page.count("<tr") == 1 + len(rows)
    assert 'class="ongoing"' in page
    assert "SJ-OCT" not in page
    assert "SJ-DEC" not in page
    assert "突发事件应急处置登记台帐" in page
    assert "2026年11月1日至2026年11月30日" in page


def test_device_blips_under_the_minimum_are_counted_not_listed(
    session: Session, hall: orm.Hall, add_incident: AddIncident
) -> None:
    # GIVEN a printer's cover opened for 90 s and one silent for 30 s (detection opened and
    # closed both), a 3-minute paper-out, and a 1-minute conflict the leader declared
    def device(
        number: str, start: datetime, seconds: int, key: str = "device:printer-kiosk-1"
    ) -> None:
        add_incident(
            number, start, ended_at=start + timedelta(seconds=seconds), source="auto", auto_key=key
        )

    device("SJ-1", at(11, 2, 9), 90)
    device("SJ-2", at(11, 2, 10), 30, "device:display-1")
    device("SJ-3", at(11, 2, 11), 180)
    add_incident("SJ-4", at(11, 2, 12), ended_at=at(11, 2, 12, 1), kind="conflict")
    # … and a 20-second paper-out the duty leader recorded a step for (handled: a row)
    add_incident(
        "SJ-5",
        at(11, 2, 13),
        ended_at=at(11, 2, 13) + timedelta(seconds=20),
        source="auto",
        auto_key="device:printer-kiosk-2",
        steps=((at(11, 2, 13), "staff:leader", "已通知导税台"),),
    )
    # WHEN the ledger is read with the default minimum (2 min)
    rows = ledger_rows(session, hall, start=None, end=None)
    note = short_failures_note(session, hall, start=None, end=None)
    # THEN the blips are one line, the rest are rows
    assert [row.number for row in rows] == ["SJ-3", "SJ-4", "SJ-5"]
    assert note == "另有2次设备短暂故障（每次不足2分钟，已自动恢复），不逐条登记。"
    # … in the XLSX and on the printable page too
    sheet = load_workbook(io.BytesIO(ledger_xlsx(rows, "示范厅", LedgerPeriod(), note))).active
    assert note in [cell.value for cell in sheet["A"]]
    assert html.escape(note) in render_ledger_page(rows, "示范厅", LedgerPeriod(), note=note)
    # WHEN the hall sets its minimum to 1 minute THEN only the 30-second one is a blip
    hall.settings = {**hall.settings, "ledger": {"min_device_minutes": 1}}
    session.commit()
    assert [row.number for row in ledger_rows(session, hall, start=None, end=None)] == [
        "SJ-1",
        "SJ-3",
        "SJ-4",
        "SJ-5",
    ]
    assert short_failures_note(session, hall, start=None, end=None).startswith("另有1次")
