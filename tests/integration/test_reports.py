"""Reports against a real database (SPEC §14): a generated month of the demo hall, its
figures from the daily rollup equal to those worked out from the events — and to a plain
count of the raw tables — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.adapters.db import Database
from core.demo.history import write_history
from core.domain.reports import SUM_FIELDS, CellKey, Duty, DutyKey, Period, SpreadKey, Sums
from core.services import ratings
from core.services.reports import exports, figures, rollup
from tests.integration.conftest import SHANGHAI, Api, AppFactory
from tests.support.databases import Tokens

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
CLERKS = {number: f"window{number}" for number in range(1, 8)}


def generated_month(db: Database) -> None:
    """November 2026 (21 working days), 60 tickets a day; the hall is on 1 December."""
    with db.writing() as session, session.begin():
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == "demo")).one()
        write_history(session, hall, NOVEMBER.start, NOVEMBER.end, per_day=60, clerks=CLERKS)
        hall.business_day = date(2026, 12, 1)


def month_report(db: Database, scope: figures.Scope | None = None) -> dict[str, Any]:
    with db.read_session() as session:
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == "demo")).one()
        now = datetime(2026, 12, 1, 8, tzinfo=SHANGHAI)
        return figures.report(session, hall, NOVEMBER, scope or figures.Scope(), now)


def test_the_rollup_holds_exactly_what_the_events_say(
    make_app: AppFactory, backend: tuple[str, Tokens]
) -> None:
    # GIVEN a generated month, nothing rolled up yet: the report is worked out from events
    db = make_app(backend[0]).extensions["hallq"].db
    generated_month(db)
    from_events = month_report(db)
    window3 = month_report(db, figures.Scope(window=3))
    # WHEN the hub's day check rolls the closed days up, one a round
    now = datetime(2026, 12, 1, 8, tzinfo=SHANGHAI)
    rolled = [day for _ in range(25) for day in rollup.roll_up_closed_days(db, now)]
    # THEN each working day of November once, oldest first, and nothing more to do
    assert len(rolled) == 21
    assert rolled == sorted(rolled)
    assert rollup.roll_up_closed_days(db, now) == []
    # AND November, closed and kept whole, has its spreads summed for the year's reports
    with db.read_session() as session:
        assert session.scalars(select(orm.ReportMonth.month)).all() == [NOVEMBER.start]
    # AND each day kept is what its events say, cell by cell and minute by minute
    with db.read_session() as session:
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == "demo")).one()
        for day in rolled:
            worked_out = rollup.work_out(session, hall, day, day, now, rolled=True)
            assert kept_cells(session, day) == worked_out.cells
            assert kept_spreads(session, day) == worked_out.spreads
            assert kept_duties(session, day) == worked_out.duties
    # AND the month's report from the rollup is the one from the events, whole and in scope
    assert month_report(db) == from_events
    assert month_report(db, figures.Scope(window=3)) == window3
    assert window3["total"]["parts"] == sum(
        line["parts"] for line in from_events["windows"] if line["key"] == 3
    )


def kept_cells(session: Any, day: date) -> dict[CellKey, Sums]:
    table = orm.report_cells
    return {
        CellKey(row.business_day, row.hour, row.service, row.window, row.clerk): Sums(
            *(getattr(row, name) for name in SUM_FIELDS)
        )
        for row in session.execute(select(table).where(table.c.business_day == day))
    }


def kept_duties(session: Any, day: date) -> dict[DutyKey, Duty]:
    table = orm.report_duties
    return {
        DutyKey(row.business_day, row.window, row.clerk): Duty(row.on_duty, row.paused)
        for row in session.execute(select(table).where(table.c.business_day == day))
    }


def kept_spreads(session: Any, day: date) -> Counter[SpreadKey]:
    table = orm.report_spreads
    return Counter(
        {
            SpreadKey(
                row.business_day, row.measure, row.service, row.window, row.clerk, row.minute
            ): row.count
            for row in session.execute(select(table).where(table.c.business_day == day))
        }
    )


def test_the_months_figures_are_those_of_the_raw_tables(
    make_app: AppFactory, backend: tuple[str, Tokens]
) -> None:
    # GIVEN a generated month, rolled up
    db = make_app(backend[0]).extensions["hallq"].db
    generated_month(db)
    rollup.rebuild(db, "demo", NOVEMBER, datetime(2026, 12, 1, 8, tzinfo=SHANGHAI))
    # WHEN its report is read
    figures = month_report(db)
    # THEN its counts are the tables' own: tickets by final state, transfers, recalls
    with db.read_session() as session:
        states = count_by(session, orm.Ticket.state)
        kinds = count_by(session, orm.TicketEvent.kind)
        events = session.execute(
            select(orm.TicketEvent.ticket_id, orm.TicketEvent.kind, orm.TicketEvent.at).order_by(
                orm.TicketEvent.ticket_id, orm.TicketEvent.id
            )
        ).all()
    total = figures["total"]
    assert total["tickets"] == sum(states.values()) == 21 * 60
    assert total["outcomes"]["done"] == states["done"]
    assert total["outcomes"]["cancelled"] == states["cancelled"]
    assert total["outcomes"]["transferred"] == kinds["transferred"]
    assert total["outcomes"]["no_show"] + total["outcomes"]["expired"] == states["expired"]
    assert total["parts"] == total["tickets"] + kinds["transferred"]
    assert total["recalls"] == kinds["recalled"]
    assert total["no_shows"] == kinds["no_show"]
    # AND the mean wait of the tickets' first calls, worked out plainly, is the report's
    # (first parts only: the report's hall wait also counts waits after a transfer)
    first_waits = first_call_waits(events)
    by_channel = sum(total["channels"][name] for name in ("kiosk", "guide", "paper", "appointment"))
    assert by_channel == total["tickets"]
    assert total["wait"]["count"] >= len(first_waits) > 0
    assert round(max(first_waits) / 60, 1) <= total["wait"]["max"]
    # AND the per-day, per-hour and per-weekday arrivals add up to the parts
    assert sum(hour["arrivals"] for hour in figures["hours"]) == total["parts"]
    assert sum(day["arrivals"] for day in figures["weekdays"]) == total["parts"]
    assert figures["days"] == 21
    assert sum(line["parts"] for line in figures["services"]) == total["parts"]
    # AND each clerk's ratings are those of the ratings page (好差评), counted in SQL — also
    # with two of window1's services rated 差评, one of them appealed and upheld
    with db.writing() as session, session.begin():
        two = session.scalars(
            select(orm.Rating).where(orm.Rating.staff == "window1", orm.Rating.state == "rated")
        ).all()[:2]
        for rating, appeal in zip(two, ("upheld", None), strict=True):
            rating.level = 1
            session.add(
                orm.RatingWorkOrder(
                    hall_id=rating.hall_id,
                    rating_id=rating.id,
                    opened_at=rating.served_at,
                    due_on=rating.business_day,
                    appeal_state=appeal,
                )
            )
    figures = month_report(db)
    with db.read_session() as session:
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == "demo")).one()
        now = datetime(2026, 12, 1, 8, tzinfo=SHANGHAI)
        page = ratings.figures(session, hall, NOVEMBER.start, NOVEMBER.end, "clerk", now)
    assert {
        line["key"]: (line["rated"], line["satisfied_rate"], line["bad"]) for line in page["lines"]
    } == {line["key"]: tuple(line["ratings"].values()) for line in figures["clerks"]}
    assert all(line["ratings"]["rated"] > 0 for line in figures["clerks"])
    window1 = next(line for line in figures["clerks"] if line["key"] == "window1")
    assert window1["ratings"]["bad"] == 1
    # AND each clerk held their window about 8½ hours a day, 80–100 minutes of it paused
    for clerk in figures["clerks"]:
        duty = clerk["duty"]
        assert 21 * 8 * 60 <= duty["on_duty_minutes"] <= 21 * 9 * 60, clerk["key"]
        assert 21 * 70 <= duty["paused_minutes"] <= 21 * 100, clerk["key"]
        assert duty["idle_minutes"] < duty["on_duty_minutes"] - duty["paused_minutes"]


def count_by(session: Any, column: Any) -> dict[str, int]:
    return {
        value: count
        for value, count in session.execute(select(column, func.count()).group_by(column))
    }


def first_call_waits(events: list[Any]) -> list[float]:
    issued: dict[int, datetime] = {}
    waits: dict[int, float] = defaultdict(float)
    for ticket_id, kind, at in events:
        if kind == "issued":
            issued[ticket_id] = at
        elif kind == "called" and ticket_id not in waits:
            waits[ticket_id] = (at - issued[ticket_id]).total_seconds()
    return list(waits.values())


def summary(api: Api, query: str, *, as_: str = "leader", language: str = "zh") -> Any:
    return api.get(f"/api/v1/reports/summary?{query}", as_=as_, language=language)


def test_todays_figures_are_live_and_a_clerk_sees_only_their_own(
    api: Api, clock: FixedClock
) -> None:
    # GIVEN today: an invoice served at window 1 by window1 after a 6-minute wait and 4
    # minutes' service, and a registration still waiting
    api.window(1, "open")
    assert api.issue("invoice").status_code == 201
    assert api.issue("registration").status_code == 201
    clock.advance(timedelta(minutes=6))
    assert api.window(1, "call-next", as_="window1").status_code == 200
    api.window(1, "start")
    clock.advance(timedelta(minutes=4))
    api.window(1, "finish")
    # WHEN the leader asks for today's report
    response = summary(api, "period=day")
    # THEN both tickets, the invoice served by window1 (the events' staff:window1)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert (report["total"]["tickets"], report["total"]["outcomes"]["open"]) == (2, 1)
    assert report["total"]["wait"]["mean"] == 6.0
    assert report["total"]["service"]["median"] == 4
    assert [(line["key"], line["parts"]) for line in report["clerks"]] == [("window1", 1)]
    # AND window1 has held window 1 for the ten minutes since it opened, four of them serving
    assert report["clerks"][0]["duty"] == {
        "on_duty_minutes": 10,
        "paused_minutes": 0,
        "idle_minutes": 6,
    }
    # AND the leader's wall has today so far, and who holds window 1
    wall = api.get("/api/v1/reports/today", as_="leader").get_json()
    assert (wall["today"]["tickets"], wall["today"]["done"]) == (2, 1)
    assert wall["last_week"]["tickets"] == 0
    assert wall["clerks"] == {"1": "window1"}
    assert wall["hours"] == [{"hour": 10, "today": 2, "last_week": 0}]
    # AND window1 sees the figures of their own work; window2 sees none of it
    own = summary(api, "period=day", as_="window1").get_json()
    assert (own["scope"]["clerk"], own["total"]["parts"]) == ("window1", 1)
    other = summary(api, "period=day", as_="window2").get_json()
    assert other["total"]["parts"] == 0
    # AND a clerk asking for another clerk's figures is refused in their language
    refused = summary(api, "period=day&clerk=window1", as_="window2")
    assert refused.status_code == 403
    assert refused.get_json()["message"] == "工作人员只能查看本人的统计。"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&from=2026-11-20&to=2026-11-01", "结束日期早于开始日期。"),
        ("period=custom&from=2025-11-01&to=2026-11-20", "报表最长统计 366 天。"),
        ("period=day&from=2026-11-31", "2026-11-31 不是有效日期，请按 2026-11-16 的格式填写。"),
        ("period=year", "请选择按日、按周、按月或自定义日期。"),
        ("service=passport", "未知业务 passport。"),
        ("window=99", "99号窗口不存在。"),
        ("clerk=nobody", "未知工作人员 nobody。"),
    ],
)
def test_a_bad_period_or_scope_is_a_clear_400(api: Api, query: str, message: str) -> None:
    response = summary(api, query)
    assert response.status_code == 400
    assert response.get_json()["message"] == message


def test_the_reports_page_is_the_leaders_with_the_halls_choices(api: Api) -> None:
    page = api.get("/console/reports", as_="leader")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "统计报表" in body
    assert '"code": "invoice"' in body
    assert '"username": "window1"' in body
    # AND a clerk is refused the page (their own figures come from the API)
    assert api.get("/console/reports", as_="window1").status_code == 403


def generated_week(app: Any) -> Database:
    """16–20 November (the week before the clock's Monday), 40 tickets a day, rolled up."""
    db: Database = app.extensions["hallq"].db
    with db.writing() as session, session.begin():
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == "demo")).one()
        write_history(
            session, hall, date(2026, 11, 16), date(2026, 11, 20), per_day=40, clerks=CLERKS
        )
        hall.business_day = date(2026, 11, 23)
    rollup.rebuild(db, "demo", Period(date(2026, 11, 16), date(2026, 11, 20)), datetime.now(UTC))
    return db


