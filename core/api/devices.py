"""Devices: their health, and the one-time links that enrol a screen's browser."""

from __future__ import annotations

from datetime import timedelta

from flask import Response
from pydantic import BaseModel

from core.adapters.network import public_base_url
from core.api import bp
from core.api.common import hall_code, json_response, read_items
from core.api.continuity_schemas import Listing
from core.api.registry import operation
from core.api.schemas import Error
from core.runtime import runtime
from core.services import access, console
from core.services.access import Role
from core.web.auth import require_principal, requires


class EnrolmentLinkView(BaseModel):
    device: str
    url: str
    expires_at: str


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
    body = {"device": link.device, "url": link.url, "expires_at": link.expires_at.isoformat()}
    return json_response(body, 201)
