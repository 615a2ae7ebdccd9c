"""Hall files: one TOML file describes a hall; loading it creates or updates the hall.

The file is validated as a whole before anything is written, and written in one
transaction: a typo leaves the running hall as it was.
"""

from __future__ import annotations

import itertools
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import tomli_w
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.calendar import ChineseCalendar
from core.domain.appointments import BookingRules, Quota
from core.domain.estimates import Relief
from core.domain.hallday import WEEKDAYS, Hours
from core.domain.policy import Rules
from core.services.access import DeviceKind

DEMO_FILE = Path(__file__).with_name("demo.toml")
DEMO_ONLY = "# ---- The demo only"
"""Where the demo file's demo accounts and past begin: a real hall's starter file ends before."""
STARTER_HEADER = """\
# /etc/hallq/hall.toml: this hall, for `hallq hall load` (docs/CONFIGURATION.md).
# install.sh wrote it from the demo hall; every key is explained where it first appears.
# Make it this hall's (name, hours, services, windows, devices; printers' connections),
# then load it (as root: install.sh's /usr/local/bin/hallq runs as the hub's user, with
# its settings):  hallq hall load /etc/hallq/hall.toml
# Loading again while the hub runs is safe: services and windows update by code and number,
# devices by id, and every screen redraws.
#
"""


def starter_text() -> str:
    """A real hall's first hall file: the demo hall without the demo's accounts and past."""
    demo = DEMO_FILE.read_text(encoding="utf-8")
    return STARTER_HEADER + demo[: demo.index(DEMO_ONLY)].rstrip("\n") + "\n"


GREEN_PREFIX = "V"
"""The green channel's letter unless the hall file says another."""


def green_prefix_of(settings: dict[str, Any]) -> str:
    """The letter of a hall's green-channel numbers."""
    return str(settings.get("green_prefix", GREEN_PREFIX))


RETIRED_PREFIXES = "abcdefghijklmnopqrstuvwxyz0123456789"
"""What a retired service's prefix becomes: a letter no ticket of a service in use has."""

EXPORT_HEADER = (
    "# A HallQ hall file, exported from the running hall (`hallq hall export`, or the\n"
    "# console's administration). `hallq hall load FILE` or the console's import loads it.\n\n"
)


class HallFileError(Exception):
    """The hall file is unreadable or breaks a rule; the message says where."""


class _Strict(BaseModel):
    """Unknown keys are refused and values are not coerced (``"3"`` is no number, ``"yes"``
    no boolean), in a file as in the API; only times and days may be written as text."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _clock_text(value: object) -> object:
    """A time is a TOML time or text (``"09:00"``), never a number of seconds."""
    if not isinstance(value, str | time):
        raise PydanticCustomError("time_type", "a time is written as text, e.g. 09:00")
    return value


def _day_text(value: object) -> object:
    """A day is a TOML date or text (``"2026-10-10"``), never a number."""
    if not isinstance(value, str | date) or isinstance(value, datetime):
        raise PydanticCustomError("date_type", "a day is written as text, e.g. 2026-10-10")
    return value


def _not_text(value: object) -> object:
    """JSON numbers only: ``"3"`` (or ``true``) is no number (SPEC §9). An integral
    ``3.0`` is one, as JSON Schema says."""
    if isinstance(value, str | bool):
        raise PydanticCustomError("int_type", "a number is needed")
    return value


JsonInt = Annotated[int, Strict(False), BeforeValidator(_not_text)]
"""An integer as JSON (or TOML) sends it: never coerced from a string or a boolean; the
hall file and the API's bodies (`core.api.schemas`) count the same way."""


def json_int(*, ge: int, le: int) -> Any:
    """`JsonInt` between `ge` and `le`, for a field that may also be null: the bounds go
    first, or the API's schema would show them as pydantic's words, not JSON Schema's."""
    return Annotated[int, Field(ge=ge, le=le), Strict(False), BeforeValidator(_not_text)]


