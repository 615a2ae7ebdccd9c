"""The screens the scenarios do not shoot in every mode, in each: the counter, the guide
desk, the console, the taxpayer's phone and the screen above a window, through a
printer failure (degraded), paper tickets and a hub that is down. Each says the
hall's mode its own way (the window screen only shows its window, in any mode);
the screenshots are saved for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.e2e.scenario_support import (
    BIG,
    console_log_in,
    counter,
    status_page,
    window_display,
)
from tests.e2e.test_counter_outage import Leader
from tests.support.databases import Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MODES = {
    "degraded": {"kind": "equipment", "mode": "degraded", "devices": ["printer-kiosk-1"]},
    "paper": {"kind": "equipment", "mode": "paper"},
}


def test_every_screen_says_the_hall_s_mode_in_each_mode(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN a filing ticket followed on a phone, window 3's clerk, the guide desk, the
    # duty leader's console and the screen above window 3
    leader = Leader(hub, tokens)
    ticket = requests.post(
        f"{hub.url}/api/v1/tickets",
        json={"service": "filing"},
        headers={"Authorization": f"Bearer {tokens.devices['kiosk-2']}"},
        timeout=5,
    ).json()
    _, console = console_log_in(browser, hub, BIG)
    screens: dict[str, Page] = {
        "counter": counter(browser, hub, "window3", "/counter/3"),
        "guide": counter(browser, hub, "guide", "/counter/guide"),
        "console": console,
        "phone": status_page(browser, hub, ticket["token"]),
        "window": window_display(browser, hub, tokens, 3),
    }
    try:
        for mode, incident in MODES.items():
            # WHEN the hall turns `mode`
            leader.post("/incidents", incident)
            # THEN the staff screens and the phone say so, each in its own words
            for name in ("counter", "guide"):
                expect(screens[name].locator("#hall-mode")).to_have_attribute("data-mode", mode)
                expect(screens[name].locator("#hall-mode-text")).not_to_be_empty()
            expect(console.locator("#mode")).to_have_attribute("data-mode", mode)
            phone = screens["phone"].locator("#mode")
            expect(phone).to_have_attribute("data-mode", mode)
            expect(phone).to_be_visible()
            # … while the window's own screen keeps showing only its window
            expect(screens["window"].locator("body")).to_have_class(re.compile(r"\bstate-closed\b"))
            expect(screens["window"].locator("#big-first")).to_have_text("窗口未开放")
            for name, page in screens.items():
                page.screenshot(path=str(screenshots / f"modes-{mode}-{name}.png"))

        # WHEN the hub itself goes down
        hub.stop()
        # THEN the phone says it has lost the hall, since when, and keeps the number
        expect(screens["phone"].locator("#offline")).to_be_visible(timeout=15_000)
        expect(screens["phone"].locator("#offline")).not_to_be_empty()
        expect(screens["phone"].locator("#number")).to_have_text(ticket["number"])
        screens["phone"].screenshot(path=str(screenshots / "modes-hub-down-phone.png"))
    finally:
        for page in screens.values():
            page.context.close()
