"""Report endpoints (SPEC §14), for the console's reports page and the bureau's dashboards.

``GET /reports/summary?period=&from=&to=&service=&window=&clerk=``  a period's figures: the
totals, a line per service, window and clerk, the hourly curve and the weekdays, bookings
and continuity; ``/reports/hourly`` the curves alone, ``/reports/staff`` the clerks alone
(same parameters); ``/reports/today`` the leader's wall.

Leaders and administrators see every figure; counter staff see their own only (their clerk
figures, whatever else they ask for).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from core.adapters import orm
from core.api import bp
from core.api.common import hall_code, json_response
from core.api.registry import operation
from core.api.schemas import Error
from core.domain.errors import Forbidden
from core.domain.hallday import business_day
from core.domain.reports import PERIOD_KINDS, Period
from core.runtime import runtime
from core.services import views
from core.services.access import Role
from core.services.reports import figures
from core.web.auth import current_principal, requires


class ReportQuery(BaseModel):
    """The period and the scope. The document lists the choices; the report's own rules
    check them, in the caller's language."""

    period: str = Field(
        default="day",
        max_length=10,
        description="day, week (Monday to Sunday) or month around `from`, or custom",
        json_schema_extra={"enum": list(PERIOD_KINDS)},
    )
    start: str | None = Field(
        default=None,
        alias="from",
        max_length=10,
        description="YYYY-MM-DD, hall-local; blank: today",
        json_schema_extra={"format": "date"},
    )
    to: str | None = Field(
        default=None,
        max_length=10,
        description="YYYY-MM-DD, the last day of a custom period",
        json_schema_extra={"format": "date"},
    )
    service: str | None = Field(default=None, max_length=40, description="one service's figures")
    window: int | None = Field(default=None, ge=1, le=999, description="one window's figures")
    clerk: str | None = Field(
        default=None, max_length=80, description="one clerk's (username); staff: always their own"
    )


class ReportTimes(BaseModel):
    count: int
    mean: float | None = Field(description="minutes")
    median: int | None = Field(description="whole minutes (nearest rank)")
    p90: int | None = Field(description="whole minutes (nearest rank)")
    max: float | None = Field(description="minutes")


class ReportWait(ReportTimes):
    within_target: float | None = Field(description="share called within the hall's target")


class ReportFigures(BaseModel):
    tickets: int = Field(description="tickets issued")
    parts: int = Field(description="stays in a queue: tickets and transfers into it")
    green: int
    recalls: int
    no_shows: int = Field(description="过号 calls (a ticket may miss more than one)")
    on_screen: int = Field(description="kiosk tickets shown on screen: no paper came out")
    overtime_minutes: int = Field(description="service after the hall's closing (延时服务)")
    outcomes: dict[str, int] = Field(
        description="done, transferred, no_show, cancelled, expired, open"
    )
    channels: dict[str, int] = Field(description="kiosk, guide, paper, appointment, transfer")
    wait: ReportWait = Field(description="from entering the queue to the first call there")
    service: ReportTimes = Field(description="from the start to the finish or transfer")


class ReportLine(ReportFigures):
    key: str | int
    name: str


class ReportDuty(BaseModel):
    on_duty_minutes: int = Field(description="holding a window, open or paused")
    paused_minutes: int
    idle_minutes: int = Field(description="on duty, neither paused nor serving")


class ReportClerkRatings(BaseModel):
    rated: int
    satisfied_rate: float | None = Field(description="满意率, %")
    bad: int = Field(description="差评")


class ReportClerk(ReportLine):
    duty: ReportDuty
    ratings: ReportClerkRatings


class ReportIncidents(BaseModel):
    kind: str
    count: int
    minutes: int = Field(description="time with at least one incident of the kind open")


class ReportAnswered(BaseModel):
    count: int
    done: int = Field(description="backfilled (register records) or answered (follow-ups)")
    mean_hours: float | None


class ReportContinuity(BaseModel):
    incidents: list[ReportIncidents]
    modes: dict[str, int] = Field(description="minutes in each degraded mode")
    registers: ReportAnswered
    follow_ups: ReportAnswered


class ReportHour(BaseModel):
    hour: int
    arrivals: int
    per_day: float
    wait_mean: float | None


class ReportWeekday(BaseModel):
    weekday: int = Field(description="0 Monday … 6 Sunday")
    days: int
    arrivals: int
    per_day: float
    wait_mean: float | None


