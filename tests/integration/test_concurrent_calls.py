"""40 windows pressing *call next* at once over 1,000 waiting tickets: each is called exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import insert, select

from core.adapters import orm
from core.adapters.clock import SystemClock
from core.adapters.db import Database
from core.domain import commands as cmd
from core.halls import HallFile, calendar_for, load_hall
from core.hub.broadcast import RecordingBroadcaster
from core.services.bus import CommandBus
from core.services.handlers import HANDLERS, KEEPS_CONFIGURATION
from core.services.tickets import new_token, roll_over_day
from tests.support.databases import Tokens

CALLERS = 40
TICKETS = 1000


def busy_hall(database: Database, tickets: int = TICKETS) -> None:
    """A hall with 40 filing windows, no recalls needed before a no-show, `tickets` waiting."""
    spec = HallFile.model_validate(
        {
            "hall": {
                "code": "busy",
                "name": "压力测试厅",
                "hours": {
                    "opens": "00:00",
                    "cutoff": "23:59",
                    "closes": "23:59:59",
                    "every_day": True,
                },
                "rules": {"no_show_after_recalls": 0},
            },
            "services": [{"code": "filing", "prefix": "C", "name": "纳税申报"}],
            "windows": [{"number": n, "services": ["filing"]} for n in range(1, CALLERS + 1)],
        }
    )
    now = SystemClock().now()
    with database.write_session() as session:
        hall = load_hall(session, spec)
        from zoneinfo import ZoneInfo

        day = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
        hall.business_day = day
        session.execute(
            insert(orm.Ticket),
            [
                {
                    "hall_id": hall.id,
                    "business_day": day,
                    "number": f"C{n:03d}",
                    "service": "filing",
                    "channel": "kiosk",
                    "state": "waiting",
                    "green": False,
                    "token": new_token(),
                    "issued_at": now - timedelta(seconds=tickets - n),
                    "queued_at": now - timedelta(seconds=tickets - n),
                    "recalls": 0,
                    "print_state": "none",
                }
                for n in range(1, tickets + 1)
            ],
        )
        session.execute(
            insert(orm.NumberCounter).values(
                hall_id=hall.id, service="filing", business_day=day, last=tickets
            )
        )
        session.commit()


def test_forty_callers_call_every_ticket_exactly_once(backend: tuple[str, Tokens]) -> None:
    # GIVEN 40 open windows and 1,000 waiting tickets (on SQLite, then on PostgreSQL)
    url, _tokens = backend
    database = Database(url)
    busy_hall(database)
    bus = CommandBus(
        database,
        SystemClock(),
        calendar_for,
        RecordingBroadcaster().publish,
        HANDLERS,
        prepare=roll_over_day,
        keeps_configuration=KEEPS_CONFIGURATION,
    )
    for n in range(1, CALLERS + 1):
        bus.handle(
            cmd.OpenWindow(hall="busy", actor=f"staff:clerk{n}", window=n, staff=f"clerk{n}")
        )
    start = threading.Barrier(CALLERS)
    errors: list[BaseException] = []

    def clerk(window: int) -> None:
        staff = f"clerk{window}"
        try:
            start.wait()
            while True:
                called = bus.handle(
                    cmd.CallNext(hall="busy", actor=f"staff:{staff}", window=window, staff=staff)
                )
                if called.status == 204:
                    return
                bus.handle(
                    cmd.MarkNoShow(hall="busy", actor=f"staff:{staff}", window=window, staff=staff)
                )
        except BaseException as error:
            errors.append(error)

    # WHEN all 40 call next as fast as they can until nobody is left
    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(1, CALLERS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # THEN no error, every ticket was called exactly once, and by one window
    assert not errors, errors[:3]
    with database.read_session() as session:
        calls = Counter(
            session.scalars(
                select(orm.Ticket.number)
                .join(orm.TicketEvent, orm.TicketEvent.ticket_id == orm.Ticket.id)
                .where(orm.TicketEvent.kind == "called")
            )
        )
        states = Counter(session.scalars(select(orm.Ticket.state)))
        windows_used = len(
            set(
                session.scalars(
                    select(orm.TicketEvent.window).where(orm.TicketEvent.kind == "called")
                )
            )
        )
    assert len(calls) == TICKETS
    assert set(calls.values()) == {1}
    assert states == {"no_show": TICKETS}
    assert windows_used > 1  # the work really was shared
    database.dispose()
