"""The tax back-office fails at 10:00 on the last day of a filing period (issue 5, test 3).

Nobody declares anything: the hall's health probe watches a local HTTP server
that plays the back-office's health endpoint, and the hub's clock starts at
09:59:40 on Tuesday 15 December 2026 — the end of the November filing period
(the default calendar's 15th). The outage must reach every screen with the
extended deadline, route filing to the emergency window, and leave a paper trail
(register record, backfill worklist, recovery SMS) once the probe recovers.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from core.adapters import orm
from core.adapters.db import Database
from tests.e2e.scenario_support import (
    TAXPAYER_ID,
    Scene,
    counter,
    hall_display,
    open_kiosk,
    open_window,
    press,
    status_page,
    wait_for,
)
from tests.support.databases import SqliteTemplate, Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = ZoneInfo("Asia/Shanghai")
HUB_STARTS_AT = "2026-12-15T09:59:40+08:00"
TEN_O_CLOCK = datetime(2026, 12, 15, 10, 0, tzinfo=SHANGHAI)
PHONES = ("13812345678", "15900001111")


class BackOffice(ThreadingHTTPServer):
    """The tax back-office's health endpoint: 200 until told to fail, 503 until told to recover."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Health)
        self.up = True
        self.checks = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/health"


class _Health(BaseHTTPRequestHandler):
    server: BackOffice

    def do_GET(self) -> None:
        self.server.checks += 1
        status = 200 if self.server.up else 503
        body = json.dumps({"status": "ok" if self.server.up else "down"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:  # quiet: the hub's log says what it saw
        pass


@pytest.fixture
def backoffice() -> Iterator[BackOffice]:
    server = BackOffice()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def set_probes(url: str, probes: list[dict[str, Any]]) -> None:
    """Write the hall's health probes into its database (as `hallq hall load` would)."""
    database = Database(url)
    with database.write_session() as session:
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == "demo")).one()
        hall.settings = {**hall.settings, "probes": probes}
        session.commit()
    database.dispose()


@pytest.fixture
def hub(
    e2e_template: SqliteTemplate, voice_clips: Path, tmp_path: Path, backoffice: BackOffice
) -> Iterator[HubProcess]:
    """The demo hall probing the fake back-office every second, its clock at 09:59:40."""
    shutil.copytree(voice_clips, tmp_path / "var" / "voice")
    url = e2e_template.copy(tmp_path / "hallq.db")
    probe = {"system": "backoffice", "url": backoffice.url, "interval_s": 1, "timeout_s": 1}
    set_probes(url, [{**probe, "failures": 2}])
    process = HubProcess(url, tmp_path, HALLQ_FAKE_NOW=HUB_STARTS_AT)
    process.start()
    yield process
    process.stop()


class HubClock:
    """The hub's clock, read off a ticket's issue time and run on with the test's."""

    def __init__(self, issued_at: str) -> None:
        self.anchor = datetime.fromisoformat(issued_at)
        self.started = datetime.now().astimezone()

    def now(self) -> datetime:
        # The ticket was issued a little before its answer arrived: this lags, never leads.
        return self.anchor + (datetime.now().astimezone() - self.started)


def outbox(hub: HubProcess, kind: str) -> list[orm.SmsMessage]:
    """The SMS outbox rows of `kind`, read from the hub's database."""
    database = Database(hub.database_url)
    with database.read_session() as session:
        rows = list(session.scalars(select(orm.SmsMessage).where(orm.SmsMessage.kind == kind)))
    database.dispose()
    return rows


