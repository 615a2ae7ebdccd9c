"""Commands of 预约办税 (SPEC §13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.domain.commands import Command
from core.domain.tickets import Channel


@dataclass(frozen=True, kw_only=True)
class BookAppointment(Command):
    """A taxpayer books the slot of `service` starting at `start`: on the booking page
    (`channel` ``phone``, the phone proved by SMS code `sms_code`, an id from
    `core.services.sms_codes.check_code`) or through an outside platform (``api``)."""

    service: str
    start: datetime
    phone: str
    taxpayer_id: str | None = None
    channel: str = "phone"
    sms_code: int | None = None


@dataclass(frozen=True, kw_only=True)
class AppointmentCommand(Command):
    """Payload: the booking, by its check-in code and the phone it was booked with."""

    code: str
    phone: str


@dataclass(frozen=True, kw_only=True)
class CancelAppointment(AppointmentCommand):
    """The taxpayer cancels the booking."""


@dataclass(frozen=True, kw_only=True)
class ChangeAppointment(AppointmentCommand):
    """The taxpayer moves the booking to another slot of its service, keeping its code."""

    start: datetime


@dataclass(frozen=True, kw_only=True)
class CheckInAppointment(Command):
    """A taxpayer checks in at a kiosk or the guide desk (`device`, its channel `channel`):
    by the booking's `code`, or by its `phone` and the last four characters of its
    taxpayer ID (`id_last4`). The booking becomes a ticket."""

    code: str | None = None
    phone: str | None = None
    id_last4: str | None = None
    device: str | None = None
    channel: Channel = Channel.KIOSK
    """The channel of the ordinary ticket a late arrival gets."""
    print_ticket: bool = True


@dataclass(frozen=True, kw_only=True)
class CloseBookingDay(Command):
    """The hall closes `day` for booking, because of `reason`: the only way it may cancel
    bookings; each one booked that day is cancelled and texted the reason."""

    day: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class OpenBookingDay(Command):
    """The hall takes bookings on `day` again (cancelled ones stay cancelled)."""

    day: date
