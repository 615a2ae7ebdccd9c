"""`hallq demo`: the demo hall, demo staff and fresh device links (demo only)."""

from __future__ import annotations

from sqlalchemy import select

from core.adapters import orm
from core.adapters.clock import SystemClock
from core.adapters.db import Database
from core.halls import HallFile, load_hall
from core.services import access

SCREEN_PATHS = {
    "kiosk": "/kiosk/{id}",
    "display": "/display/{id}",
    "window_display": "/display/window/{window}",
    "guide": "/counter/guide",
}


def load_demo(db: Database, spec: HallFile, base_url: str) -> str:
    """Load the demo hall and its staff; issue a token per device; describe every URL."""
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
                access.add_staff(session, account["username"], account["role"], password, hall=hall)
        lines.append("Screens — open each link once on its device; it enrols and redirects:")
        for device in spec.devices:
            if device.kind not in SCREEN_PATHS:
                continue  # printers are driven by the hub (or by `hallq print-agent`)
            path = SCREEN_PATHS[device.kind].format(id=device.id, **device.settings)
            token = access.device_token(session, device.id, now)
            label = f"{device.name or device.id} ({device.kind})"
            lines.append(f"  {label:<28} {base_url}/enrol?token={token}&next={path}")
        lines += [
            "",
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
