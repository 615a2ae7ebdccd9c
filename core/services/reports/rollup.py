"""The reports' daily rollup: a closed day's cells, spreads and clerks' duties worked out
from the tickets' and windows' histories (`core.domain.reports`) and kept; a closed month's
spreads summed. The hub's day check keeps each closed day (`roll_up_closed_days`),
``hallq reports rebuild`` redoes a period; `work_out` gives the same for any day on the spot."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, delete, exists, func, insert, literal, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.db import Database
from core.domain.reports import (
    Part,
    Period,
    Rollup,
    Step,
    WindowChange,
    parts_of,
)
from core.halls import hours_of
from core.services.views import hall_by_code

CELLS, SPREADS, DUTIES = orm.report_cells, orm.report_spreads, orm.report_duties
MONTHS = orm.report_spread_months
DIMENSIONS = ("service", "window", "clerk")
"""What a report is cut by (and a scope narrows to); also ``hour`` and ``day``."""
COLUMNS = {"day": "business_day"}
"""A cell's field → the rollup's column, where their names differ."""


def work_out(
    session: Session, hall: orm.Hall, start: date, end: date, now: datetime, *, rolled: bool
) -> Rollup:
    """The cells, spreads and duties of the business days from `start` to `end`, from the
    tickets' and windows' histories as they stand `now`; with `rolled` False, only of the
    days not in the rollup."""
    if rolled:
        days = orm.Ticket.business_day.between(start, end)
    else:  # the days not kept, found first: one index lookup a day, not a probe a ticket
        kept = set(
            session.scalars(
                select(orm.ReportDay.business_day).where(
                    orm.ReportDay.hall_id == hall.id,
                    orm.ReportDay.business_day.between(start, end),
                )
            )
        )
        every = (start + timedelta(days=offset) for offset in range((end - start).days + 1))
        days = orm.Ticket.business_day.in_([day for day in every if day not in kept])
    tickets = tickets_and_parts(session, hall, [days])
    zone, hours = ZoneInfo(hall.timezone), hours_of(hall.settings or {})
    closing = {
        day: datetime.combine(day, hours.closes, tzinfo=zone)
        for day in {row.business_day for row, _ in tickets}
    }
    rollup = Rollup()
    last: dict[tuple[date, int], datetime] = {}  # the last service's end at each window
    for row, parts in tickets:
        for part in parts:
            rollup.count(row.business_day, part, zone, closing[row.business_day])
            if part.window is not None and part.ended is not None:
                key = (row.business_day, part.window)
                last[key] = max(last.get(key, part.ended), part.ended)
    for day, changes in _window_changes(session, hall, closing, zone).items():
        ends = {
            number: min(now, max(closing[day], last.get((day, number), closing[day])))
            for number in {change.window for change in changes}
        }
        rollup.count_duties(day, changes, ends)
    return rollup


ON_SCREEN = ("none", "failed")
"""A kiosk ticket's print states that mean no paper came out: it was shown on screen."""


def tickets_and_parts(
    session: Session, hall: orm.Hall, days: Sequence[ColumnElement[bool]]
) -> list[tuple[Any, list[Part]]]:
    """Each ticket whose business day meets `days` (its row: id, business day, number,
    service, channel, green, print state), with its history folded into parts, in the
    order they were issued. No personal field is read."""
    ticket, event = orm.Ticket, orm.TicketEvent
    tickets = {
        row.id: row
        for row in session.execute(
            select(
                ticket.id,
                ticket.business_day,
                ticket.number,
                ticket.service,
                ticket.channel,
                ticket.green,
                ticket.print_state,
            ).where(ticket.hall_id == hall.id, *days)
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
        .where(ticket.hall_id == hall.id, *days)
        .order_by(event.ticket_id, event.id)
    ):
        history[row.ticket_id].append(Step(*row[1:]))
    result = []
    for ticket_id, steps in history.items():
        row = tickets[ticket_id]
        parts = parts_of(steps, service=row.service, channel=row.channel, green=row.green)
        if parts and row.channel == "kiosk" and row.print_state in ON_SCREEN:
            parts[0].on_screen = True
        result.append((row, parts))
    return result


def _window_changes(
    session: Session, hall: orm.Hall, closing: dict[date, datetime], zone: ZoneInfo
) -> dict[date, list[WindowChange]]:
    """The windows' changes on each of the days of `closing`, by the hall's local date."""
    if not closing:
        return {}
    first, last = min(closing), max(closing)
    found: dict[date, list[WindowChange]] = defaultdict(list)
    for row in session.execute(
        select(
            orm.WindowEvent.window, orm.WindowEvent.state, orm.WindowEvent.staff, orm.WindowEvent.at
        )
        .where(
            orm.WindowEvent.hall_id == hall.id,
            orm.WindowEvent.at >= datetime.combine(first, time(0), tzinfo=zone),
            orm.WindowEvent.at < datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone),
        )
        .order_by(orm.WindowEvent.id)
    ):
        day = row.at.astimezone(zone).date()
        if day in closing:
            found[day].append(WindowChange(*row))
    return found


