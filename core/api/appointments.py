"""预约办税 endpoints (SPEC §13): the booking page's, and an outside platform's.

``GET  /appointments/services``        the bookable services and days (public)
``GET  /appointments/slots/<service>/<day>``  a service's slots of a day, places left (public)
``POST /appointments/sms-code``        text a code to the phone that books (public)
``POST /appointments``                 book: with the SMS code, or as a booking platform
``POST /appointments/lookup``          a booking, by its check-in code and phone
``POST /appointments/<code>/cancel``   cancel it (code and phone)
``POST /appointments/<code>/change``   move it to another slot of its service
``POST /appointments/days/<day>/close`` the hall closes a day, with the reason (leaders)
``POST /appointments/days/<day>/open``  and opens it again
``POST /appointments/check-in``        预约取号 at a kiosk or the guide desk: the ticket
``GET  /appointments/day/<day>``       a day's bookings per service and slot (leaders)
``POST /appointments/history``         a taxpayer's bookings and no-show block (leaders)

A booking platform (电子税务局, a WeChat mini program) is an enrolled device of kind
``booking_platform`` calling with its API token: it has proved who the taxpayer is, so
it books without the SMS code. Everyone else proves the phone with the code.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict, deque
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app
from pydantic import BaseModel, Field, StrictBool
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.repository import HallRepository
from core.api import bp
from core.api.common import command, hall_code, idempotency_key, json_response, run
from core.api.registry import operation
from core.api.schemas import (
    PHONE_PATTERN,
    TAXPAYER_ID_PATTERN,
    Error,
    Strict,
    TicketView,
    checked,
)
from core.domain.appointment_commands import (
    BookAppointment,
    CancelAppointment,
    ChangeAppointment,
    CheckInAppointment,
    CloseBookingDay,
    OpenBookingDay,
)
from core.domain.appointments import bookable_days, closed_reason
from core.domain.errors import Conflict, DomainError, InvalidInput, NotFound
from core.domain.identity import validate_phone, validate_taxpayer_id
from core.domain.tickets import Channel
from core.extensions import limiter
from core.halls import appointments_of, calendar_for, hours_of, quota_of
from core.runtime import runtime
from core.services import appointments, sms_codes, views
from core.services.access import Role
from core.web.auth import current_principal, require_principal, requires
from core.web.qr import qr_data_url

SERVICE_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"
CODE_PATTERN = r"^[0-9]{6}$"
PLATFORM = "booking_platform"


class SmsCodeBody(Strict):
    phone: str = Field(max_length=20, json_schema_extra=checked(PHONE_PATTERN))


class BookingBody(Strict):
    service: str = Field(pattern=SERVICE_PATTERN, description="A bookable service's code.")
    start: datetime = Field(description="The slot's start, as the slots list gives it.")
    phone: str = Field(max_length=20, json_schema_extra=checked(PHONE_PATTERN))
    sms_code: str = Field(
        default="", pattern=r"^([0-9]{6})?$", description="The code texted to the phone."
    )
    taxpayer_id: str = Field(
        default="",
        max_length=20,
        json_schema_extra=checked(TAXPAYER_ID_PATTERN),
        description="纳税人识别号, for a service that needs it.",
    )


class OwnBookingBody(Strict):
    phone: str = Field(max_length=20, json_schema_extra=checked(PHONE_PATTERN))


class LookupBody(OwnBookingBody):
    code: str = Field(pattern=CODE_PATTERN, description="The six-digit check-in code.")


class ChangeBody(OwnBookingBody):
    start: datetime = Field(description="The new slot's start (the same service).")


class BookingView(BaseModel):
    code: str = Field(description="The check-in code, for the kiosk's 预约取号")
    service: str
    service_name: str
    service_name_en: str
    day: str
    start: str
    end: str
    state: str = Field(description="booked | checked_in | cancelled | no_show")
    channel: str = Field(description="phone (the booking page) | api (a platform)")
    qr: str = Field(description="The check-in code as a QR image (data: URL)")


class SlotView(BaseModel):
    start: str
    end: str
    places: int
    left: int
    bookable: bool = Field(description="A place left, and it may still be booked now")


class DayView(BaseModel):
    service: str
    day: str
    closed: str | None = Field(description="not_workday | closed_day; null: open")
    slots: list[SlotView]


class BookableService(BaseModel):
    code: str
    name: str
    name_en: str
    slot_minutes: int
    taxpayer_id: bool = Field(description="The booking asks for the taxpayer ID")


class BookableDay(BaseModel):
    day: str
    closed: str | None


class BookingOffer(BaseModel):
    services: list[BookableService]
    days: list[BookableDay]


class CodeSent(BaseModel):
    resend_after_s: int
    valid_s: int


def _public_limit() -> str:
    return runtime().settings.rate_limit_public


def _secret() -> str:
    """The key the SMS codes' HMAC is made with: the app's own."""
    return str(current_app.secret_key)


def _hall(session: Session) -> orm.Hall:
    return views.hall_by_code(session, hall_code())


def _with_qr(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "qr": qr_data_url(body["code"])}


def _answer(response: Response) -> Response:
    """A booking's answer with its QR code added."""
    body = response.get_json(silent=True)
    if isinstance(body, dict) and "code" in body:
        response.set_data(json_response(_with_qr(body), response.status_code).get_data())
    return response


