"""The hall's administration (admin role): the hall file, services and windows.

Every change goes through the command bus (`core.services.administration`): under the
hall's lock, audited with before and after, announced to every screen.
"""

from __future__ import annotations

import tomllib
from typing import Any

from flask import Response
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from core.api import bp
from core.api.common import command, hall_code, json_response
from core.api.registry import operation
from core.api.schemas import Error, Strict
from core.domain import admin_commands as ac
from core.domain.errors import InvalidInput
from core.halls import ServiceSpec, WindowSpec, export_hall, hall_file_text
from core.runtime import runtime
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
    position: int | None = Field(
        default=None, ge=0, le=99, description="Its place among the services (0: first)."
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
