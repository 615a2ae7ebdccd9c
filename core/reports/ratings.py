"""好差评 as the bureau reports it (XLSX, openpyxl): one row per service to rate (its rating,
or 未评价), then a summary sheet per clerk and one per service. No phone numbers: the
platform's forms do not ask for them (个人信息保护法)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from core.reports import write_sheet

DETAIL_COLUMNS = (
    ("day", "日期", 11),
    ("time", "评价时间", 9),
    ("number", "号码", 8),
    ("service", "业务", 16),
    ("window", "窗口", 6),
    ("clerk", "工作人员", 10),
    ("staff_number", "工号", 8),
    ("channel", "评价渠道", 9),
    ("level", "评价结果", 11),
    ("reasons", "差评原因", 18),
    ("text", "纳税人意见", 24),
    ("call_back", "回访情况", 24),
    ("fix", "整改措施", 24),
    ("result", "整改结果", 18),
    ("fix_rating", "整改评价", 10),
    ("appeal", "申诉", 20),
)
SUMMARY_COLUMNS = (
    ("name", "名称", 16),
    ("parts", "办件数", 8),
    ("rated", "评价数", 8),
    ("satisfied", "满意数", 8),
    ("satisfied_rate", "满意率(%)", 10),
    ("bad", "差评数", 8),
    ("bad_rate", "差评率(%)", 10),
    ("called_back", "已回访", 8),
    ("call_back_rate", "回访率(%)", 10),
    ("fixed", "已整改", 8),
    ("fix_rate", "整改率(%)", 10),
    ("not_rated", "未评价", 8),
    ("not_rated_rate", "未评价占比(%)", 12),
    ("excluded", "申诉成立", 9),
)


LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
CHANNELS = {"pad": "评价器", "phone": "手机"}
OUTCOMES = {"pending": "待评价", "not_rated": "未评价"}
FIX_RATINGS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
APPEALS = {"pending": "申诉待裁定", "upheld": "申诉成立（不计入统计）", "rejected": "申诉不成立"}


def detail_row(row: dict[str, Any]) -> dict[str, Any]:
    """A detail row (`core.services.ratings.details`) in the bureau's words."""
    level = LEVELS.get(row["level"]) if row["outcome"] == "rated" else None
    appeal = APPEALS.get(row["appeal"] or "", "")
    return {
        **row,
        "channel": CHANNELS.get(row["channel"] or "", ""),
        "level": level or OUTCOMES.get(row["outcome"], ""),
        "fix_rating": FIX_RATINGS.get(row["fix_rating"] or "", ""),
        "appeal": f"{appeal}：{row['appeal_reason']}" if appeal else "",
    }


def ratings_xlsx(
    hall_name: str,
    period: str,
    details: Sequence[dict[str, Any]],
    per_clerk: Sequence[dict[str, Any]],
    per_service: Sequence[dict[str, Any]],
) -> bytes:
    """The workbook: 评价明细, 按工作人员汇总, 按业务汇总 (each summary ending with the hall)."""
    book = Workbook()
    book.remove(book.active)
    rows = [detail_row(row) for row in details]
    write_sheet(book, "评价明细", DETAIL_COLUMNS, rows, f"{hall_name} 好差评明细 {period}")
    write_sheet(
        book,
        "按工作人员汇总",
        SUMMARY_COLUMNS,
        per_clerk,
        f"{hall_name} 好差评按工作人员汇总 {period}",
    )
    write_sheet(
        book, "按业务汇总", SUMMARY_COLUMNS, per_service, f"{hall_name} 好差评按业务汇总 {period}"
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
