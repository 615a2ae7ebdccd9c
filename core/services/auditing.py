"""The audit log as an administrator reads it: filtered by person, action, window and
day (hall-local), newest first, and exported as XLSX (openpyxl, loaded for the export)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain.errors import InvalidInput

MAX_ROWS = 5000
"""At most this many lines in one answer or export: narrow the filters for more."""

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class AuditFilter:
    """Who (``window3``, or ``staff:window3``), what action, which window, which day."""

    person: str = ""
    action: str = ""
    window: int | None = None
    day: date | None = None

    @classmethod
    def parse(cls, args: dict[str, str]) -> AuditFilter:
        """From a request's query (``?person=&action=&window=&day=``); a bad value is refused."""
        window = args.get("window", "").strip()
        day = args.get("day", "").strip()
        try:
            return cls(
                person=args.get("person", "").strip()[:80],
                action=args.get("action", "").strip()[:60],
                window=int(window) if window else None,
                day=date.fromisoformat(day) if day else None,
            )
        except ValueError:
            field = "window" if window and not window.isdigit() else "day"
            raise InvalidInput("request.invalid", field=field, problem="invalid") from None


def entries(
    session: Session, hall: orm.Hall, wanted: AuditFilter, limit: int = MAX_ROWS
) -> list[dict[str, Any]]:
    """The hall's audit lines (and those of no hall: logins, the shell) that match."""
    query = select(orm.AuditEntry).where(
        or_(orm.AuditEntry.hall_id == hall.id, orm.AuditEntry.hall_id.is_(None))
    )
    if wanted.person:
        actor = wanted.person if ":" in wanted.person else f"staff:{wanted.person}"
        query = query.where(orm.AuditEntry.actor == actor)
    if wanted.action:
        query = query.where(orm.AuditEntry.action == wanted.action)
    if wanted.window is not None:
        query = query.where(orm.AuditEntry.target == f"window:{wanted.window}")
    if wanted.day is not None:
        zone = ZoneInfo(hall.timezone)
        start = datetime.combine(wanted.day, time(), zone)
        query = query.where(
            orm.AuditEntry.at >= start, orm.AuditEntry.at < start + timedelta(days=1)
        )
    rows = session.scalars(query.order_by(orm.AuditEntry.id.desc()).limit(limit))
    return [
        {
            "at": row.at.isoformat(),
            "actor": row.actor,
            "action": row.action,
            "target": row.target,
            "detail": row.detail,
            "address": row.address,
        }
        for row in rows
    ]


def actions(session: Session, hall: orm.Hall) -> list[str]:
    """Every action the hall's audit log holds, for the filter's choices."""
    return list(
        session.scalars(
            select(orm.AuditEntry.action)
            .where(or_(orm.AuditEntry.hall_id == hall.id, orm.AuditEntry.hall_id.is_(None)))
            .distinct()
            .order_by(orm.AuditEntry.action)
        )
    )


def audit_xlsx(items: list[dict[str, Any]], hall: orm.Hall, headings: list[str]) -> bytes:
    """The lines as a worksheet: time (hall-local), who, action, on what, detail, address."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    zone = ZoneInfo(hall.timezone)
    book = Workbook()
    sheet = book.active
    sheet.title = "audit"
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in items:
        at = datetime.fromisoformat(item["at"]).astimezone(zone).replace(tzinfo=None)
        detail = json.dumps(item["detail"], ensure_ascii=False) if item["detail"] else ""
        sheet.append(
            [
                at,
                item["actor"],
                item["action"],
                item["target"],
                _ILLEGAL.sub(" ", detail)[:32000],
                item["address"],
            ]
        )
    for letter, width in zip("ABCDEF", (20, 22, 26, 22, 80, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