WEEK_QUERY = "period=week&from=2026-11-16"


def test_the_workbook_has_a_sheet_per_view_with_the_pages_numbers(app: Any, api: Api) -> None:
    # GIVEN a generated week, and the page's figures of it
    generated_week(app)
    figures = summary(api, WEEK_QUERY).get_json()
    # WHEN the leader downloads the workbook
    response = api.get(f"/console/reports.xlsx?{WEEK_QUERY}", as_="leader")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    # THEN a sheet per view, and the figures are the page's, as numbers
    assert book.sheetnames == [
        "汇总",
        "按业务",
        "按窗口",
        "按工作人员",
        "分时段",
        "按星期",
        "预约",
        "应急",
    ]
    summary_sheet = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary_sheet["取号数"] == figures["total"]["tickets"] == 200
    assert summary_sheet["平均等候（分钟）"] == figures["total"]["wait"]["mean"]
    assert summary_sheet["20分钟内叫号率（%）"] == round(
        figures["total"]["wait"]["within_target"] * 100, 1
    )
    services = list(book["按业务"].iter_rows(min_row=3, values_only=True))
    assert [(row[0], row[1], row[6]) for row in services] == [
        (line["name"], line["parts"], line["wait"]["mean"]) for line in figures["services"]
    ]
    clerks = list(book["按工作人员"].iter_rows(min_row=3, values_only=True))
    assert [row[1] for row in clerks] == [line["service"]["count"] for line in figures["clerks"]]
    assert all(
        isinstance(value, int | float) for row in services for value in row[1:] if value is not None
    )
    weekdays = list(book["按星期"].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in weekdays] == ["星期一", "星期二", "星期三", "星期四", "星期五"]


