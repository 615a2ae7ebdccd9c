"""The booking page (/book, 预约办税) on a phone in Chromium, against a real hub whose
clock starts at 08:00 on Monday 14 December 2026; the SMS codes come from the hub's log
sender (var/sms.log), as a phone would receive them."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_counter_flow import log_in, staff_context
from tests.e2e.test_kiosk_flow import open_kiosk
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
        # WHEN the taxpayer picks invoices, today, 14:00 — the times before 10:00 are closed
        # for booking (less than two hours ahead)
        choose(page, "invoice", "2026-12-14", "14:00")
        expect(page.locator('#slots [data-start="2026-12-14T10:00:00+08:00"]')).to_be_disabled()
        expect(page.locator("#chosen")).to_have_text("发票领购/缴销，12月14日 14:00–14:30")
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
            "发票领购/缴销 · 12月14日 今天 14:00–14:30"
        )
        qr = page.locator("#booking-qr")
        assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
        page.screenshot(path=str(screenshots / "booking-done-zh.png"), full_page=True)
        lookup = requests.post(
            f"{hub.url}/api/v1/appointments/lookup",
            json={"code": checkin, "phone": MOBILE},
            timeout=5,
        ).json()
        assert (lookup["start"], lookup["state"]) == ("2026-12-14T14:00:00+08:00", "booked")

        # WHEN the taxpayer moves it to 15:00 (more than 3 hours ahead), then cancels it
        page.locator("#change").click()
        page.locator('#days [data-day="2026-12-14"]').click()
        page.locator('#slots [data-start="2026-12-14T15:00:00+08:00"]').click()
        expect(page.locator("#book")).to_have_text("确认改约")
        page.locator("#book").click()
        expect(page.locator("#booking-title")).to_have_text("改约成功")
        expect(page.locator("#booking-code")).to_have_text(checkin)
        expect(page.locator("#booking-when")).to_contain_text("15:00–15:30")
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


def platform(hub: HubProcess, tokens: Tokens, path: str, body: dict[str, str]) -> Any:
    response = requests.post(
        f"{hub.url}/api/v1/appointments{path}",
        json=body,
        headers={"Authorization": f"Bearer {tokens.devices['booking-platform']}"},
        timeout=5,
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_the_kiosk_checks_in_a_booking_that_window_1_calls_before_an_older_walk_in(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN invoices booked for tomorrow 10:00 by one phone, and 09:00 by another
    booked = platform(
        hub,
        tokens,
        "",
        {
            "service": "invoice",
            "start": "2026-12-15T10:00:00+08:00",
            "phone": MOBILE,
        },
    )
    missed = platform(
        hub,
        tokens,
        "",
        {
            "service": "invoice",
            "start": "2026-12-15T09:00:00+08:00",
            "phone": "13900139000",
        },
    )
    at_desk = platform(
        hub,
        tokens,
        "",
        {"service": "invoice", "start": "2026-12-15T10:00:00+08:00", "phone": "13700137000"},
    )
    # … and the hub starting again the next morning, a moment before 10:00 (check-in opens
    # half an hour before the slot; the booked ticket goes first once its slot has begun)
    hub.stop()
    hub.environment["HALLQ_FAKE_NOW"] = "2026-12-15T09:59:54+08:00"
    hub.start()
    ten_oclock = time.monotonic() + 6
    # … where a walk-in has just taken an invoice ticket at kiosk 2
    walk_in = requests.post(
        f"{hub.url}/api/v1/tickets",
        json={"service": "invoice"},
        headers={"Authorization": f"Bearer {tokens.devices['kiosk-2']}"},
        timeout=5,
    ).json()["number"]
    kiosk = open_kiosk(browser, hub, tokens)
    try:
        # WHEN the holder taps 预约取号 and types the code on the keypad
        kiosk.locator("#checkin-open").click()
        expect(kiosk.locator("#screen-checkin")).to_be_visible()
        for key in booked["code"]:
            kiosk.locator(f'#checkin-keypad .k-key[data-key="{key}"]').click()
        expect(kiosk.locator("#value-code")).to_have_text(
            f"{booked['code'][:3]} {booked['code'][3:]}"
        )
        kiosk.screenshot(path=str(screenshots / "kiosk-checkin-zh.png"))
        kiosk.locator("#checkin-confirm").click()
        # THEN the ticket, marked with its booked time, printed like any other
        expect(kiosk.locator("#ticket-number")).to_have_text("B002")
        expect(kiosk.locator("#ticket-booked")).to_have_text("预约 10:00–10:30")
        expect(kiosk.locator("#screen-ticket")).to_have_attribute("data-print", "printed")
        kiosk.screenshot(path=str(screenshots / "kiosk-checkin-ticket-zh.png"))
        # WHEN window 1 calls the next taxpayer, at 10:00
        wait_for(lambda: time.monotonic() > ten_oclock, message="10:00 on the hub's clock")
        headers = {"Authorization": f"Bearer {tokens.staff['window1']}"}
        for action in ("open", "call-next"):
            answer = requests.post(
                f"{hub.url}/api/v1/windows/1/{action}", headers=headers, timeout=5
            )
            assert answer.status_code == 200, answer.text
        # THEN the booked ticket comes before the walk-in's older one
        assert (answer.json()["ticket"]["number"], walk_in) == ("B002", "B001")
        # … and the 09:00 booking nobody came for is a no-show
        wait_for(
            lambda: (
                platform(
                    hub,
                    tokens,
                    "/lookup",
                    {
                        "code": missed["code"],
                        "phone": "13900139000",
                    },
                )["state"]
                == "no_show"
            ),
            message="the missed booking marked a no-show",
        )
        # WHEN a wrong code is typed THEN the kiosk says so, in Chinese, next to the field
        kiosk.locator("#ticket-done").click()
        kiosk.locator("#checkin-open").click()
        for key in "000000":
            kiosk.locator(f'#checkin-keypad .k-key[data-key="{key}"]').click()
        kiosk.locator("#checkin-confirm").click()
        expect(kiosk.locator("#checkin-error")).to_contain_text("本厅没有此签到码的预约")
    finally:
        kiosk.context.close()

    # WHEN a third holder checks in at the guide desk instead
    desk = staff_context(browser)
    try:
        guide = log_in(desk, hub, "guide", "/counter/guide")
        guide.locator("#tab-checkin").click()
        guide.locator("#checkin-code").fill(at_desk["code"])
        guide.locator("#checkin-code").press("Enter")
        # THEN the desk shows the booking's ticket, as the kiosk would have
        expect(guide.locator("#result-number")).to_have_text("B003")
        expect(guide.locator("#message")).to_contain_text("预约已签到：号票 B003")
        guide.screenshot(path=str(screenshots / "guide-checkin-zh.png"))
        # … and the leader's bookings page shows the day: checked in, and the no-show
        desk.close()
        desk = staff_context(browser)
        console = log_in(desk, hub, "leader", "/console/appointments")
        expect(
            console.locator(f'#booking-rows tr[data-code="{booked["code"]}"]')
        ).to_have_attribute("data-state", "checked_in")
        missed_row = console.locator(f'#booking-rows tr[data-code="{missed["code"]}"]')
        expect(missed_row).to_contain_text("爽约")
        expect(console.locator("#count-no_show")).to_have_text("1")
        console.screenshot(path=str(screenshots / "console-bookings-zh.png"), full_page=True)
    finally:
        desk.close()
