"""The duty leader's console (/console) in Chromium against a real hub.

The leader logs in through the real form and works the console with the
mouse and keyboard; what the page shows is checked against what the hub says
over the API (``/api/v1/notices``, ``/api/v1/incidents``). Kiosk 1 issues the
tickets over the API, as a kiosk would.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.databases import DEMO_PASSWORD, Tokens
from tests.support.hub import HubProcess, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BIG = {"width": 1920, "height": 1080}
SMALL = {"width": 1366, "height": 768}
expect.set_options(timeout=10_000)


@pytest.fixture
def hub_env() -> dict[str, str]:
    # The offline banner after 2 s without the hub, so the outage part stays short.
    return {"HALLQ_OFFLINE_AFTER_S": "2"}


class Hub:
    """The hub seen from outside, with the template's bearer tokens."""

    def __init__(self, hub: HubProcess, tokens: Tokens) -> None:
        self.hub = hub
        self.tokens = tokens

    def headers(self, who: str) -> dict[str, str]:
        token = self.tokens.staff.get(who) or self.tokens.devices[who]
        return {"Authorization": f"Bearer {token}"}

    def get(self, path: str, who: str = "leader") -> Any:
        response = requests.get(f"{self.hub.url}{path}", headers=self.headers(who), timeout=5)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: Any, who: str) -> Any:
        response = requests.post(
            f"{self.hub.url}{path}", json=body, headers=self.headers(who), timeout=5
        )
        response.raise_for_status()
        return response.json()

    def notices(self) -> list[dict[str, Any]]:
        return list(self.get("/api/v1/notices")["items"])


@pytest.fixture
def hall(hub: HubProcess, tokens: Tokens) -> Hub:
    return Hub(hub, tokens)


def log_in(
    browser: Browser, hub: HubProcess, viewport: dict[str, int]
) -> tuple[BrowserContext, Page]:
    """The leader opens /console, is sent to the login form, logs in, lands on the console."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{hub.url}/console")
    expect(page).to_have_url(re.compile(r"/login\?next=/console"))
    page.keyboard.type("leader")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{hub.url}/console")
    ready(page)
    return context, page


def ready(page: Page) -> None:
    expect(page.locator("#link")).to_have_attribute("data-state", "online")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def english(context: BrowserContext, hub: HubProcess) -> Page:
    """The same console in English, in another tab of the leader's browser."""
    page = context.new_page()
    page.goto(f"{hub.url}/console?lang=en")
    ready(page)
    return page


def shoot(pages: dict[str, Page], screenshots: Path, name: str) -> None:
    """``<name>-zh.png``/``-en.png`` at 1920×1080, then ``…-1366.png`` at 1366×768."""
    for size, suffix in ((BIG, ""), (SMALL, "-1366")):
        for language, page in pages.items():
            page.set_viewport_size(size)
            page.screenshot(path=str(screenshots / f"{name}-{language}{suffix}.png"))
    for page in pages.values():
        page.set_viewport_size(BIG)


