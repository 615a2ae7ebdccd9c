"""The staff screens while the hub is down (SPEC §7, "hub down"), in Chromium.

The counter keeps a local list of what it called, which survives a reload
during the outage; the guide desk says to hand out paper tickets. When the hub
comes back both return to normal by themselves, without a reload.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.test_counter_flow import (
    Hall,
    log_in,
    press,
    shoot,
    staff_context,
)
from tests.support.databases import Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OFFLINE_WITHIN_MS = 15_000
"""The hub's ``offline_after_s`` (5 s) plus a reconnect attempt or two."""
BACK_WITHIN_MS = 20_000


@pytest.fixture
def hall(hub: HubProcess, tokens: Tokens) -> Hall:
    return Hall(hub, tokens)


def open_tab(context: BrowserContext, hub: HubProcess, path: str) -> Page:
    """Another tab of the same profile: this test needs what the tabs share (the offline
    memory in local storage) when the hub goes away."""
    page = context.new_page()
    page.goto(f"{hub.url}{path}")
    expect(page.locator("#link")).to_have_attribute("data-state", "online")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def test_the_counter_keeps_its_calls_while_the_hub_is_down(
    browser: Browser, hub: HubProcess, hall: Hall, screenshots: Path
) -> None:
    # GIVEN window 3's counter (in Chinese and in English) and the guide desk, all online,
    # with C001 called and recalled from this computer
    hall.issue("filing")
    hall.issue("filing")
    context = staff_context(browser)
    page = log_in(context, hub, "window3", "/counter/3")
    english = open_tab(context, hub, "/counter/3?lang=en")
    guide = open_tab(context, hub, "/counter/guide")
    counters = {"zh": page, "en": english}
    try:
        press(page, "F9")
        expect(page.locator("#window-state")).to_have_attribute("data-state", "open")
        press(page, "F1")
        expect(page.locator("#ticket-number")).to_have_text("C001")
        press(page, "F2")
        expect(page.locator("#ticket-recalls")).to_contain_text("1/2")
        for screen in (page, english, guide):
            # The pages and their files are in the offline cache before the outage.
            expect(screen.locator("html")).to_have_attribute("data-offline-ready", "true")

        # WHEN the hub stops
        hub.stop()

        # THEN each counter shows the manual-calling view with its local list of calls
        for screen in counters.values():
            expect(screen.locator("#offline")).to_be_visible(timeout=OFFLINE_WITHIN_MS)
            expect(screen.locator("#offline-calls")).to_contain_text("C001")
            expect(screen.locator(".actions")).to_be_hidden()
        expect(page.locator("#offline-title")).to_have_text("叫号系统连接中断，请人工叫号")
        expect(page.locator("#offline-last")).to_contain_text("C001")
        # … whose hall badge no longer claims the hall is normal: nobody knows now
        expect(page.locator("#hall-mode")).to_have_attribute("data-mode", "unknown")
        expect(page.locator("#hall-mode-text")).to_have_text("未知（无法连接服务器）")
        # … and the guide desk says to hand out paper tickets
        expect(guide.locator("#offline")).to_be_visible(timeout=OFFLINE_WITHIN_MS)
        expect(guide.locator("#offline-title")).to_contain_text("请发放纸质号票")
        expect(guide.locator('#offline-windows [data-window="3"]')).to_contain_text("C001")
        expect(guide.locator("#hall-mode")).to_have_attribute("data-mode", "unknown")

        # WHEN the clerk notes a number called by hand, and the page is reloaded
        page.locator("#manual-number").fill("c2")
        page.keyboard.press("Enter")
        expect(page.locator("#offline-calls")).to_contain_text("C002")
        page.reload()
        # THEN the offline view and the list are back at once, from this computer alone
        expect(page.locator("#offline")).to_be_visible(timeout=2_000)
        expect(page.locator("#offline-calls .calls__number")).to_have_text(["C002", "C001", "C001"])
        expect(page.locator("#hall-mode")).to_have_attribute("data-mode", "unknown")
        expect(english.locator("#offline-calls")).to_contain_text("C002")
        shoot(counters, screenshots, "counter-offline")
        guide.screenshot(path=str(screenshots / "guide-offline-zh.png"))

        # WHEN the hub comes back
        hub.start()

        # THEN every screen returns to normal by itself, with the hub's state
        for screen in (page, english, guide):
            expect(screen.locator("#offline")).to_be_hidden(timeout=BACK_WITHIN_MS)
            expect(screen.locator("#link")).to_have_attribute("data-state", "online")
        expect(page.locator("#ticket-number")).to_have_text("C001")
        expect(page.locator("#ticket-recalls")).to_contain_text("1/2")
        expect(page.locator(".actions")).to_be_visible()
        expect(page.locator("#hall-mode")).to_have_attribute("data-mode", "normal")
        # … and the clerk carries on
        press(page, "F4")
        expect(page.locator("#ticket")).to_have_attribute("data-state", "serving")
        expect(english.locator("#ticket")).to_have_attribute("data-state", "serving")

        # … while the counter offers the number called by hand, still waiting in HallQ
        reconcile = page.locator('#reconcile [data-number="C002"]')
        expect(reconcile).to_be_visible()
        assert hall.waiting("filing") == 1
        page.screenshot(path=str(screenshots / "counter-reconcile-zh.png"))
        # WHEN the clerk says C002 was served
        reconcile.locator('[data-outcome="served"]').focus()
        page.keyboard.press("Enter")
        # THEN HallQ has it served, the prompt is gone, the local list says it was entered
        expect(page.locator("#reconcile")).to_be_hidden()
        assert hall.waiting("filing") == 0
        expect(page.locator("#calls")).to_contain_text("人工叫号，已登记为办结")
    finally:
        context.close()