def test_the_ticket_rows_leave_personal_fields_out(app: Any, api: Api, clock: FixedClock) -> None:
    # GIVEN a generated week, and today a ticket issued with a phone number
    generated_week(app)
    assert api.issue("invoice", phone="13800138000").status_code == 201
    # WHEN the leader downloads the ticket rows of last week, then of today
    week = api.get(f"/console/reports/tickets.csv?{WEEK_QUERY}", as_="leader")
    today = api.get("/console/reports/tickets.csv?period=day", as_="leader")
    # THEN one row a part, with a byte-order mark for Excel, and no phone, ID or link
    assert week.status_code == 200
    text = week.get_data(as_text=True)
    assert text.startswith("\ufeff日期,号码,业务代码,业务名称,渠道")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    figures = summary(api, WEEK_QUERY).get_json()
    assert len(rows) == figures["total"]["parts"]
    assert list(rows[0]) == [label for _, label in exports.TICKET_COLUMNS]
    assert not {"电话", "手机", "纳税人识别号", "身份证"} & set(rows[0])
    mine = today.get_data(as_text=True)
    assert "B001" in mine
    assert "13800138000" not in mine


def test_the_day_sheet_names_the_day_its_peak_and_its_duty_leader(app: Any, api: Api) -> None:
    generated_week(app)
    page = api.get("/console/reports/day?from=2026-11-16", as_="leader")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "2026年11月16日 星期一" in text
    assert "高峰时段：" in text
    assert "当日无突发事件。" in text
    # AND a date that is none is refused in the page's language, changing nothing
    refused = api.get("/console/reports/day?from=2026-02-30", as_="leader")
    assert refused.status_code == 400
    assert "不是有效日期" in refused.get_data(as_text=True)


def test_the_hourly_and_staff_endpoints_are_the_summarys_parts(app: Any, api: Api) -> None:
    # GIVEN a generated week, and its whole report
    generated_week(app)
    whole = summary(api, WEEK_QUERY).get_json()
    # WHEN the bureau's dashboard reads its curves and its clerks
    curves = api.get(f"/api/v1/reports/hourly?{WEEK_QUERY}", as_="leader").get_json()
    clerks = api.get(f"/api/v1/reports/staff?{WEEK_QUERY}", as_="leader").get_json()
    # THEN they are the summary's own, for the same period
    assert (curves["from"], curves["to"]) == ("2026-11-16", "2026-11-22")
    assert {key: curves[key] for key in ("days", "hours", "weekdays")} == {
        key: whole[key] for key in ("days", "hours", "weekdays")
    }
    assert clerks["clerks"] == whole["clerks"]
    # AND a clerk reading /staff gets their own line only
    own = api.get(f"/api/v1/reports/staff?{WEEK_QUERY}", as_="window2").get_json()
    assert [line["key"] for line in own["clerks"]] == ["window2"]
    assert own["clerks"][0]["service"] == next(
        line["service"] for line in whole["clerks"] if line["key"] == "window2"
    )
