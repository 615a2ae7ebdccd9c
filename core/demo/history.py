"""A plausible past for a hall: days of tickets with their whole history, written straight
to the tables — for the demo hall's reports, the reports' tests and the benchmark
(``bench/reports.py``: a year of a busy hall). Seeded, so the same call writes the same past.

Each ticket lives through the domain's own transitions (`core.domain.tickets.Ticket`), so
its events are the ones the hub would have written: arrivals follow a hall's morning and
afternoon peaks, most are served, some are transferred, miss their call (and come back),
give up, or are still waiting at the close.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.repository import history_row, ticket_row
from core.domain.tickets import Channel, Ticket, format_number
from core.halls import calendar_for

TABLES = orm.Base.metadata.tables
"""Written through Core: one executemany a table and a day, not a statement a row."""
PEAKS = ((time(9, 30), 50), (time(10, 30), 70), (time(14, 30), 60), (time(15, 30), 40))
"""Where arrivals bunch (local time) and how many minutes they spread either side."""
CHANNELS = ((Channel.KIOSK, 70), (Channel.GUIDE, 15), (Channel.APPOINTMENT, 10), (Channel.PAPER, 5))


@dataclass(frozen=True)
class Past:
    """What was written: the business days and the tickets and events in all."""

    days: list[date]
    tickets: int
    events: int


def write_history(
    session: Session,
    hall: orm.Hall,
    start: date,
    end: date,
    *,
    per_day: int,
    clerks: Mapping[int, str],
    seed: int = 1,
) -> Past:
    """Write `per_day` tickets on each working day from `start` to `end` (the hall's
    calendar), served at the windows of `clerks` (window number → username)."""
    rng = random.Random(f"{seed}:{start.isoformat()}")  # another period, another past
    zone = ZoneInfo(hall.timezone)
    calendar = calendar_for(hall)
    services = {
        row.code: row
        for row in session.scalars(
            select(orm.Service)
            .where(orm.Service.hall_id == hall.id, orm.Service.active)
            .order_by(orm.Service.position)
        )
    }
    windows = {
        row.number: [code for code in row.services if code in services]
        for row in session.scalars(
            select(orm.Window).where(orm.Window.hall_id == hall.id).order_by(orm.Window.number)
        )
        if row.number in clerks
    }
    serving = {code: [n for n, codes in windows.items() if code in codes] for code in services}
    codes = [code for code, numbers in serving.items() if numbers]
    days: list[date] = []
    tickets = events = 0
    day = start
    while day <= end:
        if calendar.is_workday(day):
            written = _write_day(
                session, hall, day, zone, rng, per_day, codes, services, serving, clerks
            )
            days.append(day)
            tickets += written[0]
            events += written[1]
        day += timedelta(days=1)
    return Past(days, tickets, events)


def _write_day(
    session: Session,
    hall: orm.Hall,
    day: date,
    zone: ZoneInfo,
    rng: random.Random,
    count: int,
    codes: Sequence[str],
    services: Mapping[str, orm.Service],
    serving: Mapping[str, list[int]],
    clerks: Mapping[int, str],
) -> tuple[int, int]:
    opens = datetime.combine(day, time(9, 0), tzinfo=zone)
    closes = datetime.combine(day, time(17, 0), tzinfo=zone)
    sequence: dict[str, int] = {}
    lives: list[tuple[Ticket, list[str | None]]] = []
    for _ in range(count):
        peak, spread = rng.choice(PEAKS)
        minute = rng.gauss(peak.hour * 60 + peak.minute, spread / 2)
        arrived = datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minute)
        arrived = min(max(arrived, opens), closes) + timedelta(seconds=rng.randrange(60))
        code = rng.choice(codes)
        sequence[code] = sequence.get(code, 0) + 1
        channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        ticket = Ticket.issue(
            number=format_number(services[code].prefix, sequence[code]),
            service=code,
            business_day=day,
            channel=channel,
            now=arrived,
            green=rng.random() < 0.01,
        )
        actors: list[str | None] = [None]
        rush = sum(
            math.exp(-(((minute - p.hour * 60 - p.minute) / width) ** 2)) for p, width in PEAKS
        )
        _live(ticket, actors, rng, services, serving, clerks, closes, wait=5 + 15 * rush)
        lives.append((ticket, actors))
    tickets = TABLES["tickets"]
    ids = (
        session.execute(
            insert(tickets).returning(tickets.c.id, sort_by_parameter_order=True),
            [
                ticket_row(
                    hall.id,
                    ticket,
                    token=f"{rng.getrandbits(128):032x}",
                    print_state=_printed(ticket.channel, rng),
                )
                for ticket, _ in lives
            ],
        )
        .scalars()
        .all()
    )
    rows = [
        history_row(hall.id, ticket_id, 0, change, actor)
        for ticket_id, (ticket, actors) in zip(ids, lives, strict=True)
        for change, actor in zip(ticket.changes, actors, strict=True)
    ]
    session.execute(insert(TABLES["ticket_events"]), rows)  # Core: one executemany
    ratings = [
        rating
        for ticket_id, (ticket, actors) in zip(ids, lives, strict=True)
        for rating in _ratings(hall, ticket_id, ticket, actors, rng)
    ]
    if ratings:
        session.execute(insert(TABLES["ratings"]), ratings)
    for code, last in sequence.items():  # the hub numbers on from there
        session.merge(orm.NumberCounter(hall_id=hall.id, service=code, business_day=day, last=last))
    session.execute(
        insert(TABLES["window_events"]),
        [
            {"hall_id": hall.id, "window": number, "state": state, "staff": clerk, "at": at}
            for number, clerk in clerks.items()
            for state, at in _window_day(day, zone, rng)
        ],
    )
    return len(lives), len(rows)


def _window_day(day: date, zone: ZoneInfo, rng: random.Random) -> list[tuple[str, datetime]]:
    """A clerk's day at the window: opened before nine, a lunch pause, closed after five."""

    def at(clock: time, spread: int) -> datetime:
        return datetime.combine(day, clock, tzinfo=zone) + timedelta(minutes=rng.randint(0, spread))

    return [
        ("open", at(time(8, 50), 10)),
        ("paused", at(time(12, 0), 10)),
        ("open", at(time(13, 20), 10)),
        ("closed", at(time(17, 30), 20)),
    ]


