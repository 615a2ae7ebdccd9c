"""The guide desk's continuity work (SPEC §7), in Chromium: paper tickets registered as
they are handed out and called in order with the desk's own tickets, and questions
recorded to be answered later."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_counter_flow import log_in, open_also, shoot, staff_context
from tests.e2e.test_counter_outage import Leader
from tests.support.databases import Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def hall(hub: HubProcess, tokens: Tokens) -> Leader:
    return Leader(hub, tokens)


def test_paper_tickets_are_registered_reconciled_and_called_in_order(
    browser: Browser, hub: HubProcess, hall: Leader, screenshots: Path
) -> None:
    # GIVEN the leader has declared paper mode (no ticket printer works)
    hall.post("/incidents", {"kind": "equipment", "mode": "paper"})
    context = staff_context(browser)
    guide = log_in(context, hub, "guide", "/counter/guide")
    english = open_also(context, hub, "/counter/guide?lang=en")
    # THEN the desk says so, shows the notice, opens on paper tickets, and will not print
    expect(guide.locator("#hall-mode")).to_contain_text("纸质号票")
    expect(guide.locator("#hall-notices")).not_to_be_empty()
    expect(guide.locator("#tab-paper")).to_have_attribute("aria-selected", "true")
    expect(guide.locator("#issue-print")).not_to_be_checked()
    expect(guide.locator("#issue-paper-note")).to_contain_text("默认不打印")
    expect(english.locator("#hall-mode")).to_contain_text("Paper tickets")

    # WHEN the guide hands out C051–C053 and registers them by keyboard
    guide.locator("#paper-first").fill("c51")
    guide.keyboard.press("Tab")
    guide.keyboard.type("53")
    # THEN the form has found the service by the letter and says what will be registered
    expect(guide.locator("#paper-service")).to_have_value("filing")
    expect(guide.locator("#paper-preview")).to_have_text("纳税申报 C051–C053，共 3 张")
    guide.keyboard.press("Enter")
    # THEN they are registered, and the reconciliation lists them, none called yet
    expect(guide.locator("#message")).to_contain_text("纸质号票 C051–C053 已登记")
    row = guide.locator('#paper-ranges [data-first="C051"]')
    expect(row).to_contain_text("C051–C053")
    expect(row.locator("td").nth(1)).to_have_text("3")
    expect(row.locator("td").nth(2)).to_have_text("0")
    expect(row.locator("td").nth(3)).to_contain_text("C051 C052 C053")

    # WHEN a range overlapping it, C052–C055, is registered
    guide.locator("#paper-first").fill("C052")
    guide.locator("#paper-last").fill("C055")
    guide.keyboard.press("Enter")
    # THEN it is refused, clearly, and nothing more is registered
    expect(guide.locator("#paper-error")).to_contain_text("重叠")
    expect(guide.locator("#paper-first")).to_have_attribute("aria-invalid", "true")
    assert len(hall.get("/paper-tickets")["items"]) == 1

    # WHEN the guide issues a filing ticket on screen for a taxpayer without a paper one
    guide.locator('[data-service="filing"]').click()
    # THEN it is C001, not printed, and the desk says to tell the number
    expect(guide.locator("#result-number")).to_have_text("C001")
    expect(guide.locator("#result-print")).to_have_attribute("data-state", "none")
    expect(english.locator('#paper-ranges [data-first="C051"]')).to_contain_text("C051–C053")
    shoot({"zh": guide, "en": english}, screenshots, "guide-paper")

    # WHEN window 3 calls the next taxpayer four times
    hall.window(3, "open")
    called = []
    for _ in range(4):
        called.append(hall.window(3, "call-next")["ticket"]["number"])
        hall.window(3, "start")
        hall.window(3, "finish")
    # THEN the paper tickets come in order, then the desk's own ticket
    assert called == ["C051", "C052", "C053", "C001"]
    # … and the reconciliation follows: all three called
    expect(row.locator("td").nth(2)).to_have_text("3")
    expect(row.locator("td").nth(3)).to_have_text("已全部叫号")
    context.close()
    english.context.close()


def test_a_question_recorded_at_the_guide_desk_waits_in_the_open_list(
    browser: Browser, hub: HubProcess, hall: Leader
) -> None:
    # GIVEN the guide desk on its follow-ups tab
    context = staff_context(browser)
    guide = log_in(context, hub, "guide", "/counter/guide")
    guide.locator("#tab-follow-ups").click()
    expect(guide.locator("#follow-ups")).to_contain_text("暂无待答复问题")

    # WHEN a question is recorded with a phone number one digit short
    guide.locator("#follow-up-question").fill("跨区迁移后，小规模纳税人资格是否保留？")
    guide.locator("#follow-up-name").fill("王女士")
    guide.locator("#follow-up-phone").fill("1380013800")
    guide.keyboard.press("Enter")
    # THEN it is refused at the phone field and not recorded
    expect(guide.locator("#follow-up-error")).to_contain_text("11位手机号码")
    expect(guide.locator("#follow-up-phone")).to_have_attribute("aria-invalid", "true")
    assert hall.get("/follow-ups?state=open")["items"] == []

    # WHEN the number is completed and Enter pressed
    guide.locator("#follow-up-phone").fill("13800138000")
    guide.keyboard.press("Enter")
    # THEN it is recorded, listed as open with its contact, and counted on the tab
    expect(guide.locator("#message")).to_contain_text("答复后将短信通知 13800138000")
    item = guide.locator("#follow-ups .follow-up")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("跨区迁移后，小规模纳税人资格是否保留？")
    expect(item).to_contain_text("政策不明确")
    expect(item).to_contain_text("王女士")
    expect(guide.locator("#follow-ups-count")).to_have_text("1")
    [question] = hall.get("/follow-ups?state=open")["items"]
    assert question["phone"] == "13800138000"
    assert question["reason"] == "policy_unclear"
    context.close()


def test_the_paper_ticket_table_stays_whole_on_the_counter_pc(
    browser: Browser, hub: HubProcess, hall: Leader, screenshots: Path
) -> None:
    # GIVEN paper mode during a back-office outage (two notices on the desk), and the
    # desk has handed out long ranges for every service
    hall.post("/incidents", {"kind": "application", "systems": ["backoffice"]})
    hall.post("/incidents", {"kind": "equipment", "mode": "paper"})
    services = [item for item in hall.get("/queue")["services"] if item["prefix"] != "Y"]
    for service in services:
        for first in (101, 151):
            hall.post(
                "/paper-tickets", {"service": service["code"], "first": first, "last": first + 39}
            )
    rows = 2 * len(services)
    context = staff_context(browser)
    guide = log_in(context, hub, "guide", "/counter/guide")
    english = open_also(context, hub, "/counter/guide?lang=en")
    for page in (guide, english):
        # THEN the desk knows paper tickets are in use under the outage: it opens on
        # them and does not print by default
        expect(page.locator("#hall-mode")).to_have_attribute("data-mode", "outage")
        expect(page.locator("#tab-paper")).to_have_attribute("aria-selected", "true")
        expect(page.locator("#issue-print")).not_to_be_checked()
        expect(page.locator("#issue-paper-note")).to_be_visible()
        expect(page.locator("#paper-ranges tr")).to_have_count(rows)
        # THEN the table keeps a useful height and its four columns inside the panel
        boxes = page.evaluate(
            """() => {
              const box = (node) => node.getBoundingClientRect();
              const scroller = document.querySelector('.paper-ranges');
              const panel = document.getElementById('panel-paper');
              const cells = [...document.querySelectorAll('#paper-ranges td, .paper-ranges th')];
              return {
                scroller: box(scroller).toJSON(), panel: box(panel).toJSON(),
                viewport: {width: innerWidth, height: innerHeight},
                tableWidth: scroller.querySelector('table').scrollWidth,
                overflowing: cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).length,
                rowHeight: box(document.querySelector('#paper-ranges tr')).height,
              };
            }"""
        )
        scroller, panel = boxes["scroller"], boxes["panel"]
        assert boxes["tableWidth"] <= scroller["width"] + 1, boxes
        assert boxes["overflowing"] == 0, boxes
        assert panel["right"] <= boxes["viewport"]["width"], boxes
        assert panel["bottom"] <= boxes["viewport"]["height"], boxes
        assert scroller["bottom"] <= panel["bottom"] + 1, boxes
        assert scroller["height"] >= 3 * boxes["rowHeight"], boxes
        # … and its last range can be scrolled to and read whole
        last = page.locator("#paper-ranges tr").last
        last.scroll_into_view_if_needed()
        expect(last).to_be_in_viewport(ratio=0.99)
    shoot({"zh": guide, "en": english}, screenshots, "guide-paper-many")
    context.close()
    english.context.close()
