"""好差评: the taxpayer's rating of a service, one per service part (SPEC §12; 国办发〔2019〕51号,
GB/T 39734-2020).

A *part* is what one clerk did for a ticket at one window: the service that window
finished, or the part it did before it transferred the ticket on. Each part is rated at
most once (一次一评), on the window's rating pad or on the taxpayer's phone, on the
national five-level scale. A part not rated within the hall's limit (24 h by default)
is *not rated*: never counted as satisfied.

The two lowest levels are 差评: they need a reason from the hall's list (其他 with the
taxpayer's own words) and may leave a phone number for the call-back.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import IntEnum, StrEnum

from core.domain.errors import Conflict, Forbidden, InvalidInput
from core.domain.identity import validate_phone
from core.domain.workdays import FixedCalendar, UnknownYear, WorkdayCalendar, add_workdays


class Level(IntEnum):
    """The national scale, best first."""

    VERY_SATISFIED = 5  # 非常满意
    SATISFIED = 4  # 满意
    BASICALLY_SATISFIED = 3  # 基本满意
    DISSATISFIED = 2  # 不满意
    VERY_DISSATISFIED = 1  # 非常不满意

    @property
    def bad(self) -> bool:
        """差评: 不满意 and 非常不满意."""
        return self <= Level.DISSATISFIED

    @property
    def satisfied(self) -> bool:
        """满意 and above: what the 满意率 counts."""
        return self >= Level.SATISFIED


class Channel(StrEnum):
    PAD = "pad"  # the rating pad at the window
    PHONE = "phone"  # the ticket's status page


class RatingState(StrEnum):
    PENDING = "pending"  # served, may still be rated
    RATED = "rated"
    NOT_RATED = "not_rated"  # the time to rate ran out (不评价)


REASONS = ("attitude", "efficiency", "unfamiliar", "waiting", "policy", "other")
"""The 差评 reasons a hall offers unless it configures its own: 态度, 效率, 业务不熟,
等候太久, 政策不满意, 其他 (其他 needs the taxpayer's words)."""
OTHER = "other"
MAX_REASON_TEXT = 200
RATE_WITHIN = timedelta(hours=24)
PAD_IDLE = timedelta(seconds=120)
MAX_OFFERS = 2
"""The pad offers a part when the window finishes it, and once more if the counter hands
it back (the taxpayer walked away before rating)."""


@dataclass(frozen=True)
class Verdict:
    """What the taxpayer said, checked."""

    level: Level
    reasons: tuple[str, ...] = ()
    text: str = ""
    phone: str | None = None


def verdict(
    level: object,
    reasons: Sequence[str] = (),
    text: str = "",
    phone: str | None = None,
    *,
    offered: Collection[str] = REASONS,
) -> Verdict:
    """Check a rating as the taxpayer gave it: a level 1–5; for a 差评 at least one reason
    of `offered` (其他 with words, at most 200 characters) and maybe a phone for the
    call-back. A good rating carries no reason and no phone: they are dropped."""
    if (
        isinstance(level, bool)
        or not isinstance(level, int)
        or level not in Level._value2member_map_
    ):
        raise InvalidInput("rating.level", field="level")
    chosen = Level(level)
    if not chosen.bad:
        return Verdict(chosen)
    words = text.strip()
    if len(words) > MAX_REASON_TEXT:
        raise InvalidInput("rating.text_length", field="text", maximum=MAX_REASON_TEXT)
    unique = tuple(dict.fromkeys(reasons))
    if not unique:
        raise InvalidInput("rating.reason_required", field="reasons")
    for reason in unique:
        if reason not in offered:
            raise InvalidInput("rating.reason", field="reasons", reason=reason)
    if OTHER in unique and not words:
        raise InvalidInput("rating.text_required", field="text")
    number = validate_phone(phone) if phone else None
    return Verdict(chosen, unique, words, number)


@dataclass
class Part:
    """One clerk's service of one ticket at one window, to be rated once."""

    number: str
    service: str
    window: int
    staff: str | None
    served_at: datetime
    due_at: datetime
    offered_at: datetime
    offers: int = 1
    state: RatingState = RatingState.PENDING
    verdict: Verdict | None = None
    channel: Channel | None = None
    rated_at: datetime | None = None
    id: int | None = None

    @classmethod
    def served(
        cls,
        *,
        number: str,
        service: str,
        window: int,
        staff: str | None,
        now: datetime,
        within: timedelta = RATE_WITHIN,
    ) -> Part:
        """A window finished (or transferred on) a ticket: its part waits for a rating,
        offered on the window's pad at once."""
        return cls(number, service, window, staff, now, now + within, now)

    def open(self, now: datetime) -> bool:
        """Still to be rated: pending and within the time to rate."""
        return self.state is RatingState.PENDING and now < self.due_at

    def on_pad(self, now: datetime, idle: timedelta = PAD_IDLE) -> bool:
        """The window's pad shows this part: offered less than `idle` ago, still open."""
        return self.open(now) and now < self.offered_at + idle

    def offer_again(self, now: datetime) -> None:
        """The counter hands the rating to the pad again, once."""
        self._require_open(now)
        if self.offers >= MAX_OFFERS:
            raise Conflict("rating.offered_twice", number=self.number)
        self.offers += 1
        self.offered_at = now

    def rate_on_pad(
        self, pad_window: int, rating: Verdict, now: datetime, idle: timedelta = PAD_IDLE
    ) -> None:
        """The window's pad rates the part it shows: another window's pad may not, nor
        may a pad once it went back to idle."""
        if pad_window != self.window:
            raise Forbidden("rating.other_window", number=self.number, window=self.window)
        self._require_open(now)
        if not self.on_pad(now, idle):
            raise Conflict("rating.pad_idle", number=self.number)
        self._rate(Channel.PAD, rating, now)

    def rate_on_phone(self, rating: Verdict, now: datetime) -> None:
        """The taxpayer rates on the ticket's status page."""
        self._require_open(now)
        self._rate(Channel.PHONE, rating, now)

    def expire(self, now: datetime) -> bool:
        """Record the part as not rated once its time ran out; True if it changed."""
        if self.state is not RatingState.PENDING or now < self.due_at:
            return False
        self.state = RatingState.NOT_RATED
        return True

    def _require_open(self, now: datetime) -> None:
        if self.state is RatingState.RATED:
            raise Conflict("rating.already", number=self.number)
        if not self.open(now):
            raise Conflict("rating.expired", number=self.number)

    def _rate(self, channel: Channel, rating: Verdict, now: datetime) -> None:
        self.state = RatingState.RATED
        self.verdict = rating
        self.channel = channel
        self.rated_at = now


# ---- 差评 follow-up (整改) ---------------------------------------------------------------

MAX_NOTE = 500
FOLLOW_UP_DAYS = 5


class OrderState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class FixRating(StrEnum):
    """How the taxpayer rated the fix when called back (满意 / 基本满意 / 不满意)."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


class AppealState(StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"  # the rating was malicious or a mistake: left out of the figures, kept
    REJECTED = "rejected"


@dataclass(frozen=True)
class CallBack:
    """回访: when the taxpayer was called, by whom, what they said."""

    at: datetime
    by: str
    said: str


@dataclass(frozen=True)
class Appeal:
    """申诉: the clerk says the rating was malicious or a mistake; the admin decides."""

    by: str
    reason: str
    at: datetime
    state: AppealState = AppealState.PENDING
    decided_by: str | None = None
    decision: str = ""
    decided_at: datetime | None = None


def follow_up_due(calendar: WorkdayCalendar, day: date, days: int = FOLLOW_UP_DAYS) -> date:
    """The last day of a 差评's work order opened on `day`: `days` working days later by
    the hall's calendar. A year the calendar does not know yet counts Monday to Friday: a
    work order is never left without a deadline (the console says the year is unknown)."""
    try:
        return add_workdays(calendar, day, days)
    except UnknownYear:
        return add_workdays(FixedCalendar(), day, days)


def _note(text: str, field: str) -> str:
    words = text.strip()
    if not words:
        raise InvalidInput("work_order.required", field=field)
    if len(words) > MAX_NOTE:
        raise InvalidInput("work_order.too_long", field=field, maximum=MAX_NOTE)
    return words


@dataclass
class WorkOrder:
    """The follow-up of one 差评 (整改工单): assigned to the duty leader, due in working
    days; the call-back, the cause, the fix and its result close it."""

    part: int
    number: str
    window: int
    staff: str | None
    opened_at: datetime
    due_on: date
    leader: str
    state: OrderState = OrderState.OPEN
    call_back: CallBack | None = None
    cause: str = ""
    fix: str = ""
    result: str = ""
    closed_by: str | None = None
    closed_at: datetime | None = None
    fix_rating: FixRating | None = None
    appeal: Appeal | None = None
    id: int | None = None

    @classmethod
    def for_bad_rating(cls, part: Part, now: datetime, due_on: date, leader: str) -> WorkOrder:
        """A 差评 opens a work order, due on `due_on`, for the duty leader."""
        if part.id is None or part.verdict is None or not part.verdict.level.bad:
            raise Conflict("work_order.not_bad", number=part.number)
        return cls(part.id, part.number, part.window, part.staff, now, due_on, leader)

    def overdue(self, today: date) -> bool:
        """Still open after its last day."""
        return self.state is OrderState.OPEN and today > self.due_on

    def record_call_back(self, at: datetime, by: str, said: str, now: datetime) -> None:
        """The leader called the taxpayer back (a later call replaces an earlier one)."""
        self._require_open()
        if at > now:
            raise InvalidInput("work_order.call_back_future", field="at")
        self.call_back = CallBack(at, by, _note(said, "said"))

    def close(self, cause: str, fix: str, result: str, by: str, now: datetime) -> None:
        """整改 done: why it happened, what was changed, what came of it."""
        self._require_open()
        self.cause = _note(cause, "cause")
        self.fix = _note(fix, "fix")
        self.result = _note(result, "result")
        self.state = OrderState.CLOSED
        self.closed_by = by
        self.closed_at = now

    def rate_fix(self, rating: FixRating) -> None:
        """The taxpayer's view of the fix, asked once it is closed; given once."""
        if self.state is not OrderState.CLOSED:
            raise Conflict("work_order.not_closed", number=self.number)
        if self.fix_rating is not None:
            raise Conflict("work_order.fix_rated", number=self.number)
        self.fix_rating = rating

    def appeal_by(self, clerk: str, reason: str, now: datetime) -> None:
        """The clerk who served appeals the rating (申诉), once."""
        if clerk != self.staff:
            raise Forbidden("appeal.not_yours", number=self.number)
        if self.appeal is not None:
            raise Conflict("appeal.exists", number=self.number)
        self.appeal = Appeal(clerk, _note(reason, "reason"), now)

    def decide(self, upheld: bool, reason: str, by: str, now: datetime) -> None:
        """The admin decides the appeal, with reasons; the rating itself is never changed:
        an upheld appeal marks it, and it leaves the figures."""
        if self.appeal is None or self.appeal.state is not AppealState.PENDING:
            raise Conflict("appeal.not_pending", number=self.number)
        self.appeal = replace(
            self.appeal,
            state=AppealState.UPHELD if upheld else AppealState.REJECTED,
            decided_by=by,
            decision=_note(reason, "reason"),
            decided_at=now,
        )

    def _require_open(self) -> None:
        if self.state is not OrderState.OPEN:
            raise Conflict("work_order.closed", number=self.number)
