"""A period's figures for the hall, or one service, window or clerk (SPEC §14): what the
reports page, the API and the wall read. Kept days come from the rollup (`rollup`), the
others (today) are worked out from their histories on the spot: either way the same cells."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain.errors import InvalidInput
from core.domain.reports import (
    MEASURES,
    SUM_FIELDS,
    CellKey,
    Duty,
    Period,
    SpreadKey,
    Sums,
    covered,
    figures,
)
from core.halls import reports_of
from core.services import ratings
from core.services.reports.rollup import (
    CELLS,
    COLUMNS,
    DIMENSIONS,
    DUTIES,
    MONTHS,
    SPREADS,
    month_end,
    work_out,
)


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
            if month_end(month) <= self.period.end
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
            days_left = [~SPREADS.c.business_day.between(m, month_end(m)) for m in months]
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
        self.names = names(session, hall)

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


def names(session: Session, hall: orm.Hall) -> dict[str, dict[Any, str]]:
    """What the hall calls its services, windows and clerks."""
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

    staff = names(session, hall)["clerk"]
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
