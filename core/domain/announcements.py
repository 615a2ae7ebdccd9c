"""Announcements a duty leader makes on the hall displays: a free text, and optionally
one of the prepared phrases the displays can also speak (their voice clips are built
offline with the others, `display.voice.phrases`)."""

from __future__ import annotations

from typing import Final

PHRASES: Final[dict[str, tuple[str, str]]] = {
    "keep_belongings": ("请保管好随身财物。", "Please keep your belongings with you."),
    "wait_in_order": ("请按号码顺序耐心等候。", "Please wait for your number to be called."),
    "self_service": (
        "部分业务可到自助办税区办理。",
        "Some services can be done at the self-service terminals.",
    ),
    "system_slow": ("系统运行缓慢，请耐心等候。", "The system is slow; thank you for waiting."),
    "paper_tickets": (
        "请到导税台领取纸质号票。",
        "Please take a paper ticket at the guide desk.",
    ),
    "closing_soon": ("即将停止取号，请抓紧时间。", "Ticketing closes soon."),
}
"""Prepared phrase → (Chinese, English): the words on the screen and what the voice says."""

MAX_TEXT: Final = 200
"""An announcement is read from across the hall: a sentence or two."""
