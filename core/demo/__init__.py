"""`hallq demo`: the demo hall, demo staff, fresh device links and a past for the reports
(demo only; `history` writes that past, for the benchmark and the tests too)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.adapters.clock import SystemClock
from core.adapters.db import Database
from core.demo.history import write_history
from core.halls import HallFile, load_hall
from core.services import access


def load_demo(db: Database, spec: HallFile, base_url: str, link_lifetime: timedelta) -> str:
    """Load the demo hall and its staff; a one-time enrolment link per screen; every URL."""
    demo = spec.demo or {}
    password = str(demo.get("password", "hallq-demo"))
    now = SystemClock().now()
    lines = [f"HallQ demo hall: {spec.hall.name} ({spec.hall.name_en})", ""]
    with db.write_session() as session:
        hall = load_hall(session, spec)
        for account in demo.get("staff", []):
            exists = session.scalars(
                select(orm.Staff).where(orm.Staff.username == account["username"])
            ).first()
            if exists is None:
                staff = access.add_staff(
                    session,
                    account["username"],
                    account["role"],
                    password,
                    hall=hall,
                    display_name=account.get("name", ""),
                )
                staff.number = account.get("number", "")
        lines.append(
            "Screens — open each link on its device: it enrols that one browser and "
            f"redirects; unused, it expires in {link_lifetime.total_seconds() / 3600:g} h:"
        )
        for device, link in access.screen_links(
            session, hall, now, link_lifetime, "demo", base_url
        ):
            label = f"{device.name or device.id} ({device.kind})"
            lines.append(f"  {label:<28} {link.url}")
        past = _history(session, hall, demo, now)
        lines += [
            "",
            f"Reports: {base_url}/console/reports  ({past})",
            f"Counters: {base_url}/counter/<window 1-8>  (log in as window1 … window8)",
            f"Guide desk: {base_url}/counter/guide  (guide)",
            f"Console: {base_url}/console  (leader, or admin)",
            f"Demo password for every account: {password}",
            "",
            f"API: {base_url}/api/v1/openapi.json   {base_url}/api/v1/health   "
            f"{base_url}/api/v1/queue",
            f"  kiosk-1 API token (Authorization: Bearer …): "
            f"{access.device_token(session, 'kiosk-1', now)}",
            f"  window1 API token: {access.staff_token(session, 'window1', now)}",
        ]
        session.commit()
    return "\n".join(lines)


def _history(session: Session, hall: orm.Hall, demo: dict[str, Any], now: datetime) -> str:
    """The demo's past (`core.demo.history`), written once: the hall's first start only."""
    days = int(demo.get("history_days", 0))
    if days <= 0 or session.scalar(
        select(orm.Ticket.id).where(orm.Ticket.hall_id == hall.id).limit(1)
    ):
        return "no generated history"
    today = now.astimezone(ZoneInfo(hall.timezone)).date()
    clerks = {number: f"window{number}" for number in range(1, 8)}
    per_day = int(demo.get("history_per_day", 400))
    past = write_history(
        session,
        hall,
        today - timedelta(days=days),
        today - timedelta(days=1),
        per_day=per_day,
        clerks=clerks,
    )
    return f"{past.tickets} tickets of {len(past.days)} past working days generated"
