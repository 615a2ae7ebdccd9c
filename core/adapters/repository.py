"""Repositories: load and store the queue's aggregates for one unit of work."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from core.adapters import orm
from core.domain.continuity import PaperRange, next_electronic
from core.domain.errors import NotFound
from core.domain.queue import IN_HAND, Queue, Queued, slot
from core.domain.ratings import (
    Appeal,
    AppealState,
    CallBack,
    FixRating,
    Level,
    OrderState,
    Part,
    RatingState,
    Verdict,
    WorkOrder,
)
from core.domain.ratings import Channel as RatingChannel
from core.domain.tickets import Channel, Ticket, TicketChange, TicketState
from core.domain.windows import Window, WindowState

# The hot path's statements are built once, with bound parameters: SQLAlchemy finds
# them compiled without building their cache key again. Plain inserts go to the
# tables themselves on the session's connection: the ORM would copy the statement
# (and rebuild its key) on every execution, and flush through its unit of work.
TABLES = orm.Base.metadata.tables
_HALL = select(orm.Hall).where(orm.Hall.code == bindparam("code"))
_HALL_LOCKED = _HALL.with_for_update()
_SET_SEQ = (
    update(TABLES["halls"])
    .where(TABLES["halls"].c.id == bindparam("hall_id"))
    .values(seq=bindparam("seq"))
)
_INSERT_PRINT_JOB = insert(TABLES["print_jobs"])
_UPDATE_BY_ID = {
    name: update(TABLES[name]).where(TABLES[name].c.id == bindparam("row_id"))
    for name in ("tickets", "windows")
}
"""Set what the parameters name (besides ``row_id``) on one row."""


def _write_back(session: Session, table: str, row: Any, values: dict[str, Any]) -> None:
    """Write the `values` that differ from `row` at once, in one UPDATE, and mark them
    committed on the row: the ORM's flush then has nothing left to do for it. (A
    command that fails afterwards rolls the UPDATE back; the bus then throws the row
    away with everything else the command touched.)"""
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    if not changed:
        return
    session.connection().execute(_UPDATE_BY_ID[table], {"row_id": row.id, **changed})
    for name, value in changed.items():
        set_committed_value(row, name, value)


_TICKET_EVENTS = insert(TABLES["ticket_events"])


def history_row(
    hall_id: int, ticket_id: int, seq: int, change: TicketChange, actor: str | None
) -> dict[str, Any]:
    """A ticket's change as a ``ticket_events`` row."""
    return {
        "hall_id": hall_id,
        "ticket_id": ticket_id,
        "seq": seq,
        "kind": change.kind,
        "from_state": change.from_state.value if change.from_state else None,
        "to_state": change.to_state.value,
        "window": change.window,
        "actor": actor,
        "at": change.at,
        "detail": change.detail,
    }


_INSERT_TICKET = insert(TABLES["tickets"]).returning(TABLES["tickets"].c.id)
_EMPTY_TICKET: dict[str, Any] = {
    **{column.name: None for column in TABLES["tickets"].columns if column.name != "id"},
    "green": False,
    "recalls": 0,
    "print_state": "none",
}
"""Every column of a new ticket, so that none is left to load after the insert."""