class ReportView(BaseModel):
    start: str = Field(alias="from")
    to: str
    days: int = Field(description="business days with tickets")
    target_minutes: int
    scope: dict[str, Any]
    total: ReportFigures
    services: list[ReportLine]
    windows: list[ReportLine]
    clerks: list[ReportClerk]
    hours: list[ReportHour]
    weekdays: list[ReportWeekday]
    appointments: dict[str, int] = Field(
        description="bookings by state: booked, checked_in, late, no_show, cancelled"
    )
    continuity: ReportContinuity


def period_and_scope(params: ReportQuery) -> tuple[Period, figures.Scope]:
    """The period asked for, and the scope the caller may see: staff their own figures."""
    rt = runtime()
    with rt.db.read_session() as session:
        hall = views.hall_by_code(session, hall_code())
        today = business_day(rt.clock.now(), ZoneInfo(hall.timezone))
    period = Period.of(params.period, params.start, params.to, today)
    principal = current_principal()
    clerk = params.clerk or None
    if principal is not None and not principal.at_least(Role.LEADER):
        if clerk not in (None, principal.name):
            raise Forbidden("report.own_only")
        clerk = principal.name
    return period, figures.Scope(params.service or None, params.window, clerk)


class ReportCurves(BaseModel):
    start: str = Field(alias="from")
    to: str
    target_minutes: int
    scope: dict[str, Any]
    days: int = Field(description="business days with tickets")
    hours: list[ReportHour]
    weekdays: list[ReportWeekday]


class ReportStaff(BaseModel):
    start: str = Field(alias="from")
    to: str
    target_minutes: int
    scope: dict[str, Any]
    clerks: list[ReportClerk]


@operation(
    bp,
    "GET",
    "/reports/summary",
    summary="A period's figures: totals, per service, window and clerk, per hour and weekday.",
    tag="reports",
    query=ReportQuery,
    responses={
        200: ("The report", ReportView),
        400: ("Invalid period or scope", Error),
        403: ("Staff asking for another clerk's figures", Error),
    },
)
@requires(Role.STAFF)
def report_summary(params: ReportQuery) -> Response:
    return _answer(figures.report, params)


@operation(
    bp,
    "GET",
    "/reports/hourly",
    summary="A period's peak curve: arrivals a day and the mean wait per hour and weekday.",
    tag="reports",
    query=ReportQuery,
    responses={
        200: ("The curves", ReportCurves),
        400: ("Invalid period or scope", Error),
        403: ("Staff asking for another clerk's figures", Error),
    },
)
@requires(Role.STAFF)
def report_hourly(params: ReportQuery) -> Response:
    return _answer(figures.hourly, params)


@operation(
    bp,
    "GET",
    "/reports/staff",
    summary="A period's figures per clerk (绩效考核): served, service times, recalls and "
    "no-shows, time on duty, paused and idle, 延时服务, 满意率 and 差评.",
    tag="reports",
    query=ReportQuery,
    responses={
        200: ("The clerks", ReportStaff),
        400: ("Invalid period or scope", Error),
        403: ("Staff asking for another clerk's figures", Error),
    },
)
@requires(Role.STAFF)
def report_staff(params: ReportQuery) -> Response:
    return _answer(figures.staff, params)


def _answer(
    read: Callable[[Session, orm.Hall, Period, figures.Scope, datetime], dict[str, Any]],
    params: ReportQuery,
) -> Response:
    period, scope = period_and_scope(params)
    rt, code, now = runtime(), hall_code(), runtime().clock.now()

    def work() -> dict[str, Any]:
        with rt.db.long_read() as session:
            return read(session, views.hall_by_code(session, code), period, scope, now)

    return json_response(rt.off_loop(work))


class WallFigures(BaseModel):
    tickets: int
    done: int
    no_show: int
    wait_mean: float | None = Field(description="minutes")
    service_mean: float | None = Field(description="minutes")


class WallHour(BaseModel):
    hour: int
    today: int
    last_week: int


class WallView(BaseModel):
    day: str
    today: WallFigures
    last_week_day: str
    last_week: WallFigures = Field(
        description="the same weekday last week, tickets that arrived by the end of this hour"
    )
    hours: list[WallHour] = Field(description="arrivals per hour, today and last week")
    clerks: dict[str, str] = Field(description="window number → the name of who holds it")


@operation(
    bp,
    "GET",
    "/reports/today",
    summary="The leader's wall: today so far against the same weekday last week, and who "
    "holds each window.",
    tag="reports",
    responses={200: ("Today", WallView)},
)
@requires(Role.LEADER)
def report_today() -> Response:
    rt, code, now = runtime(), hall_code(), runtime().clock.now()

    def work() -> dict[str, Any]:
        with rt.db.long_read() as session:
            hall = views.hall_by_code(session, code)
            return figures.today_against_last_week(session, hall, now)

    return json_response(rt.off_loop(work))
