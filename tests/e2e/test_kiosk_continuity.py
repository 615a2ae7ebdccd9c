"""The taxpayer screens when something breaks (SPEC §7), in Chromium against a real hub.

The hall's state is driven the way it happens in a hall: the duty leader declares
incidents over the API, and kiosk 1's printer runs out of paper in the demo's
virtual printer (an ESC/POS emulator inside the hub, reached through its control
API). The hub's clock starts at 10:00 on 15 December 2026, the last day of a filing
period, so an outage extends the filing deadline.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.support.databases import Tokens
from tests.support.enrolment import enrolment_url
from tests.support.hub import HubProcess, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PORTRAIT = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}
START = "#screen-start:not([hidden]):not([inert])"
TICKET = "#screen-ticket:not([hidden]):not([inert])"
GUIDE = "#screen-guide:not([hidden]):not([inert])"
DEGRADED = "本机暂时无法打印号票"


@pytest.fixture
def hub_env() -> dict[str, str]:
    return {"HALLQ_FAKE_NOW": "2026-12-15T10:00:00+08:00"}


def as_leader(tokens: Tokens) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {tokens.staff['leader']}",
        "Idempotency-Key": uuid.uuid4().hex,
    }


def declare(hub: HubProcess, tokens: Tokens, **incident: Any) -> int:
    """The duty leader declares an incident; its id."""
    response = requests.post(
        f"{hub.url}/api/v1/incidents", json=incident, headers=as_leader(tokens), timeout=5
    )
    response.raise_for_status()
    return int(response.json()["incident"])


def end(hub: HubProcess, tokens: Tokens, incident: int) -> None:
    requests.post(
        f"{hub.url}/api/v1/incidents/{incident}/end",
        json={"result": "恢复正常"},
        headers=as_leader(tokens),
        timeout=5,
    ).raise_for_status()


def queue(hub: HubProcess) -> dict[str, int]:
    """Waiting per service, as the hub says."""
    services = requests.get(f"{hub.url}/api/v1/queue", timeout=5).json()["services"]
    return {service["code"]: int(service["waiting"]) for service in services}


def printer_control(hub: HubProcess, printer: str) -> str:
    """The control API of the virtual printer spooling under var/printed/<printer>."""
    pattern = re.compile(rf"printed/{re.escape(printer)}, control API on (127\.0\.0\.1:\d+)")
    found = wait_for(lambda: pattern.search(hub.logs()), message=f"{printer}'s control API")
    return f"http://{found.group(1)}"


def fault(control: str, name: str) -> None:
    requests.post(f"{control}/fault", json={"fault": name}, timeout=5).raise_for_status()


def open_kiosk(
    browser: Browser, hub: HubProcess, tokens: Tokens, kiosk: str = "kiosk-1", locale: str = "zh-CN"
) -> Page:
    """A kiosk's page in a fresh profile, enrolled, drawn from the hub's snapshot."""
    context = browser.new_context(viewport=PORTRAIT, locale=locale, has_touch=True)
    page = context.new_page()
    page.goto(enrolment_url(hub.url, tokens, kiosk, f"/kiosk/{kiosk}"))
    page.wait_for_function("() => window.hallqClient && window.hallqClient.resyncs > 0")
    return page


def in_english(page: Page) -> None:
    page.click('.k-lang-option[lang="en"]')
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_function("() => window.hallqClient && window.hallqClient.resyncs > 0")


def service(code: str) -> str:
    return f'.k-svc[data-service="{code}"]'


@pytest.fixture
def kiosks(browser: Browser, hub: HubProcess, tokens: Tokens) -> Iterator[tuple[Page, Page]]:
    first = open_kiosk(browser, hub, tokens, "kiosk-1")
    second = open_kiosk(browser, hub, tokens, "kiosk-2")
    yield first, second
    first.context.close()
    second.context.close()


def test_a_kiosk_whose_printer_is_out_shows_tickets_on_screen_and_the_other_carries_on(
    kiosks: tuple[Page, Page], hub: HubProcess, screenshots: Path
) -> None:
    kiosk, other = kiosks
    control = printer_control(hub, "kiosk-1")
    # GIVEN both kiosks in normal service, the emergency window's service not offered
    expect(kiosk.locator(".k-svc")).to_have_count(5)
    expect(kiosk.locator(service("emergency"))).to_have_count(0)
    expect(kiosk.locator("#degraded")).to_be_hidden()
    # WHEN kiosk 1's printer runs out of paper
    fault(control, "paper_out")
    # THEN within 3 s kiosk 1 says so, and offers to text the number
    expect(kiosk.locator("#degraded")).to_be_visible(timeout=3000)
    expect(kiosk.locator("#degraded")).to_contain_text(DEGRADED)
    expect(kiosk.locator("#degraded")).to_contain_text("请记下您的号码")
    expect(kiosk.locator("#start-hint")).to_have_text("请先点击要办理的业务，再填写手机号")
    kiosk.screenshot(path=screenshots / "kiosk-degraded-portrait-zh.png")
    # WHEN a taxpayer taps filing on it, and goes on without a phone number
    kiosk.click(service("filing"))
    expect(kiosk.locator("#details-help")).to_contain_text("短信")
    kiosk.click("#details-skip")
    # THEN the ticket is on screen at once, as a ticket that did not print
    expect(kiosk.locator(TICKET)).to_be_visible()
    expect(kiosk.locator("#ticket-number")).to_have_text("C001")
    expect(kiosk.locator("#screen-ticket")).to_have_attribute("data-print", "failed")
    expect(kiosk.locator("#print-message")).to_contain_text("请记下您的号码")
    kiosk.screenshot(path=screenshots / "kiosk-degraded-ticket-portrait-zh.png")
    # AND kiosk 2 carries on as usual: no banner, no notice, and its ticket prints
    expect(other.locator("#degraded")).to_be_hidden()
    expect(other.locator("#notices")).to_be_hidden()
    other.click(service("invoice"))
    other.click("#details-skip")
    expect(other.locator("#print-message")).to_have_text("请取走号票")
    # WHEN the paper is refilled
    kiosk.click("#ticket-done")
    fault(control, "none")
    # THEN kiosk 1's banner goes by itself, and its next ticket prints
    expect(kiosk.locator("#degraded")).to_be_hidden(timeout=5000)
    expect(kiosk.locator("#start-hint")).to_have_text("点击您要办理的业务取号")
    kiosk.click(service("filing"))
    expect(kiosk.locator("#details-help")).to_contain_text("纳税人识别号")
    kiosk.click("#details-skip")
    expect(kiosk.locator("#print-message")).to_have_text("请取走号票")


def test_the_degraded_kiosk_in_english(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN kiosk 1's printer with its cover open, and a taxpayer who reads English
    fault(printer_control(hub, "kiosk-1"), "cover_open")
    page = open_kiosk(browser, hub, tokens, locale="en-US")
    try:
        in_english(page)
        # THEN the banner says it in English
        expect(page.locator("#degraded")).to_contain_text("This kiosk cannot print tickets")
        page.screenshot(path=screenshots / "kiosk-degraded-portrait-en.png")
        # WHEN they ask for their number by SMS and take a ticket
        page.click(service("social"))
        expect(page.locator("#details-help")).to_have_text(
            "This kiosk cannot print: enter your mobile number to get your number by SMS"
        )
        for key in "13812345678":
            page.click(f'#keypad .k-key[data-key="{key}"]')
        page.click("#details-confirm")
        # THEN the number is on screen, and the screen says it will be texted (masked)
        expect(page.locator("#ticket-number")).to_have_text("D001")
        expect(page.locator("#print-sms")).to_have_text(
            "Your number will also be sent by SMS to 138****5678"
        )
        page.screenshot(path=screenshots / "kiosk-degraded-ticket-portrait-en.png")
    finally:
        page.context.close()


def test_paper_mode_replaces_the_services_until_it_ends(
    kiosks: tuple[Page, Page], browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    kiosk, _ = kiosks
    english = open_kiosk(browser, hub, tokens, "kiosk-1", locale="en-US")
    try:
        in_english(english)
        # WHEN the duty leader declares paper mode
        incident = declare(hub, tokens, kind="equipment", mode="paper")
        # THEN within a few seconds the kiosks send everyone to the guide desk, nothing to tap
        paper = kiosk.locator("#start-paper")
        expect(paper).to_be_visible(timeout=3000)
        expect(paper).to_contain_text("请到导税台领取纸质号票")
        expect(paper).to_contain_text("Please get a paper ticket at the guide desk")
        expect(kiosk.locator(".k-svc").first).to_be_hidden()
        expect(english.locator("#start-paper")).to_be_visible(timeout=3000)
        kiosk.screenshot(path=screenshots / "kiosk-paper-portrait-zh.png")
        english.screenshot(path=screenshots / "kiosk-paper-portrait-en.png")
        # WHEN paper mode ends
        end(hub, tokens, incident)
        # THEN the services are back by themselves
        expect(kiosk.locator("#start-paper")).to_be_hidden(timeout=3000)
        expect(kiosk.locator(service("filing"))).to_be_visible()
        kiosk.click(service("filing"))
        kiosk.click("#details-skip")
        expect(kiosk.locator("#ticket-number")).to_have_text("C001")
    finally:
        english.context.close()


def test_an_outage_routes_each_business_and_reaches_the_status_page(
    kiosks: tuple[Page, Page], browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    kiosk, _ = kiosks
    # GIVEN a taxpayer who took a filing ticket before the outage and follows it on their phone
    kiosk.click(service("filing"))
    kiosk.click("#details-skip")
    expect(kiosk.locator("#ticket-number")).to_have_text("C001")
    qr = kiosk.get_attribute("#ticket-qr", "src") or ""
    token = qr.removeprefix("/kiosk/qr/").removesuffix(".svg")
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    status = phone.new_page()
    status.goto(f"{hub.url}/t/{token}")
    status.wait_for_function("() => window.hallqClient && window.hallqClient.resyncs > 0")
    kiosk.click("#ticket-done")
    english = open_kiosk(browser, hub, tokens, "kiosk-2", locale="en-US")
    try:
        in_english(english)
        # WHEN the tax back-office goes down (declared by the duty leader)
        declare(hub, tokens, kind="application", systems=["backoffice"])
        # THEN the kiosk shows the outage notice and the extended filing deadline
        outage = kiosk.locator("#outage")
        expect(outage).to_be_visible(timeout=3000)
        expect(outage).to_contain_text("核心征管系统")
        expect(kiosk.locator("#extension")).to_contain_text("本期申报期限延长至12月16日")
        expect(english.locator("#outage")).to_contain_text("tax back-office system", timeout=3000)
        expect(english.locator("#extension")).to_contain_text("extended to 16 December")
        # AND each button says where its business goes
        expect(kiosk.locator(f"{service('filing')} .k-svc-route")).to_have_text("应急窗口办理")
        expect(kiosk.locator(f"{service('invoice')} .k-svc-route")).to_have_text("请到自助办税区")
        expect(kiosk.locator(f"{service('consult')} .k-svc-route")).to_be_hidden()
        kiosk.screenshot(path=screenshots / "kiosk-outage-portrait-zh.png")
        english.screenshot(path=screenshots / "kiosk-outage-portrait-en.png")
        # AND the phone of the earlier ticket shows the notice without a reload
        expect(status.locator("#notices")).to_contain_text("核心征管系统", timeout=3000)
        expect(status.locator("#mode")).to_contain_text("税务系统故障")
        expect(status.locator("#number")).to_have_text("C001")
        status.screenshot(path=screenshots / "status-outage-phone-zh.png", full_page=True)
        # WHEN a taxpayer taps filing
        kiosk.click(service("filing"))
        kiosk.click("#details-skip")
        # THEN they get an emergency-window ticket that says where to go, large
        expect(kiosk.locator(TICKET)).to_be_visible()
        expect(kiosk.locator("#ticket-number")).to_have_text("Y001")
        expect(kiosk.locator("#ticket-go-where")).to_have_text("请到 8 号应急窗口")
        expect(kiosk.locator("#ticket-service")).to_have_text("纳税申报 · 应急窗口办理")
        kiosk.screenshot(path=screenshots / "kiosk-outage-ticket-portrait-zh.png")
        english.click(service("registration"))
        english.click("#details-skip")
        expect(english.locator("#ticket-go-where")).to_have_text("Please go to emergency window 8")
        english.screenshot(path=screenshots / "kiosk-outage-ticket-portrait-en.png")
        # WHEN the next taxpayer taps invoices
        kiosk.click("#ticket-done")
        before = queue(hub)
        kiosk.click(service("invoice"))
        # THEN the kiosk sends them to the self-service area and issues nothing
        expect(kiosk.locator(GUIDE)).to_be_visible()
        expect(kiosk.locator("#screen-guide")).to_contain_text("请到自助办税区办理")
        expect(kiosk.locator("#guide-service")).to_have_text("发票领购/缴销")
        kiosk.screenshot(path=screenshots / "kiosk-outage-guide-portrait-zh.png")
        assert queue(hub) == before
        kiosk.click("#guide-done")
        expect(kiosk.locator(START)).to_be_visible()
    finally:
        english.context.close()
        phone.close()


def test_load_relief_suggests_the_self_service_area(
    kiosks: tuple[Page, Page], hub: HubProcess, tokens: Tokens
) -> None:
    kiosk, _ = kiosks
    # GIVEN a kiosk with nothing to suggest
    expect(kiosk.locator(f"{service('invoice')} .k-svc-route")).to_be_hidden()
    # WHEN 25 taxpayers queue for invoices (the demo's relief threshold) from kiosk 2
    for _ in range(25):
        requests.post(
            f"{hub.url}/api/v1/tickets",
            json={"service": "invoice"},
            headers={"Authorization": f"Bearer {tokens.devices['kiosk-2']}"},
            timeout=5,
        ).raise_for_status()
    # THEN the invoice button suggests the self-service area, and still issues a ticket
    route = kiosk.locator(f"{service('invoice')} .k-svc-route")
    expect(route).to_have_text("排队较多，可到自助办税区办理", timeout=3000)
    expect(kiosk.locator(f"{service('filing')} .k-svc-route")).to_be_hidden()
    kiosk.click(service("invoice"))
    kiosk.click("#details-skip")
    expect(kiosk.locator("#ticket-number")).to_have_text("B026")
