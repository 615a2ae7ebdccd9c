"""Turn a call (ticket number → window) into the clips that speak it.

Pure: no I/O, no framework. The clip table below is the contract between the
generator (:mod:`display.voice.build`), the renderer
(:mod:`display.voice.announce`) and anyone recording a voice pack: a clip's
*name* says what it means (``digit_1``, ``hao_chuangkou``), its *text* is what
espeak-ng is given to say it.

Reading conventions (see the package docstring for the full story):

- The ticket number is read character by character: the letter by its English
  name, then each digit on its own, with 1 read 幺 (yāo) — 请 A 零幺二 号.
- The window number is a cardinal: 3 → 三, 12 → 十二, 20 → 二十, 21 → 二十一.
- A recall is announced with exactly the same phrase; only the display decides
  to play it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from core.domain.announcements import PHRASES
from display.voice.errors import InvalidCall

Voice = Literal["zh", "en", "chime"]


@dataclass(frozen=True)
class ClipSpec:
    """How one clip is made: the voice, the text given to it, and what it means."""

    voice: Voice
    text: str
    meaning: str


@dataclass(frozen=True)
class Pause:
    """Silence of ``seconds`` between clips of an announcement."""

    seconds: float


Segment = str | Pause
"""One step of an announcement: a clip name or a pause."""

# Ticket numbers as the queue issues them: a service letter and 3–4 digits.
TICKET_NUMBER = re.compile(r"[A-Z][0-9]{3,4}")
WINDOW_MIN: Final = 1
WINDOW_MAX: Final = 99
REPEAT_MAX: Final = 5

# Pauses, in seconds. A hall is reverberant: words need air between them or
# the echo of one covers the next; whole phrases need more.
CLIP_GAP: Final = 0.04  # between clips of one word group (A-0-1-2-号)
GROUP_GAP: Final = 0.12  # between word groups (请 | A012号 | 到 | 3号窗口 | 办理)
AFTER_CHIME: Final = 0.35
BETWEEN_REPEATS: Final = 0.7
BEFORE_ENGLISH: Final = 0.8
TAIL: Final = 0.3  # some players clip the last few ms; end on silence, not speech

_ZH_DIGITS: Final = ("ling2", "yao1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3")
_ZH_DIGIT_HANZI: Final = "零幺二三四五六七八九"
_EN_DIGITS: Final = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
)
_EN_TEENS: Final = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_EN_TENS: Final = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _clip_table() -> dict[str, ClipSpec]:
    table: dict[str, ClipSpec] = {"chime": ClipSpec("chime", "", "ding-dong before each call")}
    table["qing"] = ClipSpec("zh", "qing3", "请")
    table["hao"] = ClipSpec("zh", "hao4", "号 (after the ticket number)")
    table["dao"] = ClipSpec("zh", "dao4", "到")
    table["hao_chuangkou"] = ClipSpec("zh", "hao4 chuang1 kou3", "号窗口")
    table["banli"] = ClipSpec("zh", "ban4 li3", "办理")
    table["lvse_tongdao"] = ClipSpec("zh", "lv4 se4 tong1 dao4", "绿色通道 (before a green number)")
    for digit, (pinyin, hanzi) in enumerate(zip(_ZH_DIGITS, _ZH_DIGIT_HANZI, strict=True)):
        table[f"digit_{digit}"] = ClipSpec("zh", pinyin, f"{hanzi} (digit {digit} of a ticket)")
    # 一 and 十 only occur in window numbers; 2–9 reuse the digit clips.
    table["num_1"] = ClipSpec("zh", "yi1", "一 (window one, and 十一, 二十一…)")
    table["num_10"] = ClipSpec("zh", "shi2", "十 (window ten, and 十二, 二十…)")
    for letter in _LETTERS:
        # espeak-ng's English voice says a lone capital by its letter name.
        table[f"letter_{letter.lower()}"] = ClipSpec("en", letter, f"letter {letter}")
    table["en_number"] = ClipSpec("en", "number", "Number")
    table["en_green_channel"] = ClipSpec("en", "green channel", "Green channel")
    table["en_please_go_to_window"] = ClipSpec("en", "please go to window", "please go to window")
    for digit, word in enumerate(_EN_DIGITS):
        table[f"en_digit_{digit}"] = ClipSpec("en", word, word)
    for offset, word in enumerate(_EN_TEENS):
        table[f"en_num_{10 + offset}"] = ClipSpec("en", word, word)
    for offset, word in enumerate(_EN_TENS):
        table[f"en_num_{20 + 10 * offset}"] = ClipSpec("en", word, word)
    for key, pinyin in PHRASE_PINYIN.items():
        table[f"phrase_{key}"] = ClipSpec("zh", pinyin, PHRASES[key][0])
    return table


PHRASE_PINYIN: Final[dict[str, str]] = {
    "keep_belongings": "qing3 bao3 guan3 hao3 sui2 shen1 cai2 wu4",
    "wait_in_order": "qing3 an4 hao4 ma3 shun4 xu4 nai4 xin1 deng3 hou4",
    "self_service": "bu4 fen4 ye4 wu4 ke3 dao4 zi4 zhu4 ban4 shui4 qu1 ban4 li3",
    "system_slow": "xi4 tong3 yun4 xing2 huan3 man4 qing3 nai4 xin1 deng3 hou4",
    "paper_tickets": "qing3 dao4 dao3 shui4 tai2 ling3 qu3 zhi3 zhi4 hao4 piao4",
    "closing_soon": "ji2 jiang1 ting2 zhi3 qu3 hao4 qing3 zhua1 jin3 shi2 jian1",
}
"""How espeak-ng says each prepared announcement (`core.domain.announcements.PHRASES`)."""


CLIP_TABLE: Final[dict[str, ClipSpec]] = _clip_table()
"""Every clip, in a stable order: name → how it is generated and what it means."""

CLIP_NAMES: Final[tuple[str, ...]] = tuple(CLIP_TABLE)
"""The stable clip names; a voice pack holds ``<name>.wav`` for any of them."""


def validate_call(number: str, window: int) -> None:
    """Raise :class:`InvalidCall` unless ``number`` and ``window`` can be announced."""
    if not isinstance(number, str) or not TICKET_NUMBER.fullmatch(number):
        raise InvalidCall(
            f"ticket number must be a capital letter and 3–4 digits (like A012), got {number!r}"
        )
    # bool is an int subclass; True must not slip through as window 1.
    if isinstance(window, bool) or not isinstance(window, int):
        raise InvalidCall(f"window must be an integer, got {window!r}")
    if not WINDOW_MIN <= window <= WINDOW_MAX:
        raise InvalidCall(f"window must be between {WINDOW_MIN} and {WINDOW_MAX}, got {window}")


def ticket_number_clips(number: str) -> list[str]:
    """The ticket number letter by letter and digit by digit: A012 → letter_a, digit_0…"""
    return [f"letter_{number[0].lower()}", *(f"digit_{digit}" for digit in number[1:])]


def window_number_clips(window: int) -> list[str]:
    """The window number as a Chinese cardinal: 3 → 三, 12 → 十二, 21 → 二十一."""

    def unit(value: int) -> str:
        return "num_1" if value == 1 else f"digit_{value}"

    tens, units = divmod(window, 10)
    if tens == 0:
        return [unit(units)]
    head = ["num_10"] if tens == 1 else [f"digit_{tens}", "num_10"]
    return head + ([unit(units)] if units else [])


def _english_window_clips(window: int) -> list[str]:
    if window < 10:
        return [f"en_digit_{window}"]
    if window < 20:
        return [f"en_num_{window}"]
    tens, units = divmod(window, 10)
    return [f"en_num_{tens * 10}"] + ([f"en_digit_{units}"] if units else [])


def _chinese_groups(number: str, window: int, green: bool = False) -> list[list[str]]:
    return [
        ["qing"],
        *([["lvse_tongdao"]] if green else []),
        [*ticket_number_clips(number), "hao"],
        ["dao"],
        [*window_number_clips(window), "hao_chuangkou"],
        ["banli"],
    ]


def _english_groups(number: str, window: int, green: bool = False) -> list[list[str]]:
    return [
        *([["en_green_channel"]] if green else []),
        ["en_number", *ticket_number_clips(number)[:1]],
        [f"en_digit_{digit}" for digit in number[1:]],
        ["en_please_go_to_window", *_english_window_clips(window)],
    ]


def chinese_phrase(number: str, window: int, *, green: bool = False) -> list[str]:
    """The clips of "请 A012 号 到 3 号窗口 办理" for a call, in order; a green-channel
    ticket's: "请 绿色通道 V003 号 到 2 号窗口 办理"."""
    validate_call(number, window)
    return [clip for group in _chinese_groups(number, window, green) for clip in group]


