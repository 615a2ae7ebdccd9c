"""统计报表 as a workbook (XLSX, openpyxl): a sheet per view of the reports page — the
summary, per service, window and clerk, per hour and weekday, bookings, continuity —
with every figure a number, in Chinese (the bureau's reader)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from core.ledger import KIND_NAMES
from core.reports import write_sheet

OUTCOMES = {
    "done": "已办结",
    "transferred": "转办",
    "no_show": "过号",
    "cancelled": "放弃",
    "expired": "闭厅时仍在等候",
    "open": "尚未办结",
}
CHANNELS = {
    "kiosk": "取号机",
    "guide": "导税台",
    "paper": "纸质号票",
    "appointment": "预约",
    "transfer": "转入",
}
BOOKINGS = {
    "booked": "已预约（未到期）",
    "checked_in": "已签到",
    "late": "迟到",
    "no_show": "爽约",
    "cancelled": "已取消",
}
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
MODES = {"degraded": "降级", "paper": "纸质号票", "outage": "系统故障"}

LINE_COLUMNS = (
    ("name", "名称", 16),
    ("parts", "到达人次", 10),
    ("done", "已办结", 9),
    ("no_show", "过号", 8),
    ("transferred", "转办", 8),
    ("cancelled", "放弃", 8),
    ("wait_mean", "平均等候(分钟)", 14),
    ("wait_median", "等候中位数(分钟)", 16),
    ("wait_p90", "P90等候(分钟)", 14),
    ("wait_max", "最长等候(分钟)", 14),
    ("within_target", "目标内叫号率(%)", 15),
    ("service_mean", "平均办理(分钟)", 14),
)
CLERK_COLUMNS = (
    ("name", "工作人员", 12),
    ("served", "办件数", 8),
    ("transferred", "转办", 8),
    ("service_mean", "平均办理(分钟)", 14),
    ("service_median", "办理中位数(分钟)", 16),
    ("recalls", "重呼", 8),
    ("no_shows", "过号", 8),
    ("on_duty", "在岗(小时)", 11),
    ("paused", "暂停(小时)", 11),
    ("idle", "空闲(小时)", 11),
    ("overtime", "延时服务(分钟)", 14),
    ("rated", "评价数", 8),
    ("satisfied_rate", "满意率(%)", 10),
    ("bad", "差评", 8),
)
PAIR = (("name", "项目", 28), ("value", "数值", 12))


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _line(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": line["name"],
        "parts": line["parts"],
        **{
            name: line["outcomes"][name] for name in ("done", "no_show", "transferred", "cancelled")
        },
        **{f"wait_{name}": line["wait"][name] for name in ("mean", "median", "p90", "max")},
        "within_target": _percent(line["wait"]["within_target"]),
        "service_mean": line["service"]["mean"],
    }


def _clerk(line: dict[str, Any]) -> dict[str, Any]:
    def hours(name: str) -> float:
        return round(int(line["duty"][f"{name}_minutes"]) / 60, 1)

    return {
        "name": line["name"],
        "served": line["service"]["count"],
        "transferred": line["outcomes"]["transferred"],
        "service_mean": line["service"]["mean"],
        "service_median": line["service"]["median"],
        "recalls": line["recalls"],
        "no_shows": line["no_shows"],
        "on_duty": hours("on_duty"),
        "paused": hours("paused"),
        "idle": hours("idle"),
        "overtime": line["overtime_minutes"],
        **line["ratings"],
    }


def summary_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary sheet: each figure of the hall (or the scope) a row."""
    total = report["total"]
    wait, service = total["wait"], total["service"]
    pairs: Sequence[tuple[str, Any]] = (
        ("取号数", total["tickets"]),
        ("到达人次（含转入）", total["parts"]),
        *((f"结果：{label}", total["outcomes"][key]) for key, label in OUTCOMES.items()),
        *((f"渠道：{label}", total["channels"][key]) for key, label in CHANNELS.items()),
        ("其中绿色通道", total["green"]),
        ("平均等候（分钟）", wait["mean"]),
        ("等候中位数（分钟）", wait["median"]),
        ("P90等候（分钟）", wait["p90"]),
        ("最长等候（分钟）", wait["max"]),
        (f"{report['target_minutes']}分钟内叫号率（%）", _percent(wait["within_target"])),
        ("平均办理（分钟）", service["mean"]),
        ("办理中位数（分钟）", service["median"]),
        ("P90办理（分钟）", service["p90"]),
        ("最长办理（分钟）", service["max"]),
        ("重呼次数", total["recalls"]),
        ("过号次数", total["no_shows"]),
        ("取号机屏显号票（未出纸）", total["on_screen"]),
        ("延时服务（分钟）", total["overtime_minutes"]),
        ("有取号的工作日（天）", report["days"]),
    )
    return [{"name": name, "value": value} for name, value in pairs]


def continuity_rows(continuity: dict[str, Any]) -> list[dict[str, Any]]:
    """The continuity sheet: incidents by kind, minutes in each mode, register, follow-ups."""
    rows = []
    for item in continuity["incidents"]:
        name = KIND_NAMES.get(item["kind"], item["kind"])
        rows += [
            {"name": f"{name}（次）", "value": item["count"]},
            {"name": f"{name}（分钟）", "value": item["minutes"]},
        ]
    rows += [
        {"name": f"{MODES.get(mode, mode)}模式（分钟）", "value": minutes}
        for mode, minutes in continuity["modes"].items()
    ]
    for key, label, done in (
        ("registers", "登记簿记录", "已补录"),
        ("follow_ups", "待答复事项", "已答复"),
    ):
        item = continuity[key]
        rows += [
            {"name": f"{label}（条）", "value": item["count"]},
            {"name": f"{label}{done}（条）", "value": item["done"]},
            {"name": f"{label}平均用时（小时）", "value": item["mean_hours"]},
        ]
    return rows


def report_xlsx(report: dict[str, Any], hall_name: str, period: str) -> bytes:
    """The workbook of a report (`core.services.reports.figures.report`)."""
    book = Workbook()
    book.remove(book.active)
    title = f"{hall_name} 统计报表 {period}"
    write_sheet(book, "汇总", PAIR, summary_rows(report), title)
    write_sheet(book, "按业务", LINE_COLUMNS, [_line(line) for line in report["services"]], title)
    windows = [{**_line(line), "name": f"{line['key']}号窗口"} for line in report["windows"]]
    write_sheet(book, "按窗口", LINE_COLUMNS, windows, title)
    write_sheet(
        book, "按工作人员", CLERK_COLUMNS, [_clerk(line) for line in report["clerks"]], title
    )
    hours = [
        {**hour, "name": f"{hour['hour']:02d}–{hour['hour'] + 1:02d}时"} for hour in report["hours"]
    ]
    curve = (("name", "时段", 12), ("arrivals", "到达人次", 10), ("per_day", "日均", 8))
    wait = (("wait_mean", "平均等候(分钟)", 14),)
    write_sheet(book, "分时段", (*curve, *wait), hours, title)
    weekdays = [{**day, "name": WEEKDAYS[day["weekday"]]} for day in report["weekdays"]]
    week = (("name", "星期", 10), ("days", "天数", 8), *curve[1:], *wait)
    write_sheet(book, "按星期", week, weekdays, title)
    bookings = [
        {"name": label, "value": report["appointments"][key]} for key, label in BOOKINGS.items()
    ]
    write_sheet(book, "预约", PAIR, bookings, title)
    write_sheet(book, "应急", PAIR, continuity_rows(report["continuity"]), title)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
