"""好差评: each service part to be rated once, and its rating (SPEC §12)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.adapters.orm.base import Base, UTCDateTime


class Rating(Base):
    """What one clerk did for one ticket at one window (a finish, or the part before a
    transfer): pending until rated on the pad or the phone, or not rated in time."""

    __tablename__ = "ratings"
    __table_args__ = (
        Index("ix_ratings_hall_day", "hall_id", "business_day"),
        # The reports count a year of ratings per clerk from this index alone.
        Index("ix_ratings_hall_day_staff", "hall_id", "business_day", "staff", "state", "level"),
        Index("ix_ratings_hall_window_offered", "hall_id", "window", "offered_at"),
        Index("ix_ratings_hall_state_due", "hall_id", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    business_day: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(12))
    service: Mapped[str] = mapped_column(String(40))
    window: Mapped[int] = mapped_column(Integer)
    staff: Mapped[str | None] = mapped_column(String(80))
    """The username of the clerk who finished (or transferred) the ticket."""
    served_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    offers: Mapped[int] = mapped_column(SmallInteger, default=1)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    level: Mapped[int | None] = mapped_column(SmallInteger)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    """For the call-back after a 差评; erased with the hall's other phone numbers."""
    channel: Mapped[str | None] = mapped_column(String(8))
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RatingWorkOrder(Base):
    """The follow-up of one 差评 (整改工单): the call-back, the fix, an appeal."""

    __tablename__ = "rating_work_orders"
    __table_args__ = (Index("ix_rating_work_orders_hall_state_due", "hall_id", "state", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), unique=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date)
    leader: Mapped[str] = mapped_column(String(100), default="")
    """The duty leader it was assigned to (the roster's, or the last leader in)."""
    state: Mapped[str] = mapped_column(String(12), default="open")
    call_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    call_back_by: Mapped[str | None] = mapped_column(String(80))
    call_back_said: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    fix: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    closed_by: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fix_rating: Mapped[str | None] = mapped_column(String(24))
    appeal_state: Mapped[str | None] = mapped_column(String(12))
    appeal_by: Mapped[str | None] = mapped_column(String(80))
    appeal_reason: Mapped[str] = mapped_column(Text, default="")
    appeal_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_decided_by: Mapped[str | None] = mapped_column(String(80))
    appeal_decision: Mapped[str] = mapped_column(Text, default="")
    appeal_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RatingUpload(Base):
    """The outbox of ratings for the bureau's platform (`core.hub.uploads`): one row per
    rating, queued with it, sent at least once."""

    __tablename__ = "rating_uploads"
    __table_args__ = (Index("ix_rating_uploads_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    """The rating as the platform gets it: a JSON object, no phone number."""
    state: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(String(300), default="")
