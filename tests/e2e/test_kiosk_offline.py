"""The kiosk when the hub goes away and comes back (SPEC §7, "hub down")."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.support.databases import Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OFFLINE = "#offline:not([hidden])"


def test_hub_down_sends_people_to_the_guide_desk_and_recovery_needs_no_reload(
    browser: Browser, hub: HubProcess, tokens: Tokens
) -> None:
    # GIVEN an enrolled kiosk whose pages the service worker has cached
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{hub.url}/enrol?token={tokens.devices['kiosk-1']}&next=/kiosk/kiosk-1")
        expect(page.locator(".k-svc")).to_have_count(6)
        expect(page.locator("html[data-offline-ready]")).to_be_attached()
        # WHEN the hub stops
        hub.stop()
        # THEN within ~10 s the kiosk sends taxpayers to the guide desk, in both languages
        offline = page.locator(OFFLINE)
        expect(offline).to_be_visible(timeout=10_000)
        expect(offline).to_contain_text("请到导税台领取纸质号票")
        expect(offline).to_contain_text("Please get a paper ticket at the guide desk")
        # WHEN the kiosk PC reloads the page during the outage
        page.reload()
        # THEN the page still loads (from the cache) and still says so
        expect(page.locator(OFFLINE)).to_be_visible()
        expect(page.locator(".k-svc")).to_have_count(6)  # drawn from the cached snapshot
        page.evaluate("window.reloadMarker = true")
        # WHEN the hub is back
        hub.start()
        # THEN the kiosk is back by itself, without a reload, and issues a ticket
        expect(page.locator(OFFLINE)).to_be_hidden(timeout=15_000)
        assert page.evaluate("window.reloadMarker") is True
        page.click('.k-svc[data-service="filing"]')
        expect(page.locator("#ticket-number")).to_have_text("C001")
        queue = requests.get(f"{hub.url}/api/v1/queue", timeout=5).json()
        assert next(s["waiting"] for s in queue["services"] if s["code"] == "filing") == 1
    finally:
        context.close()
