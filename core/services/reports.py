"""Reports (SPEC §14): a period's figures for the hall and per service, window, clerk, hour
and weekday (`core.domain.reports`).

Closed days are read from the daily rollup (`roll_up_closed_days` fills it after the day
close; ``hallq reports rebuild`` redoes it); the days not in it — today, or history not yet
rolled up — are worked out from their events on the spot. Either way the same cells.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.db import Database
from core.domain.errors import InvalidInput
from core.domain.reports import (
    SUM_FIELDS,
    CellKey,
    Period,
    Rollup,
    SpreadKey,
    Step,
    Sums,
    figures,
    parts_of,
)
from core.halls import reports_of
from core.services.views import hall_by_code

CELLS, SPREADS = orm.report_cells, orm.report_spreads
DIMENSIONS = ("service", "window", "clerk")
"""What a report is cut by (and a scope narrows to); also ``hour`` and ``day``."""
COLUMNS = {"day": "business_day"}
"""A cell's field → the rollup's column, where their names differ."""


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole hall, or one service, window or clerk (or a mix)."""

    service: str | None = None
    window: int | None = None
    clerk: str | None = None

    def check(self, session: Session, hall: orm.Hall) -> None:
        """Refuse a service, window or clerk the hall has never had (`InvalidInput`)."""
        known = {
            "service": select(orm.Service.id).where(
                orm.Service.hall_id == hall.id, orm.Service.code == self.service
            ),
            "window": select(orm.Window.id).where(
                orm.Window.hall_id == hall.id, orm.Window.number == self.window
            ),
            "clerk": select(orm.Staff.id).where(orm.Staff.username == self.clerk),
        }
        for name, query in known.items():
            value = getattr(self, name)
            if value is not None and session.scalar(query) is None:
                raise InvalidInput(f"report.unknown_{name}", field=name, value=str(value)[:40])

    def holds(self, key: CellKey | SpreadKey) -> bool:
        return all(
            getattr(self, name) is None or getattr(self, name) == getattr(key, name)
            for name in DIMENSIONS
        )

    def where(self, table: Any) -> list[ColumnElement[bool]]:
        return [
            table.c[name] == getattr(self, name)
            for name in DIMENSIONS
            if getattr(self, name) is not None
        ]


# ---------------------------------------------------------------- from the events


def work_out(session: Session, hall: orm.Hall, days: ColumnElement[bool]) -> Rollup:
    """The cells and spreads of the tickets whose business day meets `days` (a condition
    on ``tickets.business_day``), from their events."""
    ticket, event = orm.Ticket, orm.TicketEvent
    tickets = {
        row.id: row
        for row in session.execute(
            select(
                ticket.id, ticket.business_day, ticket.service, ticket.channel, ticket.green
            ).where(ticket.hall_id == hall.id, days)
        )
    }
    history: dict[int, list[Step]] = defaultdict(list)
    for row in session.execute(
        select(
            event.ticket_id,
            event.kind,
            event.from_state,
            event.to_state,
            event.at,
            event.window,
            event.actor,
            event.detail,
        )
        .join(ticket, ticket.id == event.ticket_id)
        .where(ticket.hall_id == hall.id, days)
        .order_by(event.ticket_id, event.id)
    ):
        history[row.ticket_id].append(Step(*row[1:]))
    zone = ZoneInfo(hall.timezone)
    rollup = Rollup()
    for ticket_id, steps in history.items():
        row = tickets[ticket_id]
        for part in parts_of(steps, service=row.service, channel=row.channel, green=row.green):
            rollup.count(row.business_day, part, zone)
    return rollup


# ---------------------------------------------------------------- the rollup