def _live(
    ticket: Ticket,
    actors: list[str | None],
    rng: random.Random,
    services: Mapping[str, orm.Service],
    serving: Mapping[str, list[int]],
    clerks: Mapping[int, str],
    closes: datetime,
    *,
    wait: float,
) -> None:
    """Take the ticket through a plausible visit, waiting `wait` minutes on average (longer
    in a rush); `actors` gets who did each change."""
    now = ticket.issued_at

    def did(actor: str | None) -> None:
        actors.extend([actor] * (len(ticket.changes) - len(actors)))

    for _ in range(3):  # at most two transfers
        now += timedelta(seconds=rng.expovariate(1 / (wait * 60)))
        if rng.random() < 0.03:
            ticket.cancel(now)
            did(None)
            return
        if now > closes + timedelta(minutes=30) or rng.random() < 0.01:
            ticket.expire(closes + timedelta(hours=7))
            did(None)
            return
        window = rng.choice(serving[ticket.service])
        clerk = f"staff:{clerks[window]}"
        ticket.call(window, now)
        did(clerk)
        if rng.random() < 0.06:
            for _ in range(2):
                now += timedelta(seconds=30)
                ticket.recall(now)
            now += timedelta(seconds=30)
            ticket.mark_no_show(now, recalls_required=2)
            did(clerk)
            if rng.random() < 0.5:
                ticket.expire(closes + timedelta(hours=7))
                did(None)
                return
            now += timedelta(minutes=rng.randint(5, 40))
            ticket.requeue(now, queued_at=now)
            did(clerk)
            now += timedelta(minutes=rng.randint(1, 10))
            ticket.call(window, now)
            did(clerk)
        now += timedelta(seconds=rng.randint(20, 90))
        ticket.start(now)
        minutes = services[ticket.service].minutes
        now += timedelta(seconds=max(60.0, rng.gauss(minutes * 60, minutes * 20)))
        others = [code for code in serving if code != ticket.service and serving[code]]
        if rng.random() < 0.04 and others:
            ticket.transfer(now, to_service=rng.choice(others))
            did(clerk)
            continue
        ticket.finish(now)
        did(clerk)
        return
    ticket.expire(closes + timedelta(hours=7))
    did(None)


def _printed(channel: Channel, rng: random.Random) -> str:
    """Kiosk and guide-desk tickets are printed, but now and then a printer is out of paper
    and the ticket is shown on screen; paper and booked tickets need no printing."""
    if channel in (Channel.KIOSK, Channel.GUIDE):
        return "printed" if rng.random() < 0.97 else "failed"
    return "none"


LEVELS = ((5, 75), (4, 18), (3, 7))
"""Generated ratings are 基本满意 or better: a 差评 comes with its work order (回访, 整改),
which a generated past has not lived through."""


def _ratings(
    hall: orm.Hall, ticket_id: int, ticket: Ticket, actors: list[str | None], rng: random.Random
) -> list[dict[str, Any]]:
    """Each service finished (or handed on) rated on the window's pad, or, two times in
    five, not rated within the day."""
    rows = []
    service = ticket.changes[0].detail.get("service", ticket.service)
    for change, actor in zip(ticket.changes, actors, strict=True):
        if change.kind in ("finished", "transferred") and actor and change.window is not None:
            rated = rng.random() < 0.6
            rows.append(
                {
                    "hall_id": hall.id,
                    "ticket_id": ticket_id,
                    "business_day": ticket.business_day,
                    "number": ticket.number,
                    "service": service,
                    "window": change.window,
                    "staff": actor.removeprefix("staff:"),
                    "served_at": change.at,
                    "due_at": change.at + timedelta(hours=24),
                    "offered_at": change.at,
                    "offers": 1,
                    "state": "rated" if rated else "not_rated",
                    "level": rng.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
                    if rated
                    else None,
                    "reasons": [],
                    "text": "",
                    "channel": "pad" if rated else None,
                    "rated_at": change.at + timedelta(seconds=rng.randint(5, 60))
                    if rated
                    else None,
                }
            )
        if change.kind == "transferred":
            service = change.detail.get("to_service") or service
    return rows