@operation(
    bp,
    "GET",
    "/appointments/services",
    summary="The services that can be booked, and the days bookings are taken for.",
    tag="appointments",
    responses={200: ("Services and days", BookingOffer)},
)
@limiter.limit(_public_limit)
def booking_offer() -> Response:
    rt = runtime()
    with rt.db.read_session() as session:
        hall = _hall(session)
        rules, hours = appointments_of(hall.settings), hours_of(hall.settings)
        calendar, zone = calendar_for(hall), ZoneInfo(hall.timezone)
        services = []
        for service in HallRepository(session).services(hall):
            quota = quota_of(service.settings or {})
            if quota is not None:
                services.append(
                    {
                        "code": service.code,
                        "name": service.name_zh,
                        "name_en": service.name_en,
                        "slot_minutes": quota.slot_minutes,
                        "taxpayer_id": quota.taxpayer_id,
                    }
                )
        days = [
            {"day": day.isoformat(), "closed": closed_reason(day, hours, calendar, rules)}
            for day in bookable_days(rt.clock.now(), zone, rules)
        ]
    return json_response({"services": services, "days": days})


@operation(
    bp,
    "GET",
    "/appointments/slots/<service>/<day>",
    summary="One service's slots of a day (`/appointments/slots/invoice/2026-12-08`).",
    tag="appointments",
    responses={200: ("The day", DayView), 404: ("No such bookable service, or day", Error)},
)
@limiter.limit(_public_limit)
def booking_slots(service: str, day: str) -> Response:
    rt = runtime()
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        raise NotFound("appointment.day", day=day) from None
    with rt.db.read_session() as session:
        hall = _hall(session)
        halls = HallRepository(session)
        row = next((each for each in halls.services(hall) if each.code == service), None)
        if row is None or quota_of(row.settings or {}) is None:
            raise NotFound("appointment.not_bookable", service=service)
        windows = halls.window_rows(hall)
        body = appointments.day_view(
            session, hall, row, windows, wanted, rt.clock.now(), calendar_for(hall)
        )
    return json_response(body)