def ticket_row(hall_id: int, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    """Every column of `ticket` as it stands: a new one's (`TicketRepository.add`), or a
    generated past's (`core.demo.history`); `extra` are columns outside the domain."""
    return {
        **_EMPTY_TICKET,
        "hall_id": hall_id,
        "business_day": ticket.business_day,
        "number": ticket.number,
        "green": ticket.green,
        "issued_at": ticket.issued_at,
        "appointment_start": ticket.appointment_start,
        "appointment_end": ticket.appointment_end,
        **_state_of(ticket),
        **extra,
    }


def _state_of(ticket: Ticket) -> dict[str, Any]:
    """The columns a ticket's transitions change (`TicketRepository.save` writes them back)."""
    return {
        "state": ticket.state.value,
        "service": ticket.service,
        "channel": ticket.channel.value,
        "window": ticket.window,
        "target_window": ticket.target_window,
        "queued_at": ticket.queued_at,
        "recalls": ticket.recalls,
        "called_at": ticket.called_at,
        "started_at": ticket.started_at,
        "finished_at": ticket.finished_at,
    }


_ANSWERS = TABLES["idempotency_keys"]
_FIND_ANSWER = select(
    _ANSWERS.c.command, _ANSWERS.c.fingerprint, _ANSWERS.c.status, _ANSWERS.c.response
).where(_ANSWERS.c.hall_id == bindparam("hall_id"), _ANSWERS.c.key == bindparam("key"))
_KEEP_ANSWER = insert(_ANSWERS)
_APPEND_AUDIT = insert(TABLES["audit_log"])
_APPEND_WINDOW_EVENT = insert(TABLES["window_events"])


@cache
def _next_number(dialect: str) -> Any:
    """Add one to a service's daily counter (created at 1), answering the new value."""
    counters = TABLES["number_counters"]
    upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(counters).values(
        hall_id=bindparam("hall_id"),
        service=bindparam("service"),
        business_day=bindparam("day"),
        last=1,
    )
    return upsert.on_conflict_do_update(
        index_elements=["hall_id", "service", "business_day"],
        set_={"last": counters.c.last + 1},
    ).returning(counters.c.last)


_WAITING_ROWS = (
    select(orm.Ticket)
    .where(
        orm.Ticket.id.in_(bindparam("ids", expanding=True)),
        orm.Ticket.hall_id == bindparam("hall_id"),
        orm.Ticket.business_day == bindparam("day"),
        orm.Ticket.state == TicketState.WAITING.value,
    )
    .with_for_update(skip_locked=True)
)
"""Tickets by id, if still waiting, locked for this transaction."""


class HallRepository:
    """Halls, services and windows."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, code: str, *, lock: bool = False) -> orm.Hall:
        """The hall called `code`; with `lock`, hold its row until commit.

        Every command locks its hall first: commands of one hall are ordered,
        which keeps `seq` gapless in commit order on every backend.
        """
        query = _HALL_LOCKED if lock else _HALL
        hall = self.session.scalars(query, {"code": code}).one_or_none()
        if hall is None:
            raise NotFound("hall.unknown", hall=code)
        return hall

    def advance_seq(self, hall: orm.Hall, count: int) -> int:
        """Move the (locked) hall's seq on by `count`; the first seq of the run.

        Written at once, not at the flush: a command's flush then often has nothing
        left to do (its ticket, history and answer are inserted as they happen)."""
        first = hall.seq + 1
        if count:
            self.session.connection().execute(
                _SET_SEQ, {"hall_id": hall.id, "seq": hall.seq + count}
            )
            set_committed_value(hall, "seq", hall.seq + count)
        return first

    def service_row(self, hall: orm.Hall, code: str) -> orm.Service:
        """A service of `hall`, active or not (a ticket may name a retired one)."""
        return self.session.scalars(
            select(orm.Service).where(orm.Service.hall_id == hall.id, orm.Service.code == code)
        ).one()

    def services(self, hall: orm.Hall) -> list[orm.Service]:
        """Active services in display order."""
        return list(
            self.session.scalars(
                select(orm.Service)
                .where(orm.Service.hall_id == hall.id, orm.Service.active)
                .order_by(orm.Service.position, orm.Service.code)
            )
        )

    def window_rows(self, hall: orm.Hall) -> list[orm.Window]:
        """Every window of the hall, by number."""
        return list(
            self.session.scalars(
                select(orm.Window).where(orm.Window.hall_id == hall.id).order_by(orm.Window.number)
            )
        )

    def save_window(self, row: orm.Window, window: Window, at: datetime) -> None:
        """Write the domain window's state back to its row; a change of state or staff goes
        into the windows' history too."""
        if (row.state, row.staff) != (window.state.value, window.staff):
            self.session.connection().execute(
                _APPEND_WINDOW_EVENT,
                {
                    "hall_id": row.hall_id,
                    "window": row.number,
                    "state": window.state.value,
                    "staff": window.staff or row.staff,
                    "at": at,
                },
            )
        _write_back(
            self.session,
            "windows",
            row,
            {"state": window.state.value, "staff": window.staff, "current": window.current},
        )


class AuditLog:
    """The audit log, as commands append to it."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, **entry: Any) -> None:
        """One line, committed with the command (`orm.AuditEntry`'s columns)."""
        self.session.connection().execute(_APPEND_AUDIT, {"address": "", **entry})


class AnswerRepository:
    """The answers given to commands sent with an idempotency key."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, hall: orm.Hall, key: str) -> Any:
        """The stored answer to `key` (command, fingerprint, status, response), or None."""
        return (
            self.session.connection()
            .execute(_FIND_ANSWER, {"hall_id": hall.id, "key": key})
            .one_or_none()
        )

    def keep(self, hall: orm.Hall, key: str, **answer: Any) -> None:
        """Store the answer to `key`, committed with the command it answers."""
        self.session.connection().execute(_KEEP_ANSWER, {"hall_id": hall.id, "key": key, **answer})


def window_from_row(row: orm.Window) -> Window:
    """The domain view of a stored window."""
    return Window(
        number=row.number,
        services=tuple(row.serving),
        state=WindowState(row.state),
        staff=row.staff,
        current=row.current,
        emergency=row.emergency,
        name=row.name,
    )


class TicketRepository:
    """Tickets of one hall and their history; every ticket stored is also taken into
    `queue`, the hall's queue in memory, once the unit of work has one."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows: dict[int, orm.Ticket] = {}
        self.queue: Queue | None = None
        self.stored = False
        """Whether this unit of work has stored a ticket (and so changed `queue`)."""

    def load_queue(self, hall: orm.Hall, day: date) -> Queue:
        """The hall's queue of `day` as the database has it now."""
        queue = Queue(day, paper=self.paper_ranges(hall, day))
        self._take_in(
            queue,
            orm.Ticket.state.in_([TicketState.WAITING.value, *IN_HAND]),
            orm.Ticket.hall_id == hall.id,
        )
        return queue

    def catch_up(self, hall: orm.Hall, queue: Queue, since: int) -> None:
        """Take into `queue` what other processes' commands did to tickets after `since`
        (the hall's seq it was true at): cheaper than loading it again."""
        changed = (
            select(orm.TicketEvent.ticket_id)
            .where(orm.TicketEvent.hall_id == hall.id, orm.TicketEvent.seq > since)
            .scalar_subquery()
        )
        self._take_in(queue, orm.Ticket.id.in_(changed))
        queue.paper = self.paper_ranges(hall, queue.business_day)

    def _take_in(self, queue: Queue, *where: Any) -> None:
        rows = self.session.execute(
            select(
                orm.Ticket.id,
                orm.Ticket.number,
                orm.Ticket.service,
                orm.Ticket.target_window,
                orm.Ticket.green,
                orm.Ticket.queued_at,
                orm.Ticket.state,
                orm.Ticket.appointment_start,
                orm.Ticket.appointment_end,
            ).where(orm.Ticket.business_day == queue.business_day, *where)
        )
        for id_, number, service, target_window, green, queued_at, state, start, end in rows:
            queued = Queued(id_, service, target_window, green, queued_at, slot(start, end))
            queue.take(queued, number, TicketState(state))

    def paper_ranges(self, hall: orm.Hall, day: date) -> dict[str, list[PaperRange]]:
        """The paper ticket ranges registered on `day`, per service."""
        rows = self.session.execute(
            select(orm.PaperRange.service, orm.PaperRange.first, orm.PaperRange.last).where(
                orm.PaperRange.hall_id == hall.id, orm.PaperRange.business_day == day
            )
        )
        ranges: dict[str, list[PaperRange]] = {}
        for service, first, last in rows:
            ranges.setdefault(service, []).append(PaperRange(first, last))
        return ranges

    def reserve_paper_range(
        self, hall: orm.Hall, service: str, day: date, paper: PaperRange, **extra: Any
    ) -> None:
        """Store a paper range: its numbers are skipped by the kiosks from now on."""
        self.session.add(
            orm.PaperRange(
                hall_id=hall.id,
                service=service,
                business_day=day,
                first=paper.first,
                last=paper.last,
                **extra,
            )
        )
        if self.queue is not None and self.queue.business_day == day:
            self.queue.paper.setdefault(service, []).append(paper)

    def next_sequence(self, hall: orm.Hall, service: str, day: date) -> int:
        """The next daily sequence of `service`: a counter row, never a COUNT; numbers
        reserved by paper ranges are skipped."""
        connection = self.session.connection()
        sequence: int = connection.execute(
            _next_number(connection.dialect.name),
            {"hall_id": hall.id, "service": service, "day": day},
        ).scalar_one()
        if self.queue is not None and self.queue.business_day == day:
            reserved = self.queue.paper.get(service, [])
        else:
            reserved = self.paper_ranges(hall, day).get(service, [])
        skipped = next_electronic(sequence - 1, reserved)
        if skipped != sequence:
            self.session.execute(
                update(orm.NumberCounter)
                .where(
                    orm.NumberCounter.hall_id == hall.id,
                    orm.NumberCounter.service == service,
                    orm.NumberCounter.business_day == day,
                )
                .values(last=skipped)
            )
        return skipped

    def add_print_job(self, **job: Any) -> None:
        """Store a ticket's print job (`orm.PrintJob`'s columns), committed with it."""
        self.session.connection().execute(_INSERT_PRINT_JOB, job)

    def add(self, hall: orm.Hall, ticket: Ticket, **extra: Any) -> orm.Ticket:
        """Store a newly issued ticket; `extra` are columns outside the domain (token, phone…)."""
        values = ticket_row(hall.id, ticket, **extra)
        # Inserted as a plain row, then joined to the session as if just loaded: the
        # command may still change it (its print state), the ORM's insert is not needed.
        self.stored = True
        ticket_id = self.session.connection().execute(_INSERT_TICKET, values).scalar_one()
        row = orm.Ticket(id=ticket_id, **values)
        make_transient_to_detached(row)
        self.session.add(row)
        ticket.id = ticket_id
        self._rows[row.id] = row
        if self.queue is not None:
            self.queue.track(ticket)
        return row

    def by_number(self, hall: orm.Hall, day: date, number: str) -> Ticket:
        """Today's ticket `number`."""
        row = self.session.scalars(
            select(orm.Ticket).where(
                orm.Ticket.hall_id == hall.id,
                orm.Ticket.business_day == day,
                orm.Ticket.number == number,
            )
        ).one_or_none()
        if row is None:
            raise NotFound("ticket.unknown", number=number)
        return self._remember(row)

    def row(self, ticket: Ticket) -> orm.Ticket:
        """The stored row behind a ticket loaded through this repository."""
        assert ticket.id is not None
        return self._rows[ticket.id]

    def still_waiting(self, hall: orm.Hall, day: date, ids: list[int]) -> list[Ticket]:
        """Those of the tickets `ids` still waiting, locked for this transaction (on
        PostgreSQL ``FOR UPDATE SKIP LOCKED``: another process's call skips them)."""
        if not ids:
            return []
        rows = self.session.scalars(_WAITING_ROWS, {"hall_id": hall.id, "day": day, "ids": ids})
        return [self._remember(row) for row in rows]

    def waiting(self, hall: orm.Hall, day: date, service: str) -> list[Ticket]:
        """Every waiting ticket of one service today (for positions and requeues)."""
        rows = self.session.scalars(
            select(orm.Ticket).where(
                orm.Ticket.hall_id == hall.id,
                orm.Ticket.business_day == day,
                orm.Ticket.state == TicketState.WAITING.value,
                orm.Ticket.service == service,
            )
        )
        return [self._remember(row) for row in rows]

    def open_before(self, hall: orm.Hall, day: date) -> list[Ticket]:
        """Tickets of earlier days still open: the day-end sweep expires them."""
        rows = self.session.scalars(
            select(orm.Ticket).where(
                orm.Ticket.hall_id == hall.id,
                orm.Ticket.business_day < day,
                orm.Ticket.state.in_([state.value for state in _OPEN_OR_NO_SHOW]),
            )
        )
        return [self._remember(row) for row in rows]

    def save(self, ticket: Ticket, seq: int, actor: str | None) -> None:
        """Write the ticket's state back and append its recorded changes to the history."""
        self.stored = True
        row = self.row(ticket)
        _write_back(self.session, "tickets", row, _state_of(ticket))
        if ticket.changes:
            # Appended straight to the table: history rows are never read back or changed
            # in the command, and the ORM's unit of work would only add its bookkeeping.
            self.session.connection().execute(
                _TICKET_EVENTS,
                [history_row(row.hall_id, row.id, seq, change, actor) for change in ticket.changes],
            )
        ticket.changes.clear()
        if self.queue is not None:
            self.queue.track(ticket)

    def _remember(self, row: orm.Ticket) -> Ticket:
        self._rows[row.id] = row
        return ticket_from_row(row)


_OPEN_OR_NO_SHOW = (
    TicketState.WAITING,
    TicketState.CALLED,
    TicketState.SERVING,
    TicketState.NO_SHOW,
)


def ticket_from_row(row: orm.Ticket) -> Ticket:
    """The domain view of a stored ticket."""
    return Ticket(
        id=row.id,
        number=row.number,
        service=row.service,
        business_day=row.business_day,
        channel=Channel(row.channel),
        issued_at=row.issued_at,
        queued_at=row.queued_at,
        state=TicketState(row.state),
        green=row.green,
        window=row.window,
        target_window=row.target_window,
        recalls=row.recalls,
        called_at=row.called_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        appointment_start=row.appointment_start,
        appointment_end=row.appointment_end,
    )


class RatingRepository:
    """好差评 parts of one hall: each one stored as it is served, then rated or expired."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, hall: orm.Hall, ticket: orm.Ticket, part: Part) -> orm.Rating:
        """Store a new part of `ticket`."""
        row = orm.Rating(
            hall_id=hall.id,
            ticket_id=ticket.id,
            business_day=ticket.business_day,
            number=part.number,
            service=part.service,
            window=part.window,
            staff=part.staff,
            served_at=part.served_at,
            due_at=part.due_at,
            offered_at=part.offered_at,
            offers=part.offers,
            state=part.state.value,
            reasons=[],
            text="",
        )
        self.session.add(row)
        self.session.flush()
        part.id = row.id
        return row

    def get(self, hall: orm.Hall, part_id: int) -> tuple[orm.Rating, Part]:
        """Part `part_id` of `hall`."""
        row = self.session.get(orm.Rating, part_id)
        if row is None or row.hall_id != hall.id:
            raise NotFound("rating.unknown", part=part_id)
        return row, part_from_row(row)

    def last_of_window(self, hall: orm.Hall, window: int) -> tuple[orm.Rating, Part]:
        """The part window `window` served last (today or before)."""
        row = self.session.scalars(
            select(orm.Rating)
            .where(orm.Rating.hall_id == hall.id, orm.Rating.window == window)
            .order_by(orm.Rating.served_at.desc(), orm.Rating.id.desc())
            .limit(1)
        ).first()
        if row is None:
            raise NotFound("rating.none_at_window", window=window)
        return row, part_from_row(row)

    def save(self, row: orm.Rating, part: Part) -> None:
        """Write back what changed: the offer, the state, the rating."""
        row.offers = part.offers
        row.offered_at = part.offered_at
        row.state = part.state.value
        row.channel = part.channel.value if part.channel else None
        row.rated_at = part.rated_at
        if part.verdict is not None:
            row.level = int(part.verdict.level)
            row.reasons = list(part.verdict.reasons)
            row.text = part.verdict.text
            row.phone = part.verdict.phone

    def add_order(self, hall: orm.Hall, order: WorkOrder) -> orm.RatingWorkOrder:
        """Store a new 差评 work order."""
        row = orm.RatingWorkOrder(
            hall_id=hall.id,
            rating_id=order.part,
            opened_at=order.opened_at,
            due_on=order.due_on,
            leader=order.leader,
            state=order.state.value,
            call_back_said="",
            cause="",
            fix="",
            result="",
            appeal_reason="",
            appeal_decision="",
        )
        self.session.add(row)
        self.session.flush()
        order.id = row.id
        return row

    def order(self, hall: orm.Hall, order_id: int) -> tuple[orm.RatingWorkOrder, WorkOrder]:
        """Work order `order_id` of `hall`, with its rating's part."""
        row = self.session.get(orm.RatingWorkOrder, order_id)
        if row is None or row.hall_id != hall.id:
            raise NotFound("work_order.unknown", order=order_id)
        rating = self.session.get_one(orm.Rating, row.rating_id)
        return row, order_from_row(row, rating)

    def save_order(self, row: orm.RatingWorkOrder, order: WorkOrder) -> None:
        """Write back the call-back, the fix, the fix's rating and the appeal."""
        row.state = order.state.value
        if order.call_back is not None:
            row.call_back_at = order.call_back.at
            row.call_back_by = order.call_back.by
            row.call_back_said = order.call_back.said
        row.cause, row.fix, row.result = order.cause, order.fix, order.result
        row.closed_by, row.closed_at = order.closed_by, order.closed_at
        row.fix_rating = order.fix_rating.value if order.fix_rating else None
        appeal = order.appeal
        if appeal is not None:
            row.appeal_state = appeal.state.value
            row.appeal_by, row.appeal_reason, row.appeal_at = appeal.by, appeal.reason, appeal.at
            row.appeal_decided_by = appeal.decided_by
            row.appeal_decision = appeal.decision
            row.appeal_decided_at = appeal.decided_at


def order_from_row(row: orm.RatingWorkOrder, rating: orm.Rating) -> WorkOrder:
    """The domain's work order as stored."""
    call_back = (
        CallBack(row.call_back_at, row.call_back_by or "", row.call_back_said)
        if row.call_back_at is not None
        else None
    )
    appeal = (
        Appeal(
            row.appeal_by or "",
            row.appeal_reason,
            row.appeal_at or row.opened_at,
            AppealState(row.appeal_state),
            row.appeal_decided_by,
            row.appeal_decision,
            row.appeal_decided_at,
        )
        if row.appeal_state is not None
        else None
    )
    return WorkOrder(
        part=rating.id,
        number=rating.number,
        window=rating.window,
        staff=rating.staff,
        opened_at=row.opened_at,
        due_on=row.due_on,
        leader=row.leader,
        state=OrderState(row.state),
        call_back=call_back,
        cause=row.cause,
        fix=row.fix,
        result=row.result,
        closed_by=row.closed_by,
        closed_at=row.closed_at,
        fix_rating=FixRating(row.fix_rating) if row.fix_rating else None,
        appeal=appeal,
        id=row.id,
    )


def part_from_row(row: orm.Rating) -> Part:
    """The domain's part as stored."""
    verdict = (
        Verdict(Level(row.level), tuple(row.reasons or ()), row.text or "", row.phone)
        if row.level is not None
        else None
    )
    return Part(
        number=row.number,
        service=row.service,
        window=row.window,
        staff=row.staff,
        served_at=row.served_at,
        due_at=row.due_at,
        offered_at=row.offered_at,
        offers=row.offers,
        state=RatingState(row.state),
        verdict=verdict,
        channel=RatingChannel(row.channel) if row.channel else None,
        rated_at=row.rated_at,
        id=row.id,
    )
