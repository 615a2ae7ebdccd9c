"""Reports (SPEC §14): a period's figures for the hall and per service, window, clerk, hour
and weekday (`core.domain.reports`).

Closed days are read from the daily rollup (`roll_up_closed_days` fills it after the day
close; ``hallq reports rebuild`` redoes it); the days not in it — today, or history not yet
rolled up — are worked out from their events on the spot. Either way the same cells.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, delete, exists, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.db import Database
from core.domain.errors import InvalidInput
from core.domain.reports import (
    MEASURES,
    SUM_FIELDS,
    CellKey,
    Duty,
    Part,
    Period,
    Rollup,
    SpreadKey,
    Step,
    Sums,
    WindowChange,
    covered,
    figures,
    parts_of,
)
from core.halls import hours_of, reports_of
from core.services import ratings
from core.services.views import hall_by_code

CELLS, SPREADS, DUTIES = orm.report_cells, orm.report_spreads, orm.report_duties
MONTHS = orm.report_spread_months
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


# ---------------------------------------------------------------- the rollup


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
                orm.Ticket.business_day.between(month, _month_end(month)),
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
                SPREADS.c.business_day.between(month, _month_end(month)),
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


def _month_end(month: date) -> date:
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


# ---------------------------------------------------------------- a period's figures


class Source:
    """A period's cells in a scope: the rollup's rows and, for the days not in it, the
    cells worked out from the events. Cut by a dimension, both add up the same way."""

    def __init__(
        self, session: Session, hall: orm.Hall, period: Period, scope: Scope, now: datetime
    ) -> None:
        self.session, self.hall, self.scope = session, hall, scope
        self.live = work_out(session, hall, period.start, period.end, now, rolled=False)
        self.period = period
        self.read_spreads: dict[str, dict[tuple[Any, ...], Counter[int]]] = {}

    def kept(self, table: Any) -> list[ColumnElement[bool]]:
        """The rollup's rows of the period in the scope."""
        return [
            table.c.business_day.between(self.period.start, self.period.end),
            *self.scoped(table),
        ]

    def scoped(self, table: Any) -> list[ColumnElement[bool]]:
        return [table.c.hall_id == self.hall.id, *self.scope.where(table)]

    def summed_months(self) -> list[date]:
        """The summed months that lie wholly in the period."""
        return [
            month
            for month in self.session.scalars(
                select(orm.ReportMonth.month).where(
                    orm.ReportMonth.hall_id == self.hall.id,
                    orm.ReportMonth.month.between(self.period.start, self.period.end),
                )
            )
            if _month_end(month) <= self.period.end
        ]

    def sums(self, by: str | None) -> dict[Any, Sums]:
        """The sums per value of `by` (a cell's field; None: one total under None)."""
        if by is None or by in DIMENSIONS:
            result: dict[Any, Sums] = defaultdict(Sums)
            for key, sums in self.lines.items():
                result[key[DIMENSIONS.index(by)] if by else None].add(sums)
            return dict(result)
        return {key[0]: sums for key, sums in self._sums((by,)).items()}

    @cached_property
    def lines(self) -> dict[tuple[Any, ...], Sums]:
        """The sums per service, window and clerk: every cut but the hour's and the day's."""
        return self._sums(DIMENSIONS)

    def _sums(self, columns: tuple[str, ...]) -> dict[tuple[Any, ...], Sums]:
        keys = [CELLS.c[COLUMNS.get(name, name)] for name in columns]
        totals = [
            (func.max if name.endswith("_max") else func.sum)(CELLS.c[name]) for name in SUM_FIELDS
        ]
        result: dict[tuple[Any, ...], Sums] = defaultdict(Sums)
        for row in self.session.execute(
            select(*keys, *totals).where(*self.kept(CELLS)).group_by(*keys)
        ):
            numbers = row[len(keys) :]
            result[tuple(row[: len(keys)])].add(Sums(*(int(number or 0) for number in numbers)))
        for cell, sums in self.live.cells.items():
            if self.scope.holds(cell):
                result[tuple(getattr(cell, name) for name in columns)].add(sums)
        return dict(result)

    def spreads(self, measure: str, by: str | None) -> dict[Any, Counter[int]]:
        """The spread of `measure` (``wait``, ``service``) per value of `by` (None, or a
        service, window or clerk)."""
        result: dict[Any, Counter[int]] = defaultdict(Counter)
        for key, spread in self._spreads(measure).items():
            result[key[DIMENSIONS.index(by)] if by else None].update(spread)
        return dict(result)

    def _spreads(self, measure: str) -> dict[tuple[Any, ...], Counter[int]]:
        if not self.read_spreads:  # both measures in one pass over the rollup
            found: dict[str, dict[tuple[Any, ...], Counter[int]]] = {
                name: defaultdict(Counter) for name in MEASURES
            }
            months = self.summed_months()
            days_left = [~SPREADS.c.business_day.between(m, _month_end(m)) for m in months]
            reads = [(SPREADS, [*self.kept(SPREADS), *days_left])]
            if months:
                reads.append((MONTHS, [*self.scoped(MONTHS), MONTHS.c.month.in_(months)]))
            for table, where in reads:
                keys = [table.c[name] for name in DIMENSIONS]
                for kind, *key, minute, count in self.session.execute(
                    select(table.c.measure, *keys, table.c.minute, func.sum(table.c.count))
                    .where(*where)
                    .group_by(table.c.measure, *keys, table.c.minute)
                ):
                    found[kind][tuple(key)][minute] += int(count)
            for spread, count in self.live.spreads.items():
                if self.scope.holds(spread):
                    line = (spread.service, spread.window, spread.clerk)
                    found[spread.measure][line][spread.minute] += count
            self.read_spreads = {name: dict(spread) for name, spread in found.items()}
        return self.read_spreads[measure]

    def duties(self) -> dict[str, Duty]:
        """Each clerk's time at the windows (in the scope's window and clerk)."""
        where = [
            DUTIES.c.hall_id == self.hall.id,
            DUTIES.c.business_day.between(self.period.start, self.period.end),
            *(
                DUTIES.c[name] == getattr(self.scope, name)
                for name in ("window", "clerk")
                if getattr(self.scope, name) is not None
            ),
        ]
        result: dict[str, Duty] = defaultdict(Duty)
        for clerk, on_duty, paused in self.session.execute(
            select(DUTIES.c.clerk, func.sum(DUTIES.c.on_duty), func.sum(DUTIES.c.paused))
            .where(*where)
            .group_by(DUTIES.c.clerk)
        ):
            result[clerk].on_duty += int(on_duty)
            result[clerk].paused += int(paused)
        for key, duty in self.live.duties.items():
            if self.scope.window in (None, key.window) and self.scope.clerk in (None, key.clerk):
                result[key.clerk].on_duty += duty.on_duty
                result[key.clerk].paused += duty.paused
        return dict(result)

    def figures(self, by: str | None, target: int) -> dict[Any, dict[str, Any]]:
        waits, services = self.spreads("wait", by), self.spreads("service", by)
        return {
            value: figures(sums, waits.get(value, {}), services.get(value, {}), target)
            for value, sums in self.sums(by).items()
        }


