"""The booking page (/book, 预约办税) on a phone in Chromium, against a real hub whose
clock starts at 08:00 on Monday 14 December 2026; the SMS codes come from the hub's log
sender (var/sms.log), as a phone would receive them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.support.databases import Tokens
from tests.support.hub import HubProcess, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
MOBILE = "13800138000"


@pytest.fixture
def hub_env() -> dict[str, str]:
    return {"HALLQ_FAKE_NOW": "2026-12-14T08:00:00+08:00"}


def texted_code(hub: HubProcess, phone: str, after: int = 0) -> str:
    """The latest booking code texted to `phone` (past the first `after` of them)."""
    log = hub.folder / "var" / "sms.log"

    def codes() -> list[str]:
        if not log.exists():
            return []
        lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        return [
            found.group(1)
            for line in lines
            if line["phone"] == phone and (found := re.search(r"验证码：(\d{6})", line["body"]))
        ]

    return str(wait_for(lambda: codes()[after:], message="the SMS code")[-1])


def open_booking(browser: Browser, hub: HubProcess, locale: str = "zh-CN") -> Page:
    context = browser.new_context(viewport=PHONE, locale=locale, has_touch=True)
    page = context.new_page()
    page.goto(f"{hub.url}/book")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def choose(page: Page, service: str, day: str, start: str) -> None:
    page.locator(f'#services [data-service="{service}"]').click()
    page.locator(f'#days [data-day="{day}"]').click()
    page.locator(f'#slots [data-start="{day}T{start}:00+08:00"]').click()


def test_a_phone_books_with_its_sms_code_moves_and_cancels_the_booking(
    browser: Browser, hub: HubProcess, screenshots: Path
) -> None:
    # GIVEN the booking page on a phone
    page = open_booking(browser, hub)
    try:
        page.screenshot(path=str(screenshots / "booking-start-zh.png"), full_page=True)
        # WHEN the taxpayer picks invoices, today, 10:30 — the earlier times are closed
        # for booking (less than two hours ahead)
        choose(page, "invoice", "2026-12-14", "10:30")
        expect(page.locator('#slots [data-start="2026-12-14T10:00:00+08:00"]')).to_be_disabled()
        expect(page.locator("#chosen")).to_have_text("发票领购/缴销，12月14日 10:30–11:00")
        # … asks for a code and enters a wrong one
        page.locator("#phone").fill(MOBILE)
        page.locator("#send-code").click()
        expect(page.locator("#message")).to_contain_text(f"验证码已发送至 {MOBILE}")
        expect(page.locator("#send-code")).to_be_disabled()
        code = texted_code(hub, MOBILE)
        page.locator("#code").fill(f"{(int(code) + 1) % 1_000_000:06d}")
        page.locator("#book").click()
        # THEN it is refused in Chinese, saying how many tries are left, and nothing is booked
        expect(page.locator("#message")).to_contain_text("验证码不正确，还可尝试 4 次")
        expect(page.locator("#booking")).to_be_hidden()
        # WHEN the right code is entered
        page.locator("#code").fill(code)
        page.locator("#book").click()
        # THEN the booking: its six-digit check-in code, a QR code, the time, texted too
        expect(page.locator("#booking-title")).to_have_text("预约成功")
        checkin = page.locator("#booking-code").inner_text()
        assert re.fullmatch(r"\d{6}", checkin)
        expect(page.locator("#booking-when")).to_have_text(
            "发票领购/缴销 · 12月14日 今天 10:30–11:00"
        )
        qr = page.locator("#booking-qr")
        assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
        page.screenshot(path=str(screenshots / "booking-done-zh.png"), full_page=True)
        lookup = requests.post(
            f"{hub.url}/api/v1/appointments/lookup",
            json={"code": checkin, "phone": MOBILE},
            timeout=5,
        ).json()
        assert (lookup["start"], lookup["state"]) == ("2026-12-14T10:30:00+08:00", "booked")

        # WHEN the taxpayer moves it to 14:00, then cancels it
        page.locator("#change").click()
        page.locator('#days [data-day="2026-12-14"]').click()
        page.locator('#slots [data-start="2026-12-14T14:00:00+08:00"]').click()
        expect(page.locator("#book")).to_have_text("确认改约")
        page.locator("#book").click()
        expect(page.locator("#booking-title")).to_have_text("改约成功")
        expect(page.locator("#booking-code")).to_have_text(checkin)
        expect(page.locator("#booking-when")).to_contain_text("14:00–14:30")
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("#cancel").click()
        # THEN it is cancelled, and the place is free again
        expect(page.locator("#booking-title")).to_have_text("预约已取消")
        expect(page.locator("#booking-actions")).to_be_hidden()
        day = requests.get(
            f"{hub.url}/api/v1/appointments/slots/invoice/2026-12-14", timeout=5
        ).json()
        assert {slot["left"] for slot in day["slots"]} == {6}
    finally:
        page.context.close()


def test_a_platforms_booking_is_found_by_code_and_phone_in_english(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN a registration booked for tomorrow 09:00 through the e-Tax platform's token
    booked = requests.post(
        f"{hub.url}/api/v1/appointments",
        json={
            "service": "registration",
            "start": "2026-12-15T09:00:00+08:00",
            "phone": MOBILE,
            "taxpayer_id": "91350100M000100Y43",
        },
        headers={"Authorization": f"Bearer {tokens.devices['booking-platform']}"},
        timeout=5,
    )
    assert booked.status_code == 201, booked.text
    checkin = booked.json()["code"]
    page = open_booking(browser, hub, locale="en-US")
    try:
        expect(page.locator(".st-brand")).to_have_text("Book a visit")
        expect(page.locator('#services [data-service="invoice"]')).to_have_text("Invoices")
        # WHEN a wrong code is looked up THEN it says so, in English
        page.locator("#find-code").fill("000000")
        page.locator("#find-phone").fill(MOBILE)
        page.locator("#find").click()
        expect(page.locator("#message")).to_have_text(
            "No booking has this check-in code and phone number: please check both."
        )
        # WHEN the right one is THEN the booking, in English
        page.locator("#find-code").fill(checkin)
        page.locator("#find").click()
        expect(page.locator("#booking-title")).to_have_text("Your booking")
        expect(page.locator("#booking-when")).to_have_text(
            "Tax registration · 15/12 Tue 09:00–09:30"
        )
        page.screenshot(path=str(screenshots / "booking-found-en.png"), full_page=True)
    finally:
        page.context.close()