@operation(
    bp,
    "POST",
    "/appointments/sms-code",
    summary="Text a six-digit code to the phone that books (one a minute, five a day).",
    tag="appointments",
    body=SmsCodeBody,
    responses={
        202: ("Queued for sending", CodeSent),
        400: ("Not a mobile number", Error),
        409: ("Too soon after the last, the day's codes used, or locked", Error),
    },
)
@limiter.limit(_public_limit)
def send_booking_code(data: SmsCodeBody) -> Response:
    rt = runtime()
    phone = validate_phone(data.phone)
    with rt.db.writing() as session:
        hall = _hall(session)
        sent = sms_codes.send_code(session, hall, phone, rt.clock.now(), _secret())
        session.commit()
    return json_response(sent, 202)


@operation(
    bp,
    "POST",
    "/appointments",
    summary="Book a slot: with the SMS code, or as a booking platform (its API token).",
    tag="appointments",
    body=BookingBody,
    responses={
        201: ("The booking, with its check-in code", BookingView),
        400: ("Bad service, slot, phone, taxpayer ID or SMS code", Error),
        409: ("Full, closed, or the phone locked", Error),
    },
)
@limiter.limit(_public_limit)
def book(data: BookingBody) -> Response:
    principal = current_principal()
    platform = principal is not None and principal.is_device(PLATFORM)
    phone = validate_phone(data.phone)
    code_id = None
    if not platform:
        if not data.sms_code:
            raise InvalidInput("sms_code.required", field="sms_code")
        code_id = _checked_code(phone, data.sms_code)
    start = _in_hall_zone(data.start)
    return _answer(
        run(
            BookAppointment(
                hall=hall_code(principal),
                actor=principal.actor if platform and principal else f"phone:{phone[-4:]}",
                service=data.service,
                start=start,
                phone=phone,
                taxpayer_id=data.taxpayer_id.strip() or None,
                channel="api" if platform else "phone",
                sms_code=code_id,
            )
        )
    )


def _checked_code(phone: str, code: str) -> int:
    """The SMS code's id if it is right; a wrong one is counted (committed) and refused."""
    rt = runtime()
    with rt.db.writing() as session:
        try:
            return sms_codes.check_code(
                session, _hall(session), phone, code, rt.clock.now(), _secret()
            )
        except DomainError:
            session.commit()
            raise


def _in_hall_zone(start: datetime) -> datetime:
    """A start without a zone is the hall's local time."""
    if start.tzinfo is not None:
        return start
    with runtime().db.read_session() as session:
        return start.replace(tzinfo=ZoneInfo(_hall(session).timezone))


@operation(
    bp,
    "POST",
    "/appointments/lookup",
    summary="A booking, by its check-in code and the phone it was booked with.",
    tag="appointments",
    body=LookupBody,
    responses={200: ("The booking", BookingView), 404: ("No such booking", Error)},
)
@limiter.limit(_public_limit)
def lookup(data: LookupBody) -> Response:
    rt = runtime()
    phone = validate_phone(data.phone)
    with rt.db.read_session() as session:
        hall = _hall(session)
        row = appointments.find_booking(session, hall, data.code, phone)
        service = HallRepository(session).service_row(hall, row.service)
        body = appointments.booking_body(row, service, ZoneInfo(hall.timezone))
    return json_response(_with_qr(body))


@operation(
    bp,
    "POST",
    "/appointments/<code>/cancel",
    summary="Cancel a booking (its phone).",
    tag="appointments",
    body=OwnBookingBody,
    responses={
        200: ("The cancelled booking", BookingView),
        404: ("No such booking", Error),
        409: ("Checked in, cancelled already, or a no-show", Error),
    },
)
@limiter.limit(_public_limit)
def cancel(code: str, data: OwnBookingBody) -> Response:
    principal = current_principal()
    return _answer(
        run(
            CancelAppointment(
                hall=hall_code(principal),
                actor=_actor(data.phone),
                code=code,
                phone=validate_phone(data.phone),
            )
        )
    )


