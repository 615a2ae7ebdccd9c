"""A unit of work: one write transaction for one command of one hall."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import TracebackType

from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.db import Database
from core.adapters.repository import (
    AnswerRepository,
    AuditLog,
    HallRepository,
    RatingRepository,
    TicketRepository,
)
from core.domain.events import Event
from core.domain.queue import Queue


@dataclass(frozen=True)
class Stamped:
    """An event with the hall-wide `seq` it was committed under."""

    seq: int
    event: Event


class UnitOfWork:
    """Opens a write session; rolls back on leaving unless `commit` ran."""

    session: Session
    halls: HallRepository
    tickets: TicketRepository
    answers: AnswerRepository
    audit: AuditLog
    ratings: RatingRepository

    def __init__(self, db: Database) -> None:
        self.db = db

    def __enter__(self) -> UnitOfWork:
        self.db.write_lock.__enter__()
        self.session = self.db.write_session()
        self.halls = HallRepository(self.session)
        self.tickets = TicketRepository(self.session)
        self.answers = AnswerRepository(self.session)
        self.audit = AuditLog(self.session)
        self.ratings = RatingRepository(self.session)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
            self.session.close()
        finally:
            self.db.write_lock.__exit__(None, None, None)

    def queue(self, hall: orm.Hall, day: date) -> Queue:
        """The hall's queue of `day` in memory, kept in step with every ticket stored from
        now on: the one the bus kept from the last command, or else loaded from this
        transaction."""
        if self.tickets.queue is None or self.tickets.queue.business_day != day:
            self.tickets.queue = self.tickets.load_queue(hall, day)
        return self.tickets.queue

    def stamp(self, hall: orm.Hall, events: list[Event]) -> list[Stamped]:
        """Give each event the next hall `seq` (the hall row is locked by now)."""
        first = self.halls.advance_seq(hall, len(events))
        return [Stamped(first + offset, event) for offset, event in enumerate(events)]

    def commit(self) -> None:
        """Make the command durable (fsync on SQLite) before anything is announced."""
        self.session.commit()