def store_day(session: Session, hall: orm.Hall, day: date, now: datetime) -> None:
    """Work a day out from its histories and keep it in the rollup, replacing what was kept."""
    for table in (CELLS, SPREADS, DUTIES):
        session.execute(
            delete(table).where(table.c.hall_id == hall.id, table.c.business_day == day)
        )
    session.execute(
        delete(orm.ReportDay).where(
            orm.ReportDay.hall_id == hall.id, orm.ReportDay.business_day == day
        )
    )
    _forget_month(session, hall, day.replace(day=1))  # its sum is stale now
    rollup = work_out(session, hall, day, day, now, rolled=True)
    rows = {
        CELLS: [_row(hall, key, **sums.values()) for key, sums in rollup.cells.items()],
        SPREADS: [_row(hall, key, count=count) for key, count in rollup.spreads.items()],
        DUTIES: [_row(hall, key, **asdict(duty)) for key, duty in rollup.duties.items()],
    }
    for table, values in rows.items():
        if values:
            session.execute(insert(table), values)
    session.add(orm.ReportDay(hall_id=hall.id, business_day=day, rolled_at=now))


def roll_up_closed_days(db: Database, now: datetime, *, limit: int = 1) -> list[date]:
    """Keep up to `limit` closed days (before the hall's current business day, whose open
    tickets the day close has expired) in the rollup, oldest first, then sum a closed month
    whose days are all kept; the hub runs it with its day check, a day at a time so that a
    backlog never holds the hub up. Returns the days."""
    rolled: list[date] = []
    with db.writing() as session, session.begin():
        for hall in session.scalars(select(orm.Hall).where(orm.Hall.business_day.is_not(None))):
            latest = session.scalar(
                select(func.max(orm.ReportDay.business_day)).where(orm.ReportDay.hall_id == hall.id)
            )
            days = session.scalars(
                select(orm.Ticket.business_day)
                .where(
                    orm.Ticket.hall_id == hall.id,
                    orm.Ticket.business_day < hall.business_day,
                    orm.Ticket.business_day > (latest or date.min),
                )
                .group_by(orm.Ticket.business_day)
                .order_by(orm.Ticket.business_day)
                .limit(limit - len(rolled))
            ).all()
            for day in days:
                store_day(session, hall, day, now)
            rolled += days
            _sum_months(session, hall, now, limit=1)
            if len(rolled) >= limit:
                break
    return rolled


def _sum_months(session: Session, hall: orm.Hall, now: datetime, *, limit: int) -> None:
    """Sum up to `limit` closed months (oldest first) whose days are all kept and that are
    not summed yet."""
    assert hall.business_day is not None
    this_month = hall.business_day.replace(day=1)
    kept = set(
        session.scalars(
            select(orm.ReportDay.business_day).where(
                orm.ReportDay.hall_id == hall.id, orm.ReportDay.business_day < this_month
            )
        )
    )
    summed = session.scalars(
        select(orm.ReportMonth.month).where(orm.ReportMonth.hall_id == hall.id)
    )
    for month in sorted({day.replace(day=1) for day in kept} - set(summed)):
        with_tickets = session.scalars(
            select(orm.Ticket.business_day)
            .where(
                orm.Ticket.hall_id == hall.id,
                orm.Ticket.business_day.between(month, month_end(month)),
            )
            .distinct()
        )
        if set(with_tickets) <= kept:
            store_month(session, hall, month, now)
            limit -= 1
            if limit == 0:
                return


def store_month(session: Session, hall: orm.Hall, month: date, now: datetime) -> None:
    """Sum a month's kept spreads into ``report_spread_months`` (in the database)."""
    _forget_month(session, hall, month)
    columns = ("measure", *DIMENSIONS, "minute")
    session.execute(
        insert(MONTHS).from_select(
            ["hall_id", "month", *columns, "count"],
            select(
                SPREADS.c.hall_id,
                literal(month, Date),
                *(SPREADS.c[name] for name in columns),
                func.sum(SPREADS.c.count),
            )
            .where(
                SPREADS.c.hall_id == hall.id,
                SPREADS.c.business_day.between(month, month_end(month)),
            )
            .group_by(SPREADS.c.hall_id, *(SPREADS.c[name] for name in columns)),
        )
    )
    session.add(orm.ReportMonth(hall_id=hall.id, month=month, rolled_at=now))


def _forget_month(session: Session, hall: orm.Hall, month: date) -> None:
    session.execute(delete(MONTHS).where(MONTHS.c.hall_id == hall.id, MONTHS.c.month == month))
    session.execute(
        delete(orm.ReportMonth).where(
            orm.ReportMonth.hall_id == hall.id, orm.ReportMonth.month == month
        )
    )


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def rebuild(db: Database, hall_code: str, period: Period, now: datetime) -> int:
    """Work the closed days of `period` out again from the events (``hallq reports
    rebuild``), and sum their closed months again. Returns how many days are kept."""
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
        _sum_months(session, hall, now, limit=len(days) + 1)
        return len(days)


def _row(hall: orm.Hall, key: Any, **values: Any) -> dict[str, Any]:
    """A rollup row: the hall, a key's fields in their columns, and the values."""
    where = {COLUMNS.get(name, name): value for name, value in asdict(key).items()}
    return {"hall_id": hall.id, **where, **values}


def _rolled(hall: orm.Hall, day: Any) -> ColumnElement[bool]:
    return exists().where(orm.ReportDay.hall_id == hall.id, orm.ReportDay.business_day == day)