@operation(
    bp,
    "POST",
    "/appointments/<code>/change",
    summary="Move a booking to another slot of its service, keeping its code (its phone).",
    tag="appointments",
    body=ChangeBody,
    responses={
        200: ("The booking, moved", BookingView),
        400: ("No such slot, or not bookable now", Error),
        404: ("No such booking", Error),
        409: ("Full, closed, or not booked any more", Error),
    },
)
@limiter.limit(_public_limit)
def change(code: str, data: ChangeBody) -> Response:
    principal = current_principal()
    return _answer(
        run(
            ChangeAppointment(
                hall=hall_code(principal),
                actor=_actor(data.phone),
                code=code,
                phone=validate_phone(data.phone),
                start=_in_hall_zone(data.start),
            )
        )
    )


def _actor(phone: str) -> str:
    principal = current_principal()
    if principal is not None and principal.is_device(PLATFORM):
        return principal.actor
    return f"phone:{phone.strip()[-4:]}"


# ---- the hall closes or opens a day for booking ------------------------------------------------


class CloseDayBody(Strict):
    reason: str = Field(
        min_length=1,
        max_length=60,
        description="Why, in the SMS to every booking of the day (因…, 暂停预约办税).",
    )


class DayChange(BaseModel):
    day: str
    cancelled: int = Field(description="Bookings the closing cancelled (and texted)")


def _day(day: str) -> date:
    try:
        return date.fromisoformat(day)
    except ValueError:
        raise NotFound("appointment.day", day=day) from None


@operation(
    bp,
    "POST",
    "/appointments/days/<day>/close",
    summary="Close a day for booking, with the reason: its bookings are cancelled and texted.",
    tag="appointments",
    body=CloseDayBody,
    responses={
        200: ("Closed", DayChange),
        400: ("No reason", Error),
        404: ("Not a day", Error),
    },
)
@requires(Role.LEADER)
def close_day(day: str, data: CloseDayBody) -> Response:
    return command(CloseBookingDay, day=_day(day), reason=data.reason)


@operation(
    bp,
    "POST",
    "/appointments/days/<day>/open",
    summary="Take bookings on a closed day again.",
    tag="appointments",
    responses={200: ("Open", DayChange), 404: ("Not a day", Error)},
)
@requires(Role.LEADER)
def open_day(day: str) -> Response:
    return command(OpenBookingDay, day=_day(day))


# ---- 预约取号: check-in at a kiosk or the guide desk -----------------------------------------


class CheckInBody(Strict):
    code: str = Field(default="", pattern=r"^([0-9]{6})?$", description="The check-in code.")
    phone: str = Field(
        default="",
        max_length=20,
        json_schema_extra=checked(PHONE_PATTERN),
        description="Instead of the code: the booking's phone …",
    )
    id_last4: str = Field(
        default="",
        pattern=r"^([0-9A-Za-z]{4})?$",
        description="… and the last four characters of its taxpayer ID.",
    )
    print: StrictBool = Field(default=True, description="Print the ticket on the desk's printer.")


class CheckInView(TicketView):
    booking: dict[str, Any] = Field(description="The booking, with `late`: an ordinary ticket")


class WrongTries:
    """Wrong check-ins per kiosk or desk: `limit` a minute, then it is asked to wait (a
    six-digit code is not to be guessed at a kiosk)."""

    def __init__(self, limit: int = 5, span: timedelta = timedelta(minutes=1)) -> None:
        self.limit, self.span = limit, span
        self.seen: dict[str, deque[datetime]] = defaultdict(deque)
        self.lock = threading.Lock()

    def refuse_if_too_many(self, who: str, now: datetime) -> None:
        with self.lock:
            seen = self.seen[who]
            while seen and now - seen[0] >= self.span:
                seen.popleft()
            if len(seen) >= self.limit:
                wait = math.ceil((seen[0] + self.span - now).total_seconds())
                raise Conflict("appointment.check_in_tries", seconds=wait)

    def count(self, who: str, now: datetime) -> None:
        with self.lock:
            self.seen[who].append(now)


def _wrong_tries() -> WrongTries:
    tries: WrongTries = current_app.extensions.setdefault("hallq_check_in_tries", WrongTries())
    return tries


