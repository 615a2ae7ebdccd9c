"""What the hall scenarios share: the hall seen from outside, and each screen opened the
way its own e2e tests open it (their helpers are imported, not copied).

A scenario crosses screens, so each screen here is a fresh browser profile: the
kiosk and display PCs are enrolled through their enrolment links, the staff log
in through the real login form.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_console_flow import BIG
from tests.e2e.test_console_flow import log_in as console_log_in
from tests.e2e.test_counter_flow import log_in, press, staff_context
from tests.e2e.test_counter_outage import TAXPAYER_ID
from tests.e2e.test_display_calls import (
    ANNOUNCE,
    HALL_TV,
    WINDOW_LED,
    ended,
    open_screen,
    wav_stats,
)
from tests.e2e.test_kiosk_continuity import fault, open_kiosk, printer_control
from tests.support.databases import Tokens
from tests.support.hub import HubProcess, wait_for

__all__ = [  # what the scenarios take from here, the other screens' helpers included
    "ANNOUNCE",
    "BIG",
    "PHONE",
    "PRINTERS",
    "TAXPAYER_ID",
    "Scene",
    "console_log_in",
    "counter",
    "ended",
    "fault",
    "hall_display",
    "kiosk_token",
    "mark_not_reloaded",
    "not_reloaded",
    "open_kiosk",
    "open_window",
    "press",
    "printed_files",
    "printer_control",
    "remaining_ms",
    "status_page",
    "wait_for",
    "wav_stats",
    "window_display",
]

PHONE = {"width": 390, "height": 844}
PRINTERS = ("kiosk-1", "kiosk-2", "guide")
"""The demo's virtual printers, by the folder they spool into (var/printed/<name>)."""


class Scene:
    """The hub seen from outside: setting the scene and reading facts back, over the API."""

    def __init__(self, hub: HubProcess, tokens: Tokens) -> None:
        self.hub = hub
        self.tokens = tokens

    def headers(self, who: str) -> dict[str, str]:
        token = self.tokens.staff.get(who) or self.tokens.devices[who]
        return {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}

    def issue(self, service: str, device: str = "kiosk-2", **body: Any) -> dict[str, Any]:
        """A ticket from `device` (kiosk 2 by default: the scenarios watch kiosk 1); its 201 body."""
        response = requests.post(
            f"{self.hub.url}/api/v1/tickets",
            json={"service": service, **body},
            headers=self.headers(device),
            timeout=5,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    def get(self, path: str, who: str = "leader") -> Any:
        response = requests.get(
            f"{self.hub.url}/api/v1{path}", headers=self.headers(who), timeout=5
        )
        response.raise_for_status()
        return response.json()

    def window(self, n: int) -> dict[str, Any]:
        """Window `n` and its current ticket, as its counter reads them."""
        return dict(self.get(f"/windows/{n}"))

    def waiting(self) -> dict[str, int]:
        """Waiting per service code."""
        services = requests.get(f"{self.hub.url}/api/v1/queue", timeout=5).json()["services"]
        return {service["code"]: int(service["waiting"]) for service in services}

    def incidents(self) -> list[dict[str, Any]]:
        """Every incident of the hall, newest first, with its steps."""
        return list(self.get("/incidents")["items"])

    def ticket(self, token: str) -> dict[str, Any]:
        """A ticket's public status, by its token; raises on 404."""
        response = requests.get(f"{self.hub.url}/api/v1/tickets/{token}", timeout=5)
        response.raise_for_status()
        return dict(response.json())


def remaining_ms(deadline: float) -> float:
    """Milliseconds left until `deadline` (time.monotonic()), for an `expect` timeout."""
    return max((deadline - time.monotonic()) * 1000, 1.0)


def hall_display(browser: Browser, hub: HubProcess, tokens: Tokens) -> Page:
    """The hall TV (display-1), enrolled, drawn from its first snapshot."""
    return open_screen(browser, hub, tokens, "display-1", "/display/display-1", HALL_TV)  # type: ignore[no-any-return]


def window_display(browser: Browser, hub: HubProcess, tokens: Tokens, n: int) -> Page:
    """The LED screen above window `n`, enrolled, drawn from its first snapshot."""
    return open_screen(  # type: ignore[no-any-return]
        browser, hub, tokens, f"window-display-{n}", f"/display/window/{n}", WINDOW_LED
    )


def status_page(browser: Browser, hub: HubProcess, token: str) -> Page:
    """A taxpayer's phone on the ticket's QR link, live (its first snapshot applied)."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{hub.url}/t/{token}")
    page.wait_for_function("() => window.hallqClient && window.hallqClient.resyncs > 0")
    return page


def counter(browser: Browser, hub: HubProcess, user: str, path: str) -> Page:
    """A staff screen (`/counter/<n>`, `/counter/guide`) in its own profile, logged in as `user`."""
    return log_in(staff_context(browser), hub, user, path)


def open_window(page: Page) -> None:
    """F9 on a closed window's counter: it opens."""
    press(page, "F9")
    expect(page.locator("#window-state")).to_have_attribute("data-state", "open")


def kiosk_token(kiosk: Page) -> str:
    """The token of the ticket on a kiosk's screen, from its QR code's URL."""
    qr = kiosk.get_attribute("#ticket-qr", "src") or ""
    return qr.removeprefix("/kiosk/qr/").removesuffix(".svg")


def printed_files(hub: HubProcess, printer: str, number: str) -> list[Path]:
    """The tickets a virtual printer spooled (``var/printed/<printer>/*.txt``) that hold `number`."""
    folder = hub.folder / "var" / "printed" / printer
    return [path for path in sorted(folder.glob("*.txt")) if number in path.read_text("utf-8")]


def mark_not_reloaded(*pages: Page) -> None:
    """A marker in each page's window: gone if the page is ever reloaded."""
    for page in pages:
        page.evaluate("() => { window.notReloaded = true; }")


def not_reloaded(page: Page) -> bool:
    return page.evaluate("() => window.notReloaded === true") is True
