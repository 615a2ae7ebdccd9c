"""The command bus: lock the hall, run the handler, commit, then announce.

Nothing is emitted, printed or sent inside the transaction: under eventlet a
transaction that yields can freeze the process, and an event about a command
that then rolls back would lie to every screen.

The bus keeps each hall's queue of the day in memory (`core.domain.queue`) and
its configuration from one command to the next (`Kept`), at the hall's `seq`.
When the seq read under the hall's lock is another, someone else has committed:
the queue is caught up from the history of the tickets changed since, and the
configuration loaded again. A command that fails after storing a ticket throws
the queue away; a new day or a start loads it from the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

from core.adapters import orm
from core.adapters.clock import Clock
from core.adapters.db import Database
from core.domain.commands import Command
from core.domain.errors import Unprocessable
from core.domain.workdays import WorkdayCalendar
from core.services.context import Context, Kept, Outcome
from core.services.uow import Stamped, UnitOfWork

log = logging.getLogger(__name__)

Publish = Callable[[str, list[Stamped]], None]
"""Announce a hall's committed events (the hub's emitter, or a list in tests)."""

RETRIES = 5


@dataclass(frozen=True)
class Result:
    """What the bus answers: the outcome, plus the events it announced."""

    body: dict[str, Any]
    status: int
    events: list[Stamped]
    replayed: bool = False


Handler = Callable[[Any, Context], Outcome]


class CommandBus:
    """Runs commands one unit of work each, and publishes their events after commit."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        calendar_for: Callable[[orm.Hall], WorkdayCalendar],
        publish: Publish,
        handlers: dict[type[Command], Handler],
        prepare: Callable[[Context], None] = lambda context: None,
        keeps_configuration: frozenset[type[Command]] = frozenset(),
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendar_for = calendar_for
        self.publish = publish
        self.handlers = handlers
        self.prepare = prepare
        self.keeps_configuration = keeps_configuration
        """Commands that change no service, window setting or incident: after these the
        hall's configuration is kept; after any other command it is loaded again."""
        self.kept: dict[str, Kept] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def _hall_lock(self, hall: str) -> threading.Lock:
        """This process's lock on a hall: its commands run and announce one at a time,
        which keeps the hall's queue in memory in step and its events in seq order (on
        PostgreSQL they would queue on the hall row anyway, each holding a pooled
        connection)."""
        with self._locks_guard:
            return self._locks.setdefault(hall, threading.Lock())

    def handle(self, command: Command) -> Result:
        """Run `command`; retry only when the database says to try again."""
        for attempt in range(1, RETRIES + 1):
            try:
                with self._hall_lock(command.hall):
                    result = self._run(command)
                    # Handed over while this process's next command of the hall waits:
                    # its events leave the process in seq order.
                    if result.events:
                        self.publish(command.hall, result.events)
            except (OperationalError, DBAPIError) as error:
                if attempt == RETRIES or not _retryable(error):
                    raise
                log.warning("retrying %s after %s", type(command).__name__, error.orig)
                continue
            return result
        raise AssertionError("unreachable")

    def _run(self, command: Command) -> Result:
        handler = self.handlers[type(command)]
        name = type(command).__name__
        with UnitOfWork(self.db) as uow:
            hall = uow.halls.get(command.hall, lock=True)
            fingerprint = _fingerprint(command) if command.idempotency_key else ""
            if command.idempotency_key:
                stored = _stored_answer(uow, hall, command.idempotency_key, name, fingerprint)
                if stored is not None:
                    return stored
            kept, seq = self._kept(uow, hall, command), hall.seq
            context = Context(
                uow=uow,
                hall=hall,
                now=self.clock.now(),
                calendar=self.calendar_for(hall),
                kept=kept,
            )
            try:
                self.prepare(context)
                outcome = handler(command, context)
                stamped = uow.stamp(hall, context.events)
                if command.actor.startswith("staff:"):
                    entry = audit_entry(command, hall, context.now)
                    uow.audit.append(**{**entry, **(context.audited or {})})
                if command.idempotency_key:
                    uow.answers.keep(
                        hall,
                        command.idempotency_key,
                        command=name,
                        fingerprint=fingerprint,
                        status=outcome.status,
                        response=outcome.body,
                        created_at=context.now,
                    )
                uow.commit()
            except Exception:
                if not uow.tickets.stored:
                    # Refused before it stored a ticket: the queue in memory is still
                    # true; the configuration's rows may hold changes rolled back.
                    self._keep(command.hall, kept, seq, uow, configuration=False)
                raise
            self._keep(
                command.hall,
                kept,
                hall.seq,
                uow,
                configuration=type(command) in self.keeps_configuration,
            )
        return Result(outcome.body, outcome.status, stamped)

    def _keep(
        self, hall: str, kept: Kept, seq: int, uow: UnitOfWork, *, configuration: bool
    ) -> None:
        """Keep the hall's queue, true at `seq`, for the next command; its configuration
        too when the command cannot have changed it."""
        kept.seq, kept.queue = seq, uow.tickets.queue
        if not configuration:
            kept.forget_configuration()
        self.kept[hall] = kept

    def _kept(self, uow: UnitOfWork, hall: orm.Hall, command: Command) -> Kept:
        """What the last command of this process left of the hall, brought up to date if
        another process has changed the hall since (the hall's seq says so). Taken out
        until this command commits: a command that fails may leave changes in it."""
        kept = self.kept.pop(command.hall, None)
        if kept is None:
            return Kept()
        if kept.seq != hall.seq:
            # Another process (or `hallq hall load`) has changed the hall since: catch
            # the queue up from the ticket history, and load the configuration again.
            if kept.queue is not None:
                uow.tickets.catch_up(hall, kept.queue, since=kept.seq)
            kept.forget_configuration()
        elif type(command) in self.keeps_configuration:
            uow.session.add_all(kept.rows())
        else:
            kept.forget_configuration()
        uow.tickets.queue = kept.queue
        return kept