def sms_log(hub: HubProcess) -> list[dict[str, str]]:
    """What the log sender sent: one JSON line per message in var/sms.log."""
    path = hub.folder / "var" / "sms.log"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def test_a_back_office_outage_on_the_last_filing_day(
    browser: Browser,
    hub: HubProcess,
    tokens: Tokens,
    backoffice: BackOffice,
    screenshots: Path,
) -> None:
    scene = Scene(hub, tokens)
    # GIVEN two taxpayers who left a phone number took tickets at 09:59, one who did not
    early = scene.issue("filing", phone=PHONES[0])
    clock = HubClock(scene.ticket(early["token"])["issued_at"])
    scene.issue("social", phone=PHONES[1])
    scene.issue("consult")
    assert f"{clock.now().astimezone(SHANGHAI):%H:%M}" == "09:59"
    # AND kiosk 1, the hall display and window 8 (the emergency window) in normal service
    kiosk = open_kiosk(browser, hub, tokens, "kiosk-1")
    display = hall_display(browser, hub, tokens)
    clerk = counter(browser, hub, "window8", "/counter/8")
    try:
        expect(kiosk.locator("#outage")).to_be_hidden()
        expect(display.locator("#mode-banner")).to_be_hidden()
        expect(clerk.locator("#hall-mode")).to_have_attribute("data-mode", "normal")
        assert backoffice.checks > 0, "the hub probes the back-office"
        assert scene.incidents() == []

        # WHEN the back-office stops answering at 10:00
        wait_for(
            lambda: clock.now() >= TEN_O_CLOCK,
            timeout=30,
            interval=0.1,
            message="the hub's clock at 10:00",
        )
        backoffice.up = False

        # THEN the hub opens the outage by itself, and every screen shows it with the
        # filing deadline extended to the next working day, 16 December
        outage = kiosk.locator("#outage")
        expect(outage).to_be_visible(timeout=15_000)
        expect(outage).to_contain_text("核心征管系统自12月15日 10:00起发生故障")
        expect(kiosk.locator("#extension")).to_contain_text("本期申报期限延长至12月16日")
        expect(kiosk.locator('.k-svc[data-service="filing"] .k-svc-route')).to_have_text(
            "应急窗口办理"
        )
        banner = display.locator("#mode-first")
        expect(display.locator("#mode-banner")).to_be_visible()
        expect(banner).to_contain_text("税务系统故障")
        expect(banner).to_contain_text("核心征管系统自12月15日 10:00起发生故障")
        expect(display.locator("#mode-extension")).to_contain_text("申报期限延至12月16日")
        expect(display.locator("#mode-extension")).to_contain_text("16 December")
        expect(display.locator("#ticker")).to_contain_text("本期申报期限由12月15日延长至12月16日")
        expect(clerk.locator("#hall-mode")).to_have_attribute("data-mode", "outage")
        kiosk.screenshot(path=screenshots / "scenario-outage-kiosk.png")
        display.screenshot(path=screenshots / "scenario-outage-display.png")
        [incident] = scene.incidents()
        assert (incident["kind"], incident["source"], incident["systems"]) == (
            "application",
            "auto",
            ["backoffice"],
        )
        started = datetime.fromisoformat(incident["started_at"])
        assert TEN_O_CLOCK <= started < TEN_O_CLOCK + timedelta(seconds=30)
        assert incident["extension"]["extended"] == "2026-12-16"
        # … and today's taxpayers with a phone are texted: the notice, or what it means
        # for the ticket they hold — C001, taken at 09:59 for filing, now waits for the
        # emergency window, keeping its number and place, and its phone page says so
        texts = {message.phone: message.body for message in outbox(hub, "outage")}
        assert sorted(texts) == sorted(PHONES)
        assert "C001（纳税申报）改由8号应急专窗办理" in texts[PHONES[0]]
        phone = status_page(browser, hub, early["token"])
        expect(phone.locator("#route")).to_have_text(
            "因系统故障，您的纳税申报业务改由应急专窗办理，号码和排队顺序不变。"
        )
        phone.screenshot(path=screenshots / "scenario-outage-phone-rerouted.png")
        phone.context.close()

        # WHEN a taxpayer taps 纳税申报 at the kiosk
        kiosk.click('.k-svc[data-service="filing"]')
        kiosk.click("#details-skip")
        # THEN the ticket is for the emergency window, and says so
        expect(kiosk.locator("#ticket-number")).to_have_text("Y001")
        expect(kiosk.locator("#ticket-go-where")).to_have_text("请到 8 号应急窗口")
        kiosk.screenshot(path=screenshots / "scenario-outage-kiosk-ticket.png")
        kiosk.click("#ticket-done")

        # WHEN window 8's clerk opens the window and calls the next taxpayer
        open_window(clerk)
        press(clerk, "F1")
        # THEN C001, rerouted and first in line since 09:59, is called before Y001, for
        # filing, with the filing register ready
        expect(clerk.locator("#ticket-number")).to_have_text("C001")
        expect(clerk.locator("#ticket-requested")).to_have_text("原办理业务：纳税申报")
        expect(display.locator("#latest-number")).to_have_text("C001")
        expect(display.locator("#latest-window")).to_have_text("8号窗口")
        expect(clerk.locator('#register-kinds input[value="filing"]')).to_be_checked()
        # WHEN the clerk fills in the filing register and saves it
        clerk.locator("#register-taxpayer_id").fill(TAXPAYER_ID)
        clerk.locator("#register-name").fill("示范科技有限公司")
        clerk.locator('[data-field="tax_kinds"] input[value="增值税"]').check()
        clerk.locator("#register-period").fill("2026-11")
        clerk.locator("#register-amount").fill("1234.50")
        clerk.locator("#register-amount").press("Enter")
        # THEN it is saved for C001 and this outage, to backfill
        expect(clerk.locator("#message")).to_contain_text("C001 的纳税申报登记已保存")
        expect(clerk.locator("#register-records")).to_contain_text("待补录")
        clerk.screenshot(path=screenshots / "scenario-outage-counter.png")
        [record] = scene.get("/registers?state=to_backfill")["items"]
        assert (record["ticket"], record["kind"]) == ("C001", "filing")
        assert record["incident"] == incident["number"]
        press(clerk, "F4")
        expect(clerk.locator("#ticket")).to_have_attribute("data-state", "serving")
        press(clerk, "F5")
        expect(clerk.locator("#ticket")).to_be_hidden()

        # WHEN the back-office answers again
        backoffice.up = True

        # THEN the outage ends by itself, on every screen
        expect(kiosk.locator("#outage")).to_be_hidden(timeout=15_000)
        expect(display.locator("#mode-banner")).to_be_hidden()
        expect(clerk.locator("#hall-mode")).to_have_attribute("data-mode", "normal")
        [ended] = scene.incidents()
        assert ended["ended_at"] is not None
        assert ended["result"] == "自动恢复"
        assert ended["extension"]["extended"] == "2026-12-16"
        # AND the record waits in the backfill worklist at the counter
        item = clerk.locator(f'#backfill-list li[data-record="{record["id"]}"]')
        expect(item).to_contain_text("C001")
        expect(item).to_contain_text("纳税申报")
        expect(item.locator('[data-field="taxpayer_id"]')).to_contain_text(TAXPAYER_ID)
        expect(clerk.locator("#backfill-title")).to_have_text("待补录（1 条）")
        clerk.screenshot(path=screenshots / "scenario-outage-backfill.png")
        # AND the recovery SMS are in the outbox for today's taxpayers with a phone …
        recovery = outbox(hub, "recovery")
        assert sorted(message.phone for message in recovery) == sorted(PHONES)
        assert all("系统已恢复" in message.body for message in recovery)
        assert {message.incident_id for message in recovery} == {incident["id"]}
        # … and the log sender sends them
        wait_for(
            lambda: (
                sorted(line["phone"] for line in sms_log(hub) if "系统已恢复" in line["body"])
                == sorted(PHONES)
            ),
            timeout=15,
            interval=0.2,
            message="the recovery SMS in var/sms.log",
        )
        assert {message.state for message in outbox(hub, "recovery")} == {"sent"}
    finally:
        for page in (kiosk, display, clerk):
            page.context.close()
