"""Devices: their health, and the one-time links that enrol a screen's browser."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from flask import Response
from pydantic import BaseModel, Field

from core.adapters import orm
from core.adapters.network import public_base_url
from core.api import bp
from core.api.common import command, hall_code, json_response, read_items
from core.api.continuity_schemas import Listing
from core.api.registry import operation
from core.api.schemas import Error, Strict
from core.domain import admin_commands as ac
from core.domain.errors import NotFound
from core.halls import json_int
from core.runtime import runtime
from core.services import access, console, views
from core.services.access import DeviceKind, Role
from core.web.auth import require_principal, requires
from core.web.qr import qr_data_url


class EnrolmentLinkView(BaseModel):
    device: str
    url: str
    expires_at: str
    qr: str = Field(description="The link as a QR code, a `data:image/svg+xml` URL.")


@operation(
    bp,
    "GET",
    "/devices",
    summary="Every device's health and last heartbeat.",
    tag="devices",
    responses={200: ("Devices", Listing)},
)
@requires(Role.STAFF)
def list_devices() -> Response:
    rt = runtime()
    return read_items(
        lambda session: console.devices(
            session, hall_code(), rt.clock.now(), rt.settings.device_timeout_s
        )
    )


@operation(
    bp,
    "POST",
    "/devices/<device_id>/enrolment",
    summary="A one-time enrolment link for a screen: the first browser that opens it "
    "becomes the device; unused, it expires (HALLQ_ENROL_LINK_HOURS).",
    tag="devices",
    responses={
        201: ("The link", EnrolmentLinkView),
        400: ("A printer has no screen", Error),
        404: ("Unknown device", Error),
    },
)
@requires(Role.ADMIN)
def create_enrolment(device_id: str) -> Response:
    rt = runtime()
    principal = require_principal()
    now = rt.clock.now()
    with rt.db.writing() as session:
        link = access.enrolment_link(
            session,
            device_id,
            now,
            timedelta(hours=rt.settings.enrol_link_hours),
            principal.actor,
            public_base_url(rt.settings),
            hall=hall_code(principal),
        )
        access.audit(session, now, principal, "CreateEnrolmentLink", target=f"device:{device_id}")
        session.commit()
    body = {
        "device": link.device,
        "url": link.url,
        "expires_at": link.expires_at.isoformat(),
        "qr": qr_data_url(link.url),
    }
    return json_response(body, 201)


DEVICE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
CONNECTION_PATTERN = (
    r"^(tcp:[A-Za-z0-9.\[\]:-]+|usb:(0x)?[0-9a-fA-F]{1,4}:(0x)?[0-9a-fA-F]{1,4}"
    r"|serial:(/dev/[A-Za-z0-9_/-]+|COM[0-9]+)(:[0-9]+)?|cups:[A-Za-z0-9_.-]+"
    r"|virtual:[a-z0-9][a-z0-9_/-]*)$"
)
"""How a printer is reached (printers/connection.py): tcp:HOST:PORT, usb:VID:PID,
serial:/dev/ttyUSB0:BAUD, cups:NAME, or virtual:FOLDER under the hub's var/."""


class DeviceChanges(Strict):
    name: str = Field(max_length=100, description="Its name on the console and in notices.")
    name_en: str = Field(default="", max_length=100)
    printer: str | None = Field(
        default=None, pattern=DEVICE_ID_PATTERN, description="Kiosk, guide desk: its printer."
    )
    window: json_int(ge=1, le=999) | None = Field(  # type: ignore[valid-type]
        default=None, description="Window display: the window it shows."
    )
    connection: str | None = Field(
        default=None, pattern=CONNECTION_PATTERN, max_length=120, description="Printer: how."
    )
    paper_mm: Literal[58, 80] | None = None
    encoding: Literal["gb18030", "gbk"] | None = None
    mode: Literal["text", "raster"] | None = None

    def settings(self) -> dict[str, Any]:
        """The bindings given, as the hall file's ``settings`` table."""
        return self.model_dump(exclude={"id", "kind", "name", "name_en"}, exclude_none=True)


class DeviceBody(DeviceChanges):
    id: str = Field(pattern=DEVICE_ID_PATTERN, description="e.g. `kiosk-3`.")
    kind: DeviceKind


DEVICE_CHANGE_RESPONSES: dict[int, tuple[str, type[BaseModel] | None]] = {
    200: ("The hall as it now is", None),
    400: ("Invalid input, or a binding of another kind of device", Error),
    404: ("Unknown device, printer or window", Error),
    409: ("The device id is taken", Error),
}


@operation(
    bp,
    "POST",
    "/admin/devices",
    summary="Add a device to the hall; it enrols with a one-time link (or a token).",
    tag="admin",
    body=DeviceBody,
    responses=DEVICE_CHANGE_RESPONSES,
)
@requires(Role.ADMIN)
def add_device(data: DeviceBody) -> Response:
    spec = {
        "id": data.id,
        "kind": data.kind,
        "name": data.name,
        "name_en": data.name_en,
        "settings": data.settings(),
    }
    return command(ac.AddDevice, spec=spec)


@operation(
    bp,
    "PUT",
    "/admin/devices/<device_id>",
    summary="Rename a device or change what it is bound to (its printer, window, connection).",
    tag="admin",
    body=DeviceChanges,
    responses=DEVICE_CHANGE_RESPONSES,
)
@requires(Role.ADMIN)
def edit_device(device_id: str, data: DeviceChanges) -> Response:
    return command(
        ac.EditDevice,
        device=device_id,
        name=data.name,
        name_en=data.name_en,
        settings=data.settings(),
    )


class RevokedView(BaseModel):
    device: str
    revoked: int = Field(description="How many of its tokens and enrolments ended.")


@operation(
    bp,
    "POST",
    "/admin/devices/<device_id>/revoke",
    summary="End every token and enrolment of a device: its screen shows “not enrolled” "
    "within seconds, until it is enrolled again.",
    tag="admin",
    responses={200: ("Revoked", RevokedView), 404: ("Unknown device", Error)},
)
@requires(Role.ADMIN)
def revoke_device(device_id: str) -> Response:
    rt = runtime()
    principal = require_principal()
    now = rt.clock.now()
    with rt.db.writing() as session:
        hall = views.hall_by_code(session, hall_code(principal))
        device = session.get(orm.Device, device_id)
        if device is None or device.hall_id != hall.id:
            raise NotFound("device.unknown", device=device_id)
        revoked = access.revoke_device(session, device_id, now)
        access.audit(session, now, principal, "RevokeDevice", target=f"device:{device_id}")
        session.commit()
    return json_response({"device": device_id, "revoked": revoked})
