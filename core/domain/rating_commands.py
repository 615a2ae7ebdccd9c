"""Commands of 好差评 (SPEC §12): rate a service part, hand its rating to the pad again."""

from __future__ import annotations

from dataclasses import dataclass

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
