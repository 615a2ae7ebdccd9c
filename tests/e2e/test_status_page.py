"""The ticket status page (/t/<token>) on a phone-sized Chromium, against a real hub."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.support.databases import Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def issue(hub: HubProcess, tokens: Tokens, service: str) -> dict[str, Any]:
    """A ticket from kiosk 1, as the kiosk got it."""
    response = requests.post(
        f"{hub.url}/api/v1/tickets",
        json={"service": service},
        headers={"Authorization": f"Bearer {tokens.devices['kiosk-1']}"},
        timeout=5,
    )
    response.raise_for_status()
    return dict(response.json())


def window(hub: HubProcess, tokens: Tokens, n: int, action: str) -> None:
    """A window action by that window's clerk."""
    requests.post(
        f"{hub.url}/api/v1/windows/{n}/{action}",
        headers={"Authorization": f"Bearer {tokens.staff[f'window{n}']}"},
        timeout=5,
    ).raise_for_status()


def phone(browser: Browser, hub: HubProcess, path: str, locale: str = "zh-CN") -> Page:
    context = browser.new_context(viewport=PHONE, locale=locale, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{hub.url}{path}")
    return page


def test_the_status_page_follows_the_queue_and_shows_the_window_when_called(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN two filing tickets; the taxpayer holding the second opens its QR link
    first = issue(hub, tokens, "filing")
    mine = issue(hub, tokens, "filing")
    page = phone(browser, hub, mine["status_url"])
    english = phone(browser, hub, mine["status_url"], locale="en-US")
    try:
        expect(page.locator("#number")).to_have_text(mine["number"])
        expect(page.locator("#ahead")).to_have_text("前面还有 1 人")
        expect(page.locator("#state")).to_have_text("等候叫号中")
        expect(page.locator("body")).not_to_contain_text(first["number"])
        page.wait_for_function("() => window.hallqClient && window.hallqClient.resyncs > 0")
        page.screenshot(path=screenshots / "status-phone-zh.png")
        expect(english.locator("#ahead")).to_have_text("1 person ahead of you")
        english.screenshot(path=screenshots / "status-phone-en.png")
        # WHEN window 3 opens and calls the first ticket
        window(hub, tokens, 3, "open")
        window(hub, tokens, 3, "call-next")
        # THEN the page moves the taxpayer up without a reload
        expect(page.locator("#ahead")).to_have_text("前面没有人等候", timeout=5000)
        # WHEN the window serves that taxpayer, then calls this ticket
        window(hub, tokens, 3, "start")
        window(hub, tokens, 3, "finish")
        window(hub, tokens, 3, "call-next")
        # THEN the page shows the window, big, within a few seconds
        expect(page.locator("#call")).to_be_visible(timeout=5000)
        expect(page.locator("#window")).to_have_text("3 号窗口")
        expect(page.locator("#state")).to_have_text("已叫号，请到窗口办理")
        expect(page.locator("body")).to_have_class(re.compile(r"\bis-flashing\b"))
        expect(english.locator("#window")).to_have_text("Window 3", timeout=5000)
        page.screenshot(path=screenshots / "status-phone-called-zh.png")
        english.screenshot(path=screenshots / "status-phone-called-en.png")
        # AND the phone never saw another taxpayer's number on the page
        expect(page.locator("body")).not_to_contain_text(first["number"])
        # WHEN someone opens a link no ticket has
        response = page.goto(f"{hub.url}/t/ThisTokenDoesNotExist123")
        # THEN it is a 404 that says so, in Chinese and English
        assert response is not None
        assert response.status == 404
        expect(page.locator("h1").first).to_have_text("号票链接无效")
        expect(page.locator("h1").last).to_have_text("This ticket link is not valid")
    finally:
        page.context.close()
        english.context.close()


def test_a_window_opening_for_the_service_shortens_the_estimate_on_the_phone(
    browser: Browser, hub: HubProcess, tokens: Tokens
) -> None:
    # GIVEN window 3 open for filing, and a taxpayer with two filing tickets ahead on the phone
    window(hub, tokens, 3, "open")
    issue(hub, tokens, "filing")
    issue(hub, tokens, "filing")
    mine = issue(hub, tokens, "filing")
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        # … its re-read after connecting done, so only what follows can refresh it
        with page.expect_response(f"{hub.url}/api/v1/tickets/{mine['token']}"):
            page.goto(f"{hub.url}{mine['status_url']}")
        one_window = mine["estimated_wait_min"]
        expect(page.locator("#estimate")).to_contain_text(f"{one_window} 分钟")
        # WHEN window 5, which also takes filing, opens (nobody is called: no ticket event)
        window(hub, tokens, 5, "open")
        # THEN the phone shows the shorter estimate by itself
        now = requests.get(f"{hub.url}/api/v1/tickets/{mine['token']}", timeout=5).json()
        estimate = now["estimated_wait_min"]
        assert 0 < estimate < one_window
        expect(page.locator("#estimate")).to_contain_text(f"{estimate} 分钟", timeout=5000)
    finally:
        page.context.close()