def store_day(session: Session, hall: orm.Hall, day: date, now: datetime) -> None:
    """Work a day out from its events and keep it in the rollup, replacing what was kept."""
    for table in (CELLS, SPREADS):
        session.execute(
            delete(table).where(table.c.hall_id == hall.id, table.c.business_day == day)
        )
    session.execute(
        delete(orm.ReportDay).where(
            orm.ReportDay.hall_id == hall.id, orm.ReportDay.business_day == day
        )
    )
    rollup = work_out(session, hall, orm.Ticket.business_day == day)
    if rollup.cells:
        session.execute(
            insert(CELLS),
            [
                {
                    "hall_id": hall.id,
                    "business_day": key.day,
                    "hour": key.hour,
                    "service": key.service,
                    "window": key.window,
                    "clerk": key.clerk,
                    **sums.values(),
                }
                for key, sums in rollup.cells.items()
            ],
        )
    if rollup.spreads:
        session.execute(
            insert(SPREADS),
            [
                {
                    "hall_id": hall.id,
                    "business_day": key.day,
                    "measure": key.measure,
                    "service": key.service,
                    "window": key.window,
                    "clerk": key.clerk,
                    "minute": key.minute,
                    "count": count,
                }
                for key, count in rollup.spreads.items()
            ],
        )
    session.add(orm.ReportDay(hall_id=hall.id, business_day=day, rolled_at=now))


def roll_up_closed_days(db: Database, now: datetime, *, limit: int = 1) -> list[date]:
    """Keep up to `limit` closed days (before the hall's current business day, whose open
    tickets the day close has expired) in the rollup, oldest first; the hub runs it with its
    day check, a day at a time so that a backlog never holds the hub up. Returns them."""
    rolled: list[date] = []
    with db.writing() as session, session.begin():
        for hall in session.scalars(select(orm.Hall).where(orm.Hall.business_day.is_not(None))):
            days = session.scalars(
                select(orm.Ticket.business_day)
                .where(
                    orm.Ticket.hall_id == hall.id,
                    orm.Ticket.business_day < hall.business_day,
                    ~_rolled(hall, orm.Ticket.business_day),
                )
                .group_by(orm.Ticket.business_day)
                .order_by(orm.Ticket.business_day)
                .limit(limit - len(rolled))
            ).all()
            for day in days:
                store_day(session, hall, day, now)
            rolled += days
            if len(rolled) >= limit:
                break
    return rolled


def rebuild(db: Database, hall_code: str, period: Period, now: datetime) -> int:
    """Work the closed days of `period` out again from the events (``hallq reports
    rebuild``). Returns how many days are kept."""
    with db.writing() as session, session.begin():
        hall = hall_by_code(session, hall_code)
        if hall.business_day is None:  # no day has begun, so none has closed
            return 0
        days = session.scalars(
            select(orm.Ticket.business_day)
            .where(
                orm.Ticket.hall_id == hall.id,
                orm.Ticket.business_day.between(period.start, period.end),
                orm.Ticket.business_day < hall.business_day,
            )
            .group_by(orm.Ticket.business_day)
        ).all()
        for day in days:
            store_day(session, hall, day, now)
        return len(days)


def _keys(table: Any, by: str | None) -> list[Any]:
    """What to group the rollup's rows by: `by`'s column, or nothing for a total."""
    return [table.c[COLUMNS.get(by, by)]] if by else []


def _rolled(hall: orm.Hall, day: Any) -> ColumnElement[bool]:
    return exists().where(orm.ReportDay.hall_id == hall.id, orm.ReportDay.business_day == day)


# ---------------------------------------------------------------- a period's figures


