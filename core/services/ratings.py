"""好差评 use cases (SPEC §12): a part to rate for every service a window finishes or
passes on, its rating from the window's pad or the ticket's phone, the counter handing
it back to the pad, and what pads and phones are shown.

Ratings are commands of the hall like any other: under the hall's lock, one at a time,
so a pad and a phone pressing at once cannot both rate one part.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.db import Database
from core.adapters.repository import order_from_row, part_from_row
from core.domain import rating_commands as rc
from core.domain.errors import Forbidden, InvalidInput, NotFound
from core.domain.events import RatingOffered, RatingRecorded, WorkOrderChanged
from core.domain.ratings import (
    AppealState,
    FixRating,
    Level,
    OrderState,
    Part,
    RatingState,
    WorkOrder,
    follow_up_due,
    verdict,
)
from core.domain.tickets import Ticket
from core.halls import RatingsSpec, ratings_of
from core.services.context import Context, Outcome
from core.services.duty import duty_leader


def served(
    context: Context,
    ticket: Ticket,
    window: int,
    staff: str | None,
    *,
    service: str | None = None,
) -> None:
    """Window `window` finished `ticket` (as `service`, when it has moved on to another
    since), or did its part before passing it on: the part waits for a rating, and the
    window's pad asks for it."""
    settings = ratings_of(context.hall.settings)
    part = Part.served(
        number=ticket.number,
        service=service or ticket.service,
        window=window,
        staff=staff,
        now=context.now,
        within=timedelta(hours=settings.rate_within_hours),
    )
    context.uow.ratings.add(context.hall, context.uow.tickets.row(ticket), part)
    context.record(RatingOffered(window=window, number=ticket.number))


def rate_service(command: rc.RateService, context: Context) -> Outcome:
    """Record the taxpayer's rating of one part, from the pad or the phone."""
    settings = ratings_of(context.hall.settings)
    row, part = context.uow.ratings.get(context.hall, command.part)
    rating = verdict(
        command.level,
        command.reasons,
        command.text,
        command.phone,
        offered=[reason.code for reason in settings.reasons],
    )
    if command.pad_window is not None:
        part.rate_on_pad(command.pad_window, rating, context.now, pad_idle(settings))
    else:
        ticket = context.uow.session.get_one(orm.Ticket, row.ticket_id)
        if command.ticket_token is None or ticket.token != command.ticket_token:
            raise Forbidden("rating.not_your_ticket", number=part.number)
        part.rate_on_phone(rating, context.now)
    context.uow.ratings.save(row, part)
    context.record(RatingRecorded(window=part.window, number=part.number, level=rating.level))
    _queue_upload(context, row)
    if rating.level.bad:
        _open_work_order(context, part, settings)
    return Outcome(part_body(row, context.now, settings), 201)


def _queue_upload(context: Context, row: orm.Rating) -> None:
    """The rating goes to the bureau's platform through its outbox, on disk with it: what
    the platform needs of it, no phone number."""
    session = context.uow.session
    clerk = session.scalars(select(orm.Staff).where(orm.Staff.username == row.staff)).first()
    body = {
        "hall": context.hall.code,
        "hall_name": context.hall.name_zh,
        "number": row.number,
        "business_day": row.business_day.isoformat(),
        "service": row.service,
        "service_name": {each.code: each.name_zh for each in context.services}.get(
            row.service, row.service
        ),
        "window": row.window,
        "clerk": clerk.display_name if clerk else row.staff,
        "staff_number": clerk.number if clerk else "",
        "level": row.level,
        "reasons": list(row.reasons or []),
        "text": row.text,
        "channel": row.channel,
        "served_at": row.served_at.isoformat(),
        "rated_at": row.rated_at.isoformat() if row.rated_at else None,
    }
    session.add(
        orm.RatingUpload(
            hall_id=context.hall.id,
            rating_id=row.id,
            body=json.dumps(body, ensure_ascii=False),
            state="queued",
            attempts=0,
            next_attempt_at=context.now,
            created_at=context.now,
            error="",
        )
    )