def _local(value: time) -> time:
    """A hall's times are hall-local: ``09:00Z`` would not compare with the others."""
    if value.tzinfo is not None:
        raise PydanticCustomError("time_type", "a time of the hall's own clock, without a zone")
    return value


CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
DAY_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
MONTH_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"
"""Days and months of this century, as the console and the API write them."""

ClockTime = Annotated[
    time,
    Strict(False),
    BeforeValidator(_clock_text),
    AfterValidator(_local),
    WithJsonSchema({"type": "string", "pattern": CLOCK_PATTERN, "examples": ["09:00"]}),
]
Day = Annotated[date, Strict(False), BeforeValidator(_day_text)]


class HoursSpec(_Strict):
    opens: ClockTime = time(9, 0)
    cutoff: ClockTime = time(17, 0)
    closes: ClockTime = time(17, 30)
    every_day: bool = False

    @model_validator(mode="after")
    def ordered(self) -> HoursSpec:
        if not self.opens <= self.cutoff <= self.closes:
            raise ValueError("hours must satisfy opens <= cutoff <= closes")
        return self


class RulesSpec(_Strict):
    max_wait_minutes: JsonInt = Field(default=60, ge=1, le=24 * 60)
    no_show_after_recalls: JsonInt = Field(default=2, ge=0, le=10)
    requeue_after: JsonInt = Field(default=3, ge=0, le=999)
    windows_per_staff: JsonInt = Field(default=1, ge=1, le=20)


class CalendarSpec(_Strict):
    overrides: dict[Day, bool] = Field(default_factory=dict)
    filing_deadlines: dict[str, Day] = Field(default_factory=dict)
    """The official filing calendar, month by month: {"2026-12" = 2026-12-15}."""

    @field_validator("filing_deadlines")
    @classmethod
    def months(cls, value: dict[str, date]) -> dict[str, date]:
        for month, day in value.items():
            if month != f"{day.year:04d}-{day.month:02d}":
                raise ValueError(f"filing deadline {day} is not in {month}")
        return value


class ProbeSpec(_Strict):
    system: str = Field(pattern=r"^(backoffice|etax|self_service)$")
    url: str = Field(pattern=r"^https?://")
    interval_s: float = Field(default=10, ge=1, le=3600)
    timeout_s: float = Field(default=5, gt=0, le=60)
    failures: JsonInt = Field(default=3, ge=1, le=100)


class QuietHoursSpec(_Strict):
    start: ClockTime = time(21, 0)
    end: ClockTime = time(8, 0)


class RetentionSpec(_Strict):
    phone_days: JsonInt = Field(default=7, ge=1, le=3650)
    register_days: JsonInt = Field(default=180, ge=1, le=3650)
    follow_up_days: JsonInt = Field(default=180, ge=1, le=3650)


class LedgerSpec(_Strict):
    min_device_minutes: float = Field(default=2, ge=0, le=24 * 60)
    """A device failure that recovered by itself within this time is not a ledger row
    (a printer's cover opened for a refill); the ledger counts such blips in one line."""


class ReasonSpec(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,23}$")
    name: str = Field(min_length=1, max_length=20)
    name_en: str = Field(default="", max_length=40)


DEFAULT_REASONS = (
    ReasonSpec(code="attitude", name="服务态度", name_en="Attitude"),
    ReasonSpec(code="efficiency", name="办事效率", name_en="Slow service"),
    ReasonSpec(code="unfamiliar", name="业务不熟", name_en="Did not know the business"),
    ReasonSpec(code="waiting", name="等候太久", name_en="Waited too long"),
    ReasonSpec(code="policy", name="政策不满意", name_en="The policy"),
    ReasonSpec(code="other", name="其他", name_en="Other"),
)
"""The 差评 reasons a hall offers unless its file lists its own (其他, ``other``, asks for
the taxpayer's words)."""


