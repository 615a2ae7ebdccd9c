"""Commands of 好差评 (SPEC §12): rate a service part, hand its rating to the pad again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.commands import Command


@dataclass(frozen=True, kw_only=True)
class RateService(Command):
    """The taxpayer rates service part `part`: on the rating pad of window `pad_window`,
    or on the phone holding the status link of the part's ticket (`ticket_token`)."""

    part: int
    level: object
    reasons: tuple[str, ...] = ()
    text: str = ""
    phone: str | None = None
    pad_window: int | None = None
    ticket_token: str | None = None


@dataclass(frozen=True, kw_only=True)
class OfferRating(Command):
    """The clerk of window `window` hands its last service's rating to the pad again (the
    taxpayer walked away before rating); allowed once."""

    window: int
    staff: str


@dataclass(frozen=True, kw_only=True)
class FollowUpCommand(Command):
    """Payload: the 差评 work order acted on, and who acts (a username)."""

    order: int
    by: str


@dataclass(frozen=True, kw_only=True)
class RecordCallBack(FollowUpCommand):
    """回访: the leader called the taxpayer back at `at` (ISO time; none: now)."""

    said: str
    at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class CloseWorkOrder(FollowUpCommand):
    """整改 done: the cause, the fix, the result."""

    cause: str
    fix: str
    result: str


@dataclass(frozen=True, kw_only=True)
class RateFix(FollowUpCommand):
    """The taxpayer's view of the fix, as the leader heard it on the call-back."""

    rating: str


@dataclass(frozen=True, kw_only=True)
class AppealRating(FollowUpCommand):
    """申诉: the clerk who served says the rating was malicious or a mistake."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class DecideAppeal(FollowUpCommand):
    """The admin upholds the appeal (the rating leaves the figures, kept) or rejects it."""

    upheld: bool
    reason: str
