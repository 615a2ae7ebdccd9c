"""Incidents and their ledger, notices, paper tickets, emergency registers, follow-ups, SMS."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.adapters.orm.base import Base, UTCDateTime


class Incident(Base):
    """One row of the incident ledger (突发事件应急处置登记台帐), kept forever.

    `auto_key` names what detection watches (``device:printer-kiosk-1``,
    ``printers:all``, ``system:backoffice``) so recovery closes the right one.
    """

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("hall_id", "number"),
        Index("ix_incidents_open", "hall_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(12))
    mode: Mapped[str] = mapped_column(String(12))
    systems: Mapped[list[str]] = mapped_column(JSON, default=list)
    devices: Mapped[list[str]] = mapped_column(JSON, default=list)
    place: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expected_recovery: Mapped[str] = mapped_column(String(100), default="")
    result: Mapped[str] = mapped_column(Text, default="")
    duty_leader: Mapped[str] = mapped_column(String(80), default="")
    reported_by: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(8))  # auto | manual
    auto_key: Mapped[str | None] = mapped_column(String(80))
    notify_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    extension: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The filing-deadline extension as it stands: rule, original, extended, provisional."""


class IncidentStep(Base):
    """A handling step (处置过程): when, who, what."""

    __tablename__ = "incident_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)


class Notice(Base):
    """A notice on every screen (an incident's, or posted by the duty leader)."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_active", "hall_id", "removed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    """Edited by hand: the hub no longer rewrites it (e.g. when the deadline extension moves)."""
    posted_by: Mapped[str] = mapped_column(String(80))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PaperRange(Base):
    """Paper tickets handed out at the guide desk; their numbers are reserved for the day."""

    __tablename__ = "paper_ranges"
    __table_args__ = (Index("ix_paper_ranges_day", "hall_id", "service", "business_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    service: Mapped[str] = mapped_column(String(40))
    business_day: Mapped[date] = mapped_column(Date)
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    registered_by: Mapped[str] = mapped_column(String(80))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RegisterRecord(Base):
    """A register entry (登记簿) made while the tax system was down; waits to be backfilled."""

    __tablename__ = "register_records"
    __table_args__ = (Index("ix_register_records_state", "hall_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12))  # to_backfill | backfilled
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    backfilled_by: Mapped[str | None] = mapped_column(String(80))
    backfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FollowUp(Base):
    """A question answered later (待答复台账), by SMS to the contact left."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_open", "hall_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    question: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(20))  # policy_unclear | system_down | other
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str | None] = mapped_column(String(80))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SmsMessage(Base):
    """The SMS outbox: every message queued, its attempts and its outcome."""

    __tablename__ = "sms_outbox"
    __table_args__ = (
        Index("ix_sms_outbox_due", "state", "next_attempt_at"),
        Index("ix_sms_outbox_phone_day", "phone", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    phone: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(12))  # queued | sent | failed | skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(String(300), default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))


class SystemStatus(Base):
    """What the health probe last saw of an outside system (for the console)."""

    __tablename__ = "system_status"

    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    system: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))  # up | down | unknown
    failures: Mapped[int] = mapped_column(Integer, default=0)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[str] = mapped_column(String(200), default="")


class HubRun(Base):
    """One run of a hub process: when it started, its last heartbeat, and whether it
    stopped cleanly. A run that never stopped cleanly died; the next run of the same
    hub records that outage in the incident ledger."""

    __tablename__ = "hub_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub: Mapped[str] = mapped_column(String(120), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