class RatingsSpec(_Strict):
    pad_idle_s: JsonInt = Field(default=120, ge=10, le=600)
    """How long the rating pad offers a finished service before it goes back to idle."""
    rate_within_hours: JsonInt = Field(default=24, ge=1, le=24 * 7)
    """After this a service not rated is recorded as not rated (不评价)."""
    follow_up_days: JsonInt = Field(default=5, ge=1, le=60)
    """Working days to close a 差评's work order (整改)."""
    reasons: list[ReasonSpec] = Field(default_factory=lambda: list(DEFAULT_REASONS), min_length=1)
    window_display_clerk: bool = False
    """The window display shows the clerk at the window: name, staff number and the
    average rating of their services this month."""


class ReportsSpec(_Strict):
    wait_target_minutes: JsonInt = Field(default=20, ge=1, le=240)
    """The hall's waiting-time target: reports give the share called within it."""


class PeriodSpec(_Strict):
    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def ordered(self) -> PeriodSpec:
        if not self.start < self.end:
            raise ValueError("a booking period starts before it ends")
        return self


class AppointmentsSpec(_Strict):
    """预约办税: the bureau's booking rules, as this hall sets them."""

    days_ahead: JsonInt = Field(default=7, ge=0, le=60)
    """Bookings are for today up to this many days ahead."""
    same_day_lead_minutes: JsonInt = Field(default=120, ge=0, le=24 * 60)
    """A slot is booked at least this long before it starts."""
    periods: list[PeriodSpec] = Field(default_factory=list, max_length=8)
    """The parts of the day that are booked, e.g. 09:00–11:30 and 13:30–16:30 (a lunch
    break between); none: from opening to the ticket cut-off."""
    closed_days: list[Day] = Field(default_factory=list, max_length=366)
    """Working days without bookings (a training day)."""
    cancel_lead_minutes: JsonInt = Field(default=180, ge=0, le=7 * 24 * 60)
    """A booking is cancelled or moved at least this long before its slot."""
    no_show_limit: JsonInt = Field(default=3, ge=1, le=20)
    no_show_days: JsonInt = Field(default=30, ge=1, le=365)
    block_days: JsonInt = Field(default=90, ge=1, le=3650)
    """`no_show_limit` no-shows within `no_show_days` days block booking for `block_days`."""
    late_grace_minutes: JsonInt = Field(default=15, ge=0, le=240)
    """Not checked in by the slot's end plus this: a no-show."""
    check_in_early_minutes: JsonInt = Field(default=30, ge=0, le=240)
    """Check-in opens this long before the slot starts."""

    @model_validator(mode="after")
    def apart(self) -> AppointmentsSpec:
        periods = sorted((period.start, period.end) for period in self.periods)
        for (_, ends), (starts, _) in itertools.pairwise(periods):
            if starts < ends:
                raise ValueError("booking periods overlap")
        return self


