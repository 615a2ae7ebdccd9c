"""好差评 endpoints (SPEC §12): the window's rating pad, the ticket's phone, the counter.

``GET  /ratings/pad/<n>``         what window n's pad shows now (the pad of window n, staff)
``POST /ratings/pad/<n>``         the pad's rating of the part it shows
``GET  /tickets/<token>/rating``  the ticket's parts to rate (public: the token is the key)
``POST /tickets/<token>/rating``  the phone's rating of one of them
``POST /windows/<n>/rating/offer`` the clerk hands the last service's rating to the pad again

Staff never rate: the rating endpoints take a pad's device token or a ticket's token, and
a staff member's credentials are refused, so no clerk rates their own service.
"""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.api import bp
from core.api.common import hall_code, idempotency_key, json_response, run
from core.api.registry import operation
from core.api.schemas import PHONE_PATTERN, Error, Strict, checked
from core.domain.errors import Forbidden, NotFound
from core.domain.rating_commands import OfferRating, RateService
from core.domain.ratings import MAX_REASON_TEXT
from core.extensions import limiter
from core.halls import JsonInt
from core.runtime import runtime
from core.services import ratings
from core.services.access import Principal, Role
from core.web.auth import current_principal, require_principal, requires

REASON_PATTERN = r"^[a-z][a-z0-9_]{0,23}$"


class RatingBody(Strict):
    part: JsonInt = Field(ge=1, description="The part to rate (its `id`).")
    level: JsonInt = Field(
        ge=1, le=5, description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意."
    )
    reasons: list[str] = Field(
        default_factory=list,
        max_length=10,
        json_schema_extra={"items": {"type": "string", "pattern": REASON_PATTERN}},
        description="For 2 and 1 (差评), at least one of the hall's reason codes.",
    )
    text: str = Field(
        default="",
        max_length=1000,
        description=f"The taxpayer's words, needed with `other`; at most {MAX_REASON_TEXT}.",
    )
    phone: str | None = Field(
        default=None,
        max_length=20,
        json_schema_extra=checked(PHONE_PATTERN),
        description="For the call-back after a 差评; empty means none.",
    )


class PartView(BaseModel):
    id: int
    number: str
    service: str
    window: int
    state: str = Field(description="pending | rated | not_rated")
    open: bool = Field(description="May still be rated")
    on_pad_until: str | None
    offers: int
    level: int | None
    reasons: list[str]
    channel: str | None
    served_at: str
    due_at: str


class TicketPartView(PartView):
    service_name: str
    service_name_en: str


class ReasonView(BaseModel):
    code: str
    name: str
    name_en: str


class ClerkView(BaseModel):
    username: str
    name: str
    number: str = Field(description="工号")
    photo: str | None = Field(description="Where the pad loads the clerk's photo; null: none")


class PadView(BaseModel):
    window: int
    part: PartView | None = Field(description="What the pad asks to rate; null: idle")
    clerk: ClerkView | None = Field(description="Who served it; idle: who is at the window")
    reasons: list[ReasonView]
    idle_s: int


class TicketRatingView(BaseModel):
    parts: list[TicketPartView] = Field(
        description="Each window's part of the ticket, latest first"
    )
    reasons: list[ReasonView]


def _public_limit() -> str:
    return runtime().settings.rate_limit_public


def _pad_of(window: int) -> Principal:
    """The caller, when it is the rating pad of window `window`."""
    principal = require_principal()
    if not principal.is_device("rating_pad"):
        raise Forbidden("auth.forbidden")
    with runtime().db.read_session() as session:
        device = session.get(orm.Device, principal.name)
        if device is None or (device.settings or {}).get("window") != window:
            raise Forbidden("rating.other_window", number="", window=window)
    return principal


def _rating(data: RatingBody, **where: Any) -> dict[str, Any]:
    return {
        "part": data.part,
        "level": data.level,
        "reasons": tuple(data.reasons),
        "text": data.text,
        "phone": data.phone or None,
        **where,
    }