class Reader:
    """The figures of a period in a scope, each part worked out when asked for (the API's
    ``/summary``, ``/hourly`` and ``/staff`` each need only theirs)."""

    def __init__(
        self, session: Session, hall: orm.Hall, period: Period, scope: Scope, now: datetime
    ) -> None:
        scope.check(session, hall)
        self.session, self.hall, self.period, self.scope, self.now = (
            session,
            hall,
            period,
            scope,
            now,
        )
        self.target = reports_of(hall.settings or {}).wait_target_minutes
        self.source = Source(session, hall, period, scope, now)
        self.names = _names(session, hall)

    def head(self) -> dict[str, Any]:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "target_minutes": self.target,
            "scope": {name: getattr(self.scope, name) for name in DIMENSIONS},
        }

    def total(self) -> dict[str, Any]:
        found = self.source.figures(None, self.target)
        return found.get(None) or figures(Sums(), {}, {}, self.target)

    def lines(self, by: str) -> list[dict[str, Any]]:
        """A line per service, window or clerk, named."""
        names = self.names[by]
        found = self.source.figures(by, self.target)
        return [
            {"key": value, "name": names.get(value, str(value)), **found[value]}
            for value in sorted((value for value in found if value is not None), key=str)
        ]

    def clerks(self) -> list[dict[str, Any]]:
        """A line per clerk, with their time on duty and their ratings."""
        return _with_duty_and_ratings(
            self.session,
            self.hall,
            self.period,
            self.now,
            self.lines("clerk"),
            self.source.sums("clerk"),
            self.source.duties(),
        )

    def curves(self) -> dict[str, Any]:
        """The business days with tickets, the hourly curve and the weekdays."""
        by_day = self.source.sums("day")
        open_days = len(by_day)
        weekdays: dict[int, list[Sums]] = defaultdict(list)
        for day, sums in by_day.items():
            weekdays[day.weekday()].append(sums)
        return {
            "days": open_days,
            "hours": [
                {
                    "hour": hour,
                    "arrivals": sums.parts,
                    "per_day": round(sums.parts / open_days, 1),
                    "wait_mean": _mean(sums.wait_sum, sums.waited),
                }
                for hour, sums in sorted(self.source.sums("hour").items())
            ],
            "weekdays": [
                {
                    "weekday": weekday,
                    "days": len(days),
                    "arrivals": sum(sums.parts for sums in days),
                    "per_day": round(sum(sums.parts for sums in days) / len(days), 1),
                    "wait_mean": _mean(
                        sum(sums.wait_sum for sums in days), sum(sums.waited for sums in days)
                    ),
                }
                for weekday, days in sorted(weekdays.items())
            ],
        }


