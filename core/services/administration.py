"""The hall's administration: an admin changes services, windows or the whole hall file.

Every change is made to the hall file as it stands (`export_hall`), checked whole
(`HallFile`), written (`apply_hall`), audited with what it was before and after,
and announced (`hall:configured`): every screen then takes a snapshot with the new
configuration, without a restart. A refused change writes nothing.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from core.adapters import orm
from core.adapters.calendar import statutory_day
from core.domain import admin_commands as ac
from core.domain.commands import Command
from core.domain.errors import Conflict, InvalidInput, NotFound
from core.domain.events import HallConfigured
from core.domain.workdays import UnknownYear
from core.halls import (
    DAY_PATTERN,
    MONTH_PATTERN,
    DeviceSpec,
    HallFile,
    ServiceSpec,
    WindowSpec,
    apply_hall,
    calendar_for,
    export_hall,
)
from core.services.context import Context, Outcome
from core.services.incidents import filing_calendar


def configure(command: Command, context: Context) -> Outcome:
    """Apply one administration command to the hall (see the module's docstring)."""
    before = export_hall(context.uow.session, context.hall)
    document = before.model_dump(mode="json")
    target = EDITS[type(command)](command, document, context)
    after = _valid(document)
    if after.hall.code != context.hall.code:
        raise InvalidInput("hall_file.other_hall", field="hall.code", hall=after.hall.code)
    _refuse_retiring_busy(before, after, context)
    apply_hall(context.uow.session, context.hall, after)
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    changed = [
        part for part in ("hall", "services", "windows", "devices") if old[part] != new[part]
    ]
    context.audited = {"target": target, "detail": _difference(old, new, changed)}
    if changed:
        context.record(HallConfigured(parts=changed))
    return Outcome({"changed": changed, "hall": new})


def _import(command: ac.ImportHall, document: dict[str, Any], _: Context) -> str:
    document.clear()
    document.update({key: value for key, value in command.file.items() if key != "demo"})
    return "hall"


def _add_service(command: ac.AddService, document: dict[str, Any], _: Context) -> str:
    spec = _part(ServiceSpec, command.spec, "service")
    services = document["services"]
    if any(service["code"] == spec["code"] for service in services):
        raise Conflict("service.exists", service=spec["code"])
    _prefix_free(services, spec, document)
    position = len(services) if command.position is None else command.position
    services.insert(position, spec)
    return f"service:{spec['code']}"


def _edit_service(command: ac.EditService, document: dict[str, Any], _: Context) -> str:
    services = document["services"]
    missing = NotFound("service.unknown", service=command.service)
    index = _index(services, "code", command.service, missing)
    spec = _part(ServiceSpec, {**command.spec, "code": command.service}, "service")
    _prefix_free(services, spec, document)
    del services[index]
    services.insert(index if command.position is None else command.position, spec)
    return f"service:{command.service}"


def _retire_service(command: ac.RetireService, document: dict[str, Any], _: Context) -> str:
    services = document["services"]
    del services[
        _index(
            services, "code", command.service, NotFound("service.unknown", service=command.service)
        )
    ]
    for window in document["windows"]:
        if command.service in window["services"]:
            window["services"].remove(command.service)
            if not window["services"]:
                raise Conflict(
                    "service.last_of_window", service=command.service, window=window["number"]
                )
    return f"service:{command.service}"


def _add_window(command: ac.AddWindow, document: dict[str, Any], _: Context) -> str:
    spec = _window(command.spec, document)
    windows = document["windows"]
    if any(window["number"] == spec["number"] for window in windows):
        raise Conflict("window.exists", window=spec["number"])
    windows.append(spec)
    windows.sort(key=lambda window: window["number"])
    return f"window:{spec['number']}"


def _edit_window(command: ac.EditWindow, document: dict[str, Any], _: Context) -> str:
    windows = document["windows"]
    index = _index(
        windows, "number", command.window, NotFound("window.unknown", window=command.window)
    )
    windows[index] = _window({**command.spec, "number": command.window}, document)
    return f"window:{command.window}"


SETTINGS_PARTS = ("hours", "rules", "quiet_hours", "retention", "ledger", "probes", "ratings")
"""The tables of the hall's settings an admin replaces one at a time."""

DAY = re.compile(DAY_PATTERN)
MONTH = re.compile(MONTH_PATTERN)


def _edit_settings(command: ac.EditHallSettings, document: dict[str, Any], _: Context) -> str:
    if command.part not in SETTINGS_PARTS:
        raise InvalidInput("request.invalid", field="part", problem="invalid")
    if command.part == "hours":
        opens, cutoff, closes = (
            time.fromisoformat(command.value[name]) for name in ("opens", "cutoff", "closes")
        )
        if not opens <= cutoff <= closes:
            raise InvalidInput("hours.order", field="hours")
    document["hall"][command.part] = command.value
    return f"hall:{command.part}"


def _set_calendar_day(command: ac.SetCalendarDay, document: dict[str, Any], _: Context) -> str:
    day = _day(command.day, "day")
    overrides = document["hall"]["calendar"]["overrides"]
    if command.open is None:
        overrides.pop(day.isoformat(), None)
    else:
        overrides[day.isoformat()] = command.open
    return f"calendar:{day.isoformat()}"


def _set_filing_deadline(
    command: ac.SetFilingDeadline, document: dict[str, Any], _: Context
) -> str:
    if not MONTH.match(command.month):
        raise InvalidInput("calendar.month", field="month", month=command.month)
    deadlines = document["hall"]["calendar"]["filing_deadlines"]
    if command.deadline is None:
        deadlines.pop(command.month, None)
    else:
        deadline = _day(command.deadline, "deadline")
        if deadline.isoformat()[:7] != command.month:
            raise InvalidInput(
                "calendar.deadline_month",
                field="deadline",
                day=deadline.isoformat(),
                month=command.month,
            )
        deadlines[command.month] = deadline.isoformat()
    return f"filing:{command.month}"


def _add_device(command: ac.AddDevice, document: dict[str, Any], _: Context) -> str:
    devices = document["devices"]
    spec = _part(DeviceSpec, command.spec, "device")
    if any(device["id"] == spec["id"] for device in devices):
        raise Conflict("device.exists", device=spec["id"])
    _bindings(spec, document)
    devices.append(spec)
    devices.sort(key=lambda device: device["id"])
    return f"device:{spec['id']}"


def _edit_device(command: ac.EditDevice, document: dict[str, Any], _: Context) -> str:
    devices = document["devices"]
    missing = NotFound("device.unknown", device=command.device)
    index = _index(devices, "id", command.device, missing)
    settings = {**devices[index]["settings"], **command.settings}
    spec = {
        **devices[index],
        "name": command.name,
        "name_en": command.name_en,
        "settings": {key: value for key, value in settings.items() if value is not None},
    }
    devices[index] = _part(DeviceSpec, spec, "device")
    _bindings(devices[index], document)
    return f"device:{command.device}"


BINDINGS = {
    "printer": ("kiosk", "guide"),
    "window": ("window_display", "rating_pad"),
    "connection": ("printer",),
}
"""Which kinds of device each binding belongs to."""


def _bindings(spec: dict[str, Any], document: dict[str, Any]) -> None:
    """A device's printer is a printer of the hall, a window display's window exists, and
    no device carries a binding of another kind's."""
    settings = spec["settings"]
    for name, kinds in BINDINGS.items():
        if name in settings and spec["kind"] not in kinds:
            raise InvalidInput("device.binding", field=name, device=spec["id"])
    printer = settings.get("printer")
    if printer is not None and not any(
        device["id"] == printer and device["kind"] == "printer" for device in document["devices"]
    ):
        raise NotFound("device.unknown", device=printer)
    window = settings.get("window")
    if window is not None and not any(item["number"] == window for item in document["windows"]):
        raise NotFound("window.unknown", window=window)


def _day(text: str, field: str) -> date:
    """A calendar day written ``2026-10-10``; anything else is refused, saying which (a
    day written so that does not exist, ``2026-02-30``, is not found)."""
    if not DAY.match(text):
        raise InvalidInput("calendar.day", field=field, day=text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NotFound("calendar.day", field=field, day=text) from None


Edit = Callable[[Any, dict[str, Any], Context], str]

EDITS: dict[type[Command], Edit] = {
    ac.ImportHall: _import,
    ac.AddService: _add_service,
    ac.EditService: _edit_service,
    ac.RetireService: _retire_service,
    ac.AddWindow: _add_window,
    ac.EditWindow: _edit_window,
    ac.EditHallSettings: _edit_settings,
    ac.SetCalendarDay: _set_calendar_day,
    ac.SetFilingDeadline: _set_filing_deadline,
    ac.AddDevice: _add_device,
    ac.EditDevice: _edit_device,
}
"""How each command edits the hall file (as parsed JSON); each returns what the audit
log names as changed (``service:invoice``)."""


def _part(model: type[BaseModel], value: dict[str, Any], name: str) -> dict[str, Any]:
    """One table of the hall file, checked by itself first (a clearer error than the file's)."""
    try:
        return model.model_validate(value).model_dump(mode="json")
    except ValidationError as error:
        raise _invalid(error, prefix=name) from None


def _window(value: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    spec = _part(WindowSpec, value, "window")
    codes = {service["code"] for service in document["services"]}
    for code in spec["services"]:
        if code not in codes:
            raise NotFound("service.unknown", service=code)
    if len(set(spec["services"])) != len(spec["services"]):
        raise InvalidInput("window.service_twice", field="services", window=spec["number"])
    return spec


def _prefix_free(
    services: list[dict[str, Any]], spec: dict[str, Any], document: dict[str, Any]
) -> None:
    """No other service, nor the green channel, has the prefix of `spec`: numbers would
    collide."""
    if spec["prefix"] == document["hall"]["green_prefix"]:
        raise Conflict("service.prefix_green", prefix=spec["prefix"])
    for service in services:
        if service["prefix"] == spec["prefix"] and service["code"] != spec["code"]:
            raise Conflict("service.prefix_taken", prefix=spec["prefix"], service=service["code"])


def _index(items: list[dict[str, Any]], key: str, value: object, missing: Exception) -> int:
    for index, item in enumerate(items):
        if item[key] == value:
            return index
    raise missing


def _valid(document: dict[str, Any]) -> HallFile:
    try:
        return HallFile.model_validate(document)
    except ValidationError as error:
        raise _invalid(error) from None


def _invalid(error: ValidationError, prefix: str = "") -> InvalidInput:
    """The first of pydantic's complaints, with where it is (`services.2.prefix`)."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in (prefix, *first["loc"]) if part != "") or "file"
    return InvalidInput("hall_file.invalid", field=where, problem=first["msg"])


def _refuse_retiring_busy(before: HallFile, after: HallFile, context: Context) -> None:
    """A service people still wait for cannot be retired: they would wait for nothing."""
    kept = {service.code for service in after.services}
    waiting = context.queue.waiting_by_service()
    for service in before.services:
        if service.code not in kept and service.code in waiting:
            raise Conflict(
                "service.waiting", service=service.code, waiting=waiting[service.code][0]
            )


def _difference(old: dict[str, Any], new: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    """What changed, before and after, table by table (services and windows by key)."""
    detail: dict[str, Any] = {}
    for part in parts:
        if part == "hall":
            detail[part] = {"before": old[part], "after": new[part]}
            continue
        key = {"services": "code", "windows": "number", "devices": "id"}[part]
        was = {item[key]: item for item in old[part]}
        now = {item[key]: item for item in new[part]}
        order_was = [item[key] for item in old[part]]
        order_now = [item[key] for item in new[part]]
        detail[part] = {
            str(name): {"before": was.get(name), "after": now.get(name)}
            for name in dict.fromkeys([*order_was, *order_now])
            if was.get(name) != now.get(name)
        }
        if order_was != order_now and set(order_was) == set(order_now):
            detail[part]["order"] = {"before": order_was, "after": order_now}
    return detail


def calendar_month(hall: orm.Hall, month: str) -> dict[str, Any]:
    """A month of the hall's calendar (``2026-10``), day by day: what the statutory
    arrangement says (with the festival's name), the hall's own override, whether the
    hall works, and the month's filing deadline. For a year the calendar package does
    not know, `known` is False: the grid asks for the State Council's arrangement."""
    if not MONTH.match(month):
        raise InvalidInput("calendar.month", field="month", month=month)
    year, number = int(month[:4]), int(month[5:])
    calendar = calendar_for(hall)
    overrides = (hall.settings or {}).get("calendar_overrides", {})
    filing = filing_calendar(hall)
    first = date(year, number, 1)
    known = calendar.knows(first)
    try:
        deadline: str | None = filing.deadline(year, number).isoformat()
    except UnknownYear:
        deadline = None
    days = []
    for offset in range(monthrange(year, number)[1]):
        day = first + timedelta(days=offset)
        kind, festival = statutory_day(day)
        days.append(
            {
                "day": day.isoformat(),
                "weekday": day.isoweekday(),
                "statutory": kind,
                "festival": festival,
                "override": overrides.get(day.isoformat()),
                "open": calendar.is_workday(day) if calendar.knows(day) else None,
            }
        )
    return {
        "month": month,
        "known": known,
        "statutory_known": statutory_day(first)[0] != "unknown",
        "filing_deadline": deadline,
        "filing_official": filing.is_official(year, number),
        "days": days,
    }
