"""Incidents, notices and devices: the duty leader's side of continuity (SPEC §7)."""

from __future__ import annotations

from flask import Response, request

from core.api import bp
from core.api.common import command, hall_code, json_response, read_items
from core.api.continuity_schemas import (
    Created,
    DeclareIncidentBody,
    EndIncidentBody,
    Listing,
    NoticeBody,
    StepBody,
    UpdateIncidentBody,
)
from core.api.registry import operation
from core.api.schemas import Error
from core.domain import continuity_commands as cc
from core.extensions import limiter
from core.runtime import runtime
from core.services import console, views
from core.services.access import Role
from core.web.auth import requires

LEADER_ERRORS = {
    400: ("Invalid input", Error),
    404: ("Unknown incident", Error),
    409: ("Conflict", Error),
}


@operation(
    bp,
    "GET",
    "/incidents",
    summary="Incidents (newest first); ?state=open for open ones.",
    tag="incidents",
    responses={200: ("Incidents with steps and notices", Listing)},
)
@requires(Role.LEADER)
def list_incidents() -> Response:
    only_open = request.args.get("state") == "open"
    return read_items(lambda session: console.incidents(session, hall_code(), only_open=only_open))


@operation(
    bp,
    "POST",
    "/incidents",
    summary="Declare an incident by hand.",
    tag="incidents",
    body=DeclareIncidentBody,
    responses={201: ("Declared", Created), **LEADER_ERRORS},
    headers=("Idempotency-Key",),
)
@requires(Role.LEADER)
def declare_incident(data: DeclareIncidentBody) -> Response:
    fields = data.model_dump()
    fields["systems"], fields["devices"] = tuple(data.systems), tuple(data.devices)
    return command(cc.DeclareIncident, **fields)


@operation(
    bp,
    "GET",
    "/incidents/<int(max=2147483647):incident_id>",
    summary="One incident.",
    tag="incidents",
    responses={200: ("The incident", Created), 404: ("Unknown", Error)},
)
@requires(Role.LEADER)
def get_incident(incident_id: int) -> Response:
    rt = runtime()
    with rt.db.read_session() as session:
        return json_response(console.incident(session, hall_code(), incident_id))


@operation(
    bp,
    "PATCH",
    "/incidents/<int(max=2147483647):incident_id>",
    summary="Change an incident's details.",
    tag="incidents",
    body=UpdateIncidentBody,
    responses={200: ("Changed", Created), **LEADER_ERRORS},
)
@requires(Role.LEADER)
def update_incident(incident_id: int, data: UpdateIncidentBody) -> Response:
    changes = data.model_dump(exclude_none=True)
    return command(cc.UpdateIncident, incident=incident_id, changes=changes)


@operation(
    bp,
    "POST",
    "/incidents/<int(max=2147483647):incident_id>/steps",
    summary="Add a handling step (处置过程).",
    tag="incidents",
    body=StepBody,
    responses={201: ("Added", Created), **LEADER_ERRORS},
)
@requires(Role.LEADER)
def add_step(incident_id: int, data: StepBody) -> Response:
    return command(cc.AddIncidentStep, incident=incident_id, text=data.text)


@operation(
    bp,
    "POST",
    "/incidents/<int(max=2147483647):incident_id>/end",
    summary="End an incident with its result.",
    tag="incidents",
    body=EndIncidentBody,
    responses={200: ("Ended", Created), **LEADER_ERRORS},
    headers=("Idempotency-Key",),
)
@requires(Role.LEADER)
def end_incident(incident_id: int, data: EndIncidentBody) -> Response:
    return command(cc.EndIncident, incident=incident_id, result=data.result)


@operation(
    bp,
    "GET",
    "/notices",
    summary="The notices on every screen now.",
    tag="notices",
    responses={200: ("Notices", Listing)},
)
@limiter.limit(lambda: runtime().settings.rate_limit_public)
def list_notices() -> Response:
    return read_items(
        lambda session: views.active_notices(session, views.hall_by_code(session, hall_code()))
    )


@operation(
    bp,
    "POST",
    "/notices",
    summary="Post a notice on every screen.",
    tag="notices",
    body=NoticeBody,
    responses={201: ("Posted", Created), 400: ("Invalid", Error)},
)
@requires(Role.LEADER)
def post_notice(data: NoticeBody) -> Response:
    return command(cc.PostNotice, text_zh=data.text_zh, text_en=data.text_en)


@operation(
    bp,
    "PUT",
    "/notices/<int(max=2147483647):notice_id>",
    summary="Rewrite a notice (an incident's too).",
    tag="notices",
    body=NoticeBody,
    responses={200: ("Changed", Created), 404: ("Unknown", Error)},
)
@requires(Role.LEADER)
def edit_notice(notice_id: int, data: NoticeBody) -> Response:
    return command(cc.EditNotice, notice=notice_id, text_zh=data.text_zh, text_en=data.text_en)


@operation(
    bp,
    "POST",
    "/notices/<int(max=2147483647):notice_id>/remove",
    summary="Take a notice down.",
    tag="notices",
    responses={200: ("Removed", Created), 404: ("Unknown", Error)},
)
@requires(Role.LEADER)
def remove_notice(notice_id: int) -> Response:
    return command(cc.RemoveNotice, notice=notice_id)
