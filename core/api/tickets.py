"""Ticket endpoints: issue, look up by status token, requeue a no-show, cancel."""

from __future__ import annotations

from flask import Response

from core.api import bp
from core.api.common import command, hall_code, idempotency_key, json_response, run
from core.api.registry import operation
from core.api.schemas import Error, IssueTicketBody, PublicTicketView, TicketView
from core.domain.commands import CancelTicket, IssueTicket, RequeueTicket
from core.domain.tickets import Channel
from core.extensions import limiter
from core.runtime import runtime
from core.services import access, views
from core.services.access import Role
from core.web.auth import require_principal, requires

ISSUERS = ("kiosk", "guide")


def _public_limit() -> str:
    return runtime().settings.rate_limit_public


@operation(
    bp,
    "POST",
    "/tickets",
    summary="Issue a ticket (kiosk, guide desk or staff). Send an Idempotency-Key.",
    tag="tickets",
    body=IssueTicketBody,
    responses={
        201: ("The new ticket", TicketView),
        400: ("Invalid input (unknown field, bad phone or taxpayer ID)", Error),
        404: ("Unknown service", Error),
        409: ("The hall does not issue tickets now", Error),
    },
    headers=("Idempotency-Key",),
)
@limiter.limit(_public_limit)
@requires(Role.STAFF, devices=ISSUERS)
def issue_ticket(data: IssueTicketBody) -> Response:
    principal = require_principal()
    channel = Channel.KIOSK if principal.is_device("kiosk") else Channel.GUIDE
    response = run(
        IssueTicket(
            hall=hall_code(principal),
            actor=principal.actor,
            idempotency_key=idempotency_key(principal),
            service=data.service,
            channel=channel,
            green=data.green,
            phone=data.phone,
            taxpayer_id=data.taxpayer_id,
            device=principal.name if principal.kind == "device" else None,
            print_ticket=data.print,
        )
    )
    printing = runtime().printing
    if printing is not None and response.status_code == 201:
        printing.wake.set()  # print now rather than at the pump's next round
    return response


@operation(
    bp,
    "GET",
    "/tickets/<token>",
    summary="A ticket's public status, by the opaque token in its QR code.",
    tag="tickets",
    responses={200: ("Position and estimate", PublicTicketView), 404: ("Unknown token", Error)},
)
@limiter.limit(_public_limit)
def ticket_status(token: str) -> Response:
    rt = runtime()
    with rt.db.read_session() as session:
        return json_response(views.public_ticket(session, token, rt.clock.now()))


@operation(
    bp,
    "POST",
    "/tickets/<number>/requeue",
    summary="过号重排: queue a no-show again behind the hall's `requeue_after` people.",
    tag="tickets",
    responses={
        200: ("The ticket, waiting again", TicketView),
        400: ("Not a ticket number", Error),
        404: ("Unknown", Error),
        409: ("Not a no-show", Error),
    },
)
@requires(Role.STAFF, devices=("guide",))
def requeue_ticket(number: str) -> Response:
    return command(RequeueTicket, number=number)


@operation(
    bp,
    "POST",
    "/tickets/<number>/cancel",
    summary="Cancel a waiting ticket: the guide desk and leaders any, a clerk only one "
    "waiting for their own window.",
    tag="tickets",
    responses={
        200: ("The cancelled ticket", TicketView),
        400: ("Not a ticket number", Error),
        403: ("A clerk, and not a ticket waiting for their window", Error),
        404: ("Unknown", Error),
        409: ("Not waiting", Error),
    },
)
@requires(Role.STAFF, devices=("guide",))
def cancel_ticket(number: str) -> Response:
    principal = require_principal()
    clerk = None if access.may_cancel_any_ticket(principal) else principal.name
    return command(CancelTicket, number=number, only_for_window_of=clerk)
