"""Phrase building: which clips speak a call, in which order."""

from __future__ import annotations

import re

import pytest

from core.domain.announcements import PHRASES
from display.voice.errors import InvalidCall
from display.voice.phrases import (
    AFTER_CHIME,
    BETWEEN_REPEATS,
    CLIP_NAMES,
    CLIP_TABLE,
    PHRASE_PINYIN,
    Pause,
    announcement_timeline,
    chinese_phrase,
    english_phrase,
    phrase_timeline,
    window_number_clips,
)


def test_a012_to_window_3() -> None:
    # GIVEN ticket A012 called to window 3
    # WHEN the Chinese phrase is built
    clips = chinese_phrase("A012", 3)
    # THEN it reads 请 A 零幺二 号 到 三 号窗口 办理
    assert clips == [
        "qing",
        "letter_a",
        "digit_0",
        "digit_1",
        "digit_2",
        "hao",
        "dao",
        "digit_3",
        "hao_chuangkou",
        "banli",
    ]


def test_a1000_to_window_12() -> None:
    # GIVEN a four-digit ticket to a two-digit window
    # WHEN the Chinese phrase is built
    clips = chinese_phrase("A1000", 12)
    # THEN the ticket goes digit by digit and the window is 十二
    assert clips[1:6] == ["letter_a", "digit_1", "digit_0", "digit_0", "digit_0"]
    assert clips[6:11] == ["hao", "dao", "num_10", "digit_2", "hao_chuangkou"]


def test_b001_to_window_1() -> None:
    # GIVEN ticket B001 to window 1
    # WHEN the Chinese phrase is built
    clips = chinese_phrase("B001", 1)
    # THEN the ticket's 1 is 幺 (digit_1) and the window's 1 is 一 (num_1)
    assert clips[1:5] == ["letter_b", "digit_0", "digit_0", "digit_1"]
    assert clips[7] == "num_1"


def test_z999_to_window_99() -> None:
    # GIVEN the highest letter and window
    # WHEN the Chinese phrase is built
    clips = chinese_phrase("Z999", 99)
    # THEN the window is 九十九
    assert clips[1:5] == ["letter_z", "digit_9", "digit_9", "digit_9"]
    assert clips[7:11] == ["digit_9", "num_10", "digit_9", "hao_chuangkou"]


@pytest.mark.parametrize(
    ("window", "clips"),
    [
        (1, ["num_1"]),
        (2, ["digit_2"]),
        (10, ["num_10"]),
        (11, ["num_10", "num_1"]),
        (20, ["digit_2", "num_10"]),
        (21, ["digit_2", "num_10", "num_1"]),
        (99, ["digit_9", "num_10", "digit_9"]),
    ],
)
def test_window_numbers_are_cardinals(window: int, clips: list[str]) -> None:
    # GIVEN a window number
    # WHEN it is turned into clips
    # THEN it reads as a Chinese cardinal
    assert window_number_clips(window) == clips


def test_english_phrase() -> None:
    # GIVEN A012 to window 3 and A1000 to window 21
    # WHEN the English phrases are built
    # THEN they read "Number A 0 1 2, please go to window three" / "… twenty one"
    assert english_phrase("A012", 3) == [
        "en_number",
        "letter_a",
        "en_digit_0",
        "en_digit_1",
        "en_digit_2",
        "en_please_go_to_window",
        "en_digit_3",
    ]
    assert english_phrase("A1000", 21)[-2:] == ["en_num_20", "en_digit_1"]
    assert english_phrase("A1000", 12)[-1] == "en_num_12"