PERSONAL = frozenset({"phone", "taxpayer_id"})
"""Command fields the audit log must not copy (SPEC §10: personal data stays in its place)."""


def audit_entry(command: Command, hall: orm.Hall, now: datetime) -> dict[str, Any]:
    """The audit row of a staff member's command, committed with the command itself."""
    fields = {
        key: value
        for key, value in asdict(command).items()
        if key not in PERSONAL | {"hall", "actor", "idempotency_key", "staff"}
    }
    if "window" in fields:
        target = f"window:{fields.pop('window')}"
    elif "number" in fields:
        target = f"ticket:{fields.pop('number')}"
    else:
        target = ""
    return {
        "at": now,
        "hall_id": hall.id,
        "actor": command.actor,
        "action": type(command).__name__,
        "target": target,
        "detail": {key: str(value) if value is not None else None for key, value in fields.items()},
    }


def _fingerprint(command: Command) -> str:
    """What the command asks, whoever sends it: the same key must come with the same."""
    fields = {
        key: value
        for key, value in asdict(command).items()
        if key not in ("hall", "actor", "idempotency_key")
    }
    text = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _stored_answer(
    uow: UnitOfWork, hall: orm.Hall, key: str, command: str, fingerprint: str
) -> Result | None:
    """The answer already given to this key, if the request is the same; a key reused
    for another action or another body is refused (422)."""
    stored = uow.answers.find(hall, key)
    if stored is None:
        return None
    if stored.command != command or stored.fingerprint != fingerprint:
        raise Unprocessable("idempotency.reused")
    return Result(stored.response, stored.status, [], replayed=True)


def _retryable(error: DBAPIError) -> bool:
    text = str(error.orig).lower()
    code = getattr(error.orig, "pgcode", None)
    # SQLite: another process holds the write lock past the busy timeout.
    # PostgreSQL: serialization failure, deadlock.
    return "database is locked" in text or code in {"40001", "40P01"}
