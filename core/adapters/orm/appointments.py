"""预约办税: bookings of a service's slot, until checked in as a ticket (SPEC §13)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.adapters.orm.base import Base, UTCDateTime


class Appointment(Base):
    """A booked visit: booked, then checked in (a ticket), cancelled or a no-show."""

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("hall_id", "code"),
        Index("ix_appointments_hall_service_slot", "hall_id", "service", "slot_start"),
        Index("ix_appointments_hall_day", "hall_id", "business_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    code: Mapped[str] = mapped_column(String(6))
    """The check-in code (six digits), unique in the hall."""
    service: Mapped[str] = mapped_column(String(40))
    business_day: Mapped[date] = mapped_column(Date)
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(12), default="booked")
    """booked, checked_in, cancelled or no_show."""
    channel: Mapped[str] = mapped_column(String(8))
    """Where it was booked: ``phone`` (the booking page) or ``api`` (an outside platform)."""
    phone: Mapped[str | None] = mapped_column(String(20))
    taxpayer_id: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When it was checked in, cancelled or marked a no-show."""
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    """Why it was cancelled (the taxpayer, or the hall closing the day)."""
    day_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hour_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the reminders the day before and an hour before were queued."""
    outage_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    """The outage whose notice (what to do instead) was texted to it."""


class SmsCode(Base):
    """A code texted to a phone to prove it is the taxpayer's (the booking page)."""

    __tablename__ = "sms_codes"
    __table_args__ = (Index("ix_sms_codes_hall_phone_created", "hall_id", "phone", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    phone: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64))
    """HMAC of the phone and the code: the code itself is never stored."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    """Wrong codes entered against it; the fifth locks the phone for a while."""
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