@pytest.mark.parametrize(
    ("number", "window"),
    [
        ("a012", 3),  # lower case
        ("A12", 3),  # too few digits
        ("A01234", 3),  # too many digits
        ("AB12", 3),
        ("A０１２", 3),  # full-width digits
        ("A012\n", 3),
        ("", 3),
        ("A012", 0),
        ("A012", 100),
        ("A012", -3),
        ("A012", True),
        ("A012", "3"),
    ],
)
def test_bad_calls_are_rejected(number: str, window: int) -> None:
    # GIVEN a malformed ticket number or window
    # WHEN a phrase is asked for
    # THEN a ValueError (InvalidCall) says what is wrong
    with pytest.raises(InvalidCall, match=r"ticket number|window"):
        chinese_phrase(number, window)
    with pytest.raises(ValueError, match=r"ticket number|window"):
        english_phrase(number, window)


@pytest.mark.parametrize("repeat", [0, 6, True])
def test_bad_repeat_is_rejected(repeat: int) -> None:
    # GIVEN an unreasonable repeat count
    # WHEN the timeline is built
    # THEN it is rejected
    with pytest.raises(InvalidCall, match="repeat"):
        announcement_timeline("A012", 3, repeat=repeat)


def test_timeline_is_chime_then_phrase_twice_then_english() -> None:
    # GIVEN a call with English
    # WHEN the announcement timeline is built with repeat=2
    timeline = announcement_timeline("A012", 3, english=True, repeat=2)
    clips = [segment for segment in timeline if isinstance(segment, str)]
    # THEN the chime opens, the Chinese phrase follows twice, then the English once
    chinese = chinese_phrase("A012", 3)
    assert clips == ["chime", *chinese, *chinese, *english_phrase("A012", 3)]
    assert timeline[1] == Pause(AFTER_CHIME)
    assert Pause(BETWEEN_REPEATS) in timeline
    assert isinstance(timeline[-1], Pause)


def test_clip_names_are_stable_file_names() -> None:
    # GIVEN the clip table
    # WHEN its names are listed
    # THEN they are unique, file-name safe, and every phrase uses only them
    assert len(set(CLIP_NAMES)) == len(CLIP_NAMES) == 76 + len(PHRASES)
    assert all(re.fullmatch(r"[a-z0-9_]+", name) for name in CLIP_NAMES)
    used = {
        clip
        for number in ("A012", "Z999", "B1000")
        for window in range(1, 100)
        for clip in chinese_phrase(number, window) + english_phrase(number, window)
    }
    assert used <= set(CLIP_NAMES)
    assert {f"letter_{c}" for c in "abcdefghijklmnopqrstuvwxyz"} <= set(CLIP_NAMES)
    assert {spec.voice for spec in CLIP_TABLE.values()} == {"zh", "en", "chime"}


def test_every_prepared_announcement_can_be_spoken() -> None:
    # GIVEN the phrases a duty leader may announce (core.domain.announcements)
    # WHEN each is turned into a timeline
    # THEN each has its own clip, played twice after the chime
    assert set(PHRASE_PINYIN) == set(PHRASES)
    for key in PHRASES:
        timeline = phrase_timeline(key)
        assert timeline[0] == "chime"
        assert [segment for segment in timeline if segment == f"phrase_{key}"] == [
            f"phrase_{key}"
        ] * 2
    with pytest.raises(InvalidCall):
        phrase_timeline("sing_a_song")


def test_a_green_channel_call_says_so_first() -> None:
    # GIVEN green-channel ticket V003 called to window 2
    # WHEN its phrases are built
    chinese = chinese_phrase("V003", 2, green=True)
    english = english_phrase("V003", 2, green=True)
    # THEN "请 绿色通道 V003 号 到 2 号窗口 办理", and "Green channel, number V 0 0 3, …"
    assert chinese == [
        "qing",
        "lvse_tongdao",
        "letter_v",
        "digit_0",
        "digit_0",
        "digit_3",
        "hao",
        "dao",
        "digit_2",
        "hao_chuangkou",
        "banli",
    ]
    assert english[:3] == ["en_green_channel", "en_number", "letter_v"]
    # AND a plain call says nothing of it
    assert "lvse_tongdao" not in chinese_phrase("V003", 2)