@operation(
    bp,
    "POST",
    "/appointments/check-in",
    summary="预约取号: a booking's code (or phone and ID's last four) becomes its ticket.",
    tag="appointments",
    body=CheckInBody,
    responses={
        201: ("The ticket (called first within the slot; late: an ordinary one)", CheckInView),
        400: ("Neither a code nor phone and ID digits", Error),
        404: ("No such booking in this hall", Error),
        409: ("Too early, already checked in, cancelled, missed, or too many tries", Error),
    },
    headers=("Idempotency-Key",),
)
@requires(Role.STAFF, devices=("kiosk", "guide"))
def check_in(data: CheckInBody) -> Response:
    principal = require_principal()
    now, tries = runtime().clock.now(), _wrong_tries()
    tries.refuse_if_too_many(principal.actor, now)
    kiosk = principal.is_device("kiosk")
    try:
        response = run(
            CheckInAppointment(
                hall=hall_code(principal),
                actor=principal.actor,
                idempotency_key=idempotency_key(principal),
                code=data.code or None,
                phone=data.phone or None,
                id_last4=data.id_last4 or None,
                device=principal.name if principal.kind == "device" else None,
                channel=Channel.KIOSK if kiosk else Channel.GUIDE,
                print_ticket=data.print,
            )
        )
    except NotFound:
        tries.count(principal.actor, now)
        raise
    printing = runtime().printing
    if printing is not None and response.status_code == 201:
        printing.wake.set()
    return response


# ---- the console: a day's bookings, a taxpayer's -------------------------------------------------


class DayBoard(BaseModel):
    day: str
    closed: str | None = Field(description="not_workday | closed_day; null: taking bookings")
    services: list[dict[str, Any]] = Field(description="Each booked service's slots, places taken")
    bookings: list[dict[str, Any]] = Field(description="Every booking of the day, phone whole")
    counts: dict[str, int] = Field(description="Bookings per state")


class HistoryBody(Strict):
    phone: str = Field(default="", max_length=20, json_schema_extra=checked(PHONE_PATTERN))
    taxpayer_id: str = Field(
        default="", max_length=20, json_schema_extra=checked(TAXPAYER_ID_PATTERN)
    )


class History(BaseModel):
    bookings: list[dict[str, Any]]
    blocked_until: str | None = Field(description="Booking blocked until (no-shows); null: not")


@operation(
    bp,
    "GET",
    "/appointments/day/<day>",
    summary="A day's bookings per service and slot, and each booking (leaders).",
    tag="appointments",
    responses={200: ("The day", DayBoard), 404: ("Not a day", Error)},
)
@requires(Role.LEADER)
def day_board(day: str) -> Response:
    rt = runtime()
    with rt.db.read_session() as session:
        hall = _hall(session)
        body = appointments.day_board(session, hall, _day(day), calendar_for(hall))
    return json_response(body)


@operation(
    bp,
    "POST",
    "/appointments/history",
    summary="A taxpayer's bookings, by phone or taxpayer ID, and their no-show block (leaders).",
    tag="appointments",
    body=HistoryBody,
    responses={200: ("The bookings", History), 400: ("Neither phone nor taxpayer ID", Error)},
)
@requires(Role.LEADER)
def taxpayer_history(data: HistoryBody) -> Response:
    rt = runtime()
    now = rt.clock.now()
    phone = validate_phone(data.phone) if data.phone.strip() else None
    taxpayer = (
        validate_taxpayer_id(data.taxpayer_id, now.date()).value
        if data.taxpayer_id.strip()
        else None
    )
    if phone is None and taxpayer is None:
        raise InvalidInput("appointment.history", field="phone")
    with rt.db.read_session() as session:
        body = appointments.history(session, _hall(session), now, phone=phone, taxpayer_id=taxpayer)
    return json_response(body)