def _open_work_order(context: Context, part: Part, settings: RatingsSpec) -> None:
    """Every 差评 is followed up (整改): a work order for the duty leader, due in the hall's
    working days."""
    today = context.now.astimezone(context.zone).date()
    due_on = follow_up_due(context.calendar, today, settings.follow_up_days)
    order = WorkOrder.for_bad_rating(part, context.now, due_on, duty_leader(context))
    context.uow.ratings.add_order(context.hall, order)
    assert order.id is not None
    context.record(WorkOrderChanged(order=order.id, state=order.state.value))


def _follow_up(
    command: rc.FollowUpCommand, context: Context, change: Callable[[WorkOrder], None]
) -> Outcome:
    row, order = context.uow.ratings.order(context.hall, command.order)
    change(order)
    context.uow.ratings.save_order(row, order)
    context.record(WorkOrderChanged(order=command.order, state=order.state.value))
    return Outcome({"order": command.order, "state": order.state.value})


def record_call_back(command: rc.RecordCallBack, context: Context) -> Outcome:
    """回访: the leader called the taxpayer back."""
    at = command.at or context.now
    return _follow_up(
        command,
        context,
        lambda order: order.record_call_back(at, command.by, command.said, context.now),
    )


def close_work_order(command: rc.CloseWorkOrder, context: Context) -> Outcome:
    """整改 done: cause, fix, result."""
    return _follow_up(
        command,
        context,
        lambda order: order.close(
            command.cause, command.fix, command.result, command.by, context.now
        ),
    )


def rate_fix(command: rc.RateFix, context: Context) -> Outcome:
    """How the taxpayer rated the fix on the call-back."""
    if command.rating not in FixRating._value2member_map_:
        raise InvalidInput("work_order.fix_rating", field="rating")
    return _follow_up(command, context, lambda order: order.rate_fix(FixRating(command.rating)))


def appeal_rating(command: rc.AppealRating, context: Context) -> Outcome:
    """申诉 by the clerk who served."""
    return _follow_up(
        command, context, lambda order: order.appeal_by(command.by, command.reason, context.now)
    )


def decide_appeal(command: rc.DecideAppeal, context: Context) -> Outcome:
    """The admin's decision on an appeal, with reasons."""
    return _follow_up(
        command,
        context,
        lambda order: order.decide(command.upheld, command.reason, command.by, context.now),
    )


def offer_rating(command: rc.OfferRating, context: Context) -> Outcome:
    """The window's clerk hands the last service's rating to the pad again, once."""
    _, window = context.window(command.window)
    window.require_staff(command.staff)
    row, part = context.uow.ratings.last_of_window(context.hall, command.window)
    part.offer_again(context.now)
    context.uow.ratings.save(row, part)
    context.record(RatingOffered(window=part.window, number=part.number))
    return Outcome(part_body(row, context.now, ratings_of(context.hall.settings)))


