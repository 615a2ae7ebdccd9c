"""Access taken back, as the screens show it (SPEC §10), in Chromium against a real hub."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.scenario_support import counter, hall_display, remaining_ms
from tests.e2e.test_kiosk_flow import open_kiosk
from tests.support.databases import Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_revoked_kiosk_and_display_show_their_not_enrolled_screen(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN kiosk 1 and the hall TV, enrolled and live
    kiosk = open_kiosk(browser, hub, tokens)
    display = hall_display(browser, hub, tokens)
    try:
        # WHEN the administrator revokes both from the command line
        for device in ("kiosk-1", "display-1"):
            revoked = hub.cli("device", "revoke", device)
            assert revoked.returncode == 0, revoked.stderr
        deadline = time.monotonic() + 5
        # THEN within seconds each shows its "not enrolled" screen, in Chinese first,
        # instead of the last state it knew or an offline view retrying forever
        expect(kiosk.locator(".refused h1").first).to_have_text(
            "本机尚未登记为取号机", timeout=remaining_ms(deadline)
        )
        expect(display.locator("body")).to_contain_text(
            "本屏幕尚未登记", timeout=remaining_ms(deadline)
        )
        expect(kiosk.locator(".k-svc")).to_have_count(0)
        kiosk.screenshot(path=screenshots / "kiosk-revoked.png")
        display.screenshot(path=screenshots / "display-revoked.png")
        # AND a reload while the hub is up does not bring the kiosk back
        kiosk.reload()
        expect(kiosk.locator(".refused h1").first).to_have_text("本机尚未登记为取号机")
    finally:
        kiosk.context.close()
        display.context.close()


def test_a_disabled_clerks_counter_goes_to_the_login_form(
    browser: Browser, hub: HubProcess, screenshots: Path
) -> None:
    # GIVEN window 3's clerk at their counter, live
    page = counter(browser, hub, "window3", "/counter/3")
    try:
        # WHEN the administrator disables the account from the shell
        disabled = hub.cli("staff", "disable", "window3")
        assert disabled.returncode == 0, disabled.stderr
        # THEN within seconds the counter shows the login form, not a screen that still looks usable
        expect(page).to_have_url(re.compile(r"/login\?next=/counter/3"), timeout=5000)
        expect(page.locator("input[name=password]")).to_be_visible()
        page.screenshot(path=screenshots / "counter-disabled-login.png")
    finally:
        page.context.close()
