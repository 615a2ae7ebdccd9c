"""The ticket kiosk (/kiosk/<id>) in Chromium against a real hub: taps, keypad, language, idle.

The kiosk PC is enrolled through its real enrolment link; what the page shows
is checked against what the hub says (``GET /api/v1/queue``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.support.databases import Tokens
from tests.support.enrolment import enrolment_url
from tests.support.hub import HubProcess, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect.set_options(timeout=10_000)

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
TICKET = "#screen-ticket:not([hidden]):not([inert])"
START = "#screen-start:not([hidden]):not([inert])"
DETAILS = "#screen-details:not([hidden]):not([inert])"


def waiting(hub: HubProcess, service: str) -> int:
    """How many wait for `service`, as the hub says."""
    queue = requests.get(f"{hub.url}/api/v1/queue", timeout=5).json()
    return int(next(item["waiting"] for item in queue["services"] if item["code"] == service))


def total_waiting(hub: HubProcess) -> int:
    queue = requests.get(f"{hub.url}/api/v1/queue", timeout=5).json()
    return sum(int(item["waiting"]) for item in queue["services"])


def open_kiosk(
    browser: Browser,
    hub: HubProcess,
    tokens: Tokens,
    *,
    viewport: dict[str, int] = PORTRAIT,
    locale: str = "zh-CN",
    query: str = "",
) -> Page:
    """Kiosk 1's page in a fresh browser profile, enrolled, drawn from the hub's snapshot."""
    context = browser.new_context(viewport=viewport, locale=locale, has_touch=True)
    page = context.new_page()
    page.goto(enrolment_url(hub.url, tokens, "kiosk-1", f"/kiosk/kiosk-1{query}"))
    expect(page.locator(".k-svc")).to_have_count(5)  # the emergency window's service is not offered
    return page


@pytest.fixture
def kiosk(browser: Browser, hub: HubProcess, tokens: Tokens) -> Iterator[Page]:
    page = open_kiosk(browser, hub, tokens)
    yield page
    page.context.close()


def service(page: Page, code: str) -> str:
    return f'.k-svc[data-service="{code}"]'


def type_on_keypad(page: Page, text: str) -> None:
    for key in text:
        page.click(f'#keypad .k-key[data-key="{key}"]')


def test_a_tap_shows_the_ticket_with_its_qr_code_and_the_hub_counts_it(
    kiosk: Page, hub: HubProcess
) -> None:
    # GIVEN two people already waiting for filing, shown on the kiosk's button
    before = waiting(hub, "filing")
    # WHEN a taxpayer taps "纳税申报", then the big "直接取号" the second step offers
    kiosk.click(service(kiosk, "filing"))
    expect(kiosk.locator(DETAILS)).to_be_visible()
    expect(kiosk.locator("#details-service")).to_have_text("C · 纳税申报")
    expect(kiosk.locator("#details-confirm")).to_be_disabled()
    kiosk.click("#details-skip")
    # THEN the ticket is on screen: number, people ahead, estimate, a QR code that loaded
    expect(kiosk.locator(TICKET)).to_be_visible()
    expect(kiosk.locator("#ticket-number")).to_have_text("C001")
    expect(kiosk.locator("#ticket-ahead")).to_have_text("前面没有人等候")
    # (no window is open yet: no wait is promised, the ticket says why)
    expect(kiosk.locator("#ticket-estimate")).to_have_text(
        "目前没有开放的窗口办理此业务，暂时无法估计等候时间"
    )
    # AND the print agent's report (print:status) replaces "请记下您的号码"
    expect(kiosk.locator("#print-message")).to_have_text("请取走号票")
    wait_for(lambda: kiosk.eval_on_selector("#ticket-qr", "img => img.naturalWidth > 0"))
    # AND the hub has it, and the button's waiting count follows
    assert waiting(hub, "filing") == before + 1
    expect(kiosk.locator(f"{service(kiosk, 'filing')} .k-svc-waiting")).to_have_text(
        f"等候 {before + 1} 人"
    )
    # WHEN the taxpayer taps "完成"
    kiosk.click("#ticket-done")
    # THEN the start screen is back, and the next ticket says who is ahead
    expect(kiosk.locator(START)).to_be_visible()
    kiosk.click(service(kiosk, "filing"))
    kiosk.click("#details-skip")
    expect(kiosk.locator("#ticket-number")).to_have_text("C002")
    expect(kiosk.locator("#ticket-ahead")).to_have_text("前面还有 1 人")


def test_double_and_triple_taps_make_one_ticket_each(kiosk: Page, hub: HubProcess) -> None:
    # GIVEN nobody waiting
    assert total_waiting(hub) == 0
    # WHEN a taxpayer double-taps a service button, then double-taps "直接取号"
    kiosk.dblclick(service(kiosk, "invoice"))
    expect(kiosk.locator(DETAILS)).to_be_visible()
    kiosk.dblclick("#details-skip")
    expect(kiosk.locator(TICKET)).to_be_visible()
    # THEN one ticket exists
    assert total_waiting(hub) == 1
    # WHEN the next taxpayer triple-taps each, as fast as a finger can
    kiosk.click("#ticket-done")
    expect(kiosk.locator(START)).to_be_visible()
    for target, then in ((service(kiosk, "social"), DETAILS), ("#details-skip", TICKET)):
        box = kiosk.locator(target).bounding_box()
        assert box is not None
        kiosk.mouse.click(box["x"] + 40, box["y"] + 40, click_count=3, delay=0)
        expect(kiosk.locator(then)).to_be_visible()
    # THEN again one ticket, and the taps after the first did not land on the next screen
    expect(kiosk.locator("#ticket-number")).to_have_text("D001")
    assert total_waiting(hub) == 2
    # WHEN one with a phone number double-taps the keypad's confirm button
    kiosk.click("#ticket-done")
    kiosk.click(service(kiosk, "consult"))
    expect(kiosk.locator(DETAILS)).to_be_visible()
    type_on_keypad(kiosk, "13812345678")
    kiosk.dblclick("#details-confirm")
    expect(kiosk.locator(TICKET)).to_be_visible()
    # THEN one ticket
    expect(kiosk.locator("#ticket-number")).to_have_text("E001")
    wait_for(lambda: total_waiting(hub) == 3, timeout=3)
    assert total_waiting(hub) == 3


def test_an_invalid_taxpayer_id_is_explained_on_the_keypad_and_makes_no_ticket(
    kiosk: Page, hub: HubProcess
) -> None:
    # GIVEN a green-channel taxpayer who chose to give a taxpayer ID
    kiosk.click("#green-toggle")
    kiosk.click(service(kiosk, "registration"))
    expect(kiosk.locator(DETAILS)).to_be_visible()
    expect(kiosk.locator("#details-service")).to_have_text("A · 税务登记 · 绿色通道")
    # WHEN they type a resident ID with a wrong check digit on the on-screen keys
    kiosk.click('.k-field[data-field="taxpayer_id"]')
    expect(kiosk.locator('#keypad .k-key[data-key="X"]')).to_be_visible()
    type_on_keypad(kiosk, "110105194912310021")
    kiosk.click("#details-confirm")
    # THEN the hub's Chinese message shows on the keypad, and no ticket exists
    expect(kiosk.locator("#keypad-error")).to_contain_text("校验")
    expect(kiosk.locator(DETAILS)).to_be_visible()
    assert total_waiting(hub) == 0
    # WHEN they correct the last character and confirm again (the same visit, the same key)
    kiosk.click('#keypad .k-key[data-action="delete"]')
    type_on_keypad(kiosk, "X")
    expect(kiosk.locator("#value-taxpayer_id")).to_have_text("110105 1949 1231 002X")
    kiosk.click("#details-confirm")
    # THEN a green-channel ticket is issued, with the green channel's own number
    expect(kiosk.locator(TICKET)).to_be_visible()
    expect(kiosk.locator("#ticket-number")).to_have_text("V001")
    expect(kiosk.locator("#ticket-green")).to_be_visible()
    assert waiting(hub, "registration") == 1


def test_the_language_switch_and_inactivity(
    browser: Browser, hub: HubProcess, tokens: Tokens
) -> None:
    # GIVEN a kiosk whose inactivity timeouts are 2 s (?idle=2)
    page = open_kiosk(browser, hub, tokens, query="?idle=2")
    try:
        # WHEN a taxpayer takes a ticket and walks away
        page.click(service(page, "filing"))
        page.click("#details-skip")
        expect(page.locator(TICKET)).to_be_visible()
        # THEN the kiosk goes back to the start screen by itself
        expect(page.locator(START)).to_be_visible(timeout=6000)
        # WHEN someone starts typing a phone number and walks away
        page.click("#green-toggle")
        page.click(service(page, "filing"))
        type_on_keypad(page, "138")
        # THEN the start screen is back, the entry and the options forgotten
        expect(page.locator(START)).to_be_visible(timeout=6000)
        expect(page.locator("#green-toggle")).to_have_attribute("aria-pressed", "false")
        expect(page.locator("#value-phone")).to_have_text("")
        # WHEN a taxpayer taps "English"
        page.click('.k-lang-option[lang="en"]')
        # THEN the kiosk speaks English
        expect(page.locator("#start-title")).to_have_text("Please choose your business")
        expect(page.locator(f"{service(page, 'filing')} .k-svc-name")).to_have_text("Tax filing")
        # AND after they leave, the next taxpayer finds it in Chinese again
        expect(page.locator("#start-title")).to_have_text("请选择办理的业务", timeout=8000)
    finally:
        page.context.close()


def test_screenshots(browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path) -> None:
    """Start, keypad, ticket and print-failure screens at both sizes, in both languages."""
    for service_code in ("filing", "filing", "invoice"):
        requests.post(
            f"{hub.url}/api/v1/tickets",
            json={"service": service_code},
            headers={"Authorization": f"Bearer {tokens.devices['kiosk-2']}"},
            timeout=5,
        ).raise_for_status()
    for name, viewport in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
        for language, locale in (("zh", "zh-CN"), ("en", "en-US")):
            page = open_kiosk(browser, hub, tokens, viewport=viewport, locale=locale)
            try:
                expect(page.locator("html")).to_have_attribute(
                    "lang", locale[:2] if language == "en" else locale
                )
                shoot_every_screen(page, screenshots, f"{name}-{language}")
            finally:
                page.context.close()


def shoot_every_screen(page: Page, screenshots: Path, suffix: str) -> None:
    page.screenshot(path=screenshots / f"kiosk-{suffix}.png")
    page.click("#green-toggle")
    page.screenshot(path=screenshots / f"kiosk-options-{suffix}.png")
    page.click(service(page, "filing"))
    expect(page.locator(DETAILS)).to_be_visible()
    page.screenshot(path=screenshots / f"kiosk-details-{suffix}.png")
    page.click('.k-field[data-field="taxpayer_id"]')
    type_on_keypad(page, "9131")
    page.click("#details-confirm")
    expect(page.locator("#keypad-error")).to_be_visible()
    page.screenshot(path=screenshots / f"kiosk-keypad-{suffix}.png")
    # (the second step fits its screen with the error shown: nothing under the footer)
    footer = page.locator(".k-footer").bounding_box()
    assert footer is not None
    for part in (
        "#keypad-error",
        "#screen-details .k-actions",
        '#keypad .k-key[data-action="clear"]',
    ):
        box = page.locator(part).bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= footer["y"] + 1, (part, box, footer)
    page.click('#keypad .k-key[data-action="clear"]')
    expect(page.locator("#details-confirm")).to_be_disabled()
    page.click("#details-skip")
    expect(page.locator(TICKET)).to_be_visible()
    wait_for(lambda: page.eval_on_selector("#ticket-qr", "img => img.complete"))
    page.screenshot(path=screenshots / f"kiosk-ticket-{suffix}.png")
    page.evaluate("window.hallqKiosk.showPrintState('failed')")
    page.screenshot(path=screenshots / f"kiosk-print-failed-{suffix}.png")


def test_an_enrolment_link_makes_one_kiosk_and_is_refused_to_a_second_browser(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN kiosk 2's one-time link, opened by the kiosk PC
    link = enrolment_url(hub.url, tokens, "kiosk-2", "/kiosk/kiosk-2")
    first = browser.new_context(viewport=PORTRAIT, locale="zh-CN", has_touch=True)
    second = browser.new_context(viewport=PORTRAIT, locale="zh-CN", has_touch=True)
    try:
        kiosk = first.new_page()
        kiosk.goto(link)
        expect(kiosk.locator(".k-svc")).to_have_count(5)
        # WHEN the same link is opened in another browser (copied from a chat, a history)
        other = second.new_page()
        answer = other.goto(link)
        # THEN it is refused, in Chinese, and that browser is no kiosk
        assert answer is not None
        assert answer.status == 403
        expect(other.locator("body")).to_contain_text("该设备注册链接已被其他浏览器使用")
        other.screenshot(path=str(screenshots / "enrol-used-zh.png"))
        other.goto(f"{hub.url}/kiosk/kiosk-2")
        expect(other.locator(".k-svc")).to_have_count(0)
        # … while the kiosk itself, restarted on the link, is still kiosk 2
        kiosk.goto(link)
        expect(kiosk.locator(".k-svc")).to_have_count(5)
    finally:
        first.close()
        second.close()
