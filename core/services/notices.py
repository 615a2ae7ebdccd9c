"""The wording of incident notices and continuity SMS, in Chinese and English.

Notices are content, not interface text: they are stored with the incident
(both languages), shown as they are on every screen, and editable by the duty
leader. These templates write the first version; an edited notice is never
rewritten by the hub.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

SYSTEM_NAMES = {
    "backoffice": ("核心征管系统", "the tax back-office system"),
    "etax": ("电子税务局", "the e-tax system"),
    "self_service": ("自助办税终端", "the self-service terminals"),
}

RULES = {
    "etax_only_next_workday": ("电子税务局故障、核心征管系统正常，顺延至故障排除后的下一个工作日",
                               "e-tax down, back-office working: next working day after the fault is cleared"),
    "both_under_3_days_plus_1": ("系统故障不足3日，顺延1个工作日",
                                 "systems down under 3 days: extended by 1 working day"),
    "both_3_days_or_more_plus_3": ("系统故障3日以上，顺延3个工作日",
                                   "systems down 3 days or more: extended by 3 working days"),
}  # fmt: skip


@dataclass(frozen=True)
class Extension:
    """The deadline extension as stored on an incident."""

    original: date
    extended: date
    rule: str
    provisional: bool


def _zh_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _en_date(day: date) -> str:
    return day.strftime("%d %B %Y").lstrip("0")


def extension_sentence(extension: Extension | None) -> tuple[str, str]:
    """The filing-deadline sentence of an outage notice (empty when none applies)."""
    if extension is None:
        return "", ""
    zh_rule, en_rule = RULES.get(extension.rule, ("", ""))
    zh = (
        f"本期申报期限由{_zh_date(extension.original)}延长至{_zh_date(extension.extended)}"
        f"（{zh_rule}{'，以系统恢复时间为准' if extension.provisional else ''}）。"
    )
    en = (
        f"The filing deadline of {_en_date(extension.original)} is extended to "
        f"{_en_date(extension.extended)} ({en_rule}{', final once systems are restored' if extension.provisional else ''}). "
    )
    return zh, en


UNKNOWN_RECOVERY = frozenset({"", "待定", "暂不确定", "不确定", "暂未确定", "未知"})
_CJK = re.compile(r"[\u3400-\u9fff]")


def _english_recovery(expected: str) -> str:
    """The expected recovery in an English notice: a time as given, never Chinese words."""
    if expected.strip() in UNKNOWN_RECOVERY:
        return "not yet known"
    return "see the Chinese notice" if _CJK.search(expected) else expected


def outage_notice(
    systems: list[str],
    since: datetime,
    zone: ZoneInfo,
    expected_recovery: str,
    emergency_windows: list[int],
    extension: Extension | None,
) -> tuple[str, str]:
    """The notice of a tax-system outage: what, since when, until when, where to go, the deadline."""
    local = since.astimezone(zone)
    zh_systems = "、".join(SYSTEM_NAMES.get(system, (system, system))[0] for system in systems)
    en_systems = " and ".join(SYSTEM_NAMES.get(system, (system, system))[1] for system in systems)
    windows_zh = "、".join(f"{number}号" for number in emergency_windows) or "应急"
    windows_en = ", ".join(str(number) for number in emergency_windows)
    recovery_zh = expected_recovery or "待定"
    recovery_en = _english_recovery(expected_recovery)
    deadline_zh, deadline_en = extension_sentence(extension)
    zh = (
        f"【系统故障公告】{zh_systems}自{_zh_date(local.date())} {local:%H:%M}起发生故障，"
        f"预计恢复时间：{recovery_zh}。受影响业务：可自助办理的请到自助办税区，"
        f"其余请到{windows_zh}应急专窗预审登记，系统恢复后补录办理。{deadline_zh}给您带来不便，敬请谅解。"
    )
    en = (
        f"Notice: {en_systems} has been down since {local:%H:%M} on {_en_date(local.date())}; "
        f"expected recovery: {recovery_en}. Affected services: use the self-service area where "
        f"possible, otherwise go to emergency window {windows_en or '(see the guide desk)'} to have "
        f"your documents checked and recorded for processing after recovery. {deadline_en}"
        "We apologise for the inconvenience."
    )
    return zh, en.strip()


def paper_notice(since: datetime, zone: ZoneInfo) -> tuple[str, str]:
    """No ticket printer works: paper tickets at the guide desk."""
    local = since.astimezone(zone)
    return (
        f"【取号公告】自{local:%H:%M}起取号机暂停出票，请到导税台领取纸质号票，按号等候叫号。",
        f"Since {local:%H:%M} the kiosks cannot print tickets: please get a paper ticket at the "
        "guide desk and wait for your number to be called.",
    )


DEVICE_KINDS_EN = {
    "kiosk": "A kiosk",
    "printer": "A ticket printer",
    "display": "A hall display",
    "window_display": "A window display",
    "rating_pad": "A rating pad",
    "guide": "The guide desk's terminal",
}
"""An English notice never names a device in Chinese: without a name_en, its kind."""


def device_notice(name: str, name_en: str, kind: str) -> tuple[str, str]:
    """One kiosk, printer or display is down: where else to go."""
    english = name_en or DEVICE_KINDS_EN.get(kind, "A device")
    if kind in ("printer", "kiosk"):
        return (
            f"【设备提示】{name}暂时无法打印号票，请使用其他取号机或到导税台取号。",
            f"{english} cannot print tickets at the moment: please use another kiosk or the guide desk.",
        )
    return (
        f"【设备提示】{name}暂时无法使用，请留意其他显示屏和窗口叫号。",
        f"{english} is out of order: please watch the other screens and listen for calls.",
    )


def recovery_sms(hall_name: str) -> str:
    """The recovery text to today's taxpayers (SPEC §7: 系统已恢复…)."""
    return f"【{hall_name}】系统已恢复，您可正常办理业务。此前登记的业务将尽快补录办理，完成后另行通知。"


