"""The guide desk (/counter/guide) in Chromium, against a real hub."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_counter_flow import (
    Hall,
    log_in,
    open_also,
    press,
    staff_context,
)
from tests.support.databases import Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def hall(hub: HubProcess, tokens: Tokens) -> Hall:
    return Hall(hub, tokens)


def test_the_guide_desk_issues_a_green_ticket_that_is_called_first(
    browser: Browser, hub: HubProcess, hall: Hall, screenshots: Path
) -> None:
    # GIVEN C001 from the kiosk, waiting for filing, and the guide desk open
    hall.issue("filing")
    desk = staff_context(browser)
    guide = log_in(desk, hub, "guide", "/counter/guide")
    english = open_also(desk, hub, "/counter/guide?lang=en")
    filing = guide.locator('[data-service="filing"]')
    expect(filing).to_contain_text("等候 1 人")

    # WHEN a taxpayer ID with a wrong check character is entered
    taxpayer_id = guide.locator("#issue-taxpayer")
    taxpayer_id.fill("91350100M000100Y44")
    guide.locator('[data-service="invoice"]').click()
    # THEN no ticket: the hub's reason is shown and the field is marked
    expect(guide.locator("#message")).to_have_attribute("data-kind", "error")
    expect(guide.locator("#message")).to_contain_text("纳税人识别号")
    expect(taxpayer_id).to_have_attribute("aria-invalid", "true")
    expect(guide.locator("#result")).to_be_hidden()
    assert hall.waiting("invoice") == 0
    taxpayer_id.fill("")

    # WHEN the guide enters an elderly taxpayer's phone, ticks green channel and
    # double-clicks filing
    guide.locator("#issue-phone").fill("13800138000")
    guide.locator("#issue-green").check()
    filing.dblclick()

    # THEN one ticket, V001 (the green channel's own numbers), nobody ahead of it, shown
    # large with its print state
    expect(guide.locator("#result-number")).to_have_text("V001")
    expect(guide.locator("#result-ahead")).to_have_text("前面没有人")
    expect(guide.locator("#result-green")).to_be_visible()
    expect(guide.locator("#result-print")).not_to_be_empty()
    expect(filing).to_contain_text("等候 2 人")
    assert hall.waiting("filing") == 2
    # … and the form is empty again for the next taxpayer
    expect(guide.locator("#issue-phone")).to_have_value("")
    expect(guide.locator("#issue-green")).not_to_be_checked()
    expect(english.locator('[data-service="filing"]')).to_contain_text("2 waiting")
    guide.screenshot(path=str(screenshots / "guide-desk-zh.png"))

    # WHEN window 3 calls the next ticket
    window = staff_context(browser)
    try:
        counter = log_in(window, hub, "window3", "/counter/3")
        press(counter, "F9")
        expect(counter.locator("#window-state")).to_have_attribute("data-state", "open")
        press(counter, "F1")
        # THEN it is the green-channel ticket, with the phone number in full for staff
        expect(counter.locator("#ticket-number")).to_have_text("V001")
        expect(counter.locator("#ticket-green")).to_be_visible()
        expect(counter.locator("#ticket-phone")).to_have_text("13800138000")
        expect(counter.locator("#ticket-channel")).to_have_text("导税台")
        # … and the guide desk sees window 3 serving it
        expect(guide.locator('#windows [data-window="3"]')).to_contain_text("V001")

        # WHEN V001 is done, C001 is called and marked as a no-show after two recalls
        press(counter, "F4")
        expect(counter.locator("#ticket")).to_have_attribute("data-state", "serving")
        press(counter, "F5")
        expect(counter.locator("#ticket")).to_be_hidden()
        press(counter, "F1")
        expect(counter.locator("#ticket-number")).to_have_text("C001")
        for recalls in ("1/2", "2/2"):
            press(counter, "F2")
            expect(counter.locator("#ticket-recalls")).to_contain_text(recalls)
        press(counter, "F3")
        expect(counter.locator("#ticket")).to_be_hidden()
    finally:
        window.close()

    # WHEN the taxpayer of C001 comes back to the guide desk
    guide.locator("#requeue-number").fill("c1")
    guide.keyboard.press("Enter")
    # THEN C001 waits again
    expect(guide.locator("#message")).to_contain_text(re.compile(r"C001 已重新排队"))
    assert hall.waiting("filing") == 1

    # WHEN the English tab issues a consultation ticket
    english.locator('[data-service="consult"]').click()
    # THEN it shows it the same way, in English
    expect(english.locator("#result-number")).to_have_text("E001")
    expect(english.locator("#result-ahead")).to_have_text("Nobody ahead")
    # … and follows the desk printer: the ticket comes out of the (virtual) printer
    expect(english.locator("#result-print")).to_have_attribute("data-state", "printed")
    english.screenshot(path=str(screenshots / "guide-desk-en.png"))
    desk.close()
    english.context.close()
