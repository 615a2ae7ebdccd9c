"""The reports' daily rollup: a closed day's cells and spreads (`core.domain.reports`),
kept so that a year's report reads a few thousand rows, not millions of events. Rebuilt
from the events at will (``hallq reports rebuild``): never the only copy of anything."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, SmallInteger, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from core.adapters.orm.base import Base, UTCDateTime
from core.domain.reports import SUM_FIELDS


class ReportMonth(Base):
    """A month whose spreads are summed in ``report_spread_months``: every day of it is in
    the rollup, and it is over."""

    __tablename__ = "report_months"

    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    """Its first day."""
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportDay(Base):
    """A business day whose cells and spreads are in the rollup."""

    __tablename__ = "report_days"

    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    business_day: Mapped[date] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _spread_columns() -> list[Column[Any]]:
    """A spread's key and count: how many waits (or service times) of a service, window
    and clerk lasted `minute` whole minutes."""
    return [
        Column("measure", String(8), nullable=False),
        Column("service", String(40), nullable=False),
        Column("window", Integer),
        Column("clerk", String(80)),
        Column("minute", Integer, nullable=False),
        Column("count", Integer, nullable=False),
    ]


report_cells = Table(
    "report_cells",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("hall_id", ForeignKey("halls.id"), nullable=False),
    Column("business_day", Date, nullable=False),
    Column("hour", SmallInteger, nullable=False),
    Column("service", String(40), nullable=False),
    Column("window", Integer),
    Column("clerk", String(80)),
    *(Column(name, Integer, nullable=False) for name in SUM_FIELDS),
    Index("ix_report_cells_hall_day", "hall_id", "business_day"),
)
"""A day's sums per hour of arrival, service, window and clerk (`core.domain.reports.Sums`)."""

report_spreads = Table(
    "report_spreads",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("hall_id", ForeignKey("halls.id"), nullable=False),
    Column("business_day", Date, nullable=False),
    *_spread_columns(),
    Index("ix_report_spreads_hall_day", "hall_id", "business_day"),
)
"""How many waits (or service times) of a day, service, window and clerk lasted each
whole minute."""

report_duties = Table(
    "report_duties",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("hall_id", ForeignKey("halls.id"), nullable=False),
    Column("business_day", Date, nullable=False),
    Column("window", Integer, nullable=False),
    Column("clerk", String(80), nullable=False),
    Column("on_duty", Integer, nullable=False),
    Column("paused", Integer, nullable=False),
    Index("ix_report_duties_hall_day", "hall_id", "business_day"),
)
"""Seconds each clerk held each window on a day, and of those paused."""

report_spread_months = Table(
    "report_spread_months",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("hall_id", ForeignKey("halls.id"), nullable=False),
    Column("month", Date, nullable=False),
    *_spread_columns(),
    Index("ix_report_spread_months_hall_month", "hall_id", "month"),
)
"""A month's spreads summed: a year's report reads twelve months' minutes, not 250 days'."""
