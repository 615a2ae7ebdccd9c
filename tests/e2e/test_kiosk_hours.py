"""The kiosk outside issuing hours (SPEC §4.4): it says why and when before anyone taps,
and follows the hall's clock by itself.

Each test runs a hub whose hall keeps real office hours (09:00 opening, 17:00 ticket
cut-off, 17:30 closing, working days only) and whose clock starts a few seconds
before a boundary.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.adapters import orm
from core.adapters.db import Database
from tests.support.databases import SqliteTemplate, Tokens
from tests.support.enrolment import enrolment_url
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OFFICE_HOURS = {"opens": "09:00:00", "cutoff": "17:00:00", "closes": "17:30:00", "every_day": False}
SERVICES = ".k-svc"


def hub_with_office_hours(template: SqliteTemplate, folder: Path, now: str) -> Iterator[HubProcess]:
    """A hub on the demo hall with office hours, its clock starting at `now`."""
    url = template.copy(folder / "hallq.db")
    database = Database(url)
    with database.write_session() as session:
        hall = session.scalars(select(orm.Hall)).one()
        hall.settings = {**hall.settings, "hours": OFFICE_HOURS}
        session.commit()
    database.dispose()
    hub = HubProcess(url, folder, HALLQ_FAKE_NOW=now).start()
    yield hub
    hub.stop()


def open_kiosk(browser: Browser, hub: HubProcess, tokens: Tokens) -> Page:
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="zh-CN")
    page = context.new_page()
    page.goto(enrolment_url(hub.url, tokens, "kiosk-1", "/kiosk/kiosk-1"))
    page.wait_for_function("() => window.hallqClient && window.hallqClient.resyncs > 0")
    return page


def total_waiting(hub: HubProcess) -> int:
    services = requests.get(f"{hub.url}/api/v1/queue", timeout=5).json()["services"]
    return sum(int(service["waiting"]) for service in services)


@pytest.fixture
def before_opening(e2e_template: SqliteTemplate, tmp_path: Path) -> Iterator[HubProcess]:
    # Monday 23 November 2026, ten seconds before the hall opens.
    yield from hub_with_office_hours(e2e_template, tmp_path, "2026-11-23T08:59:50+08:00")


@pytest.fixture
def before_cutoff(e2e_template: SqliteTemplate, tmp_path: Path) -> Iterator[HubProcess]:
    yield from hub_with_office_hours(e2e_template, tmp_path, "2026-11-23T16:59:50+08:00")


@pytest.fixture
def sunday(e2e_template: SqliteTemplate, tmp_path: Path) -> Iterator[HubProcess]:
    yield from hub_with_office_hours(e2e_template, tmp_path, "2026-11-22T10:00:00+08:00")


def test_before_opening_the_kiosk_says_when_and_opens_by_itself(
    browser: Browser, before_opening: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN a kiosk a few seconds before 09:00
    page = open_kiosk(browser, before_opening, tokens)
    try:
        # THEN before anyone taps it says tickets start at 09:00, with nothing to tap
        day = page.locator("#start-day")
        expect(day).to_be_visible()
        expect(day).to_contain_text("尚未开始取号")
        expect(day).to_contain_text("今天 09:00 开始取号")
        expect(page.locator(SERVICES).first).to_be_hidden()
        page.screenshot(path=screenshots / "kiosk-before-opening-portrait-zh.png")
        # WHEN the hall's clock reaches 09:00
        # THEN the services appear by themselves, and a tap gets a ticket
        expect(page.locator(SERVICES).first).to_be_visible(timeout=15_000)
        expect(day).to_be_hidden()
        page.click('.k-svc[data-service="filing"]')
        page.click("#details-skip")
        expect(page.locator("#ticket-number")).to_have_text("C001")
    finally:
        page.context.close()


def test_after_the_cutoff_the_kiosk_explains_extended_service(
    browser: Browser, before_cutoff: HubProcess, tokens: Tokens, screenshots: Path
) -> None:
    # GIVEN two taxpayers who took tickets just before the 17:00 cut-off
    for service in ("filing", "invoice"):
        requests.post(
            f"{before_cutoff.url}/api/v1/tickets",
            json={"service": service},
            headers={"Authorization": f"Bearer {tokens.devices['kiosk-2']}"},
            timeout=5,
        ).raise_for_status()
    page = open_kiosk(browser, before_cutoff, tokens)
    try:
        # WHEN the hall's clock passes 17:00
        day = page.locator("#start-day")
        expect(day).to_be_visible(timeout=15_000)
        # THEN the kiosk says issuing has ended, that ticket holders are still served,
        # and how many are still waiting — before anyone taps
        expect(day).to_contain_text("今日取号已截止")
        expect(day).to_contain_text("17:00")
        expect(day).to_contain_text("已取号的办税人请继续等候叫号")
        expect(day).to_contain_text("还有 2 人正在等候办理")
        expect(page.locator(SERVICES).first).to_be_hidden()
        page.screenshot(path=screenshots / "kiosk-after-cutoff-portrait-zh.png")
        assert total_waiting(before_cutoff) == 2
    finally:
        page.context.close()


def test_on_a_day_off_the_kiosk_says_the_hall_is_closed(
    browser: Browser, sunday: HubProcess, tokens: Tokens
) -> None:
    # GIVEN / WHEN a kiosk switched on on a Sunday
    page = open_kiosk(browser, sunday, tokens)
    try:
        # THEN it says the hall is closed today, and its working-day hours
        day = page.locator("#start-day")
        expect(day).to_contain_text("今天不办公")
        expect(day).to_contain_text("工作日办公时间 09:00–17:30，17:00 停止取号")
        expect(page.locator(SERVICES).first).to_be_hidden()
    finally:
        page.context.close()
