"""Delivering an outbox: the one mechanism behind the SMS outbox (`core.hub.sms`) and the
upload of ratings to the bureau's platform (`core.hub.uploads`).

Delivery is **at least once**. Nothing is delivered inside a database transaction (a
transaction that waits on the network can freeze the hub under eventlet), so each round
goes:

1. *claim* — one short write transaction takes the due rows, oldest first, lets the
   outbox's own rules postpone or skip some (quiet hours, a daily cap), and claims the
   rest: ``attempts + 1`` and ``next_attempt_at = now + lease``. A claimed row stays
   ``queued`` on disk.
2. *deliver* — outside any transaction, one row at a time.
3. *record* — right after each delivery, a short write transaction stores that row's
   outcome (sent, retry later, failed).

If the process dies between 1 and 3 the row is still ``queued`` and falls due again when
the lease runs out, so it is delivered by the next dispatcher — or twice, if the first
delivery did go out. Recording after every delivery keeps the duplicates of a crash to
the one row in flight. Retryable failures wait 30 s, 2 min, 8 min, 32 min, then 1 h each
time; after `max_attempts` (8, about four hours) the row is ``failed``.

An outbox table has the columns ``id, hall_id, state, attempts, next_attempt_at,
created_at, sent_at, error``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.clock import Clock
from core.adapters.db import Database
from core.adapters.delivery import DeliveryError

log = logging.getLogger(__name__)

FIRST_BACKOFF = timedelta(seconds=30)
BACKOFF_FACTOR = 4
MAX_BACKOFF = timedelta(hours=1)
ERROR_LENGTH = 300  # the width of an outbox's error column


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 30 s, 2 min, 8 min, 32 min, then 1 h."""
    factor: int = BACKOFF_FACTOR ** min(max(attempts - 1, 0), 10)  # no overflow
    return min(FIRST_BACKOFF * factor, MAX_BACKOFF)


@dataclass(frozen=True)
class Claim:
    """A row taken for delivery: what to deliver, and the attempt it is (its outcome is
    stored only if the row still has that count: after a lease ran out another
    dispatcher may own it)."""

    id: int
    attempts: int
    payload: Any


class OutboxDispatcher:
    """Delivers the due rows of `table`; subclasses say how (`deliver`) and may add rules
    to the claim (`decide`)."""

    table: Any
    """The outbox's ORM class."""
    what = "outbox row"
    """How the log names a row."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        batch: int = 50,
        max_attempts: int = 8,
        lease: timedelta = timedelta(minutes=10),
    ) -> None:
        self.db = db
        self.clock = clock
        self.batch = batch
        self.max_attempts = max_attempts
        self.lease = lease

    # -- what subclasses say ------------------------------------------------------------

    def deliver(self, claim: Claim) -> None:
        """Hand one row's payload over; raise `DeliveryError` when it was not."""
        raise NotImplementedError

    def payload(self, row: Any) -> Any:
        """What `deliver` needs of a row."""
        raise NotImplementedError

    def decide(self, session: Session, row: Any, hall: orm.Hall, now: datetime) -> bool:
        """Whether to claim a due row now; may postpone or skip it instead (default: yes)."""
        return True

    def start_round(self) -> None:
        """Called before each claim (a subclass's per-round bookkeeping)."""

    # -- the rounds -----------------------------------------------------------------------

    def run_once(self) -> int:
        """One round: claim due rows, deliver them, record each outcome. Returns how many
        rows left the due set (sent, retried, failed, postponed or skipped)."""
        now = self.clock.now()
        claims, handled = self._claim(now)
        # Stop well before the lease runs out, so no other dispatcher re-sends what we hold.
        release_at = now + self.lease / 2
        for position, claim in enumerate(claims):
            if self.clock.now() >= release_at:
                self._release(claims[position:])
                return handled - (len(claims) - position)
            self._deliver(claim)
        return handled

    def run_forever(
        self,
        sleep: Callable[[float], None],
        interval_s: float = 1.0,
        stop: threading.Event | None = None,
    ) -> None:
        """Run rounds until `stop` is set; `sleep` is ``socketio.sleep`` under eventlet."""
        while stop is None or not stop.is_set():
            try:
                handled = self.run_once()
            except Exception:  # keep the loop alive; the rows stay queued
                log.exception("%s dispatch round failed", self.what)
                handled = 0
            if handled < self.batch:
                sleep(interval_s)

    def _claim(self, now: datetime) -> tuple[list[Claim], int]:
        table = self.table
        self.start_round()
        with self.db.writing() as session, session.begin():
            due = session.scalars(
                select(table)
                .where(table.state == "queued", table.next_attempt_at <= now)
                .order_by(table.created_at, table.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has BEGIN IMMEDIATE
            ).all()
            halls = {
                hall.id: hall
                for hall in session.scalars(
                    select(orm.Hall).where(orm.Hall.id.in_({row.hall_id for row in due}))
                )
            }
            claims: list[Claim] = []
            for row in due:
                if not self.decide(session, row, halls[row.hall_id], now):
                    continue
                row.attempts += 1
                row.next_attempt_at = now + self.lease
                claims.append(Claim(row.id, row.attempts, self.payload(row)))
            return claims, len(due)

    def _deliver(self, claim: Claim) -> None:
        try:
            self.deliver(claim)
        except DeliveryError as error:
            self._failed(claim, error.retryable, error.reason)
            return
        except Exception as error:  # a sender's bug must not lose the row: retry it
            log.exception("%s delivery raised unexpectedly", self.what)
            self._failed(claim, True, f"{type(error).__name__}: {error}")
            return
        self._store(
            claim,
            {"state": "sent", "sent_at": self.clock.now(), "error": ""},
            owned_only=False,  # it went out: say so even if a re-claim raced us
        )
        log.info("%s %s sent", self.what, claim.id)

    def _failed(self, claim: Claim, retryable: bool, reason: str) -> None:
        if retryable and claim.attempts < self.max_attempts:
            retry_at = self.clock.now() + backoff(claim.attempts)
            self._store(claim, {"next_attempt_at": retry_at, "error": reason[:ERROR_LENGTH]})
            log.warning(
                "%s %s attempt %s failed, retry at %s: %s",
                self.what,
                claim.id,
                claim.attempts,
                retry_at.isoformat(),
                reason,
            )
            return
        if retryable:
            reason = f"gave up after {claim.attempts} attempts: {reason}"
        self._store(claim, {"state": "failed", "error": reason[:ERROR_LENGTH]})
        log.error("%s %s failed: %s", self.what, claim.id, reason)

    def _release(self, claims: list[Claim]) -> None:
        """Give back claims not tried in time: due now, the claim not counted as an attempt."""
        now = self.clock.now()
        for claim in claims:
            self._store(claim, {"attempts": claim.attempts - 1, "next_attempt_at": now})

    def _store(self, claim: Claim, values: dict[str, Any], *, owned_only: bool = True) -> None:
        table = self.table
        conditions = [table.id == claim.id, table.state == "queued"]
        if owned_only:  # after a lease ran out another dispatcher may own the row now
            conditions.append(table.attempts == claim.attempts)
        with self.db.writing() as session, session.begin():
            session.execute(
                update(table)
                .where(*conditions)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
