"""Waits that tell the truth (issue 17, point 4): while no open window serves a
business, no screen promises a wait for it — not "no wait" to the first in
line, not "about 10 min" — and every screen says why.

Window 3 (invoices, filing) is open; nobody serves registration (A) until
window 1 opens.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.e2e.scenario_support import (
    BIG,
    console_log_in,
    hall_display,
    kiosk_token,
    open_kiosk,
    status_page,
)
from tests.support.databases import Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NO_ESTIMATE = "目前没有开放的窗口办理此业务，暂时无法估计等候时间"


def open_window(hub: HubProcess, tokens: Tokens, n: int) -> None:
    """Window `n`'s clerk opens it over the API."""
    response = requests.post(
        f"{hub.url}/api/v1/windows/{n}/open",
        headers={"Authorization": f"Bearer {tokens.staff[f'window{n}']}"},
        timeout=5,
    )
    response.raise_for_status()


def test_no_screen_promises_a_wait_for_a_business_no_open_window_serves(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN window 3 open (invoices, filing), no open window for registration
    open_window(hub, tokens, 3)
    kiosk = open_kiosk(browser, hub, tokens, "kiosk-1")
    display = hall_display(browser, hub, tokens)
    context, console = console_log_in(browser, hub, BIG)
    registration = kiosk.locator('.k-svc[data-service="registration"]')
    filing = kiosk.locator('.k-svc[data-service="filing"]')

    # THEN the kiosk's registration button says no window serves it; filing has no wait
    expect(registration.locator(".k-svc-estimate")).to_have_text("暂无窗口办理")
    expect(registration).to_have_attribute("data-unserved", "true")
    expect(filing.locator(".k-svc-estimate")).to_have_text("无需等候")

    # WHEN a taxpayer takes a registration ticket, the first in line
    registration.click()
    kiosk.click("#details-skip")
    expect(kiosk.locator("#ticket-number")).to_have_text("A001")

    # THEN the ticket, the phone, the TV and the console say no window serves it
    expect(kiosk.locator("#ticket-ahead")).to_have_text("前面没有人等候")
    expect(kiosk.locator("#ticket-estimate")).to_have_text(NO_ESTIMATE)
    kiosk.screenshot(path=screenshots / "waits-unserved-kiosk-ticket.png")
    phone = status_page(browser, hub, kiosk_token(kiosk))
    expect(phone.locator("#estimate")).to_have_text(NO_ESTIMATE)
    phone.screenshot(path=screenshots / "waits-unserved-phone.png")
    row = display.locator("#services .service").filter(has_text="税务登记")
    expect(row.locator(".service-wait")).to_have_text("暂无窗口办理")
    console_route = console.locator('#services tr[data-service="registration"] .route')
    expect(console_route).to_have_text("暂无开放窗口办理")
    expect(console.locator('#services tr[data-service="filing"] .route')).to_have_text(
        "窗口正常办理"
    )
    display.screenshot(path=screenshots / "waits-unserved-display.png")

    # WHEN window 1 (registration, invoices) opens
    open_window(hub, tokens, 1)

    # THEN every screen gives the wait again
    expect(phone.locator("#estimate")).to_have_text("很快就会叫到您")
    expect(row.locator(".service-wait")).to_have_text("约 12 分钟")
    expect(console_route).to_have_text("窗口正常办理")
    kiosk.click("#ticket-done")
    expect(registration.locator(".k-svc-estimate")).to_have_text("约 12 分钟")
    expect(registration).to_have_attribute("data-unserved", "false")
    for page in (kiosk, display, phone):
        page.context.close()
    context.close()
