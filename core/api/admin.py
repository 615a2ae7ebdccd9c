"""The hall's administration (admin role): the hall file, services and windows.

Every change goes through the command bus (`core.services.administration`): under the
hall's lock, audited with before and after, announced to every screen.
"""

from __future__ import annotations

import tomllib
from typing import Any
from urllib.parse import urlsplit

from flask import Response, request
from pydantic import BaseModel, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from core.api import bp
from core.api.common import command, hall_code, json_response
from core.api.registry import operation
from core.api.schemas import Error, Strict
from core.domain import admin_commands as ac
from core.domain.errors import InvalidInput
from core.halls import (
    DAY_PATTERN,
    ClockTime,
    LedgerSpec,
    ProbeSpec,
    QuietHoursSpec,
    RatingsSpec,
    RetentionSpec,
    RulesSpec,
    ServiceSpec,
    WindowSpec,
    export_hall,
    hall_file_text,
    json_int,
)
from core.runtime import runtime
from core.services import administration, auditing
from core.services.access import Role
from core.services.views import hall_by_code
from core.web.auth import requires


class HallFileView(BaseModel):
    hall: dict[str, Any]
    services: list[dict[str, Any]]
    windows: list[dict[str, Any]]
    devices: list[dict[str, Any]]


class ConfiguredView(BaseModel):
    changed: list[str] = Field(description="What changed: hall, services, windows, devices.")
    hall: HallFileView


class ImportBody(Strict):
    text: str = Field(max_length=200_000, description="A hall file, as `hallq hall load` reads.")


class ServiceBody(ServiceSpec):
    position: json_int(ge=0, le=99) | None = Field(  # type: ignore[valid-type]
        default=None, description="Its place among the services (0: first)."
    )


class ServiceChanges(ServiceBody):
    code: SkipJsonSchema[str] = Field(default="", exclude=True)
    """The path names the service; its code never changes."""


class WindowChanges(WindowSpec):
    number: SkipJsonSchema[int] = Field(default=0, exclude=True)
    """The path names the window; its number never changes."""


CHANGE_RESPONSES: dict[int, tuple[str, type[BaseModel] | None]] = {
    200: ("The hall as it now is", ConfiguredView),
    400: ("Invalid input", Error),
    404: ("Unknown service or window", Error),
    409: ("A prefix, code or number taken; a service still in use", Error),
}


def _current() -> dict[str, Any]:
    with runtime().db.read_session() as session:
        hall = hall_by_code(session, hall_code())
        return export_hall(session, hall).model_dump(mode="json")


@operation(
    bp,
    "GET",
    "/admin/hall",
    summary="The hall's configuration, as its hall file says it (as JSON).",
    tag="admin",
    responses={200: ("The hall", HallFileView)},
)
@requires(Role.ADMIN)
def hall_configuration() -> Response:
    return json_response(_current())


@operation(
    bp,
    "GET",
    "/admin/hall.toml",
    summary="The hall file (TOML), as `hallq hall export` writes it.",
    tag="admin",
    responses={200: ("The hall file", None)},
)
@requires(Role.ADMIN)
def export_hall_file() -> Response:
    with runtime().db.read_session() as session:
        hall = hall_by_code(session, hall_code())
        text = hall_file_text(export_hall(session, hall))
    return Response(
        text,
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="hall-{hall.code}.toml"'},
    )


