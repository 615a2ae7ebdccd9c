"""The ticket-level export: a row per part of each ticket, without a personal field."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.adapters import orm
from core.adapters.db import Database
from core.domain.reports import (
    CellKey,
    Part,
    Period,
)
from core.services.reports.figures import Scope, names
from core.services.reports.rollup import tickets_and_parts
from core.services.views import hall_by_code

TICKET_COLUMNS = (
    ("day", "日期"),
    ("number", "号码"),
    ("service", "业务代码"),
    ("service_name", "业务名称"),
    ("channel", "渠道"),
    ("green", "绿色通道"),
    ("arrived", "进入队列"),
    ("called", "首次叫号"),
    ("started", "开始办理"),
    ("ended", "结束"),
    ("window", "窗口"),
    ("clerk", "工作人员"),
    ("outcome", "结果"),
    ("wait_s", "等候(秒)"),
    ("service_s", "办理(秒)"),
    ("recalls", "重呼"),
    ("no_shows", "过号"),
)
"""The ticket-level export: one row per part, and no personal field (no phone, no taxpayer
ID, no ticket link)."""


def ticket_rows(
    db: Database, hall_code: str, period: Period, scope: Scope
) -> Iterator[dict[str, Any]]:
    """The period's parts in the scope, a day at a time (a year never sits in memory)."""
    day = period.start
    while day <= period.end:
        with db.read_session() as session:
            hall = hall_by_code(session, hall_code)
            zone = ZoneInfo(hall.timezone)
            services = names(session, hall)["service"]
            found = tickets_and_parts(session, hall, [orm.Ticket.business_day == day])
        for row, parts in sorted(found, key=lambda item: item[0].id):
            for part in parts:
                key = CellKey(day, 0, part.service, part.window, part.clerk)
                if scope.holds(key):
                    yield _ticket_row(row, part, zone, services)
        day += timedelta(days=1)


def _ticket_row(row: Any, part: Part, zone: ZoneInfo, names: dict[Any, str]) -> dict[str, Any]:
    def clock(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%H:%M:%S") if at else ""

    return {
        "day": row.business_day.isoformat(),
        "number": row.number,
        "service": part.service,
        "service_name": names.get(part.service, part.service),
        "channel": part.channel,
        "green": int(part.green),
        "arrived": clock(part.arrived),
        "called": clock(part.called),
        "started": clock(part.started),
        "ended": clock(part.ended),
        "window": part.window or "",
        "clerk": part.clerk or "",
        "outcome": part.outcome,
        "wait_s": "" if part.wait is None else part.wait,
        "service_s": "" if part.service_time is None else part.service_time,
        "recalls": part.recalls,
        "no_shows": part.no_shows,
    }