def test_the_leader_declares_handles_and_ends_a_back_office_outage(
    browser: Browser, hub: HubProcess, hall: Hub, screenshots: Path
) -> None:
    # GIVEN a hall running normally, a few taxpayers waiting, and the leader at the console
    for service in ("filing", "filing", "invoice", "registration"):
        hall.post("/api/v1/tickets", {"service": service}, "kiosk-1")
    hall.post("/api/v1/windows/3/open", None, "window3")
    hall.post("/api/v1/windows/3/call-next", None, "window3")
    context, page = log_in(browser, hub, BIG)
    page_en = english(context, hub)
    both = {"zh": page, "en": page_en}
    try:
        expect(page.locator("#mode")).to_have_attribute("data-mode", "normal")
        expect(page.locator("#mode-text")).to_have_text("正常")
        expect(page_en.locator("#mode-text")).to_have_text("Normal")
        expect(page.locator('#services tr[data-service="filing"] .waiting')).to_have_text("2")
        expect(page.locator('#windows li[data-window="3"] .window__current')).to_have_text("B001")
        # (none of the demo's screens and printers has connected yet: the console says so,
        # rather than that every device works)
        expect(page.locator("#devices-summary")).to_have_text(re.compile(r"^\d+ 台从未连接$"))
        shoot(both, screenshots, "console-normal")
        # … and the English console names devices and the emergency window in English
        expect(
            page_en.locator('#devices li[data-device="printer-kiosk-1"] .device__name')
        ).to_have_text("Kiosk 1 printer")
        expect(page_en.locator('#windows li[data-window="8"] .window__name')).to_contain_text(
            "Emergency window"
        )
        expect(page.locator('#windows li[data-window="8"] .window__name')).to_contain_text(
            "应急专窗"
        )

        # WHEN the leader opens the form and declares without choosing a type
        page.locator("#tab-incidents").click()
        page.get_by_role("button", name="登记突发事件").click()
        form = page.locator("#declare")
        expect(form).to_be_visible()
        form.get_by_role("button", name="登记并发布").click()
        # THEN the hub refuses, and its own words say what is missing
        expect(page.locator("#message")).to_have_attribute("data-kind", "error")
        expect(page.locator("#message")).to_contain_text("kind")
        assert hall.get("/api/v1/incidents")["items"] == []

        # WHEN the back-office outage is declared properly
        form.get_by_text("应用系统问题").click()
        form.get_by_text("核心征管系统", exact=True).click()
        # (the back-office down makes it an outage, and today's taxpayers are to be texted)
        expect(form.locator('input[name="mode"][value="outage"]')).to_be_checked()
        expect(form.locator('input[name="notify_sms"]')).to_be_checked()
        form.get_by_label("预计恢复时间").fill("11:30")
        form.get_by_label("事件描述").fill("核心征管系统无法登录，窗口无法受理涉税业务")
        form.get_by_role("button", name="登记并发布").click()

        # THEN the hall is in outage on the console, in both languages, with its notice
        expect(page.locator("#mode")).to_have_attribute("data-mode", "outage")
        expect(page.locator("#mode-text")).to_have_text("系统故障")
        expect(page_en.locator("#mode-text")).to_have_text("System outage")
        detail = page.locator("#incident")
        expect(detail).to_be_visible()
        expect(page.locator("#incident-title")).to_contain_text("应用系统问题")
        notices = wait_for(hall.notices, message="the outage notice on GET /api/v1/notices")
        incident = hall.get("/api/v1/incidents")["items"][0]
        assert notices[0]["incident"] == incident["id"]
        assert "核心征管系统" in notices[0]["text_zh"]
        expect(page.locator('#notice-edit textarea[name="text_zh"]')).to_have_value(
            notices[0]["text_zh"]
        )
        expect(page.locator(f'#alerts [data-incident="{incident["id"]}"]')).to_contain_text(
            "预计恢复：11:30"
        )
        # AND the services affected by the back-office route as the hub says
        expect(page.locator('#services tr[data-service="filing"] .route')).to_have_text("应急专窗")
        expect(page_en.locator('#services tr[data-service="invoice"] .route')).to_have_text(
            "Self-service area"
        )
        # AND the console warns that the emergency window they are sent to is not open
        closed = page.locator("#alerts [data-emergency-closed]")
        expect(closed).to_contain_text("8号窗口")
        page.locator("#tab-hall").click()
        shoot(both, screenshots, "console-outage")
        hall.post("/api/v1/windows/8/open", None, "window8")
        expect(closed).to_have_count(0)
        page.locator("#tab-incidents").click()
        expect(detail).to_be_visible()
        page.screenshot(path=str(screenshots / "console-incident-zh.png"))

        # WHEN the leader adds a handling step
        steps = page.locator("#step-add")
        steps.get_by_label("新的处置过程").fill("启用8号应急专窗，引导纳税人到自助办税区")
        steps.get_by_role("button", name="添加处置过程").click()
        # THEN it is listed with its time and the leader's name
        expect(page.locator("#incident-steps")).to_contain_text("启用8号应急专窗")
        expect(page.locator("#incident-steps li").last).to_contain_text("leader")

        # WHEN the leader rewrites the notice
        notice_zh = "【系统故障公告】核心征管系统暂停服务，申报业务请到8号应急专窗登记。"
        page.locator('#notice-edit textarea[name="text_zh"]').fill(notice_zh)
        page.locator("#notice-edit").get_by_role("button", name="保存公告").click()
        # THEN every screen has the new text
        expect(page.locator("#message")).to_contain_text("公告已保存")
        wait_for(lambda: hall.notices()[0]["text_zh"] == notice_zh, message="the edited notice")

        # WHEN the leader ends the incident with its result, and confirms
        page.locator("#end").get_by_label("处置结果").fill("核心征管系统恢复，已安排补录")
        page.locator("#end").get_by_role("button", name="结束事件").click()
        expect(page.locator("#confirm")).to_be_visible()
        page.locator("#confirm-yes").click()

        # THEN the hall is back to normal, the notice is down, and the incident is on record
        expect(page.locator("#mode-text")).to_have_text("正常")
        expect(page_en.locator("#mode-text")).to_have_text("Normal")
        wait_for(lambda: hall.notices() == [], message="the notice taken down")
        item = page.locator(f'#incident-list a[data-incident="{incident["id"]}"]')
        expect(item).to_have_attribute("data-open", "false")
        expect(item.locator(".incident-item__when")).to_have_text(
            re.compile(r"\d\d:\d\d – .*\d\d:\d\d")
        )
        expect(page.locator("#incident-state")).to_have_text("已结束")
        expect(page.locator("#incident-result-text")).to_have_text("核心征管系统恢复，已安排补录")
        expect(page.locator("#incident-steps")).to_contain_text("启用8号应急专窗")
        expect(page.locator("#incident-facts")).to_contain_text("结束时间")
        expect(page.locator("#alerts [data-incident]")).to_have_count(0)
    finally:
        context.close()


