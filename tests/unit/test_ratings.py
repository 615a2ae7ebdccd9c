"""好差评 (SPEC §12): the national scale, the 差评 rule, one rating per part, the pad's
window and idle time, the time to rate."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain.errors import Conflict, Forbidden, InvalidInput
from core.domain.ratings import (
    PAD_IDLE,
    RATE_WITHIN,
    Channel,
    Level,
    Part,
    RatingState,
    Verdict,
    verdict,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SERVED = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


def a_part(**fields: object) -> Part:
    """Window 3's part of C001, finished at 10:00 by clerk window3."""
    values: dict[str, object] = {
        "number": "C001",
        "service": "filing",
        "window": 3,
        "staff": "window3",
        "now": SERVED,
        **fields,
    }
    return Part.served(**values)  # type: ignore[arg-type]


def code_of(error: pytest.ExceptionInfo[Exception]) -> str:
    return str(getattr(error.value, "code", ""))


@pytest.mark.parametrize(
    ("level", "bad", "satisfied"),
    [(5, False, True), (4, False, True), (3, False, False), (2, True, False), (1, True, False)],
)
def test_the_two_lowest_levels_are_bad_and_the_two_highest_satisfied(
    level: int, bad: bool, satisfied: bool
) -> None:
    assert (Level(level).bad, Level(level).satisfied) == (bad, satisfied)


@pytest.mark.parametrize("level", [0, 6, -1, "5", 4.0, True, None])
def test_a_level_outside_one_to_five_is_refused(level: object) -> None:
    with pytest.raises(InvalidInput) as error:
        verdict(level)
    assert code_of(error) == "rating.level"


def test_a_good_rating_needs_no_reason_and_keeps_none() -> None:
    assert verdict(5, ["waiting"], "久", "13800138000") == Verdict(Level.VERY_SATISFIED)


def test_a_bad_rating_needs_a_reason_from_the_halls_list() -> None:
    with pytest.raises(InvalidInput) as missing:
        verdict(2)
    assert code_of(missing) == "rating.reason_required"
    with pytest.raises(InvalidInput) as unknown:
        verdict(1, ["rude"])
    assert code_of(unknown) == "rating.reason"
    with pytest.raises(InvalidInput) as not_offered:
        verdict(1, ["policy"], offered=("attitude", "waiting"))
    assert code_of(not_offered) == "rating.reason"
    assert verdict(2, ["waiting", "waiting", "attitude"]) == Verdict(
        Level.DISSATISFIED, ("waiting", "attitude")
    )


def test_other_needs_words_and_the_words_have_a_limit() -> None:
    with pytest.raises(InvalidInput) as empty:
        verdict(1, ["other"], "   ")
    assert code_of(empty) == "rating.text_required"
    with pytest.raises(InvalidInput) as long:
        verdict(1, ["other"], "慢" * 201)
    assert code_of(long) == "rating.text_length"
    assert verdict(1, ["other"], " 材料被退回三次 ").text == "材料被退回三次"


def test_a_call_back_phone_follows_the_input_rules() -> None:
    with pytest.raises(InvalidInput) as error:
        verdict(2, ["waiting"], phone="12345")
    assert code_of(error) == "phone.format"
    assert verdict(2, ["waiting"], phone="+86 138-0013-8000").phone == "13800138000"


def test_a_part_is_rated_once_whichever_way_comes_first() -> None:
    part = a_part()
    part.rate_on_phone(verdict(5), SERVED + timedelta(minutes=1))
    assert (part.state, part.channel) == (RatingState.RATED, Channel.PHONE)
    with pytest.raises(Conflict) as again:
        part.rate_on_pad(3, verdict(1, ["waiting"]), SERVED + timedelta(minutes=1))
    assert code_of(again) == "rating.already"
    assert part.verdict == verdict(5)


def test_a_pad_rates_only_its_own_windows_part_while_it_shows_it() -> None:
    part = a_part()
    with pytest.raises(Forbidden) as other:
        part.rate_on_pad(4, verdict(5), SERVED + timedelta(seconds=5))
    assert code_of(other) == "rating.other_window"
    with pytest.raises(Conflict) as idle:
        part.rate_on_pad(3, verdict(5), SERVED + PAD_IDLE)
    assert code_of(idle) == "rating.pad_idle"
    assert part.state is RatingState.PENDING
    part.rate_on_pad(3, verdict(4), SERVED + PAD_IDLE - timedelta(seconds=1))
    assert (part.state, part.channel) == (RatingState.RATED, Channel.PAD)


def test_the_counter_hands_a_part_to_the_pad_again_once() -> None:
    part = a_part()
    later = SERVED + timedelta(minutes=5)
    assert not part.on_pad(later)
    part.offer_again(later)
    assert part.on_pad(later)
    with pytest.raises(Conflict) as twice:
        part.offer_again(later + timedelta(minutes=1))
    assert code_of(twice) == "rating.offered_twice"
    part.rate_on_pad(3, verdict(3), later + timedelta(seconds=20))
    assert part.state is RatingState.RATED


def test_a_part_not_rated_in_time_is_not_rated_never_satisfied() -> None:
    part = a_part()
    assert not part.expire(SERVED + RATE_WITHIN - timedelta(seconds=1))
    with pytest.raises(Conflict) as late:
        part.rate_on_phone(verdict(5), SERVED + RATE_WITHIN)
    assert code_of(late) == "rating.expired"
    assert part.expire(SERVED + RATE_WITHIN)
    assert (part.state, part.verdict) == (RatingState.NOT_RATED, None)
    assert not part.expire(SERVED + RATE_WITHIN * 2)
