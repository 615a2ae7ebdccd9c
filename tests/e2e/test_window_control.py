"""The duty leader's window control on the console (/console) in Chromium (issue 14):
a load-relief alert turns a window into a dedicated one in one tap and a confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.e2e.test_console_flow import BIG, Hub, log_in
from tests.e2e.test_display_calls import HALL_TV, open_screen, played
from tests.support.hub import HubProcess, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def hall(hub: HubProcess, tokens: object) -> Hub:
    return Hub(hub, tokens)  # type: ignore[arg-type]


def test_the_leader_turns_window_5_into_an_invoice_window_from_the_relief_alert(
    browser: Browser, hub: HubProcess, hall: Hub, screenshots: Path
) -> None:
    # GIVEN invoices suggest a dedicated window from 3 waiting, a filing ticket waits
    # longest, three invoice tickets after it, and window 5 (filing first) is open
    invoice = {"code": "invoice", "prefix": "B", "name": "发票领购/缴销", "name_en": "Invoices",
               "minutes": 8, "settings": {"affected_by": ["backoffice"], "self_service": True,
                                          "relief_waiting": 3, "register_form": "invoice_sale"}}  # fmt: skip
    changed = requests.put(
        f"{hub.url}/api/v1/admin/services/invoice",
        json=invoice,
        headers=hall.headers("admin"),
        timeout=5,
    )
    assert changed.status_code == 200, changed.text
    for service in ("filing", "invoice", "invoice", "invoice"):
        hall.post("/api/v1/tickets", {"service": service}, "kiosk-1")
    hall.post("/api/v1/windows/5/open", None, "window5")
    context, page = log_in(browser, hub, BIG)
    try:
        # WHEN the leader taps the relief alert's suggestion, then confirms
        suggestion = page.locator('[data-relieve="invoice"]')
        expect(suggestion).to_have_text("设 5 号窗口为专窗")
        page.screenshot(path=str(screenshots / "console-relief-zh.png"))
        suggestion.click()
        expect(page.locator("#confirm-title")).to_have_text(
            "将 5 号窗口改为“发票领购/缴销”专窗（今日）？"
        )
        page.locator("#confirm-yes").click()
        # THEN window 5 shows as the invoice window, and calls B001 before the older C001
        expect(page.locator("#message")).to_have_text("5号窗口现只办理“发票领购/缴销”。")
        card = page.locator('#windows li[data-window="5"]')
        expect(card).to_contain_text("专窗：发票领购/缴销")
        called = hall.post("/api/v1/windows/5/call-next", None, "window5")
        assert called["ticket"]["number"] == "B001"
        page.screenshot(path=str(screenshots / "console-dedicated-zh.png"))
        # WHEN the leader gives it back its services from its card
        card.locator("[data-undedicate]").click()
        # THEN the card no longer says dedicated, and the next call is the filing ticket
        expect(card).not_to_contain_text("专窗：")
        hall.post("/api/v1/windows/5/start", None, "window5")
        hall.post("/api/v1/windows/5/finish", None, "window5")
        assert hall.post("/api/v1/windows/5/call-next", None, "window5")["ticket"]["number"] == (
            "C001"
        )
    finally:
        context.close()


def test_the_leader_dedicates_a_window_from_its_card_in_two_taps(
    browser: Browser, hub: HubProcess, hall: Hub, screenshots: Path
) -> None:
    # GIVEN window 3 (invoices, filing) open and a filing ticket waiting
    hall.post("/api/v1/windows/3/open", None, "window3")
    context, page = log_in(browser, hub, BIG)
    try:
        # WHEN the leader taps "改专窗" on window 3, then "纳税申报"
        page.locator('[data-dedicate="3"]').click()
        expect(page.locator("#dedicate-title")).to_have_text("3号窗口改为专窗：请选择业务")
        page.screenshot(path=str(screenshots / "console-dedicate-dialog-zh.png"))
        page.locator('#dedicate-services [data-service="filing"]').click()
        # THEN window 3 takes filing only
        expect(page.locator("#dedicate")).to_be_hidden()
        expect(page.locator('#windows li[data-window="3"]')).to_contain_text("专窗：纳税申报")
        queue = requests.get(f"{hub.url}/api/v1/queue", timeout=5).json()
        (window,) = [window for window in queue["windows"] if window["n"] == 3]
        assert (window["services"], window["dedicated"]) == (["filing"], True)
    finally:
        context.close()


def test_the_leader_opens_the_emergency_window_for_a_clerk_and_pauses_a_services_windows(
    browser: Browser, hub: HubProcess, hall: Hub, screenshots: Path
) -> None:
    # GIVEN windows 1 and 3 open (both call invoices), the emergency window 8 closed
    hall.post("/api/v1/windows/1/open", None, "window1")
    hall.post("/api/v1/windows/3/open", None, "window3")
    context, page = log_in(browser, hub, BIG)
    try:
        # WHEN the leader taps "开设应急专窗" on window 8, then window 7's clerk
        page.locator('[data-open-for="8"]').click()
        expect(page.locator("#open-for-title")).to_have_text("为以下人员开设 8 号窗口：")
        page.locator('#open-for-staff [data-staff="window7"]').click()
        # THEN window 8 is open in that clerk's name
        expect(page.locator('#windows li[data-window="8"]')).to_have_attribute("data-state", "open")
        detail = hall.get("/api/v1/windows/8")
        assert detail["staff"] == "window7"
        # WHEN the leader pauses the windows of invoices
        page.locator('#services [data-pause-windows="invoice"]').click()
        # THEN windows 1 and 3 pause, and the button to resume them appears
        expect(page.locator("#message")).to_have_text(
            "发票领购/缴销：1号窗口、3号窗口 已暂停叫号。"
        )
        expect(page.locator('#windows li[data-window="1"]')).to_have_attribute(
            "data-state", "paused"
        )
        expect(page.locator('#services [data-resume-windows="invoice"]')).to_be_visible()
        page.screenshot(path=str(screenshots / "console-window-control-zh.png"))
    finally:
        context.close()


def test_the_leaders_announcement_is_shown_and_spoken_on_the_hall_display(
    browser: Browser, hub: HubProcess, hall: Hub, screenshots: Path
) -> None:
    # GIVEN the hall display showing, and the leader on the console's notices tab
    display = open_screen(browser, hub, hall.tokens, "display-1", "/display/display-1", HALL_TV)
    context, page = log_in(browser, hub, BIG)
    try:
        page.locator("#tab-notices").click()
        # WHEN the leader chooses the prepared phrase "keep your belongings" and announces it
        page.locator("#announce-phrase").select_option("keep_belongings")
        expect(page.locator('#announce textarea[name="text_zh"]')).to_have_value(
            "请保管好随身财物。"
        )
        page.locator("#announce button[type=submit]").click()
        expect(page.locator("#message")).to_have_text("已在大厅显示屏广播。")
        # THEN the display shows it large, in both languages, and speaks the phrase
        expect(display.locator("#announcement")).to_be_visible()
        expect(display.locator("#announcement-zh")).to_have_text("请保管好随身财物。")
        expect(display.locator("#announcement-en")).to_have_text(
            "Please keep your belongings with you."
        )
        display.screenshot(path=str(screenshots / "display-announcement-zh.png"))
        # (that it plays to its end is the voice tests' business: started is enough here)
        (entry,) = wait_for(lambda: played(display), message="the phrase started")
        assert "/display/voice/phrase.wav?phrase=keep_belongings" in entry["url"]
        assert entry["outcome"] in ("playing", "ended")
    finally:
        context.close()
        display.context.close()