def report(
    session: Session, hall: orm.Hall, period: Period, scope: Scope, now: datetime
) -> dict[str, Any]:
    """Everything the reports page shows of a period: the totals, a line per service,
    window and clerk (with their time on duty and ratings), the hourly curve, the
    weekdays, the bookings and the continuity figures."""
    reader = Reader(session, hall, period, scope, now)
    return {
        **reader.head(),
        **reader.curves(),
        "total": reader.total(),
        "services": reader.lines("service"),
        "windows": reader.lines("window"),
        "clerks": reader.clerks(),
        "appointments": appointment_counts(session, hall, period, scope),
        "continuity": continuity(session, hall, period, now),
    }


def hourly(
    session: Session, hall: orm.Hall, period: Period, scope: Scope, now: datetime
) -> dict[str, Any]:
    """The hall's peak curve and weekdays of a period (``/reports/hourly``)."""
    reader = Reader(session, hall, period, scope, now)
    return {**reader.head(), **reader.curves()}


def staff(
    session: Session, hall: orm.Hall, period: Period, scope: Scope, now: datetime
) -> dict[str, Any]:
    """Each clerk's figures of a period (``/reports/staff``): 绩效考核."""
    reader = Reader(session, hall, period, scope, now)
    return {**reader.head(), "clerks": reader.clerks()}


def _with_duty_and_ratings(
    session: Session,
    hall: orm.Hall,
    period: Period,
    now: datetime,
    clerks: list[dict[str, Any]],
    sums: dict[Any, Sums],
    duties: dict[str, Duty],
) -> list[dict[str, Any]]:
    """Each clerk's line with their minutes on duty, paused and idle (on duty, neither
    paused nor serving), and their ratings of the period (满意率, 差评)."""
    rated = ratings.clerk_ratings(session, hall, period.start, period.end)
    for line in clerks:
        duty = duties.get(line["key"], Duty())
        busy = sums[line["key"]].service_sum
        line["duty"] = {
            "on_duty_minutes": round(duty.on_duty / 60),
            "paused_minutes": round(duty.paused / 60),
            "idle_minutes": round(max(0, duty.on_duty - duty.paused - busy) / 60),
        }
        line["ratings"] = rated.get(line["key"], {"rated": 0, "satisfied_rate": None, "bad": 0})
    return clerks


APPOINTMENT_STATES = ("booked", "checked_in", "late", "no_show", "cancelled")


def appointment_counts(
    session: Session, hall: orm.Hall, period: Period, scope: Scope
) -> dict[str, int]:
    """The period's bookings by state (预约: still booked, checked in, late, no-show,
    cancelled), of the scope's service."""
    booking = orm.Appointment
    counts = dict.fromkeys(APPOINTMENT_STATES, 0)
    where = [booking.hall_id == hall.id, booking.business_day.between(period.start, period.end)]
    if scope.service is not None:
        where.append(booking.service == scope.service)
    for state, count in session.execute(
        select(booking.state, func.count()).where(*where).group_by(booking.state)
    ):
        if state in counts:
            counts[state] = int(count)
    return counts