def english_phrase(number: str, window: int, *, green: bool = False) -> list[str]:
    """The clips of "Number A 0 1 2, please go to window 3" for a call, in order ("Green
    channel, number V 0 0 3, …" for a green-channel ticket)."""
    validate_call(number, window)
    return [clip for group in _english_groups(number, window, green) for clip in group]


def _spoken(groups: list[list[str]]) -> list[Segment]:
    segments: list[Segment] = []
    for group_index, group in enumerate(groups):
        if group_index:
            segments.append(Pause(GROUP_GAP))
        for clip_index, clip in enumerate(group):
            if clip_index:
                segments.append(Pause(CLIP_GAP))
            segments.append(clip)
    return segments


def announcement_timeline(
    number: str, window: int, *, english: bool = False, repeat: int = 2, green: bool = False
) -> list[Segment]:
    """Everything an announcement plays, in order: the chime, then the Chinese
    phrase ``repeat`` times with pauses between, then optionally the English
    phrase once, then a short tail of silence."""
    validate_call(number, window)
    if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= REPEAT_MAX:
        raise InvalidCall(f"repeat must be an integer from 1 to {REPEAT_MAX}, got {repeat!r}")
    chinese = _spoken(_chinese_groups(number, window, green))
    timeline: list[Segment] = ["chime", Pause(AFTER_CHIME)]
    for index in range(repeat):
        if index:
            timeline.append(Pause(BETWEEN_REPEATS))
        timeline.extend(chinese)
    if english:
        timeline.append(Pause(BEFORE_ENGLISH))
        timeline.extend(_spoken(_english_groups(number, window, green)))
    timeline.append(Pause(TAIL))
    return timeline


def phrase_timeline(key: str, *, repeat: int = 2) -> list[Segment]:
    """A prepared announcement: the chime, then the phrase ``repeat`` times."""
    if key not in PHRASE_PINYIN:
        raise InvalidCall(f"no prepared phrase {key!r}")
    timeline: list[Segment] = ["chime", Pause(AFTER_CHIME)]
    for index in range(repeat):
        if index:
            timeline.append(Pause(BETWEEN_REPEATS))
        timeline.append(f"phrase_{key}")
    timeline.append(Pause(TAIL))
    return timeline