@operation(
    bp,
    "POST",
    "/admin/hall/import",
    summary="Replace the hall's configuration with a hall file (its text).",
    tag="admin",
    body=ImportBody,
    responses=CHANGE_RESPONSES,
)
@requires(Role.ADMIN)
def import_hall_file(data: ImportBody) -> Response:
    try:
        document = tomllib.loads(data.text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput("hall_file.toml", field="text", problem=str(error)) from None
    return command(ac.ImportHall, file=document)


@operation(
    bp,
    "POST",
    "/admin/services",
    summary="Add a service (a [[services]] table of the hall file).",
    tag="admin",
    body=ServiceBody,
    responses=CHANGE_RESPONSES,
)
@requires(Role.ADMIN)
def add_service(data: ServiceBody) -> Response:
    spec = data.model_dump(mode="json", exclude={"position"})
    return command(ac.AddService, spec=spec, position=data.position)


@operation(
    bp,
    "PUT",
    "/admin/services/<code>",
    summary="Change a service (its code stays); `position` moves it.",
    tag="admin",
    body=ServiceChanges,
    responses=CHANGE_RESPONSES,
)
@requires(Role.ADMIN)
def edit_service(code: str, data: ServiceChanges) -> Response:
    spec = {**data.model_dump(mode="json", exclude={"position"}), "code": code}
    return command(ac.EditService, service=code, spec=spec, position=data.position)


@operation(
    bp,
    "POST",
    "/admin/services/<code>/retire",
    summary="Stop offering a service (refused while people wait for it); its history stays.",
    tag="admin",
    responses=CHANGE_RESPONSES,
)
@requires(Role.ADMIN)
def retire_service(code: str) -> Response:
    return command(ac.RetireService, service=code)


@operation(
    bp,
    "POST",
    "/admin/windows",
    summary="Add a window (a [[windows]] table of the hall file).",
    tag="admin",
    body=WindowSpec,
    responses=CHANGE_RESPONSES,
)
@requires(Role.ADMIN)
def add_window(data: WindowSpec) -> Response:
    return command(ac.AddWindow, spec=data.model_dump(mode="json"))


@operation(
    bp,
    "PUT",
    "/admin/windows/<int(max=999):n>",
    summary="Change a window: its name, its ordered services, its emergency flag.",
    tag="admin",
    body=WindowChanges,
    responses=CHANGE_RESPONSES,
)
@requires(Role.ADMIN)
def edit_window(n: int, data: WindowChanges) -> Response:
    return command(ac.EditWindow, window=n, spec={**data.model_dump(mode="json"), "number": n})


class HoursBody(Strict):
    opens: ClockTime = Field(description="Ticketing starts (hall-local), e.g. `09:00`.")
    cutoff: ClockTime = Field(description="The kiosks stop issuing tickets.")
    closes: ClockTime = Field(description="The hall closes; windows serve who waits until then.")
    every_day: StrictBool = Field(default=False, description="Open on non-working days too.")


class ProbesBody(Strict):
    probes: list[ProbeSpec] = Field(max_length=20)


SETTINGS: dict[str, tuple[str, type[BaseModel], str]] = {
    "hours": ("hours", HoursBody, "Opening hours, the ticket cut-off and closing time."),
    "rules": ("rules", RulesSpec, "Calling rules: anti-starvation, recalls, requeue, windows."),
    "quiet-hours": ("quiet_hours", QuietHoursSpec, "Hours without SMS (except outage notices)."),
    "retention": ("retention", RetentionSpec, "How long personal data is kept (days)."),
    "ledger": ("ledger", LedgerSpec, "What the incident ledger leaves out."),
    "probes": ("probes", ProbesBody, "Health probes of the tax systems."),
    "ratings": (
        "ratings",
        RatingsSpec,
        "好差评: the pad's offer, the time to rate, the follow-up's working days, the 差评 "
        "reasons, the clerk on the window displays.",
    ),
}


def _register_settings(path: str, part: str, model: type[BaseModel], summary: str) -> None:
    def view(data: BaseModel) -> Response:
        value = data.model_dump(mode="json")
        return command(ac.EditHallSettings, part=part, value=value.get("probes", value))

    view.__name__ = f"edit_{part}"
    operation(
        bp,
        "PUT",
        f"/admin/hall/{path}",
        summary=summary,
        tag="admin",
        body=model,
        responses=CHANGE_RESPONSES,
    )(requires(Role.ADMIN)(view))


for _path, (_part, _model, _summary) in SETTINGS.items():
    _register_settings(_path, _part, _model, _summary)


class CalendarDayBody(Strict):
    open: StrictBool | None = Field(
        description="true: the hall works that day; false: closed; null: as the statutory "
        "calendar says."
    )


class FilingDeadlineBody(Strict):
    deadline: str | None = Field(
        pattern=DAY_PATTERN, description="The official deadline, `2026-12-15`; null: the default."
    )


@operation(
    bp,
    "GET",
    "/admin/calendar/<month>",
    summary="A month of the hall's calendar (`2026-10`): statutory days, the hall's "
    "overrides, working days, the filing deadline.",
    tag="admin",
    responses={200: ("The month", None), 400: ("Not a month", Error)},
)
@requires(Role.ADMIN)
def calendar_month(month: str) -> Response:
    with runtime().db.read_session() as session:
        hall = hall_by_code(session, hall_code())
        return json_response(administration.calendar_month(hall, month))


@operation(
    bp,
    "PUT",
    "/admin/calendar/days/<day>",
    summary="Open or close the hall on a day (`2026-10-10`) whatever the statutory calendar "
    "says, or let the statutory calendar decide again.",
    tag="admin",
    body=CalendarDayBody,
    responses=CHANGE_RESPONSES,
)
@requires(Role.ADMIN)
def set_calendar_day(day: str, data: CalendarDayBody) -> Response:
    return command(ac.SetCalendarDay, day=day, open=data.open)


@operation(
    bp,
    "PUT",
    "/admin/calendar/filing/<month>",
    summary="The official filing deadline of a month (`2026-12`), or back to the default.",
    tag="admin",
    body=FilingDeadlineBody,
    responses=CHANGE_RESPONSES,
)
@requires(Role.ADMIN)
def set_filing_deadline(month: str, data: FilingDeadlineBody) -> Response:
    return command(ac.SetFilingDeadline, month=month, deadline=data.deadline)


class HubSettingsView(BaseModel):
    database: str = Field(description="sqlite or postgresql.")
    message_queue: bool = Field(description="Whether several hub processes share a Redis queue.")
    secret_key: bool = Field(description="Whether HALLQ_SECRET_KEY is set (else a generated one).")
    sms: dict[str, Any] = Field(description="How SMS leave the hall; secrets only as set or not.")
    upload: dict[str, Any] = Field(
        description="How ratings reach the bureau's platform; secrets only as set or not."
    )


@operation(
    bp,
    "GET",
    "/admin/hub-settings",
    summary="The hub's own settings that the hall's administration shows: from the environment, "
    "changed there (secrets only as set or not, never their values).",
    tag="admin",
    responses={200: ("The settings", HubSettingsView)},
)
@requires(Role.ADMIN)
def hub_settings() -> Response:
    settings = runtime().settings
    gateway = urlsplit(settings.sms_http_url or "")
    platform = urlsplit(settings.upload_http_url or "")
    return json_response(
        {
            "database": "sqlite" if settings.sqlite_path is not None else "postgresql",
            "message_queue": bool(settings.message_queue),
            "secret_key": bool(settings.secret_key),
            "sms": {
                "sender": settings.sms_sender,
                "dispatch": settings.sms_dispatch,
                "gateway": gateway.hostname or None,
                "gateway_set": bool(settings.sms_http_url),
                "headers_set": bool(settings.sms_http_headers),
                "template_set": bool(settings.sms_http_template),
                "daily_cap": settings.sms_daily_cap,
            },
            "upload": {
                "sender": settings.upload_sender,
                "dispatch": settings.upload_dispatch,
                "platform": platform.hostname or None,
                "headers_set": bool(settings.upload_http_headers),
                "template_set": bool(settings.upload_http_template),
            },
        }
    )


@operation(
    bp,
    "GET",
    "/admin/audit",
    summary="The audit log, newest first: `?person=` (a login name), `&action=`, "
    "`&window=` (a number), `&day=` (hall-local, `2026-12-07`); at most 5,000 lines.",
    tag="admin",
    responses={
        200: ("Audit lines, and the actions to filter by", None),
        400: ("Bad filter", Error),
    },
)
@requires(Role.ADMIN)
def audit_log() -> Response:
    wanted = auditing.AuditFilter.parse(dict(request.args))
    with runtime().db.read_session() as session:
        hall = hall_by_code(session, hall_code())
        return json_response(
            {
                "items": auditing.entries(session, hall, wanted),
                "actions": auditing.actions(session, hall),
            }
        )
