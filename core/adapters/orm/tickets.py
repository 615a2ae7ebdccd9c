"""Tickets, their append-only history, the daily numbering and idempotency keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.adapters.orm.base import Base, UTCDateTime


class Ticket(Base):
    """One visit; unique per hall, business day and number — never reused that day."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("hall_id", "business_day", "number"),
        Index("ix_tickets_queue", "hall_id", "business_day", "state", "service", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    business_day: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(12))
    service: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    green: Mapped[bool] = mapped_column(Boolean, default=False)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window: Mapped[int | None] = mapped_column(Integer)
    target_window: Mapped[int | None] = mapped_column(Integer)
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    appointment_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appointment_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phone: Mapped[str | None] = mapped_column(String(20))
    taxpayer_id: Mapped[str | None] = mapped_column(String(20))
    issued_by: Mapped[str | None] = mapped_column(String(80))
    requested_service: Mapped[str | None] = mapped_column(String(40))
    """The service asked for, when an outage routed the taxpayer to the emergency window."""
    print_state: Mapped[str] = mapped_column(String(16), default="none")


class TicketEvent(Base):
    """Append-only: every change of every ticket, who did it, at which window, when."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    window: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_ticket_events_hall_kind_at", "hall_id", "kind", "at"),
        Index("ix_ticket_events_hall_seq", "hall_id", "seq"),
    )


class NumberCounter(Base):
    """The last sequence handed out per hall, service and business day.

    A row incremented under the hall's write lock — not a COUNT of today's
    tickets, which two kiosks would race on.
    """

    __tablename__ = "number_counters"

    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    service: Mapped[str] = mapped_column(String(40), primary_key=True)
    business_day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(Base):
    """The stored answer to a command, so a repeated key gets the same answer."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("hall_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    key: Mapped[str] = mapped_column(String(120))
    """SHA-256 of the caller and the whole key they sent."""
    command: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64), default="", server_default="")
    """SHA-256 of the command's fields: the same key with another body is refused."""
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