def test_device_failures_load_relief_follow_ups_and_a_lost_hub_reach_the_console(
    browser: Browser, hub: HubProcess, hall: Hub, screenshots: Path
) -> None:
    # GIVEN the leader at the console on a 1366×768 monitor
    context, page = log_in(browser, hub, SMALL)
    try:
        printer = page.locator('#devices li[data-device="printer-kiosk-1"]')
        expect(printer).not_to_have_attribute("data-health", "failed")

        # WHEN an equipment incident is declared for kiosk 1's printer
        hall.post(
            "/api/v1/incidents",
            {"kind": "equipment", "mode": "degraded", "devices": ["printer-kiosk-1"]},
            "leader",
        )
        # THEN the printer is flagged with its incident, and the hall runs degraded
        expect(printer).to_have_attribute("data-health", "failed")
        expect(printer).to_contain_text("已登记故障")
        expect(page.locator("#mode-text")).to_have_text("降级运行")
        expect(page.locator("#alerts [data-incident]")).to_contain_text("1号取号机打印机")

        # WHEN 26 taxpayers take a filing ticket (the demo's filing threshold is 25)
        relief = page.locator('#alerts [data-relief="filing"]')
        for _ in range(26):
            hall.post("/api/v1/tickets", {"service": "filing"}, "kiosk-1")
        # THEN the console suggests a dedicated window, in the alerts and the queue table
        expect(relief).to_contain_text("纳税申报：等候 26 人")
        expect(relief).to_contain_text("建议开设专窗")
        expect(page.locator('#services tr[data-service="filing"] .load')).to_have_text(
            "建议开设专窗"
        )
        expect(page.locator('#alerts [data-relief="invoice"]')).to_have_count(0)

        # WHEN the guide desk records a question to answer later
        hall.post(
            "/api/v1/follow-ups",
            {
                "question": "季度销售额未超过30万元是否免征增值税？",
                "reason": "policy_unclear",
                "contact_name": "李女士",
                "phone": "13912345678",
            },
            "guide",
        )
        # THEN the follow-up ledger shows it (phone masked), and the leader answers it
        expect(page.locator("#count-paperwork")).to_have_text("1")
        page.locator("#tab-paperwork").click()
        question = page.locator("#followups li").first
        expect(question).to_contain_text("139****5678")
        question.get_by_label("答复内容").fill("符合条件的小规模纳税人可享受免征政策。")
        question.get_by_role("button", name="答复并短信告知").click()
        expect(page.locator("#followups-none")).to_be_visible()
        expect(page.locator("#followups-daily tr").first.locator("td").nth(2)).to_have_text("1")
        assert hall.get("/api/v1/follow-ups?state=open")["items"] == []
        page.locator("#tab-hall").click()

        # WHEN the hub goes away
        hub.stop()
        # THEN the console says so, and keeps the hall as it last was
        expect(page.locator("#offline")).to_be_visible()
        expect(page.locator("#link")).to_have_attribute("data-state", "offline")
        expect(page.locator("#mode-label")).to_have_text("中断前运行状态")
        expect(relief).to_be_visible()
        expect(printer).to_have_attribute("data-health", "failed")
        page.screenshot(path=str(screenshots / "console-offline-zh-1366.png"))

        # WHEN the hub is back
        hub.start()
        # THEN the console recovers by itself, up to date, without a reload
        expect(page.locator("#offline")).to_be_hidden(timeout=20_000)
        expect(page.locator("#link")).to_have_attribute("data-state", "online")
        expect(page.locator("#mode-label")).to_have_text("大厅运行状态")
        expect(relief).to_contain_text("等候 26 人")
        assert page.evaluate("window.hallqClient.resyncs") >= 2
    finally:
        context.close()


def test_the_console_asks_for_the_duty_leader_nobody_named(
    browser: Browser, hub: HubProcess, hall: Hub, screenshots: Path
) -> None:
    # GIVEN an incident opened before any leader logged in today, with no roster
    created = hall.post("/api/v1/incidents", {"kind": "other", "description": "大厅漏水"}, "leader")
    assert hall.get(f"/api/v1/incidents/{created['incident']}")["duty_leader"] == ""
    # WHEN the leader opens it at the console
    context, page = log_in(browser, hub, BIG)
    try:
        page.goto(f"{hub.url}/console#incidents/{created['incident']}")
        ready(page)
        # THEN the console asks who the duty leader is
        ask = page.locator("#leader-ask")
        expect(ask).to_be_visible()
        expect(ask).to_contain_text("请填写值班领导")
        page.screenshot(path=str(screenshots / "console-ask-duty-leader-zh.png"))
        # WHEN the leader answers THEN it is recorded (the ledger's 值班领导) and the question goes
        ask.locator('input[name="duty_leader"]').fill("王五")
        ask.get_by_role("button", name="登记值班领导").click()
        expect(ask).to_be_hidden()
        assert hall.get(f"/api/v1/incidents/{created['incident']}")["duty_leader"] == "王五"
    finally:
        context.close()
