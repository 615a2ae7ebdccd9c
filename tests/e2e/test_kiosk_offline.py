"""The taxpayer screens when the hub goes away and comes back (SPEC §7, "hub down").

One outage for both screens: the kiosk and a phone on its ticket's status page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.support.databases import Tokens
from tests.support.enrolment import enrolment_url
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OFFLINE = "#offline:not([hidden])"


def call_next(hub: HubProcess, tokens: Tokens, window: int) -> None:
    """Open `window` and call its next ticket, as its clerk."""
    headers = {"Authorization": f"Bearer {tokens.staff[f'window{window}']}"}
    for action in ("open", "call-next"):
        requests.post(
            f"{hub.url}/api/v1/windows/{window}/{action}", headers=headers, timeout=5
        ).raise_for_status()


def open_phone(browser: Browser, url: str) -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => window.hallqClient && window.hallqClient.resyncs > 0")
    return page


def test_hub_down_sends_people_to_the_guide_desk_and_recovery_needs_no_reload(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN an enrolled kiosk whose pages the service worker has cached, and a
    # taxpayer following the ticket it issued on their phone
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="zh-CN")
    page = context.new_page()
    phone = None
    try:
        page.goto(enrolment_url(hub.url, tokens, "kiosk-1", "/kiosk/kiosk-1"))
        expect(page.locator(".k-svc")).to_have_count(5)
        expect(page.locator("html[data-offline-ready]")).to_be_attached()
        page.click('.k-svc[data-service="invoice"]')
        page.click("#details-skip")
        expect(page.locator("#ticket-number")).to_have_text("B001")
        qr = page.get_attribute("#ticket-qr", "src")
        assert qr is not None
        token = qr.removeprefix("/kiosk/qr/").removesuffix(".svg")
        phone = open_phone(browser, f"{hub.url}/t/{token}")
        page.click("#ticket-done")
        # WHEN the hub stops
        hub.stop()
        # THEN within ~10 s the kiosk sends taxpayers to the guide desk, in both languages
        offline = page.locator(OFFLINE)
        expect(offline).to_be_visible(timeout=10_000)
        expect(offline).to_contain_text("请到导税台领取纸质号票")
        expect(offline).to_contain_text("Please get a paper ticket at the guide desk")
        page.screenshot(path=screenshots / "kiosk-offline-portrait.png")
        # AND the phone says it lost the hall, keeping the ticket it knew
        expect(phone.locator("#offline")).to_be_visible(timeout=10_000)
        expect(phone.locator("#offline")).to_contain_text("无法连接叫号系统")
        expect(phone.locator("#number")).to_have_text("B001")
        # WHEN the kiosk PC reloads the page during the outage
        page.reload()
        # THEN the page still loads (from the cache) and still says so
        expect(page.locator(OFFLINE)).to_be_visible()
        expect(page.locator(".k-svc")).to_have_count(5)  # drawn from the cached snapshot
        page.evaluate("window.reloadMarker = true")
        # WHEN the hub is back, and window 3 calls the phone's ticket
        hub.start()
        call_next(hub, tokens, 3)
        # THEN the kiosk is back by itself, without a reload, and issues a ticket
        expect(page.locator(OFFLINE)).to_be_hidden(timeout=15_000)
        assert page.evaluate("window.reloadMarker") is True
        page.click('.k-svc[data-service="filing"]')
        page.click("#details-skip")
        expect(page.locator("#ticket-number")).to_have_text("C001")
        queue = requests.get(f"{hub.url}/api/v1/queue", timeout=5).json()
        assert next(s["waiting"] for s in queue["services"] if s["code"] == "filing") == 1
        # AND the phone recovers by itself and shows the window
        expect(phone.locator("#offline")).to_be_hidden(timeout=15_000)
        expect(phone.locator("#window")).to_have_text("3 号窗口", timeout=5000)
    finally:
        context.close()
        if phone is not None:
            phone.context.close()
