"""好差评 (issue 11) in Chromium against a real hub.

On the rating pad at window 3 (a 1280×800 tablet): the window finishes C001, the pad asks
for a rating within 2 s, the taxpayer taps 不满意, picks 等候太久, leaves a number for the
call-back and submits; a second pad showing the same service (in English) goes back to
idle by itself. On a phone (390×844): another ticket's status page turns into its rating
once window 4 finishes it, the clerk hands the rating back to the pad once (not twice),
and the taxpayer rates 非常满意 on the phone.
"""

from __future__ import annotations

import base64
import io
import re
import time
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, expect

from tests.e2e.test_admin_flow import BIG
from tests.e2e.test_admin_flow import log_in as log_in_at
from tests.e2e.test_console_flow import Hub
from tests.e2e.test_counter_flow import log_in, staff_context
from tests.e2e.test_display_calls import WINDOW_LED, open_screen
from tests.e2e.test_status_page import phone
from tests.support.databases import DEMO_PASSWORD, Tokens
from tests.support.hub import HubProcess, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABLET = {"width": 1280, "height": 800}


def portrait() -> str:
    """A drawn head and shoulders, as a PNG data URL: the clerk's photo."""
    image = Image.new("RGB", (160, 200), "#cfe3f5")
    draw = ImageDraw.Draw(image)
    draw.ellipse((45, 35, 115, 115), fill="#f1c9a5")
    draw.rounded_rectangle((20, 125, 140, 230), radius=40, fill="#1d3c6e")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_window_3_finishes_c001_and_the_pad_takes_a_bad_rating_with_its_reason(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    hall = Hub(hub, tokens)
    # GIVEN window 3's clerk, 张三, staff number 0103, with a photo
    account = {"name": "张三", "number": "0103", "role": "staff"}
    for path, body in (("", account), ("/photo", {"image": portrait()})):
        requests.put(
            f"{hub.url}/api/v1/admin/staff/window3{path}",
            json=body,
            headers=hall.headers("admin"),
            timeout=5,
        ).raise_for_status()
    # AND the hall shows the clerk on the window displays
    ratings = requests.get(f"{hub.url}/api/v1/admin/hall", headers=hall.headers("admin"), timeout=5)
    requests.put(
        f"{hub.url}/api/v1/admin/hall/ratings",
        json={**ratings.json()["hall"]["ratings"], "window_display_clerk": True},
        headers=hall.headers("admin"),
        timeout=5,
    ).raise_for_status()
    # GIVEN window 3's rating pad, idle, and a second one showing it in English
    led = open_screen(browser, hub, tokens, "window-display-3", "/display/window/3", WINDOW_LED)
    pad = open_screen(browser, hub, tokens, "rating-pad-3", "/display/rate/3", TABLET)
    english = open_screen(browser, hub, tokens, "rating-pad-3", "/display/rate/3", TABLET, "en")
    try:
        expect(pad.locator("#idle")).to_be_visible()
        # AND C001 being served at window 3
        ticket = hall.post("/api/v1/tickets", {"service": "filing"}, "kiosk-1")
        for action in ("open", "call-next", "start"):
            hall.post(f"/api/v1/windows/3/{action}", None, "window3")
        expect(pad.locator("#clerk-name")).to_have_text("张三")
        expect(pad.locator("#clerk-number")).to_have_text("工号 0103")
        wait_for(lambda: pad.eval_on_selector("#clerk-photo img", "img => img.naturalWidth > 0"))
        pad.screenshot(path=str(screenshots / "rating-pad-idle-zh.png"))
        # WHEN the window finishes it
        finished_at = time.monotonic()
        hall.post("/api/v1/windows/3/finish", None, "window3")
        # THEN the pad asks for a rating of C001 within 2 s
        expect(pad.locator("#ask")).to_be_visible(timeout=2_000)
        assert time.monotonic() - finished_at < 2
        expect(pad.locator("#ticket")).to_have_text("号码 C001")
        expect(pad.locator('.rlevel[data-level="5"]')).to_contain_text("非常满意")
        expect(english.locator("#ask")).to_be_visible()
        pad.screenshot(path=str(screenshots / "rating-pad-ask-zh.png"))
        english.screenshot(path=str(screenshots / "rating-pad-ask-en.png"))
        # WHEN the taxpayer taps 不满意: the pad asks why
        pad.locator('.rlevel[data-level="2"]').click()
        expect(pad.locator("#why")).to_be_visible()
        expect(pad.locator(".rreason")).to_have_count(6)
        # AND submitting without a reason is refused, saying so
        pad.locator("#submit").click()
        expect(pad.locator("#error")).to_have_text("请选择您不满意的原因。")
        # WHEN the taxpayer picks 等候太久, types a number on the keys and submits
        pad.locator('.rreason[data-reason="waiting"]').click()
        expect(pad.locator('.rreason[data-reason="waiting"]')).to_have_attribute(
            "aria-pressed", "true"
        )
        for digit in "13800138000":
            pad.locator(f'.rkey[data-key="{digit}"]').click()
        expect(pad.locator("#phone")).to_have_text("138 0013 8000")
        pad.screenshot(path=str(screenshots / "rating-pad-why-zh.png"))
        pad.locator("#submit").click()
        # THEN the pad thanks them, and the rating is the hub's: 不满意, 等候太久, by the pad
        expect(pad.locator("#thanks-bad")).to_be_visible()
        pad.screenshot(path=str(screenshots / "rating-pad-thanks-zh.png"))
        [part] = requests.get(
            f"{hub.url}/api/v1/tickets/{ticket['token']}/rating", timeout=5
        ).json()["parts"]
        assert (part["level"], part["reasons"], part["channel"]) == (2, ["waiting"], "pad")
        # AND the window display above shows 张三 with this month's stars
        expect(led.locator("#clerk")).to_be_visible()
        expect(led.locator("#clerk")).to_contain_text("张三")
        expect(led.locator("#clerk-stars")).to_have_text("本月 ★★☆☆☆ 2.0")
        led.screenshot(path=str(screenshots / "window-display-clerk-zh.png"))
        # AND the English pad, which showed the same service, goes back to idle by itself
        expect(english.locator("#idle")).to_be_visible()
        expect(english.locator("#idle")).to_contain_text("please rate our service here")
        # WHEN the duty leader opens the service ratings page
        console = browser.new_context(viewport=BIG, locale="zh-CN").new_page()
        log_in_at(console, hub, "/console/ratings", "leader", DEMO_PASSWORD)
        expect(console.locator("body")).to_have_attribute("data-ready", "true")  # tabs wired
        # THEN today's 差评 is there with its reason, and its work order
        expect(console.locator('#bad-rows tr[data-number="C001"]')).to_contain_text("等候太久")
        expect(console.locator("#today-bad")).to_have_text("1")
        console.screenshot(path=str(screenshots / "ratings-console-today-zh.png"))
        console.locator("#tab-orders").click()
        order = console.locator('.order[data-number="C001"]')
        expect(order).to_contain_text("回访电话：13800138000")
        # WHEN the leader records the call-back, then the fix, and closes it
        order.locator('[data-form="call-back"] textarea[name="said"]').fill(
            "纳税人反映等候超过一小时"
        )
        order.locator('[data-form="call-back"] button').click()
        expect(console.locator("#message")).to_have_text("回访已记录。")
        order = console.locator('.order[data-number="C001"]')
        expect(order).to_contain_text("纳税人反映等候超过一小时")
        close = order.locator('[data-form="close"]')
        close.locator('textarea[name="cause"]').fill("申报期高峰窗口不足")
        close.locator('textarea[name="fix"]').fill("申报期增开两个弹性窗口")
        close.locator('textarea[name="result"]').fill("纳税人表示认可")
        close.locator("button").click()
        expect(console.locator("#message")).to_have_text("工单已办结。")
        expect(console.locator('.order[data-number="C001"]')).to_have_class(
            re.compile("order--closed")
        )
        console.screenshot(path=str(screenshots / "ratings-console-orders-zh.png"), full_page=True)
        # AND the bureau's XLSX holds it: the row, the reason, the call-back and the fix
        console.locator("#tab-figures").click()
        console.locator("#figures-form button[type=submit]").click()
        expect(console.locator('#figures-rows tr[data-key="window3"]')).to_contain_text("100.0%")
        console.screenshot(path=str(screenshots / "ratings-console-figures-zh.png"))
        with console.expect_download() as download:
            console.locator("#figures-xlsx").click()
        book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        detail = [list(row) for row in book["评价明细"].iter_rows(min_row=3, values_only=True)]
        [row] = [row for row in detail if row[2] == "C001"]
        assert row[8:13] == [
            "不满意",
            "等候太久",
            None,
            "纳税人反映等候超过一小时",
            "申报期增开两个弹性窗口",
        ]
        summary = [
            list(row) for row in book["按工作人员汇总"].iter_rows(min_row=3, values_only=True)
        ]
        assert summary[0][:3] == ["张三", 1, 1]
        console.context.close()
    finally:
        led.context.close()
        pad.context.close()
        english.context.close()


def test_the_phone_rates_its_ticket_once_window_4_finished_it(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    hall = Hub(hub, tokens)
    # GIVEN a taxpayer's phone on the status page of an invoice ticket, served at window 4
    ticket = hall.post("/api/v1/tickets", {"service": "invoice"}, "kiosk-1")
    page = phone(browser, hub, ticket["status_url"])
    english = phone(browser, hub, ticket["status_url"], locale="en-US")
    counter = log_in(staff_context(browser), hub, "window4", "/counter/4")
    try:
        for action in ("open", "call-next", "start"):
            hall.post(f"/api/v1/windows/4/{action}", None, "window4")
        expect(page.locator("#state")).to_have_text("正在办理")
        expect(page.locator("#rate")).to_be_hidden()
        # WHEN window 4 finishes it
        hall.post("/api/v1/windows/4/finish", None, "window4")
        # THEN the status page asks for a rating of window 4's service
        expect(page.locator("#rate")).to_be_visible()
        expect(page.locator("#rate-part")).to_have_text("4 号窗口 · 发票领购/缴销")
        expect(english.locator("#rate")).to_be_visible()
        page.screenshot(path=str(screenshots / "rating-phone-zh.png"), full_page=True)
        english.screenshot(path=str(screenshots / "rating-phone-en.png"), full_page=True)
        # WHEN the clerk hands the rating back to the pad, then tries a second time
        rate_again = counter.locator('.actions [data-action="rating/offer"]')
        rate_again.click()
        expect(counter.locator("#message")).to_have_text(
            f"评价器已重新请 {ticket['number']} 评价。"
        )
        counter.wait_for_timeout(700)  # past the counter's double-press guard
        rate_again.click()
        # THEN the second is refused: the taxpayer can still rate on the phone
        expect(counter.locator("#message")).to_contain_text("仍可在手机上评价")
        counter.screenshot(path=str(screenshots / "rating-counter-zh.png"))
        # WHEN the taxpayer taps 非常满意 on the phone
        page.locator('.st-level[data-level="5"]').click()
        # THEN the page thanks them and shows the rating; the hub has it from the phone
        expect(page.locator("#rated")).to_be_visible()
        expect(page.locator("#rated-level")).to_have_text("您的评价：非常满意")
        page.screenshot(path=str(screenshots / "rating-phone-done-zh.png"), full_page=True)
        [part] = requests.get(
            f"{hub.url}/api/v1/tickets/{ticket['token']}/rating", timeout=5
        ).json()["parts"]
        assert (part["level"], part["channel"], part["window"]) == (5, "phone", 4)
        # AND the English page, told by the hub, shows it rated too
        expect(english.locator("#rated-level")).to_have_text("Your rating: Very satisfied")
    finally:
        page.context.close()
        english.context.close()
        counter.context.close()


def test_the_clerk_appeals_a_bad_rating_at_the_counter_and_the_admin_upholds_it(
    browser: Browser, hub: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    hall = Hub(hub, tokens)
    # GIVEN C001, served at window 3, rated 非常不满意 on the pad (its service 纳税申报)
    hall.post("/api/v1/tickets", {"service": "filing"}, "kiosk-1")
    for action in ("open", "call-next", "start", "finish"):
        hall.post(f"/api/v1/windows/3/{action}", None, "window3")
    part = hall.get("/api/v1/ratings/pad/3", "rating-pad-3")["part"]["id"]
    bad = {"part": part, "level": 1, "reasons": ["other"], "text": "按错了"}
    hall.post("/api/v1/ratings/pad/3", bad, "rating-pad-3")
    # WHEN window 3's clerk, at the counter, appeals it
    counter = log_in(staff_context(browser), hub, "window3", "/counter/3")
    try:
        item = counter.locator('.my-rating[data-number="C001"]')
        expect(item).to_contain_text("C001 评价为“非常不满意” · 其他 · 按错了")
        item.locator("textarea").fill("纳税人离开前说是按错了")
        item.locator("button[type=submit]").click()
        # THEN the counter says it is with the administrator
        expect(counter.locator("#message")).to_have_text("C001 的评价申诉已提交管理员。")
        expect(counter.locator('.my-rating[data-number="C001"]')).to_contain_text("待管理员裁定")
        counter.screenshot(path=str(screenshots / "rating-appeal-counter-zh.png"))
    finally:
        counter.context.close()
    # WHEN the administrator upholds it on the service ratings page, with reasons
    admin = browser.new_context(viewport=BIG, locale="zh-CN").new_page()
    try:
        log_in_at(admin, hub, "/console/ratings", "admin", DEMO_PASSWORD)
        expect(admin.locator("body")).to_have_attribute("data-ready", "true")  # tabs wired
        admin.locator("#tab-orders").click()
        order = admin.locator('.order[data-number="C001"]')
        order.locator("textarea[name=reason]").fill("纳税人确认误触")
        order.get_by_role("button", name="申诉成立").click()
        # THEN the order says so; the rating itself is kept, and leaves the figures
        expect(admin.locator('.order[data-number="C001"] .order__appeal')).to_contain_text(
            "申诉成立：该评价不计入统计"
        )
        admin.screenshot(path=str(screenshots / "rating-appeal-decided-zh.png"))
        today = hall.get("/api/v1/ratings/today", "leader")
        assert (today["bad"], today["excluded"]) == (0, 1)
    finally:
        admin.context.close()