def outage_sms(hall_name: str, notice_zh: str) -> str:
    """An incident's notice as a text message."""
    return f"【{hall_name}】{notice_zh}"


def ticket_sms(hall_name: str, number: str, ahead: int) -> str:
    """The number, when the kiosk could not print it."""
    return f"【{hall_name}】您的号码是{number}，前面还有{ahead}人，请留意叫号。"


def rerouted_sms(hall_name: str, number: str, business: str, windows: list[int]) -> str:
    """A waiting ticket an outage sent to the emergency window."""
    where = "、".join(f"{window}号" for window in windows) or ""
    return (
        f"【{hall_name}】因系统故障，您的号码{number}（{business}）改由{where}应急专窗办理，"
        "号码和排队顺序不变，请留意叫号。"
    )


def self_service_sms(hall_name: str, number: str, business: str) -> str:
    """A waiting ticket whose business the self-service terminals can do during an outage."""
    return (
        f"【{hall_name}】因系统故障，窗口暂时无法办理{business}。您的号码{number}的业务"
        "可到自助办税区办理。"
    )


def rerouted_step(moved: int, told: int) -> str:
    """The incident's step that says what became of the people already waiting."""
    parts = []
    if moved:
        parts.append(f"{moved}张转至应急专窗（号码和排队顺序不变）")
    if told:
        parts.append(f"{told}张的持有人被告知到自助办税区办理")
    return "等候中的号票：" + "，".join(parts)


def backfill_sms(hall_name: str, number: str) -> str:
    """The business recorded during the outage has been entered into the tax system."""
    return f"【{hall_name}】您在系统故障期间登记的业务（号码{number}）已补录办理完成。"


def follow_up_sms(hall_name: str, answer: str) -> str:
    """The answer to a question recorded at the hall."""
    return f"【{hall_name}】关于您咨询的问题：{answer}"