def record_not_rated(db: Database, now: datetime) -> int:
    """Record every part whose time to rate ran out as not rated (不评价; `Part.expire`'s
    rule, for all halls at once); the hub runs it with its day check. Returns how many."""
    with db.writing() as session, session.begin():
        result = session.execute(
            update(orm.Rating)
            .where(orm.Rating.state == RatingState.PENDING.value, orm.Rating.due_at <= now)
            .values(state=RatingState.NOT_RATED.value)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def pad_idle(settings: RatingsSpec) -> timedelta:
    return timedelta(seconds=settings.pad_idle_s)


def part_body(row: orm.Rating, now: datetime, settings: RatingsSpec) -> dict[str, Any]:
    """A part as pads, phones and counters see it: no phone number, ever."""
    part = part_from_row(row)
    return {
        "id": row.id,
        "number": row.number,
        "service": row.service,
        "window": row.window,
        "state": row.state,
        "open": part.open(now),
        "on_pad_until": (part.offered_at + pad_idle(settings)).isoformat()
        if part.on_pad(now, pad_idle(settings))
        else None,
        "offers": row.offers,
        "level": row.level,
        "reasons": list(row.reasons or []),
        "channel": row.channel,
        "served_at": row.served_at.isoformat(),
        "due_at": row.due_at.isoformat(),
    }


def reasons_body(settings: RatingsSpec) -> list[dict[str, str]]:
    """The 差评 reasons the hall offers, in both languages."""
    return [reason.model_dump() for reason in settings.reasons]


def _clerk(session: Session, username: str | None) -> dict[str, Any] | None:
    """The clerk as the rating pad shows them: name, staff number, whether there is a photo."""
    if username is None:
        return None
    staff = session.scalars(select(orm.Staff).where(orm.Staff.username == username)).first()
    if staff is None:
        return None
    return {
        "username": staff.username,
        "name": staff.display_name or staff.username,
        "number": staff.number,
        "photo": staff.photo_type is not None,
    }


def on_pad(session: Session, hall: orm.Hall, window: int, now: datetime) -> dict[str, Any]:
    """What window `window`'s rating pad shows now: the part it offers and the clerk who
    served it, or nothing to rate and the clerk at the window now (the pad is idle)."""
    settings = ratings_of(hall.settings)
    at_window = session.scalar(
        select(orm.Window.staff).where(orm.Window.hall_id == hall.id, orm.Window.number == window)
    )
    if at_window is None and not session.scalar(
        select(orm.Window.id).where(orm.Window.hall_id == hall.id, orm.Window.number == window)
    ):
        raise NotFound("window.unknown", window=window)
    row = session.scalars(
        select(orm.Rating)
        .where(
            orm.Rating.hall_id == hall.id,
            orm.Rating.window == window,
            orm.Rating.state == "pending",
            orm.Rating.offered_at > now - pad_idle(settings),
        )
        .order_by(orm.Rating.offered_at.desc(), orm.Rating.id.desc())
        .limit(1)
    ).first()
    if row is not None and not part_from_row(row).on_pad(now, pad_idle(settings)):
        row = None
    return {
        "window": window,
        "part": part_body(row, now, settings) if row is not None else None,
        "clerk": _clerk(session, row.staff if row is not None else at_window),
        "reasons": reasons_body(settings),
        "idle_s": settings.pad_idle_s,
    }


def window_clerk(session: Session, hall: orm.Hall, window: int, now: datetime) -> dict[str, Any]:
    """What the window display shows of the clerk at window `window`, if the hall wants it:
    name, staff number, and the average of this month's ratings of their services (差评
    whose appeal was upheld left out)."""
    if not ratings_of(hall.settings).window_display_clerk:
        return {"shown": False, "clerk": None, "month": None}
    username = session.scalar(
        select(orm.Window.staff).where(orm.Window.hall_id == hall.id, orm.Window.number == window)
    )
    clerk = _clerk(session, username)
    if clerk is None:
        return {"shown": True, "clerk": None, "month": None}
    today = now.astimezone(ZoneInfo(hall.timezone)).date()
    levels = [
        rating.level
        for rating, order in _rows(session, hall, today.replace(day=1), today, staff=username)
        if rating.level is not None
        and not (order is not None and order.appeal_state == AppealState.UPHELD.value)
    ]
    average = round(sum(levels) / len(levels), 1) if levels else None
    return {"shown": True, "clerk": clerk, "month": {"average": average, "ratings": len(levels)}}


def of_ticket(session: Session, ticket: orm.Ticket, now: datetime) -> dict[str, Any]:
    """What the ticket's status page offers to rate: each window's part, latest first, with
    its service's name."""
    hall = session.get_one(orm.Hall, ticket.hall_id)
    settings = ratings_of(hall.settings)
    rows = session.scalars(
        select(orm.Rating)
        .where(orm.Rating.ticket_id == ticket.id)
        .order_by(orm.Rating.served_at.desc(), orm.Rating.id.desc())
    ).all()
    names = {
        code: (name, name_en)
        for code, name, name_en in session.execute(
            select(orm.Service.code, orm.Service.name_zh, orm.Service.name_en).where(
                orm.Service.hall_id == hall.id
            )
        )
    }
    parts = []
    for row in rows:
        name, name_en = names.get(row.service, (row.service, row.service))
        parts.append(
            {**part_body(row, now, settings), "service_name": name, "service_name_en": name_en}
        )
    return {"parts": parts, "reasons": reasons_body(settings)}


def work_orders(
    session: Session,
    hall: orm.Hall,
    now: datetime,
    *,
    state: str | None = None,
    staff: str | None = None,
) -> list[dict[str, Any]]:
    """The hall's 差评 work orders, open ones by deadline first, then the latest closed; of
    one clerk's services only when `staff` is given. With what the leader needs to call the
    taxpayer back (their number, when they left one)."""
    query = (
        select(orm.RatingWorkOrder, orm.Rating)
        .join(orm.Rating, orm.Rating.id == orm.RatingWorkOrder.rating_id)
        .where(orm.RatingWorkOrder.hall_id == hall.id)
    )
    if state is not None:
        query = query.where(orm.RatingWorkOrder.state == state)
    if staff is not None:
        query = query.where(orm.Rating.staff == staff)
    query = query.order_by(
        (orm.RatingWorkOrder.state == "closed"),
        orm.RatingWorkOrder.due_on,
        orm.RatingWorkOrder.id.desc(),
    ).limit(500)
    today = now.astimezone(ZoneInfo(hall.timezone)).date()
    names, services = _names(session, hall)
    reason_names = {reason.code: reason.name for reason in ratings_of(hall.settings).reasons}
    items = []
    for row, rating in session.execute(query):
        order = order_from_row(row, rating)
        items.append(
            {
                "id": row.id,
                "state": row.state,
                "overdue": order.overdue(today),
                "due_on": row.due_on.isoformat(),
                "opened_at": row.opened_at.isoformat(),
                "leader": row.leader,
                "number": rating.number,
                "service": rating.service,
                "service_name": services.get(rating.service, rating.service),
                "window": rating.window,
                "staff": rating.staff,
                "staff_name": names.get(rating.staff or "", rating.staff or ""),
                "level": rating.level,
                "reasons": list(rating.reasons or []),
                "reason_names": [reason_names.get(code, code) for code in rating.reasons or []],
                "text": rating.text,
                "phone": rating.phone,
                "channel": rating.channel,
                "rated_at": rating.rated_at.isoformat() if rating.rated_at else None,
                "call_back": {
                    "at": row.call_back_at.isoformat(),
                    "by": row.call_back_by,
                    "said": row.call_back_said,
                }
                if row.call_back_at
                else None,
                "cause": row.cause,
                "fix": row.fix,
                "result": row.result,
                "closed_by": row.closed_by,
                "closed_at": row.closed_at.isoformat() if row.closed_at else None,
                "fix_rating": row.fix_rating,
                "appeal": {
                    "state": row.appeal_state,
                    "by": row.appeal_by,
                    "reason": row.appeal_reason,
                    "decided_by": row.appeal_decided_by,
                    "decision": row.appeal_decision,
                }
                if row.appeal_state
                else None,
            }
        )
    return items


# ---- the figures: live today, and per clerk, window and service for any period ----------

GROUPINGS = ("clerk", "window", "service")


@dataclass
class Tally:
    """One line of the figures: counts, and the rates the bureau reports."""

    key: str
    name: str
    parts: int = 0
    rated: int = 0
    satisfied: int = 0
    bad: int = 0
    not_rated: int = 0
    called_back: int = 0
    fixed: int = 0
    excluded: int = 0
    """差评 whose appeal was upheld: kept, marked, and left out of the figures."""

    def add(self, rating: orm.Rating, order: orm.RatingWorkOrder | None, now: datetime) -> None:
        self.parts += 1
        if order is not None and order.appeal_state == AppealState.UPHELD.value:
            self.excluded += 1
            return
        if rating.state == RatingState.RATED.value and rating.level is not None:
            self.rated += 1
            level = Level(rating.level)
            self.satisfied += level.satisfied
            if level.bad:
                self.bad += 1
                self.called_back += order is not None and order.call_back_at is not None
                self.fixed += order is not None and order.state == OrderState.CLOSED.value
        elif rating.state == RatingState.NOT_RATED.value or rating.due_at <= now:
            self.not_rated += 1

    def body(self) -> dict[str, Any]:
        settled = self.rated + self.not_rated
        return {
            **vars(self),
            "satisfied_rate": _rate(self.satisfied, self.rated),
            "bad_rate": _rate(self.bad, self.rated),
            "call_back_rate": _rate(self.called_back, self.bad),
            "fix_rate": _rate(self.fixed, self.bad),
            "not_rated_rate": _rate(self.not_rated, settled),
        }


def _rate(part: int, whole: int) -> float | None:
    """A share in percent with one decimal; None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None


def clerk_ratings(session: Session, hall: orm.Hall, start: date, end: date) -> dict[str, Any]:
    """Each clerk's ratings of the period counted in the database — rated, satisfied, 差评
    and 满意率 as `Tally` counts them (an upheld appeal left out) — for the reports, which
    may cover a year: one pass over the ratings' index, then the few upheld appeals taken
    off."""
    rated = (orm.Rating.state == RatingState.RATED.value) & orm.Rating.level.is_not(None)
    satisfied = rated & (orm.Rating.level >= int(Level.SATISFIED))
    bad = rated & (orm.Rating.level <= int(Level.DISSATISFIED))
    in_period = [orm.Rating.hall_id == hall.id, orm.Rating.business_day.between(start, end)]
    counts: dict[str | None, list[int]] = {}
    for staff, *numbers in session.execute(
        select(
            orm.Rating.staff,
            *(func.sum(case((condition, 1), else_=0)) for condition in (rated, satisfied, bad)),
        )
        .where(*in_period)
        .group_by(orm.Rating.staff)
    ):
        counts[staff] = [int(number or 0) for number in numbers]
    for staff, level in session.execute(
        select(orm.Rating.staff, orm.Rating.level)
        .join(orm.RatingWorkOrder, orm.RatingWorkOrder.rating_id == orm.Rating.id)
        .where(*in_period, orm.RatingWorkOrder.appeal_state == AppealState.UPHELD.value, rated)
    ):
        assert level is not None  # rated: it has a level
        taken = Level(level)
        line = counts[staff]
        line[0] -= 1
        line[1] -= taken.satisfied
        line[2] -= taken.bad
    return {
        staff: {"rated": n, "satisfied_rate": _rate(happy, n), "bad": unhappy}
        for staff, (n, happy, unhappy) in counts.items()
        if staff is not None
    }


def _rows(
    session: Session, hall: orm.Hall, start: date, end: date, staff: str | None = None
) -> list[tuple[orm.Rating, orm.RatingWorkOrder | None]]:
    """The parts served from `start` to `end` (business days), of one clerk's services if
    `staff` is given, with their work orders."""
    where = [
        orm.Rating.hall_id == hall.id,
        orm.Rating.business_day >= start,
        orm.Rating.business_day <= end,
    ]
    if staff is not None:
        where.append(orm.Rating.staff == staff)
    return [
        (rating, order)
        for rating, order in session.execute(
            select(orm.Rating, orm.RatingWorkOrder)
            .outerjoin(orm.RatingWorkOrder, orm.RatingWorkOrder.rating_id == orm.Rating.id)
            .where(*where)
            .order_by(orm.Rating.served_at, orm.Rating.id)
        )
    ]


def _names(session: Session, hall: orm.Hall) -> tuple[dict[str, str], dict[str, str]]:
    staff = {
        username: name or username
        for username, name in session.execute(select(orm.Staff.username, orm.Staff.display_name))
    }
    services = {
        code: name
        for code, name in session.execute(
            select(orm.Service.code, orm.Service.name_zh).where(orm.Service.hall_id == hall.id)
        )
    }
    return staff, services


def figures(
    session: Session, hall: orm.Hall, start: date, end: date, by: str, now: datetime
) -> dict[str, Any]:
    """The figures of the period per clerk, window or service, and for the whole hall."""
    if by not in GROUPINGS:
        raise InvalidInput("ratings.grouping", field="by", by=by)
    staff, services = _names(session, hall)
    total = Tally("all", hall.name_zh)
    lines: dict[str, Tally] = {}
    for rating, order in _rows(session, hall, start, end):
        if by == "clerk":
            key, name = rating.staff or "", staff.get(rating.staff or "", rating.staff or "")
        elif by == "window":
            key, name = str(rating.window), str(rating.window)
        else:
            key, name = rating.service, services.get(rating.service, rating.service)
        lines.setdefault(key, Tally(key, name)).add(rating, order, now)
        total.add(rating, order, now)
    ordered = sorted(lines.values(), key=lambda line: (by != "window", line.key.zfill(4)))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "by": by,
        "lines": [line.body() for line in ordered],
        "total": total.body(),
    }


def today(session: Session, hall: orm.Hall, now: datetime) -> dict[str, Any]:
    """Today's satisfaction, live: the figures so far, the 差评 with their reasons, and the
    work orders still open (overdue ones counted)."""
    day = now.astimezone(ZoneInfo(hall.timezone)).date()
    staff, services = _names(session, hall)
    total = Tally("today", hall.name_zh)
    bad = []
    for rating, order in _rows(session, hall, day, day):
        total.add(rating, order, now)
        if rating.level is not None and Level(rating.level).bad:
            bad.append(
                {
                    "number": rating.number,
                    "window": rating.window,
                    "service_name": services.get(rating.service, rating.service),
                    "clerk": staff.get(rating.staff or "", rating.staff or ""),
                    "level": rating.level,
                    "reasons": list(rating.reasons or []),
                    "text": rating.text,
                    "rated_at": rating.rated_at.isoformat() if rating.rated_at else None,
                    "order": order.id if order is not None else None,
                }
            )
    open_orders = session.scalars(
        select(orm.RatingWorkOrder.due_on).where(
            orm.RatingWorkOrder.hall_id == hall.id, orm.RatingWorkOrder.state == "open"
        )
    ).all()
    return {
        "day": day.isoformat(),
        **total.body(),
        "bad_list": list(reversed(bad)),
        "orders_open": len(open_orders),
        "orders_overdue": sum(due < day for due in open_orders),
        "reasons": reasons_body(ratings_of(hall.settings)),
    }


def details(
    session: Session, hall: orm.Hall, start: date, end: date, now: datetime
) -> list[dict[str, Any]]:
    """Every service to rate of the period, one row each, with its rating or its absence,
    its work order and appeal: what the bureau's detail sheet lists. No phone numbers."""
    staff, services = _names(session, hall)
    numbers = {
        username: number
        for username, number in session.execute(select(orm.Staff.username, orm.Staff.number))
    }
    zone = ZoneInfo(hall.timezone)
    reasons = {reason.code: reason.name for reason in ratings_of(hall.settings).reasons}
    rows = []
    for rating, order in _rows(session, hall, start, end):
        expired = rating.state == RatingState.NOT_RATED.value or (
            rating.state == RatingState.PENDING.value and rating.due_at <= now
        )
        moment = (rating.rated_at or rating.served_at).astimezone(zone)
        rows.append(
            {
                "day": rating.business_day.isoformat(),
                "time": moment.strftime("%H:%M") if rating.rated_at else "",
                "number": rating.number,
                "service": services.get(rating.service, rating.service),
                "window": rating.window,
                "clerk": staff.get(rating.staff or "", rating.staff or ""),
                "staff_number": numbers.get(rating.staff or "", ""),
                "channel": rating.channel,
                "level": rating.level,
                "outcome": "not_rated" if expired else rating.state,
                "reasons": "、".join(reasons.get(code, code) for code in rating.reasons or []),
                "text": rating.text,
                "call_back": order.call_back_said if order is not None else "",
                "fix": order.fix if order is not None else "",
                "result": order.result if order is not None else "",
                "fix_rating": order.fix_rating if order is not None else None,
                "appeal": order.appeal_state if order is not None else None,
                "appeal_reason": order.appeal_reason if order is not None else "",
            }
        )
    return rows
