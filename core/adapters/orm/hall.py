"""Halls, their services and windows."""

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.adapters.orm.base import Base, UTCDateTime


class Hall(Base):
    """A tax service hall. `seq` numbers every event the hall's screens receive."""

    __tablename__ = "halls"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    mode: Mapped[str] = mapped_column(String(16), default="normal")
    business_day: Mapped[date | None] = mapped_column(Date)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    services: Mapped[list[Service]] = relationship(
        back_populates="hall", order_by="Service.position"
    )
    windows: Mapped[list[Window]] = relationship(back_populates="hall", order_by="Window.number")


class Service(Base):
    """A kind of business (业务类型) with its ticket prefix letter."""

    __tablename__ = "services"
    __table_args__ = (
        UniqueConstraint("hall_id", "code"),
        UniqueConstraint("hall_id", "prefix"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    prefix: Mapped[str] = mapped_column(String(1))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    minutes: Mapped[float] = mapped_column(default=10.0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recent_durations: Mapped[list[float]] = mapped_column(JSON, default=list)
    """Seconds of the latest finished services (the moving average's window), newest last."""

    hall: Mapped[Hall] = relationship(back_populates="services")


class Window(Base):
    """A staffed desk; `services` is the ordered list it serves."""

    __tablename__ = "windows"
    __table_args__ = (UniqueConstraint("hall_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100), default="")
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    dedicated: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    """The services a duty leader made it call instead of its own (专窗, 潮汐窗口), in order."""
    dedicated_until: Mapped[date | None] = mapped_column(Date, default=None)
    """The last business day of that dedication; None: until the leader undoes it."""
    state: Mapped[str] = mapped_column(String(16), default="closed")
    staff: Mapped[str | None] = mapped_column(String(80))
    current: Mapped[str | None] = mapped_column(String(12))

    hall: Mapped[Hall] = relationship(back_populates="windows")

    @property
    def serving(self) -> list[str]:
        """The services it calls now, in order: its dedicated ones while dedicated."""
        return self.dedicated or self.services


class WindowEvent(Base):
    """Append-only: a window opened, paused, resumed or closed, and by (or from) whom — the
    clerks' time on duty and paused, for the reports."""

    __tablename__ = "window_events"
    __table_args__ = (Index("ix_window_events_hall_at", "hall_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    window: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    staff: Mapped[str | None] = mapped_column(String(80))
    """Who holds the window (open, paused), or held it until now (closed)."""
    at: Mapped[datetime] = mapped_column(UTCDateTime)