class Source:
    """A period's cells in a scope: the rollup's rows and, for the days not in it, the
    cells worked out from the events. Cut by a dimension, both add up the same way."""

    def __init__(self, session: Session, hall: orm.Hall, period: Period, scope: Scope) -> None:
        self.session, self.hall, self.scope = session, hall, scope
        self.live = work_out(
            session,
            hall,
            and_(
                orm.Ticket.business_day.between(period.start, period.end),
                ~_rolled(hall, orm.Ticket.business_day),
            ),
        )
        self.period = period

    def kept(self, table: Any) -> list[ColumnElement[bool]]:
        """The rollup's rows of the period in the scope."""
        return [
            table.c.hall_id == self.hall.id,
            table.c.business_day.between(self.period.start, self.period.end),
            *self.scope.where(table),
        ]

    def sums(self, by: str | None) -> dict[Any, Sums]:
        """The sums per value of `by` (a cell's field; None: one total under None)."""
        keys = _keys(CELLS, by)
        totals = [
            (func.max if name.endswith("_max") else func.sum)(CELLS.c[name]) for name in SUM_FIELDS
        ]
        result: dict[Any, Sums] = defaultdict(Sums)
        for row in self.session.execute(
            select(*keys, *totals).where(*self.kept(CELLS)).group_by(*keys)
        ):
            numbers = row[len(keys) :]
            result[row[0] if keys else None].add(Sums(*(int(number or 0) for number in numbers)))
        for cell, sums in self.live.cells.items():
            if self.scope.holds(cell):
                result[getattr(cell, by) if by else None].add(sums)
        return dict(result)

    def spreads(self, measure: str, by: str | None) -> dict[Any, Counter[int]]:
        """The spread of `measure` (``wait``, ``service``) per value of `by`."""
        keys = _keys(SPREADS, by)
        result: dict[Any, Counter[int]] = defaultdict(Counter)
        for *value, minute, count in self.session.execute(
            select(*keys, SPREADS.c.minute, func.sum(SPREADS.c.count))
            .where(*self.kept(SPREADS), SPREADS.c.measure == measure)
            .group_by(*keys, SPREADS.c.minute)
        ):
            result[value[0] if keys else None][minute] += int(count)
        for spread, count in self.live.spreads.items():
            if spread.measure == measure and self.scope.holds(spread):
                result[getattr(spread, by) if by else None][spread.minute] += count
        return dict(result)

    def figures(self, by: str | None, target: int) -> dict[Any, dict[str, Any]]:
        waits, services = self.spreads("wait", by), self.spreads("service", by)
        return {
            value: figures(sums, waits.get(value, {}), services.get(value, {}), target)
            for value, sums in self.sums(by).items()
        }


def report(session: Session, hall: orm.Hall, period: Period, scope: Scope) -> dict[str, Any]:
    """Everything the reports page shows of a period: the totals, a line per service,
    window and clerk, the hourly curve and the weekdays."""
    scope.check(session, hall)
    target = reports_of(hall.settings or {}).wait_target_minutes
    source = Source(session, hall, period, scope)
    names = _names(session, hall)
    total = source.figures(None, target).get(None) or figures(Sums(), {}, {}, target)

    def lines(by: str, label: Callable[[Any], str]) -> list[dict[str, Any]]:
        found = source.figures(by, target)
        return [
            {"key": value, "name": label(value), **found[value]}
            for value in sorted((value for value in found if value is not None), key=str)
        ]

    by_day = source.sums("day")
    open_days = len(by_day)
    hours = source.sums("hour")
    weekdays: dict[int, list[tuple[date, Sums]]] = defaultdict(list)
    for day, sums in by_day.items():
        weekdays[day.weekday()].append((day, sums))
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "days": open_days,
        "target_minutes": target,
        "scope": {name: getattr(scope, name) for name in DIMENSIONS},
        "total": total,
        "services": lines("service", lambda code: names["service"].get(code, code)),
        "windows": lines("window", lambda number: names["window"].get(number, str(number))),
        "clerks": lines("clerk", lambda username: names["clerk"].get(username, username)),
        "hours": [
            {
                "hour": hour,
                "arrivals": sums.parts,
                "per_day": round(sums.parts / open_days, 1),
                "wait_mean": _mean(sums.wait_sum, sums.waited),
            }
            for hour, sums in sorted(hours.items())
        ],
        "weekdays": [
            {
                "weekday": weekday,
                "days": len(days),
                "arrivals": sum(sums.parts for _, sums in days),
                "per_day": round(sum(sums.parts for _, sums in days) / len(days), 1),
                "wait_mean": _mean(
                    sum(sums.wait_sum for _, sums in days), sum(sums.waited for _, sums in days)
                ),
            }
            for weekday, days in sorted(weekdays.items())
        ],
    }


def _mean(seconds: int, count: int) -> float | None:
    return round(seconds / count / 60, 1) if count else None


def _names(session: Session, hall: orm.Hall) -> dict[str, dict[Any, str]]:
    return {
        "service": {
            code: name
            for code, name in session.execute(
                select(orm.Service.code, orm.Service.name_zh).where(orm.Service.hall_id == hall.id)
            )
        },
        "window": {
            number: name or str(number)
            for number, name in session.execute(
                select(orm.Window.number, orm.Window.name).where(orm.Window.hall_id == hall.id)
            )
        },
        "clerk": {
            username: name or username
            for username, name in session.execute(
                select(orm.Staff.username, orm.Staff.display_name)
            )
        },
    }
