"""Commands of 预约办税 (SPEC §13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.commands import Command


@dataclass(frozen=True, kw_only=True)
class BookAppointment(Command):
    """A taxpayer books the slot of `service` starting at `start`, from the booking page
    (`channel` ``phone``) or an outside platform (``api``)."""

    service: str
    start: datetime
    phone: str
    taxpayer_id: str | None = None
    channel: str = "phone"
