"""好差评 (SPEC §12): the national scale, the 差评 rule, one rating per part, the pad's
window and idle time, the time to rate."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain.errors import Conflict, Forbidden, InvalidInput
from core.domain.ratings import (
    PAD_IDLE,
    RATE_WITHIN,
    AppealState,
    Channel,
    FixRating,
    Level,
    OrderState,
    Part,
    RatingState,
    Verdict,
    WorkOrder,
    follow_up_due,
    verdict,
)
from core.domain.workdays import FixedCalendar

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


# ---- 差评 follow-up (整改) ----


def a_bad_part() -> Part:
    part = a_part()
    part.rate_on_phone(verdict(1, ["attitude"]), SERVED + timedelta(minutes=2))
    part.id = 7
    return part


def an_order() -> WorkOrder:
    return WorkOrder.for_bad_rating(a_bad_part(), SERVED, date(2026, 12, 14), "冯科长")


def test_a_work_order_is_due_in_working_days_across_a_holiday() -> None:
    # GIVEN the 2026 National Day holiday (1–7 October off, Saturday 10 October worked)
    holiday = {date(2026, 10, day): False for day in range(1, 8)} | {date(2026, 10, 10): True}
    calendar = FixedCalendar(holiday)
    # WHEN a 差评 is given on Wednesday 30 September THEN its five working days are
    # Thu 8, Fri 9, Sat 10 (worked in lieu), Mon 12 and Tue 13 October
    assert follow_up_due(calendar, date(2026, 9, 30)) == date(2026, 10, 13)
    # AND a Friday's is due the Friday after
    assert follow_up_due(calendar, date(2026, 11, 20)) == date(2026, 11, 27)


def test_a_year_the_calendar_does_not_know_still_gets_a_deadline() -> None:
    calendar = FixedCalendar(years={2026})
    assert follow_up_due(calendar, date(2026, 12, 31)) == date(2027, 1, 7)


def test_only_a_bad_rating_opens_a_work_order() -> None:
    part = a_part()
    part.rate_on_phone(verdict(3), SERVED)
    part.id = 8
    with pytest.raises(Conflict):
        WorkOrder.for_bad_rating(part, SERVED, date(2026, 12, 14), "冯科长")


def test_the_leader_calls_back_fixes_and_closes_then_the_fix_is_rated_once() -> None:
    order = an_order()
    later = SERVED + timedelta(days=1)
    with pytest.raises(InvalidInput) as empty:
        order.close("", "加强培训", "已改进", "leader", later)
    assert code_of(empty) == "work_order.required"
    with pytest.raises(InvalidInput) as future:
        order.record_call_back(later + timedelta(hours=1), "leader", "说明情况", later)
    assert code_of(future) == "work_order.call_back_future"
    with pytest.raises(Conflict):
        order.rate_fix(FixRating.SATISFIED)
    order.record_call_back(later, "leader", "纳税人表示等候时间过长", later)
    order.close("高峰期窗口不足", "增开弹性窗口", "纳税人表示理解", "leader", later)
    assert order.state is OrderState.CLOSED
    with pytest.raises(Conflict):
        order.close("再次", "再次", "再次", "leader", later)
    order.rate_fix(FixRating.BASICALLY_SATISFIED)
    with pytest.raises(Conflict):
        order.rate_fix(FixRating.SATISFIED)
    assert order.fix_rating is FixRating.BASICALLY_SATISFIED


def test_an_open_order_past_its_day_is_overdue() -> None:
    order = an_order()
    assert not order.overdue(date(2026, 12, 14))
    assert order.overdue(date(2026, 12, 15))
    order.close("原因", "措施", "结果", "leader", SERVED)
    assert not order.overdue(date(2026, 12, 15))


def test_an_appeal_by_the_clerk_is_decided_by_the_admin_and_keeps_the_original() -> None:
    part = a_bad_part()
    order = WorkOrder.for_bad_rating(part, SERVED, date(2026, 12, 14), "冯科长")
    with pytest.raises(Forbidden):
        order.appeal_by("window4", "不是我办理的", SERVED)
    with pytest.raises(Conflict):
        order.decide(True, "无申诉", "admin", SERVED)
    order.appeal_by("window3", "纳税人误触评价键", SERVED)
    with pytest.raises(Conflict):
        order.appeal_by("window3", "再次申诉", SERVED)
    with pytest.raises(InvalidInput):
        order.decide(True, "  ", "admin", SERVED)
    order.decide(True, "监控显示为误触", "admin", SERVED + timedelta(hours=2))
    assert order.appeal is not None
    assert (order.appeal.state, order.appeal.decided_by) == (AppealState.UPHELD, "admin")
    with pytest.raises(Conflict):
        order.decide(False, "改判", "admin", SERVED)
    # the rating itself is untouched
    assert part.verdict == verdict(1, ["attitude"])
