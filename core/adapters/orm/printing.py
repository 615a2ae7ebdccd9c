"""Print jobs: stored before they are sent, so no ticket is lost to a printer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.adapters.orm.base import Base, UTCDateTime


class PrintJob(Base):
    """One ticket to print on one printer: pending → sent → printed | failed."""

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_printer_state", "printer", "state"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    printer: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    state: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(String(200), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
