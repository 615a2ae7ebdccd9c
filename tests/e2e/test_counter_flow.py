"""The window terminal (/counter/<n>) in Chromium, driven by the keyboard, against a real hub.

Tickets come from kiosk 1 over the HTTP API; staff log in through the real
login form. What the page shows is checked against what the hub says
(``GET /api/v1/windows/<n>``, ``GET /api/v1/queue``). The helpers here are
shared with the guide desk and offline tests.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, expect

from tests.support.databases import DEMO_PASSWORD, Tokens
from tests.support.hub import HubProcess

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COUNTER_SCREEN = {"width": 1366, "height": 768}
ACTIONS = ("call-next", "recall", "no-show", "start", "finish", "transfer", "pause", "open")
expect.set_options(timeout=10_000)


class Hall:
    """The hub seen from outside: kiosk 1 issues, staff tokens read windows and the queue."""

    def __init__(self, hub: HubProcess, tokens: Tokens) -> None:
        self.hub = hub
        self.tokens = tokens

    def headers(self, who: str) -> dict[str, str]:
        token = self.tokens.staff.get(who) or self.tokens.devices[who]
        return {"Authorization": f"Bearer {token}"}

    def issue(self, service: str, **body: Any) -> str:
        """A kiosk ticket; its number."""
        response = requests.post(
            f"{self.hub.url}/api/v1/tickets",
            json={"service": service, **body},
            headers=self.headers("kiosk-1"),
            timeout=5,
        )
        response.raise_for_status()
        return str(response.json()["number"])

    def window(self, n: int, action: str, *, who: str | None = None, **body: Any) -> Any:
        """A window action over the API (by window<n>'s clerk unless `who` says)."""
        response = requests.post(
            f"{self.hub.url}/api/v1/windows/{n}/{action}",
            json=body or None,
            headers=self.headers(who or f"window{n}"),
            timeout=5,
        )
        response.raise_for_status()
        return response.json() if response.status_code == 200 else None

    def detail(self, n: int) -> dict[str, Any]:
        """The window and its current ticket, as its counter reads them."""
        response = requests.get(
            f"{self.hub.url}/api/v1/windows/{n}", headers=self.headers("leader"), timeout=5
        )
        response.raise_for_status()
        return dict(response.json())

    def waiting(self, service: str) -> int:
        """How many wait for `service`."""
        queue = requests.get(f"{self.hub.url}/api/v1/queue", timeout=5).json()
        return int(next(item["waiting"] for item in queue["services"] if item["code"] == service))


@pytest.fixture
def hall(hub: HubProcess, tokens: Tokens) -> Hall:
    return Hall(hub, tokens)


def staff_context(browser: Browser, locale: str = "zh-CN") -> BrowserContext:
    """A fresh browser profile at the counter PC's screen size, its clock on UTC (not the
    hall's Asia/Shanghai: the screens must show hall time whatever the PC is set to)."""
    return browser.new_context(viewport=COUNTER_SCREEN, locale=locale, timezone_id="UTC")


def log_in(context: BrowserContext, hub: HubProcess, user: str, path: str) -> Page:
    """Open `path`, get sent to the login form, log in with the keyboard, land on `path`."""
    page = context.new_page()
    page.goto(f"{hub.url}{path}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.keyboard.type(user)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{hub.url}{path}")
    expect(page.locator("#link")).to_have_attribute("data-state", "online")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def open_also(context: BrowserContext, hub: HubProcess, path: str) -> Page:
    """The same screen, logged in as the same person, in a profile of its own (``?lang=en``):
    a second tab of `context` would be a background tab, whose animation frames Chromium
    holds back (every click on the first would wait 2 s to be "stable")."""
    assert context.browser is not None
    other = context.browser.new_context(
        viewport=COUNTER_SCREEN,
        locale="zh-CN",
        timezone_id="UTC",
        storage_state=context.storage_state(),
    )
    page = other.new_page()
    page.goto(f"{hub.url}{path}")
    expect(page.locator("#link")).to_have_attribute("data-state", "online")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def action(page: Page, name: str) -> Any:
    """The action bar's button for `name`."""
    return page.locator(f'.actions button[data-action="{name}"]')


def expect_enabled(page: Page, *enabled: str) -> None:
    """Exactly these action buttons are enabled; the others are greyed out."""
    for name in ACTIONS:
        if name in enabled:
            expect(action(page, name)).to_be_enabled()
        else:
            expect(action(page, name)).to_be_disabled()


# The counter's function keys and the actions they press (KEYS in counter.js).
KEY_ACTIONS = {
    "F1": "call-next",
    "F2": "recall",
    "F3": "no-show",
    "F4": "start",
    "F5": "finish",
    "F6": "transfer",
    "F7": "pause",
    "F8": "call",
    "F9": "open",
}


def press(page: Page, key: str) -> None:
    """Press a function key as a clerk would: once the counter has finished the last
    command, and once the last press of the same key has been taken (its button's light
    is out) — the same key again sooner is a double press, which the counter ignores on
    purpose; another key is not."""
    expect(page.locator("body[data-busy]")).to_have_count(0)
    action = KEY_ACTIONS.get(key)
    lit = f'[data-action="{action}"].pressed' if action else ".actions button.pressed"
    expect(page.locator(lit)).to_have_count(0)
    page.keyboard.press(key)


def shoot(pages: dict[str, Page], screenshots: Path, name: str) -> None:
    """Screenshots of the same state in each language: ``<name>-zh.png``, ``<name>-en.png``."""
    for language, page in pages.items():
        page.screenshot(path=str(screenshots / f"{name}-{language}.png"))


def test_a_clerk_serves_a_day_with_the_keyboard_only(
    browser: Browser, hub: HubProcess, hall: Hall, screenshots: Path
) -> None:
    # GIVEN four filing tickets (window 3 serves invoices and filing) and window 3's clerk
    for _ in range(4):
        hall.issue("filing")
    context = staff_context(browser)
    page = log_in(context, hub, "window3", "/counter/3")
    english = open_also(context, hub, "/counter/3?lang=en")
    both = {"zh": page, "en": english}
    try:
        # THEN the closed window offers Open only, already focused
        expect(page.locator("#open-big")).to_be_focused()
        expect_enabled(page, "open")
        # Headless Chromium does not reload on a synthetic F5 in any case, so what is
        # checked is that the page cancels the browser's meaning of its keys.
        page.evaluate(
            """() => window.addEventListener("keydown", (event) => {
                 if (event.key === "F5") window.f5Cancelled = event.defaultPrevented; })"""
        )

        # WHEN F9: the window opens; calling, pausing and closing become possible
        press(page, "F9")
        expect(page.locator("#window-state")).to_have_attribute("data-state", "open")
        expect_enabled(page, "call-next", "pause", "open")
        expect(english.locator("#window-state")).to_have_attribute("data-state", "open")
        shoot(both, screenshots, "counter-idle")

        # WHEN F1: C001 is called; only recall and start make sense now
        press(page, "F1")
        expect(page.locator("#ticket-number")).to_have_text("C001")
        expect(page.locator("#ticket")).to_have_attribute("data-state", "called")
        expect_enabled(page, "recall", "start", "pause")
        expect(english.locator("#ticket-number")).to_have_text("C001")
        # … issued at HH:MM on the hall's clock, not the PC's (this browser runs on UTC)
        issued = datetime.fromisoformat(hall.detail(3)["ticket"]["issued_at"])
        expect(page.locator("#ticket-issued")).to_have_text(f"{issued.astimezone(SHANGHAI):%H:%M}")
        shoot(both, screenshots, "counter-calling")

        # WHEN F2 twice: two recalls, and only then may the ticket be a no-show
        press(page, "F2")
        expect(page.locator("#ticket-recalls")).to_contain_text("1/2")
        press(page, "F2")
        expect(page.locator("#ticket-recalls")).to_contain_text("2/2")
        expect_enabled(page, "recall", "no-show", "start", "pause")
        assert hall.detail(3)["ticket"]["recalls"] == 2

        # WHEN F4: service starts; finish and transfer become possible
        press(page, "F4")
        expect(page.locator("#ticket")).to_have_attribute("data-state", "serving")
        expect_enabled(page, "finish", "transfer", "pause")
        expect(english.locator("#ticket")).to_have_attribute("data-state", "serving")
        shoot(both, screenshots, "counter-serving")

        # WHEN F5: done — and the browser was told not to reload
        press(page, "F5")
        expect(page.locator("#ticket")).to_be_hidden()
        expect_enabled(page, "call-next", "pause", "open")
        assert page.evaluate("window.f5Cancelled") is True
        assert hall.detail(3)["ticket"] is None

        # WHEN C002 is called, started, and F6 → "A" → Enter transfers it to registration
        press(page, "F1")
        expect(page.locator("#ticket-number")).to_have_text("C002")
        press(page, "F4")
        expect(page.locator("#ticket")).to_have_attribute("data-state", "serving")
        press(page, "F6")
        dialog = page.locator("#transfer-dialog")
        expect(dialog).to_be_visible()
        page.keyboard.press("a")
        expect(dialog.locator('input[value="service:registration"]')).to_be_checked()
        # … no open window serves registration: its choice says so, and Enter warns first
        unserved = dialog.locator('label[data-state="unserved"]')
        expect(unserved).to_have_count(4)  # registration, social insurance, consultation, emergency
        expect(unserved.first).to_contain_text("税务登记")
        expect(unserved.first).to_contain_text("暂无开放窗口办理")
        page.keyboard.press("Enter")
        expect(page.locator("#transfer-error")).to_contain_text(
            "目前没有开放的窗口办理税务登记：C002 要等到有窗口开放才会被叫到"
        )
        expect(dialog).to_be_visible()
        assert hall.detail(3)["ticket"]["number"] == "C002"
        # … and a second Enter transfers anyway
        page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        expect(page.locator("#message")).to_contain_text("C002 已转至税务登记")
        # THEN C002 waits again, for registration, keeping its number
        assert hall.waiting("registration") == 1
        assert hall.detail(3)["ticket"] is None

        # WHEN C003 is called and F3 pressed before any recall: refused, and it says why
        press(page, "F1")
        expect(page.locator("#ticket-number")).to_have_text("C003")
        press(page, "F3")
        expect(page.locator("#message")).to_have_attribute("data-kind", "warn")
        expect(page.locator("#message")).to_contain_text("重呼 C003 2 次")
        assert hall.detail(3)["ticket"]["state"] == "called"
        # WHEN recalled twice, F3 marks it as a no-show
        press(page, "F2")
        expect(page.locator("#ticket-recalls")).to_contain_text("1/2")
        press(page, "F2")
        expect(action(page, "no-show")).to_be_enabled()
        press(page, "F3")
        expect(page.locator("#ticket")).to_be_hidden()
        expect(page.locator("#message")).to_contain_text("C003 已过号")

        # WHEN F8, "c4", Enter: the specific number C004 is called
        press(page, "F8")
        expect(page.locator("#call-number")).to_be_focused()
        page.keyboard.type("c4")
        page.keyboard.press("Enter")
        expect(page.locator("#ticket-number")).to_have_text("C004")
        assert hall.detail(3)["ticket"]["number"] == "C004"

        # THEN this computer's list has every call, recall and no-show, newest first
        calls = page.locator("#calls .calls__number").all_inner_texts()
        kinds = page.locator("#calls .calls__kind").all_inner_texts()
        assert list(zip(calls, kinds, strict=True))[:4] == [
            ("C004", "已叫号"),
            ("C003", "标记过号"),
            ("C003", "重呼"),
            ("C003", "重呼"),
        ]

        # WHEN C004 is started and F6 → "5" → Enter sends it to window 5
        press(page, "F4")
        expect(page.locator("#ticket")).to_have_attribute("data-state", "serving")
        press(page, "F6")
        # (every choice is read whole, the emergency window's name too)
        expect(dialog.locator('label:has(input[value="window:8"])')).to_contain_text(
            "8号窗口 · 应急专窗"
        )
        cut = dialog.locator(".choice__label, .choice__extra").evaluate_all(
            "items => items.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent)"
        )
        assert cut == []
        page.keyboard.press("5")
        expect(dialog.locator('input[value="window:5"]')).to_be_checked()
        page.keyboard.press("Enter")
        expect(page.locator("#message")).to_contain_text("C004 已转至5号窗口")
        expect(page.locator("#ticket")).to_be_hidden()
        # … and the list says so
        expect(page.locator("#calls .calls__item").first).to_contain_text("C004")
        expect(page.locator("#calls .calls__item").first).to_contain_text("已转移")

        # WHEN F7: paused — no calls, and F1 says why; F7 again resumes
        press(page, "F7")
        expect(page.locator("#window-state")).to_have_attribute("data-state", "paused")
        expect_enabled(page, "pause", "open")
        press(page, "F1")
        expect(page.locator("#message")).to_contain_text("窗口已暂停")
        press(page, "F7")
        expect(page.locator("#window-state")).to_have_attribute("data-state", "open")

        # WHEN F9 asks to close: Escape keeps the window open, Enter closes it
        press(page, "F9")
        close = page.locator("#close-dialog")
        expect(close).to_be_visible()
        page.keyboard.press("Escape")
        expect(close).to_be_hidden()
        assert hall.detail(3)["state"] == "open"
        press(page, "F9")
        expect(close).to_be_visible()
        page.keyboard.press("Enter")
        expect(page.locator("#window-state")).to_have_attribute("data-state", "closed")
        expect_enabled(page, "open")
        assert hall.detail(3)["state"] == "closed"
    finally:
        context.close()
        english.context.close()


def test_a_double_press_calls_one_ticket_and_refusals_are_explained(
    browser: Browser, hub: HubProcess, hall: Hall
) -> None:
    # GIVEN one filing ticket and window 3 open on its counter, in English
    hall.issue("filing")
    context = staff_context(browser, locale="en-US")
    page = log_in(context, hub, "window3", "/counter/3")
    try:
        press(page, "F9")
        expect(page.locator("#window-state")).to_have_attribute("data-state", "open")
        commands: list[Request] = []
        page.on(
            "request",
            lambda request: commands.append(request) if request.method == "POST" else None,
        )
        # WHEN the clerk's finger bounces on F1 (two key-downs in the same instant) …
        page.evaluate(
            """() => { for (let i = 0; i < 2; i++)
                 document.dispatchEvent(new KeyboardEvent("keydown", {key: "F1", bubbles: true})); }"""
        )
        # … and presses it twice more, as fast as the keyboard goes
        page.keyboard.press("F1")
        page.keyboard.press("F1")
        expect(page.locator("#ticket-number")).to_have_text("C001")
        # THEN one ticket left the queue, by one command that carried an idempotency key
        assert hall.waiting("filing") == 0
        assert hall.detail(3)["ticket"]["number"] == "C001"
        calls = [request for request in commands if request.url.endswith("/call-next")]
        assert len(calls) == 1
        assert calls[0].headers.get("idempotency-key")

        # WHEN C001 is served, and F1 pressed with nobody left
        press(page, "F4")
        expect(page.locator("#ticket")).to_have_attribute("data-state", "serving")
        press(page, "F5")
        expect(page.locator("#ticket")).to_be_hidden()
        press(page, "F1")
        # THEN the counter says so
        expect(page.locator("#message")).to_contain_text("Nobody is waiting")
        # WHEN F8 calls a number nobody has
        press(page, "F8")
        page.keyboard.type("C999")
        page.keyboard.press("Enter")
        # THEN the hub's reason is shown, in the page's language
        expect(page.locator("#message")).to_have_attribute("data-kind", "error")
        expect(page.locator("#message")).to_contain_text("No ticket C999 today")
        assert hall.detail(3)["ticket"] is None
        # … and every command carried its own key
        keys = [request.headers.get("idempotency-key") for request in commands]
        assert all(keys)
        assert len(set(keys)) == len(keys)
    finally:
        context.close()


def test_another_clerk_cannot_act_on_a_window_they_did_not_open(
    browser: Browser, hub: HubProcess, hall: Hall
) -> None:
    # GIVEN window 3 opened by its clerk, and a ticket waiting
    hall.window(3, "open")
    hall.issue("filing")
    # WHEN window 4's clerk opens window 3's counter page
    context = staff_context(browser)
    page = log_in(context, hub, "window4", "/counter/3")
    try:
        # THEN it says whose window it is, and every action is greyed out
        expect(page.locator("#notice")).to_contain_text("window3")
        expect_enabled(page)
        # WHEN they press F1 anyway: the reason is shown, nothing is called
        press(page, "F1")
        expect(page.locator("#message")).to_contain_text("3号窗口已由 window3 开启")
        assert hall.waiting("filing") == 1

        # WHEN the page believed the window were theirs (a stale view), the hub refuses,
        # and the hub's own message is shown
        def pretend_mine(route: Route) -> None:
            answer = route.fetch()
            body = answer.json() | {"staff": "window4"}
            route.fulfill(response=answer, body=json.dumps(body))

        page.route("**/api/v1/windows/3", pretend_mine)
        page.evaluate("window.hallqClient.resync()")
        expect(action(page, "call-next")).to_be_enabled()
        press(page, "F1")
        expect(page.locator("#message")).to_have_attribute("data-kind", "error")
        expect(page.locator("#message")).to_contain_text("不是您开启的")
        assert hall.waiting("filing") == 1
        assert hall.detail(3)["ticket"] is None
    finally:
        page.unroute_all(behavior="ignoreErrors")
        context.close()