class HallSpec(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    name: str = Field(min_length=1)
    name_en: str = ""
    timezone: str = "Asia/Shanghai"
    hours: HoursSpec = Field(default_factory=HoursSpec)
    rules: RulesSpec = Field(default_factory=RulesSpec)
    calendar: CalendarSpec = Field(default_factory=CalendarSpec)
    probes: list[ProbeSpec] = Field(default_factory=list)
    quiet_hours: QuietHoursSpec = Field(default_factory=QuietHoursSpec)
    retention: RetentionSpec = Field(default_factory=RetentionSpec)
    ledger: LedgerSpec = Field(default_factory=LedgerSpec)
    ratings: RatingsSpec = Field(default_factory=RatingsSpec)
    appointments: AppointmentsSpec = Field(default_factory=AppointmentsSpec)
    reports: ReportsSpec = Field(default_factory=ReportsSpec)
    duty_roster: dict[str, str] = Field(default_factory=dict)
    """The duty leader (值班领导) by date (``2026-12-15``) or weekday (``monday``);
    a date wins over its weekday."""
    ticket_footer: str | None = None
    green_prefix: str = Field(default=GREEN_PREFIX, pattern=r"^[A-Z]$")
    """The green channel's own letter (绿色通道, 税总纳服函〔2021〕297号): its tickets are
    numbered V001, V002… a day, whatever their service, and announced as such."""

    @field_validator("duty_roster")
    @classmethod
    def roster_days(cls, value: dict[str, str]) -> dict[str, str]:
        for key, name in value.items():
            if key not in WEEKDAYS:
                try:
                    date.fromisoformat(key)
                except ValueError:
                    raise ValueError(
                        f"duty_roster: {key!r} is neither a date nor a weekday"
                    ) from None
            if not name.strip() or len(name) > 80:
                raise ValueError(
                    f"duty_roster: the leader of {key} needs a name of 1-80 characters"
                )
        return value

    @field_validator("timezone")
    @classmethod
    def known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value


class BookingSpec(_Strict):
    """How a service is booked (预约): slots of `slot_minutes`, each with `places`, or with
    `places_per_window` for every window serving the service."""

    slot_minutes: JsonInt = Field(default=30, ge=5, le=240)
    places: JsonInt | None = Field(default=None, ge=1, le=999)
    places_per_window: JsonInt | None = Field(default=None, ge=1, le=99)
    taxpayer_id: bool = False
    """The booking asks for the taxpayer ID (纳税人识别号)."""

    @model_validator(mode="after")
    def one_quota(self) -> BookingSpec:
        if (self.places is None) == (self.places_per_window is None):
            raise ValueError("a booked service has places or places_per_window, one of them")
        return self


class ServiceSettingsSpec(_Strict):
    affected_by: list[Literal["backoffice", "etax", "self_service"]] = Field(default_factory=list)
    """Outside systems the service needs (backoffice, etax); down → routed during an outage."""
    self_service: bool = False
    """Can be done at the self-service terminals."""
    emergency: bool = False
    """The service the emergency windows (应急专窗) take during an outage."""
    register_form: (
        Literal["tax_registration", "invoice_cancellation", "invoice_sale", "filing"] | None
    ) = None
    """The emergency register (登记簿) this business is recorded in during an outage:
    tax_registration, invoice_cancellation, invoice_sale or filing."""
    relief_waiting: JsonInt = Field(default=Relief().waiting, ge=1, le=9999)
    relief_wait_minutes: JsonInt = Field(default=Relief().wait_minutes, ge=1, le=24 * 60)
    booking: BookingSpec | None = None
    """Taxpayers may book it (预约办税); none: they may not."""


class ServiceSpec(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")
    prefix: str = Field(pattern=r"^[A-Z]$")
    name: str = Field(min_length=1)
    name_en: str = ""
    minutes: float = Field(default=10, gt=0, le=8 * 60)
    settings: ServiceSettingsSpec = Field(default_factory=ServiceSettingsSpec)


class WindowSpec(_Strict):
    ERROR_CODES: ClassVar[dict[tuple[str, str], str]] = {
        ("services", "too_short"): "window.no_service"
    }
    """A body's mistakes the API words as the hall's own rules (`core.api.registry`)."""

    number: JsonInt = Field(ge=1, le=999)
    name: str = ""
    services: list[str] = Field(
        min_length=1, max_length=50, json_schema_extra={"uniqueItems": True}
    )
    emergency: bool = False


class DeviceSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    kind: DeviceKind
    name: str = Field(default="", max_length=100)
    name_en: str = Field(default="", max_length=100)
    """The device's name in English notices and on the English console."""
    settings: dict[str, Any] = Field(default_factory=dict)


class HallFile(_Strict):
    hall: HallSpec
    services: list[ServiceSpec] = Field(min_length=1)
    windows: list[WindowSpec] = Field(default_factory=list)
    devices: list[DeviceSpec] = Field(default_factory=list)
    demo: dict[str, Any] | None = None
    hub: dict[str, Any] | None = None
    """Hub settings live in the same file (see `core.config`); ignored here."""

    @model_validator(mode="after")
    def consistent(self) -> HallFile:
        named: tuple[tuple[str, list[str]], ...] = (
            ("service code", [service.code for service in self.services]),
            ("service prefix", [service.prefix for service in self.services]),
            ("window number", [str(window.number) for window in self.windows]),
            ("device id", [device.id for device in self.devices]),
        )
        for label, values in named:
            duplicates = sorted({value for value in values if values.count(value) > 1})
            if duplicates:
                raise ValueError(f"duplicate {label}: {', '.join(duplicates)}")
        for service in self.services:
            if service.prefix == self.hall.green_prefix:
                raise ValueError(
                    f"service {service.code} has prefix {service.prefix}, the green channel's"
                )
        codes = {service.code for service in self.services}
        for window in self.windows:
            unknown = [code for code in window.services if code not in codes]
            if unknown:
                raise ValueError(f"window {window.number} serves unknown {', '.join(unknown)}")
        return self


def read_hall_file(path: Path) -> HallFile:
    """Parse and validate a hall file."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise HallFileError(f"{path}: {error}") from error
    try:
        return HallFile.model_validate(document)
    except ValidationError as error:
        raise HallFileError(f"{path}: {error}") from error


def load_hall(session: Session, spec: HallFile) -> orm.Hall:
    """Create or update the hall described by `spec` (the caller commits)."""
    hall = session.scalars(select(orm.Hall).where(orm.Hall.code == spec.hall.code)).one_or_none()
    if hall is None:
        hall = orm.Hall(code=spec.hall.code, seq=0, mode="normal")
        session.add(hall)
    else:
        # Running hubs keep the configuration while the seq stays; screens see the gap
        # and draw the hall again, with its new services and windows.
        hall.seq += 1
    apply_hall(session, hall, spec)
    return hall


def apply_hall(session: Session, hall: orm.Hall, spec: HallFile) -> None:
    """Write `spec` onto `hall` (the hub's administration, which announces it itself)."""
    hall.name_zh, hall.name_en, hall.timezone = (
        spec.hall.name,
        spec.hall.name_en,
        spec.hall.timezone,
    )
    hall.settings = {
        **(hall.settings or {}),
        "hours": {
            "opens": spec.hall.hours.opens.isoformat(),
            "cutoff": spec.hall.hours.cutoff.isoformat(),
            "closes": spec.hall.hours.closes.isoformat(),
            "every_day": spec.hall.hours.every_day,
        },
        "rules": spec.hall.rules.model_dump(),
        "calendar_overrides": {
            day.isoformat(): open_ for day, open_ in spec.hall.calendar.overrides.items()
        },
        "filing_deadlines": {
            month: day.isoformat() for month, day in spec.hall.calendar.filing_deadlines.items()
        },
        "probes": [probe.model_dump() for probe in spec.hall.probes],
        "quiet_hours": {
            "start": spec.hall.quiet_hours.start.isoformat(),
            "end": spec.hall.quiet_hours.end.isoformat(),
        },
        "retention": spec.hall.retention.model_dump(),
        "ledger": spec.hall.ledger.model_dump(),
        "ratings": spec.hall.ratings.model_dump(),
        "appointments": spec.hall.appointments.model_dump(mode="json"),
        "reports": spec.hall.reports.model_dump(),
        "duty_roster": dict(spec.hall.duty_roster),
        "green_prefix": spec.hall.green_prefix,
    }
    if spec.hall.ticket_footer:
        hall.settings["ticket_footer"] = spec.hall.ticket_footer
    else:
        hall.settings.pop("ticket_footer", None)
    session.flush()
    _load_services(session, hall, spec.services)
    _load_windows(session, hall, spec.windows)
    _load_devices(session, hall, spec.devices)
    session.flush()


def export_hall(session: Session, hall: orm.Hall) -> HallFile:
    """The hall as the file that `load_hall` reads: loading it gives this hall again.

    Retired services are left out (loading keeps them retired); windows and devices
    are all written (loading never deletes one)."""
    settings = hall.settings or {}
    calendar = {
        "overrides": settings.get("calendar_overrides", {}),
        "filing_deadlines": settings.get("filing_deadlines", {}),
    }
    services = session.scalars(
        select(orm.Service)
        .where(orm.Service.hall_id == hall.id, orm.Service.active.is_(True))
        .order_by(orm.Service.position)
    )
    windows = session.scalars(
        select(orm.Window).where(orm.Window.hall_id == hall.id).order_by(orm.Window.number)
    )
    devices = session.scalars(
        select(orm.Device).where(orm.Device.hall_id == hall.id).order_by(orm.Device.id)
    )
    hall_part: dict[str, Any] = {
        "code": hall.code,
        "name": hall.name_zh,
        "name_en": hall.name_en,
        "timezone": hall.timezone,
        "calendar": calendar,
        **{
            key: settings[key]
            for key in (
                "hours",
                "rules",
                "probes",
                "quiet_hours",
                "retention",
                "ledger",
                "ratings",
                "appointments",
                "reports",
            )
            if key in settings
        },
        "duty_roster": settings.get("duty_roster", {}),
        "green_prefix": settings.get("green_prefix", GREEN_PREFIX),
        "ticket_footer": settings.get("ticket_footer"),
    }
    return HallFile.model_validate(
        {
            "hall": hall_part,
            "services": [
                {
                    "code": service.code,
                    "prefix": service.prefix,
                    "name": service.name_zh,
                    "name_en": service.name_en,
                    "minutes": service.minutes,
                    "settings": service.settings or {},
                }
                for service in services
            ],
            "windows": [
                {
                    "number": window.number,
                    "name": ""
                    if window.name == default_window_name(window.number)
                    else window.name,
                    "services": window.services,
                    "emergency": window.emergency,
                }
                for window in windows
            ],
            "devices": [_device_part(device) for device in devices],
        }
    )


def _device_part(device: orm.Device) -> dict[str, Any]:
    settings = dict(device.settings or {})
    return {
        "id": device.id,
        "kind": device.kind,
        "name": device.name,
        "name_en": settings.pop("name_en", ""),
        "settings": settings,
    }


def hall_file_text(spec: HallFile) -> str:
    """`spec` as TOML, leaving out what equals its default (as a person writes the file)."""
    document = spec.model_dump(exclude_defaults=True, exclude_none=True)
    return EXPORT_HEADER + tomli_w.dumps(_string_keys(document))


def _string_keys(value: Any) -> Any:
    """TOML's keys are strings: the calendar's days become ``"2026-10-10"``."""
    if isinstance(value, dict):
        return {str(key): _string_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_string_keys(item) for item in value]
    return value


def default_window_name(number: int) -> str:
    """What a window without a name of its own is called."""
    return f"{number}号窗口"


def _load_services(session: Session, hall: orm.Hall, specs: list[ServiceSpec]) -> None:
    existing = {
        service.code: service
        for service in session.scalars(select(orm.Service).where(orm.Service.hall_id == hall.id))
    }
    wanted = {spec.code for spec in specs}
    used = {service.prefix for service in existing.values()}
    for service in existing.values():
        if service.code not in wanted and service.active:
            service.active = False  # kept: today's tickets still name it
            # frees the capital letter for reuse (the column is unique in the hall)
            service.prefix = next(
                letter
                for letter in f"{service.prefix.lower()}{RETIRED_PREFIXES}"
                if letter not in used
            )
            used.add(service.prefix)
    session.flush()
    for position, spec in enumerate(specs):
        service = existing.get(spec.code) or orm.Service(hall_id=hall.id, code=spec.code)
        service.prefix, service.name_zh, service.name_en = spec.prefix, spec.name, spec.name_en
        service.minutes, service.position, service.active = spec.minutes, position, True
        service.settings = spec.settings.model_dump()
        session.add(service)


def _load_windows(session: Session, hall: orm.Hall, specs: list[WindowSpec]) -> None:
    existing = {
        window.number: window
        for window in session.scalars(select(orm.Window).where(orm.Window.hall_id == hall.id))
    }
    for spec in specs:
        window = existing.get(spec.number) or orm.Window(
            hall_id=hall.id, number=spec.number, state="closed"
        )
        window.name = spec.name or default_window_name(spec.number)
        window.services, window.emergency = list(spec.services), spec.emergency
        session.add(window)


def _load_devices(session: Session, hall: orm.Hall, specs: list[DeviceSpec]) -> None:
    for spec in specs:
        device = session.get(orm.Device, spec.id) or orm.Device(id=spec.id, hall_id=hall.id)
        settings = {**spec.settings, "name_en": spec.name_en} if spec.name_en else spec.settings
        device.kind, device.name, device.settings = spec.kind, spec.name, settings
        session.add(device)


def calendar_for(hall: orm.Hall) -> ChineseCalendar:
    """The hall's working-day calendar: statutory data plus its own overrides."""
    overrides = (hall.settings or {}).get("calendar_overrides", {})
    return ChineseCalendar(
        {date.fromisoformat(day): bool(open_) for day, open_ in overrides.items()}
    )


def ratings_of(settings: dict[str, Any]) -> RatingsSpec:
    """好差评 settings from a hall's stored settings (the defaults for a hall stored before
    they existed)."""
    return RatingsSpec.model_validate(settings.get("ratings", {}))


def reports_of(settings: dict[str, Any]) -> ReportsSpec:
    """Report settings from a hall's stored settings (the defaults for a hall stored before
    they existed)."""
    return ReportsSpec.model_validate(settings.get("reports", {}))


def appointments_of(settings: dict[str, Any]) -> BookingRules:
    """Booking rules from a hall's stored settings (the defaults for a hall stored before
    they existed)."""
    spec = AppointmentsSpec.model_validate(settings.get("appointments", {}))
    return BookingRules(
        days_ahead=spec.days_ahead,
        same_day_lead=timedelta(minutes=spec.same_day_lead_minutes),
        periods=tuple(sorted((period.start, period.end) for period in spec.periods)),
        closed_days=frozenset(spec.closed_days),
        cancel_lead=timedelta(minutes=spec.cancel_lead_minutes),
        no_show_limit=spec.no_show_limit,
        no_show_days=spec.no_show_days,
        block_days=spec.block_days,
        late_grace=timedelta(minutes=spec.late_grace_minutes),
        early=timedelta(minutes=spec.check_in_early_minutes),
    )


def quota_of(settings: dict[str, Any]) -> Quota | None:
    """A service's booking quota from its stored settings; None: it is not booked."""
    booking = settings.get("booking")
    if not booking:
        return None
    spec = BookingSpec.model_validate(booking)
    return Quota(spec.slot_minutes, spec.places, spec.places_per_window, spec.taxpayer_id)


def rules_of(settings: dict[str, Any]) -> Rules:
    """Calling rules from a hall's stored settings."""
    rules = settings.get("rules", {})
    defaults = Rules()
    return Rules(
        max_wait=timedelta(
            minutes=rules.get("max_wait_minutes", defaults.max_wait.total_seconds() / 60)
        ),
        no_show_after_recalls=rules.get("no_show_after_recalls", defaults.no_show_after_recalls),
        requeue_after=rules.get("requeue_after", defaults.requeue_after),
        windows_per_staff=rules.get("windows_per_staff", defaults.windows_per_staff),
    )


def hours_of(settings: dict[str, Any]) -> Hours:
    """Opening hours from a hall's stored settings (``"08:30"`` strings)."""
    hours = settings.get("hours", {})
    defaults = Hours()
    return Hours(
        opens=time.fromisoformat(hours["opens"]) if "opens" in hours else defaults.opens,
        cutoff=time.fromisoformat(hours["cutoff"]) if "cutoff" in hours else defaults.cutoff,
        closes=time.fromisoformat(hours["closes"]) if "closes" in hours else defaults.closes,
        every_day=bool(hours.get("every_day", defaults.every_day)),
    )
