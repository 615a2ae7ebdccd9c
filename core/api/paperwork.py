"""Paper tickets, emergency registers and backfill, follow-ups (SPEC §7)."""

from __future__ import annotations

from flask import Response, request

from core.api import bp
from core.api.common import command, hall_code, json_response, read_items
from core.api.continuity_schemas import (
    AnswerBody,
    Created,
    FollowUpBody,
    Listing,
    PaperTicketsBody,
    RegisterBody,
)
from core.api.registry import operation
from core.api.schemas import Error
from core.domain import continuity_commands as cc
from core.runtime import runtime
from core.services import console
from core.services.access import Role
from core.web.auth import requires

ERRORS = {400: ("Invalid input", Error), 404: ("Unknown", Error), 409: ("Not allowed now", Error)}
GUIDE = ("guide",)


@operation(
    bp,
    "POST",
    "/paper-tickets",
    summary="Register paper tickets handed out (one, or first–last).",
    tag="paper",
    body=PaperTicketsBody,
    responses={201: ("Registered", Created), **ERRORS},
    headers=("Idempotency-Key",),
)
@requires(Role.STAFF, devices=GUIDE)
def register_paper(data: PaperTicketsBody) -> Response:
    return command(
        cc.RegisterPaperTickets,
        service=data.service,
        first=data.first,
        last=data.last if data.last is not None else data.first,
    )


@operation(
    bp,
    "GET",
    "/paper-tickets",
    summary="Today's paper ranges: registered, called, not yet called.",
    tag="paper",
    responses={200: ("Reconciliation", Listing)},
)
@requires(Role.STAFF, devices=GUIDE)
def paper_reconciliation() -> Response:
    now = runtime().clock.now()
    return read_items(lambda session: console.paper_reconciliation(session, hall_code(), now))


@operation(
    bp,
    "GET",
    "/registers/forms",
    summary="The register forms (fields, labels, types).",
    tag="registers",
    responses={200: ("Forms", Created)},
)
@requires(Role.STAFF)
def register_forms() -> Response:
    return json_response(console.register_forms())


@operation(
    bp,
    "POST",
    "/registers",
    summary="Record a register entry at the emergency window.",
    tag="registers",
    body=RegisterBody,
    responses={201: ("Recorded", Created), **ERRORS},
    headers=("Idempotency-Key",),
)
@requires(Role.STAFF)
def submit_register(data: RegisterBody) -> Response:
    return command(cc.SubmitRegister, number=data.number, kind=data.kind, data=data.data)


@operation(
    bp,
    "GET",
    "/registers",
    summary="Register records; ?state=to_backfill is the backfill worklist.",
    tag="registers",
    responses={200: ("Records", Listing)},
)
@requires(Role.STAFF)
def list_registers() -> Response:
    state = request.args.get("state") or None
    return read_items(lambda session: console.register_records(session, hall_code(), state))


@operation(
    bp,
    "POST",
    "/registers/<int(max=2147483647):record_id>/backfill",
    summary="Mark a record entered (补录).",
    tag="registers",
    responses={200: ("Backfilled", Created), **ERRORS},
)
@requires(Role.STAFF)
def backfill(record_id: int) -> Response:
    return command(cc.MarkBackfilled, record=record_id)


@operation(
    bp,
    "POST",
    "/follow-ups",
    summary="Record a question to answer later (待答复).",
    tag="follow-ups",
    body=FollowUpBody,
    responses={201: ("Recorded", Created), **ERRORS},
    headers=("Idempotency-Key",),
)
@requires(Role.STAFF, devices=GUIDE)
def add_follow_up(data: FollowUpBody) -> Response:
    return command(cc.AddFollowUp, **data.model_dump())


@operation(
    bp,
    "GET",
    "/follow-ups",
    summary="The follow-up ledger; ?state=open for unanswered ones.",
    tag="follow-ups",
    responses={200: ("Follow-ups", Listing)},
)
@requires(Role.STAFF, devices=GUIDE)
def list_follow_ups() -> Response:
    only_open = request.args.get("state") == "open"
    return read_items(lambda session: console.follow_ups(session, hall_code(), only_open=only_open))


@operation(
    bp,
    "GET",
    "/follow-ups/daily",
    summary="Questions recorded and answered per day.",
    tag="follow-ups",
    responses={200: ("Totals", Listing)},
)
@requires(Role.STAFF)
def follow_up_totals() -> Response:
    return read_items(lambda session: console.follow_ups_per_day(session, hall_code()))


@operation(
    bp,
    "POST",
    "/follow-ups/<int(max=2147483647):follow_up_id>/answer",
    summary="Answer; the contact is texted.",
    tag="follow-ups",
    body=AnswerBody,
    responses={200: ("Answered", Created), **ERRORS},
)
@requires(Role.STAFF)
def answer_follow_up(follow_up_id: int, data: AnswerBody) -> Response:
    return command(cc.AnswerFollowUp, follow_up=follow_up_id, answer=data.answer)
