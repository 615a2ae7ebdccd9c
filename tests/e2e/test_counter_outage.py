"""The window terminal during a tax-system outage and after it (SPEC §7), in Chromium:
the emergency window registers a filing on its form, and once the system is back the
record waits in the backfill worklist until a clerk marks it entered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.e2e.test_counter_flow import Hall, log_in, open_also, press, shoot, staff_context
from tests.support.databases import Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TAXPAYER_ID = "91350100M000100Y43"
"""A unified social credit code with a valid check character."""


class Leader(Hall):
    """The duty leader's side of the hall, over the API: incidents and the worklists."""

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = requests.post(
            f"{self.hub.url}/api/v1{path}", json=body, headers=self.headers("leader"), timeout=5
        )
        response.raise_for_status()
        return response.json()

    def get(self, path: str) -> Any:
        response = requests.get(
            f"{self.hub.url}/api/v1{path}", headers=self.headers("leader"), timeout=5
        )
        response.raise_for_status()
        return response.json()

    def to_backfill(self) -> list[dict[str, Any]]:
        return list(self.get("/registers?state=to_backfill")["items"])


@pytest.fixture
def hall(hub: HubProcess, tokens: Tokens) -> Leader:
    return Leader(hub, tokens)


def test_the_emergency_window_registers_a_filing_that_is_backfilled_after_recovery(
    browser: Browser, hub: HubProcess, hall: Leader, screenshots: Path
) -> None:
    # GIVEN the tax back-office is down, and a taxpayer takes a filing ticket at kiosk 1
    outage = hall.post("/incidents", {"kind": "application", "systems": ["backoffice"]})
    ticket = requests.post(
        f"{hub.url}/api/v1/tickets",
        json={"service": "filing", "taxpayer_id": TAXPAYER_ID},
        headers=hall.headers("kiosk-1"),
        timeout=5,
    ).json()
    # THEN the ticket is for the emergency window, remembering what the taxpayer came for
    assert ticket["number"] == "Y001"
    assert ticket["requested_service"] == "filing"

    context = staff_context(browser)
    page = log_in(context, hub, "window8", "/counter/8")
    english = open_also(context, hub, "/counter/8?lang=en")
    # THEN the counter says the hall is in an outage, with the outage notice
    expect(page.locator("#hall-mode")).to_have_attribute("data-mode", "outage")
    expect(page.locator("#hall-mode")).to_contain_text("系统故障")
    expect(page.locator("#hall-notices")).to_contain_text("核心征管系统")
    expect(english.locator("#hall-mode")).to_contain_text("System outage")

    # WHEN window 8's clerk opens the window and calls the next taxpayer
    press(page, "F9")
    expect(page.locator("#window-state")).to_have_attribute("data-state", "open")
    press(page, "F1")
    # THEN Y001 is called, with the business it stands for in plain sight, and the
    # filing register is ready for it with the taxpayer ID given at the kiosk
    expect(page.locator("#ticket-number")).to_have_text("Y001")
    expect(page.locator("#ticket-requested")).to_have_text("原办理业务：纳税申报")
    expect(english.locator("#ticket-requested")).to_have_text("Requested service: Tax filing")
    expect(page.locator("#registers-for")).to_have_text("Y001 的登记")
    expect(page.locator('#register-kinds input[value="filing"]')).to_be_checked()
    expect(page.locator("#register-taxpayer_id")).to_have_value(TAXPAYER_ID)
    # … and the typing goes straight into its first empty field
    expect(page.locator("#register-name")).to_be_focused()

    # WHEN the clerk fills the form by keyboard with an amount of three decimals, and presses Enter
    page.keyboard.type("示范科技有限公司")
    page.keyboard.press("Tab")  # to the first tax kind
    page.keyboard.press("Space")
    page.locator("#register-period").fill("2025-12")
    page.locator("#register-amount").fill("12.345")
    page.keyboard.press("Enter")
    # THEN nothing is saved and the hub's reason stands next to the amount
    amount = page.locator('[data-field="amount"]')
    expect(amount.locator(".field__error")).to_contain_text("应纳税额（元）")
    expect(amount.locator(".field__error")).to_contain_text("两位小数")
    expect(page.locator("#register-amount")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#register-amount")).to_be_focused()
    assert hall.to_backfill() == []
    shoot({"zh": page}, screenshots, "counter-register-refused")

    # WHEN the amount is corrected and Enter pressed again
    page.locator("#register-amount").fill("1234.50")
    page.keyboard.press("Enter")
    # THEN the entry is saved for Y001, to backfill, and the form is blank for another one
    expect(page.locator("#message")).to_contain_text("Y001 的纳税申报登记已保存")
    expect(page.locator("#register-records")).to_contain_text("纳税申报")
    expect(page.locator("#register-records")).to_contain_text("待补录")
    expect(page.locator("#register-name")).to_have_value("")
    [record] = hall.to_backfill()
    assert record["ticket"] == "Y001"
    assert record["kind"] == "filing"
    assert record["incident"] == outage["number"]
    assert record["data"]["amount"] == "1234.50"
    assert record["data"]["tax_kinds"] == ["增值税"]
    expect(english.locator("#register-records")).to_contain_text("To backfill")
    # … and the English screen names the choices in English (the form's words are stored)
    choice = english.locator('[data-field="tax_kinds"] label:has(input[value="增值税"])')
    expect(choice).to_have_text("VAT")
    shoot({"zh": page, "en": english}, screenshots, "counter-register")

    # WHEN the clerk starts typing a second entry, then presses F5 to finish Y001
    press(page, "F4")
    expect(page.locator("#ticket")).to_have_attribute("data-state", "serving")
    page.locator("#register-name").fill("示范")
    press(page, "F5")
    # THEN the ticket is not finished: the unsaved entry would be lost
    expect(page.locator("#message")).to_contain_text("Y001 的登记尚未保存")
    assert hall.detail(8)["ticket"]["state"] == "serving"
    # WHEN the form is cleared, F5 finishes it
    page.locator("#register-clear").click()
    press(page, "F5")
    expect(page.locator("#ticket")).to_be_hidden()

    # WHEN the back-office is back and the leader ends the outage
    hall.post(f"/incidents/{outage['incident']}/end", {"result": "核心征管系统恢复"})
    # THEN the counter is back to normal and shows what is left to backfill, with its data
    expect(page.locator("#hall-mode")).to_have_attribute("data-mode", "normal")
    expect(page.locator("#registers")).to_be_hidden()
    item = page.locator(f'#backfill-list li[data-record="{record["id"]}"]')
    expect(item).to_contain_text("Y001")
    expect(item).to_contain_text("纳税申报")
    expect(item.locator('[data-field="amount"]')).to_contain_text("1234.50")
    expect(item.locator('[data-field="taxpayer_id"]')).to_contain_text(TAXPAYER_ID)
    expect(page.locator("#backfill-title")).to_have_text("待补录（1 条）")
    expect(english.locator("#backfill-title")).to_have_text("To backfill (1)")
    shoot({"zh": page, "en": english}, screenshots, "counter-backfill")

    # WHEN the clerk has entered it into the tax system and marks it with the keyboard
    item.locator("button").focus()
    page.keyboard.press("Enter")
    # THEN it leaves the worklist, here, in the other tab and on the hub
    expect(page.locator("#message")).to_contain_text("Y001 的纳税申报登记已标记为补录完成")
    expect(page.locator("#backfill")).to_be_hidden()
    expect(english.locator("#backfill")).to_be_hidden()
    assert hall.to_backfill() == []
    context.close()
    english.context.close()