@operation(
    bp,
    "GET",
    "/ratings/pad/<int:window>",
    summary="What window n's rating pad shows now: the service to rate, or idle.",
    tag="ratings",
    responses={200: ("The pad's page", PadView), 404: ("No such window", Error)},
)
@requires(Role.STAFF, devices=("rating_pad",))
def pad(window: int) -> Response:
    principal = require_principal()
    if principal.kind != "staff":
        _pad_of(window)
    rt = runtime()
    with rt.db.read_session() as session:
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == hall_code(principal))).one()
        shown = ratings.on_pad(session, hall, window, rt.clock.now())
    clerk = shown["clerk"]
    if clerk is not None:  # where the pad finds the photo, if the clerk has one
        clerk["photo"] = (
            url_for("display.staff_photo", username=clerk["username"]) if clerk["photo"] else None
        )
    return json_response(shown)


@operation(
    bp,
    "POST",
    "/ratings/pad/<int:window>",
    summary="The rating pad's rating of the service it shows (一次一评).",
    tag="ratings",
    body=RatingBody,
    responses={
        201: ("The rated part", PartView),
        400: ("Invalid rating (level, reason, text, phone)", Error),
        403: ("Not this window's pad, or another window's service", Error),
        404: ("Unknown part", Error),
        409: ("Already rated, too late, or the pad went idle", Error),
    },
)
@requires(None, devices=("rating_pad",))
def rate_on_pad(window: int, data: RatingBody) -> Response:
    principal = _pad_of(window)
    return run(
        RateService(
            hall=hall_code(principal),
            actor=principal.actor,
            idempotency_key=idempotency_key(principal),
            **_rating(data, pad_window=window),
        )
    )


def _ticket(session: Session, token: str) -> orm.Ticket:
    ticket = session.scalars(select(orm.Ticket).where(orm.Ticket.token == token)).first()
    if ticket is None:
        raise NotFound("ticket.token_unknown")
    return ticket


@operation(
    bp,
    "GET",
    "/tickets/<token>/rating",
    summary="The ticket's services to rate, by the token in its QR code.",
    tag="ratings",
    responses={200: ("Each window's part", TicketRatingView), 404: ("Unknown token", Error)},
)
@limiter.limit(_public_limit)
def ticket_rating(token: str) -> Response:
    rt = runtime()
    with rt.db.read_session() as session:
        return json_response(ratings.of_ticket(session, _ticket(session, token), rt.clock.now()))


@operation(
    bp,
    "POST",
    "/tickets/<token>/rating",
    summary="The taxpayer's rating on the phone (一次一评); staff may not rate.",
    tag="ratings",
    body=RatingBody,
    responses={
        201: ("The rated part", PartView),
        400: ("Invalid rating (level, reason, text, phone)", Error),
        403: ("Staff, or a part of another ticket", Error),
        404: ("Unknown token or part", Error),
        409: ("Already rated, or too late", Error),
    },
)
@limiter.limit(_public_limit)
def rate_on_phone(token: str, data: RatingBody) -> Response:
    if current_principal() is not None:
        raise Forbidden("rating.staff")
    with runtime().db.read_session() as session:
        ticket = _ticket(session, token)
        hall, actor = session.get_one(orm.Hall, ticket.hall_id).code, f"ticket:{ticket.number}"
    return run(RateService(hall=hall, actor=actor, **_rating(data, ticket_token=token)))


@operation(
    bp,
    "POST",
    "/windows/<int:n>/rating/offer",
    summary="Hand the window's last service's rating to its pad again (once).",
    tag="ratings",
    responses={
        200: ("The part, on the pad again", PartView),
        403: ("Not this window's clerk", Error),
        404: ("The window served nobody yet", Error),
        409: ("Already rated, handed back once already, or too late", Error),
    },
)
@requires(Role.STAFF)
def offer_rating(n: int) -> Response:
    principal = require_principal()
    return run(
        OfferRating(
            hall=hall_code(principal),
            actor=principal.actor,
            idempotency_key=idempotency_key(principal),
            window=n,
            staff=principal.name,
        )
    )
