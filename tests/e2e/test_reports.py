"""The reports page (/console/reports, 统计) in Chromium, against a real hub whose clock
starts on Monday 30 November 2026 and whose hall has a generated past week (23–27 November,
300 tickets a day)."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from core.adapters import orm
from core.adapters.db import Database
from core.demo.history import write_history
from tests.e2e.test_counter_flow import Hall, log_in, staff_context
from tests.support.databases import SqliteTemplate
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WEEK = (date(2026, 11, 23), date(2026, 11, 27))
PER_DAY = 300


@pytest.fixture(scope="module")
def history_hub(
    e2e_template: SqliteTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HubProcess]:
    """One hub for the module, on the demo hall with last week's generated tickets."""
    folder = tmp_path_factory.mktemp("reports")
    url = e2e_template.copy(folder / "hallq.db")
    db = Database(url)
    with db.writing() as session, session.begin():
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == "demo")).one()
        clerks = {number: f"window{number}" for number in range(1, 8)}
        write_history(session, hall, *WEEK, per_day=PER_DAY, clerks=clerks)
    db.dispose()
    hub = HubProcess(url, folder, HALLQ_FAKE_NOW="2026-11-30T11:00:00+08:00")
    hub.start()
    yield hub
    hub.stop()


def show_week(page: Page) -> None:
    form = page.locator("#report-form")
    form.locator("select[name=period]").select_option("week")
    form.locator("input[name=from]").fill("2026-11-23")
    form.get_by_role("button").click()
    expect(page.locator("#tile-tickets")).to_have_text(str(5 * PER_DAY))


def test_a_leader_reads_last_weeks_figures(
    browser: Browser, history_hub: HubProcess, screenshots: Path
) -> None:
    # GIVEN the duty leader on the reports page: today (a Monday morning, no tickets yet)
    page = log_in(staff_context(browser), history_hub, "leader", "/console/reports")
    expect(page.locator("#tile-tickets")).to_have_text("0")
    # WHEN they ask for last week
    show_week(page)
    # THEN the week's five days, a line per service the windows serve and per clerk
    expect(page.locator("#report-period")).to_contain_text("有取号的工作日5天")
    expect(page.locator("#services-rows tr")).to_have_count(5)
    expect(page.locator("#clerks-rows tr")).to_have_count(7)
    expect(page.locator("#weekday-rows tr")).to_have_count(5)
    expect(page.locator("#weekday-rows tr").first).to_contain_text("星期一")
    # AND the clerks' hours at their windows, the bookings, and the tickets shown on screen
    on_duty = page.locator("#clerks-rows tr").first.locator("td").nth(6)
    expect(on_duty).to_have_text(re.compile(r"^4[2-4]\.\d$"))  # five days of 8½ hours
    expect(page.locator("#booking-rows tr")).to_have_count(5)
    expect(page.locator("#continuity-rows")).to_contain_text("取号机屏显号票")
    # AND every arrival of the week is in one hour of the day
    arrivals = page.locator("#hour-rows tr td:nth-child(2)").all_inner_texts()
    assert sum(int(value) for value in arrivals) >= 5 * PER_DAY
    # AND the charts are drawn from the same figures: a bar a service, a clerk, an hour
    drawn = page.evaluate(
        """() => Object.fromEntries(["services", "clerks", "hours", "weekdays"].map((name) => {
            const chart = echarts.getInstanceByDom(document.getElementById(`chart-${name}`));
            return [name, chart ? chart.getOption().series[0].data.length : 0];
        }))"""
    )
    assert drawn == {"services": 5, "clerks": 7, "hours": len(arrivals), "weekdays": 5}
    page.set_viewport_size({"width": 1366, "height": 3300})  # the page scrolls inside
    page.screenshot(path=screenshots / "reports-week-zh.png")


def test_the_day_sheet_prints_on_one_a4_page(
    browser: Browser, history_hub: HubProcess, screenshots: Path
) -> None:
    # GIVEN the leader's report of last week, and its day sheet link (the week's Monday)
    page = log_in(staff_context(browser), history_hub, "leader", "/console/reports")
    show_week(page)
    link = page.locator("#day-sheet").get_attribute("href")
    assert link == "/console/reports/day?from=2026-11-23"
    # WHEN the sheet is opened and printed to PDF, as the browser's print does, on A4
    page.goto(f"{history_hub.url}{link}")
    expect(page.locator("h1")).to_contain_text("日报")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    # THEN one page, with the day, its totals and the place for the duty leader's signature
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "2026年11月23日" in text
    assert str(PER_DAY) in text
    assert "值班领导（签字）" in text
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=screenshots / "reports-day-sheet-zh.png", full_page=True)


def test_the_wall_follows_the_hall_live(
    browser: Browser, history_hub: HubProcess, e2e_template: SqliteTemplate, screenshots: Path
) -> None:
    # GIVEN the leader's wall on the office TV (1920×1080), Monday 11:00: last week's
    # Monday is there to compare with
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    wall = log_in(context, history_hub, "leader", "/console/wall")
    expect(wall.locator("#before-tickets")).to_have_text(re.compile(r"上周同期：[1-9]\d*"))
    hub = Hall(history_hub, e2e_template.tokens)
    # WHEN window 3's clerk opens their window and calls the next invoice
    number = hub.issue("invoice")
    hub.window(3, "open")
    called = time.monotonic()
    hub.window(3, "call-next")
    # THEN within two seconds the wall shows the number at window 3, with its clerk
    tile = wall.locator('[data-window="3"]')
    expect(tile.locator(".wall__window-current")).to_have_text(number, timeout=2000)
    assert time.monotonic() - called < 2
    expect(tile.locator(".wall__window-clerk")).to_have_text("window3")
    # AND today's tickets count the new one
    expect(wall.locator("#today-tickets")).to_have_text("1")
    wall.screenshot(path=screenshots / "wall-zh.png")