def continuity(session: Session, hall: orm.Hall, period: Period, now: datetime) -> dict[str, Any]:
    """What kept the hall going in the period: incidents by kind (how many, how long), the
    time in each degraded mode, register records and how soon they were backfilled,
    follow-ups and how soon they were answered."""
    zone = ZoneInfo(hall.timezone)
    start = datetime.combine(period.start, time(0), tzinfo=zone)
    end = min(datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=zone), now)
    incidents = session.execute(
        select(
            orm.Incident.kind, orm.Incident.mode, orm.Incident.started_at, orm.Incident.ended_at
        ).where(
            orm.Incident.hall_id == hall.id,
            orm.Incident.started_at < end,
            or_(orm.Incident.ended_at.is_(None), orm.Incident.ended_at > start),
        )
    ).all()
    spans = [(row.kind, row.started_at, row.ended_at or now) for row in incidents]
    kinds = Counter(row.kind for row in incidents)
    register = session.execute(
        select(orm.RegisterRecord.created_at, orm.RegisterRecord.backfilled_at).where(
            orm.RegisterRecord.hall_id == hall.id,
            orm.RegisterRecord.created_at.between(start, end),
        )
    ).all()
    follow_ups = session.execute(
        select(orm.FollowUp.created_at, orm.FollowUp.answered_at).where(
            orm.FollowUp.hall_id == hall.id, orm.FollowUp.created_at.between(start, end)
        )
    ).all()
    return {
        "incidents": [
            {"kind": kind, "count": kinds[kind], "minutes": round(seconds / 60)}
            for kind, seconds in sorted(covered(spans, start, end).items())
        ],
        "modes": {
            mode: round(seconds / 60)
            for mode, seconds in covered(
                [
                    (row.mode, row.started_at, row.ended_at or now)
                    for row in incidents
                    if row.mode != "normal"
                ],
                start,
                end,
            ).items()
        },
        "registers": _answered(register),
        "follow_ups": _answered(follow_ups),
    }


def _answered(rows: Sequence[Any]) -> dict[str, Any]:
    """How many were made, how many dealt with, and the mean delay in hours."""
    delays = [(done - made).total_seconds() for made, done in rows if done is not None]
    return {
        "count": len(rows),
        "done": len(delays),
        "mean_hours": round(sum(delays) / len(delays) / 3600, 1) if delays else None,
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
            names = _names(session, hall)["service"]
            found = tickets_and_parts(session, hall, [orm.Ticket.business_day == day])
        for row, parts in sorted(found, key=lambda item: item[0].id):
            for part in parts:
                key = CellKey(day, 0, part.service, part.window, part.clerk)
                if scope.holds(key):
                    yield _ticket_row(row, part, zone, names)
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


def today_against_last_week(session: Session, hall: orm.Hall, now: datetime) -> dict[str, Any]:
    """The leader's wall: today so far against the same weekday last week up to the same
    hour (arrivals by that hour's end), and who holds each window."""
    zone = ZoneInfo(hall.timezone)
    today = now.astimezone(zone).date()
    hour = now.astimezone(zone).hour

    last_week = today - timedelta(days=7)
    hourly = {
        day: Source(session, hall, Period(day, day), Scope(), now).sums("hour")
        for day in (today, last_week)
    }

    def so_far(day: date, through: int | None) -> dict[str, Any]:
        total = Sums()
        for arrived, sums in hourly[day].items():
            if through is None or arrived <= through:
                total.add(sums)
        return {
            "tickets": total.tickets,
            "done": total.done,
            "no_show": total.no_show,
            "wait_mean": _mean(total.wait_sum, total.waited),
            "service_mean": _mean(total.service_sum, total.served),
        }

    staff = _names(session, hall)["clerk"]
    windows = session.execute(
        select(orm.Window.number, orm.Window.staff)
        .where(orm.Window.hall_id == hall.id)
        .order_by(orm.Window.number)
    )
    return {
        "day": today.isoformat(),
        "today": so_far(today, None),
        "last_week_day": last_week.isoformat(),
        "last_week": so_far(last_week, hour),
        "hours": [
            {
                "hour": arrived,
                "today": hourly[today].get(arrived, Sums()).parts,
                "last_week": hourly[last_week].get(arrived, Sums()).parts,
            }
            for arrived in sorted({*hourly[today], *hourly[last_week]})
        ],
        "clerks": {
            str(number): staff.get(username, username) for number, username in windows if username
        },
    }
