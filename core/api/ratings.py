"""好差评 endpoints (SPEC §12): the window's rating pad, the ticket's phone, the counter.

``GET  /ratings/pad/<n>``         what window n's pad shows now (the pad of window n, staff)
``POST /ratings/pad/<n>``         the pad's rating of the part it shows
``GET  /tickets/<token>/rating``  the ticket's parts to rate (public: the token is the key)
``POST /tickets/<token>/rating``  the phone's rating of one of them
``POST /windows/<n>/rating/offer`` the clerk hands the last service's rating to the pad again
``GET  /ratings/work-orders``     差评 work orders (整改); ``…/<id>/call-back``, ``close``,
                                  ``fix-rating`` (leaders), ``appeal`` (the clerk who served),
                                  ``decision`` (admins)

Staff never rate: the rating endpoints take a pad's device token or a ticket's token, and
a staff member's credentials are refused, so no clerk rates their own service.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from flask import Response, request, url_for
from pydantic import BaseModel, Field, StrictBool
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.api import bp
from core.api.common import hall_code, idempotency_key, json_response, read_items, run
from core.api.continuity_schemas import Listing
from core.api.registry import operation
from core.api.schemas import PHONE_PATTERN, Error, Strict, checked
from core.domain import rating_commands as rc
from core.domain.errors import Forbidden, InvalidInput, NotFound
from core.domain.hallday import business_day
from core.domain.rating_commands import OfferRating, RateService
from core.domain.ratings import MAX_REASON_TEXT
from core.extensions import limiter
from core.halls import JsonInt
from core.ledger import LedgerPeriod
from core.runtime import runtime
from core.services import ratings, views
from core.services.access import Principal, Role
from core.web.auth import current_principal, require_principal, requires

REASON_PATTERN = r"^[a-z][a-z0-9_]{0,23}$"


class RatingBody(Strict):
    part: JsonInt = Field(ge=1, le=2147483647, description="The part to rate (its `id`).")
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
    "/ratings/pad/<int(max=999):window>",
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
    "/ratings/pad/<int(max=999):window>",
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


class WindowClerkView(BaseModel):
    shown: bool = Field(description="The hall shows the clerk on its window displays")
    clerk: ClerkView | None
    month: dict[str, Any] | None = Field(description="{average, ratings} of this month")


@operation(
    bp,
    "GET",
    "/ratings/window/<int(max=999):window>/clerk",
    summary="The clerk at window n as its display shows them (when the hall wants it): "
    "name, staff number, this month's average rating.",
    tag="ratings",
    responses={200: ("The clerk", WindowClerkView)},
)
@requires(Role.STAFF, devices=("window_display", "display"))
def window_clerk(window: int) -> Response:
    rt = runtime()
    with rt.db.read_session() as session:
        hall = views.hall_by_code(session, hall_code())
        shown = ratings.window_clerk(session, hall, window, rt.clock.now())
    clerk = shown["clerk"]
    if clerk is not None:
        clerk["photo"] = None  # the LED display shows no photo
    return json_response(shown)


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
    "/windows/<int(max=999):n>/rating/offer",
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


# ---- 差评 follow-up (整改) ----------------------------------------------------------------

NOTE = 500


class CallBackBody(Strict):
    said: str = Field(min_length=1, max_length=NOTE, description="What the taxpayer said.")
    at: datetime | None = Field(default=None, description="When they were called; null: now.")


class CloseBody(Strict):
    cause: str = Field(min_length=1, max_length=NOTE, description="Why it happened.")
    fix: str = Field(min_length=1, max_length=NOTE, description="整改措施: what was changed.")
    result: str = Field(min_length=1, max_length=NOTE, description="What came of it.")


class FixRatingBody(Strict):
    rating: Literal["satisfied", "basically_satisfied", "dissatisfied"] = Field(
        description="The taxpayer's view of the fix: 满意, 基本满意, 不满意."
    )


class AppealBody(Strict):
    reason: str = Field(min_length=1, max_length=NOTE, description="Why the rating is wrong.")


class DecisionBody(Strict):
    upheld: StrictBool = Field(description="True: the rating leaves the figures (kept, marked).")
    reason: str = Field(min_length=1, max_length=NOTE)


class OrderAnswer(BaseModel):
    order: int
    state: str


FOLLOW_UP_ERRORS: dict[int, tuple[str, type[BaseModel] | None]] = {
    400: ("Invalid input", Error),
    403: ("Not allowed (the appeal is the serving clerk's, the decision an admin's)", Error),
    404: ("Unknown work order", Error),
    409: ("Closed already, not closed yet, rated or appealed already", Error),
}


@operation(
    bp,
    "GET",
    "/ratings/work-orders",
    summary="The 差评 work orders (open first, by deadline; `?state=open|closed`); a clerk "
    "sees only those of their own services.",
    tag="ratings",
    responses={200: ("Work orders", Listing)},
)
@requires(Role.STAFF)
def work_orders() -> Response:
    principal = require_principal()
    state = request.args.get("state")  # open | closed; anything else: all
    mine = None if principal.at_least(Role.LEADER) else principal.name
    return read_items(
        lambda session: ratings.work_orders(
            session,
            views.hall_by_code(session, hall_code(principal)),
            runtime().clock.now(),
            state=state if state in ("open", "closed") else None,
            staff=mine,
        )
    )


def _follow_up(command: type[rc.FollowUpCommand], order: int, **fields: Any) -> Response:
    principal = require_principal()
    return run(
        command(
            hall=hall_code(principal),
            actor=principal.actor,
            idempotency_key=idempotency_key(principal),
            order=order,
            by=principal.name,
            **fields,
        )
    )


@operation(
    bp,
    "POST",
    "/ratings/work-orders/<int(max=2147483647):order>/call-back",
    summary="回访: the leader called the taxpayer back, and what they said.",
    tag="ratings",
    body=CallBackBody,
    responses={200: ("The work order", OrderAnswer), **FOLLOW_UP_ERRORS},
)
@requires(Role.LEADER)
def call_back(order: int, data: CallBackBody) -> Response:
    return _follow_up(rc.RecordCallBack, order, said=data.said, at=data.at)


@operation(
    bp,
    "POST",
    "/ratings/work-orders/<int(max=2147483647):order>/close",
    summary="整改 done: the cause, the fix and its result close the work order.",
    tag="ratings",
    body=CloseBody,
    responses={200: ("The work order", OrderAnswer), **FOLLOW_UP_ERRORS},
)
@requires(Role.LEADER)
def close_order(order: int, data: CloseBody) -> Response:
    return _follow_up(rc.CloseWorkOrder, order, cause=data.cause, fix=data.fix, result=data.result)


@operation(
    bp,
    "POST",
    "/ratings/work-orders/<int(max=2147483647):order>/fix-rating",
    summary="How the taxpayer rated the fix on the call-back (once, after closing).",
    tag="ratings",
    body=FixRatingBody,
    responses={200: ("The work order", OrderAnswer), **FOLLOW_UP_ERRORS},
)
@requires(Role.LEADER)
def fix_rating(order: int, data: FixRatingBody) -> Response:
    return _follow_up(rc.RateFix, order, rating=data.rating)


@operation(
    bp,
    "POST",
    "/ratings/work-orders/<int(max=2147483647):order>/appeal",
    summary="申诉: the clerk who served says the rating was malicious or a mistake.",
    tag="ratings",
    body=AppealBody,
    responses={200: ("The work order", OrderAnswer), **FOLLOW_UP_ERRORS},
)
@requires(Role.STAFF)
def appeal(order: int, data: AppealBody) -> Response:
    return _follow_up(rc.AppealRating, order, reason=data.reason)


@operation(
    bp,
    "POST",
    "/ratings/work-orders/<int(max=2147483647):order>/decision",
    summary="The admin decides an appeal, with reasons (the rating is kept either way).",
    tag="ratings",
    body=DecisionBody,
    responses={200: ("The work order", OrderAnswer), **FOLLOW_UP_ERRORS},
)
@requires(Role.ADMIN)
def decide(order: int, data: DecisionBody) -> Response:
    return _follow_up(rc.DecideAppeal, order, upheld=data.upheld, reason=data.reason)


# ---- the figures -----------------------------------------------------------------------


class TallyView(BaseModel):
    key: str
    name: str
    parts: int = Field(description="Services to rate (each window's part of a ticket)")
    rated: int
    satisfied: int
    bad: int
    not_rated: int
    called_back: int
    fixed: int
    excluded: int = Field(description="差评 whose appeal was upheld: left out")
    satisfied_rate: float | None = Field(description="满意率: 满意 and above / rated, %")
    bad_rate: float | None = Field(description="差评率: 差评 / rated, %")
    call_back_rate: float | None = Field(description="回访率: called back / 差评, %")
    fix_rate: float | None = Field(description="整改率: work orders closed / 差评, %")
    not_rated_rate: float | None = Field(description="不评价: not rated / (rated + not rated), %")


class FiguresView(BaseModel):
    by: str
    lines: list[TallyView]
    total: TallyView


def period(hall: orm.Hall) -> tuple[date, date]:
    """``?from=&to=`` (the hall's days, both included; blank: today); at most a year."""
    today = business_day(runtime().clock.now(), ZoneInfo(hall.timezone))
    span = LedgerPeriod.parse(request.args.get("from"), request.args.get("to"))
    start, end = span.start or span.end or today, span.end or span.start or today
    if start > end or (end - start).days > 366:
        raise InvalidInput("request.invalid", field="to", problem="out_of_range")
    return start, end


@operation(
    bp,
    "GET",
    "/ratings/today",
    summary="Today's satisfaction, live: counts, rates, the 差评 with reasons, open work orders.",
    tag="ratings",
    responses={200: ("Today", TallyView)},
)
@requires(Role.LEADER)
def ratings_today() -> Response:
    rt = runtime()
    with rt.db.read_session() as session:
        hall = views.hall_by_code(session, hall_code())
        return json_response(ratings.today(session, hall, rt.clock.now()))


@operation(
    bp,
    "GET",
    "/ratings/figures",
    summary="The figures of a period (`?from=&to=`) per clerk, window or service (`?by=`).",
    tag="ratings",
    responses={200: ("Figures", FiguresView), 400: ("Invalid period or grouping", Error)},
)
@requires(Role.LEADER)
def ratings_figures() -> Response:
    rt = runtime()
    by = request.args.get("by") or "clerk"
    with rt.db.read_session() as session:
        hall = views.hall_by_code(session, hall_code())
        start, end = period(hall)
        return json_response(ratings.figures(session, hall, start, end, by, rt.clock.now()))
