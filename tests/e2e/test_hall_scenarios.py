"""The hall end to end, across screens (issue 3's full flow, issue 5's tests 1, 2, 4 and 5).

Every screen is the real page in Chromium against a real hub process; the API is
used only to set the scene (tickets from kiosk 2, a printer's fault through the
demo's virtual printer) and to read facts back. Each screen has its own e2e
tests; these follow one taxpayer, one failure, one recovery through all of them.
"""

from __future__ import annotations

import io
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.e2e.scenario_support import (
    ANNOUNCE,
    BIG,
    PRINTERS,
    Scene,
    console_log_in,
    counter,
    ended,
    fault,
    hall_display,
    kiosk_token,
    mark_not_reloaded,
    not_reloaded,
    open_kiosk,
    open_window,
    press,
    printed_files,
    printer_control,
    remaining_ms,
    status_page,
    wait_for,
    wav_stats,
    window_display,
)
from tests.support.databases import Tokens
from tests.support.hub import HubProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = ZoneInfo("Asia/Shanghai")
TICKET = "#screen-ticket:not([hidden]):not([inert])"
GUIDE_PRESS_GUARD_S = 0.8
"""counter/static/guide.js ignores a second press of the same service within 800 ms."""


@pytest.fixture
def scene(hub: HubProcess, tokens: Tokens) -> Scene:
    return Scene(hub, tokens)


def test_full_flow_from_the_kiosk_tap_to_the_call_on_every_screen(
    browser: Browser, hub: HubProcess, tokens: Tokens, scene: Scene, screenshots: Path
) -> None:
    # GIVEN the hall display, window 3's display, and window 3 opened by its clerk
    display = hall_display(browser, hub, tokens)
    led = window_display(browser, hub, tokens, 3)
    clerk = counter(browser, hub, "window3", "/counter/3")
    open_window(clerk)
    kiosk = open_kiosk(browser, hub, tokens, "kiosk-1")
    requested: list[str] = []
    display.on("request", lambda request: requested.append(request.url))
    phone: Page | None = None
    try:
        # WHEN a taxpayer taps 纳税申报 on kiosk 1
        kiosk.click('.k-svc[data-service="filing"]')
        kiosk.click("#details-skip")
        # THEN the ticket is on the screen, and kiosk 1's printer printed it
        expect(kiosk.locator(TICKET)).to_be_visible()
        expect(kiosk.locator("#ticket-number")).to_have_text("C001")
        expect(kiosk.locator("#screen-ticket")).to_have_attribute("data-print", "printed")
        expect(kiosk.locator("#print-message")).to_have_text("请取走号票")
        [printed] = wait_for(
            lambda: printed_files(hub, "kiosk-1", "C001"), message="C001 under var/printed/kiosk-1"
        )
        assert "纳税申报" in printed.read_text("utf-8")
        kiosk.screenshot(path=screenshots / "scenario-flow-kiosk.png")
        # AND the taxpayer follows it on their phone, from the QR code
        phone = status_page(browser, hub, kiosk_token(kiosk))
        expect(phone.locator("#number")).to_have_text("C001")
        expect(phone.locator("#state")).to_have_text("等候叫号中")
        expect(phone.locator("#call")).to_be_hidden()
        mark_not_reloaded(phone, display, led)

        # WHEN window 3's clerk presses F1
        press(clerk, "F1")
        expect(clerk.locator("#ticket-number")).to_have_text("C001")

        # THEN the hall display shows C001 → window 3
        expect(display.locator("#latest-number")).to_have_text("C001")
        expect(display.locator("#latest-window")).to_have_text("3号窗口")
        # AND window 3's display calls it
        expect(led.locator("#number")).to_have_text("C001")
        expect(led.locator("#state-first")).to_have_text("正在呼叫")
        # AND the phone shows window 3 by itself
        expect(phone.locator("#call")).to_be_visible()
        expect(phone.locator("#window")).to_have_text("3 号窗口")
        expect(phone.locator("#state")).to_have_text("已叫号，请到窗口办理")
        display.screenshot(path=screenshots / "scenario-flow-display.png")
        phone.screenshot(path=screenshots / "scenario-flow-status.png")
        assert all(not_reloaded(page) for page in (phone, display, led))

        # AND the display asked for the announcement of C001 at window 3: real speech
        url = f"{hub.url}{ANNOUNCE}?number=C001&window=3&english=0"
        wait_for(lambda: url in requested, message="the announcement requested")
        audio = requests.get(url, headers=scene.headers("display-1"), timeout=10)
        assert audio.headers["Content-Type"] == "audio/wav"
        seconds, rms = wav_stats(audio.content)
        assert 3 < seconds < 20
        assert rms > 500, "speech, not silence"
        # … played to its end, once
        (call,) = ended(display, 1)
        assert (call["number"], call["window"], call["outcome"]) == ("C001", 3, "ended")
        assert call["duration"] == pytest.approx(seconds, abs=0.1)
    finally:
        for page in (display, led, clerk, kiosk, phone):
            if page is not None:
                page.context.close()


def ledger_rows(xlsx: bytes) -> dict[str, dict[str, Any]]:
    """The ledger's incidents by number, each as {column title: cell value}."""
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    titles = [str(title) for title in rows[0]]
    incidents = [dict(zip(titles, row, strict=True)) for row in rows[1:] if row[0] is not None]
    return {str(row["事件编号"]): row for row in incidents}


def local(moment: str) -> datetime:
    """An API instant in hall-local time, naive (as the ledger's cells hold it)."""
    return datetime.fromisoformat(moment).astimezone(SHANGHAI).replace(tzinfo=None)


def test_a_printer_out_of_paper_degrades_its_kiosk_until_refilled_and_the_ledger_has_it(
    browser: Browser, hub: HubProcess, tokens: Tokens, scene: Scene, screenshots: Path
) -> None:
    # GIVEN kiosk 1, the hall display and the duty leader's console, all normal
    control = printer_control(hub, "kiosk-1")
    kiosk = open_kiosk(browser, hub, tokens, "kiosk-1")
    display = hall_display(browser, hub, tokens)
    context, console = console_log_in(browser, hub, BIG)
    try:
        expect(kiosk.locator("#degraded")).to_be_hidden()
        expect(display.locator("#mode-banner")).to_be_hidden()
        expect(console.locator("#mode")).to_have_attribute("data-mode", "normal")
        assert scene.incidents() == []

        # WHEN kiosk 1's printer runs out of paper
        deadline = time.monotonic() + 3
        fault(control, "paper_out")

        # THEN within 3 s: kiosk 1 gives on-screen tickets, the console has the incident,
        # the hall display the notice
        expect(kiosk.locator("#degraded")).to_be_visible(timeout=remaining_ms(deadline))
        alert = console.locator("#alerts [data-incident]")
        expect(alert).to_contain_text("1号取号机打印机", timeout=remaining_ms(deadline))
        expect(display.locator("#mode-banner")).to_be_visible(timeout=remaining_ms(deadline))
        expect(display.locator("#mode-first")).to_have_text(
            "部分取号机暂停出票，请使用其他取号机或到导税台取号", timeout=remaining_ms(deadline)
        )
        expect(kiosk.locator("#degraded")).to_contain_text("请记下您的号码")
        expect(console.locator("#mode-text")).to_have_text("降级运行")
        expect(console.locator('#devices li[data-device="printer-kiosk-1"]')).to_have_attribute(
            "data-health", "failed"
        )
        # (which printer it is, the console says; the display's ticker does not)
        expect(display.locator("#ticker")).not_to_contain_text("打印机")
        # … and a tap gives a ticket on the screen, marked as not printed
        kiosk.click('.k-svc[data-service="filing"]')
        kiosk.click("#details-skip")
        expect(kiosk.locator("#ticket-number")).to_have_text("C001")
        expect(kiosk.locator("#screen-ticket")).to_have_attribute("data-print", "failed")
        kiosk.screenshot(path=screenshots / "scenario-degraded-kiosk.png")
        display.screenshot(path=screenshots / "scenario-degraded-display.png")

        # WHEN the leader opens the incident from the alert and notes a handling step
        incident_id = alert.get_attribute("data-incident")
        alert.locator(".alert__action").click()
        expect(console.locator("#incident-title")).to_contain_text("设备故障")
        steps = console.locator("#step-add")
        steps.get_by_label("新的处置过程").fill("已通知值守人员为1号取号机更换打印纸")
        steps.get_by_role("button", name="添加处置过程").click()
        expect(console.locator("#incident-steps")).to_contain_text("更换打印纸")
        # … below the system's own first step, each step naming who took it
        whos = console.locator("#incident-steps .step__who")
        expect(whos).to_have_text(["系统", "leader"])
        console.screenshot(path=screenshots / "scenario-degraded-console.png")

        # WHEN the paper is refilled
        kiosk.click("#ticket-done")
        fault(control, "none")

        # THEN everything is back to normal by itself
        expect(kiosk.locator("#degraded")).to_be_hidden(timeout=5000)
        expect(display.locator("#mode-banner")).to_be_hidden(timeout=5000)
        expect(console.locator("#mode-text")).to_have_text("正常", timeout=5000)
        expect(display.locator("#ticker")).not_to_contain_text("1号取号机打印机")
        kiosk.click('.k-svc[data-service="filing"]')
        kiosk.click("#details-skip")
        expect(kiosk.locator("#ticket-number")).to_have_text("C002")
        expect(kiosk.locator("#screen-ticket")).to_have_attribute("data-print", "printed")
        # AND the incident is closed, with its start and end on the console and in the API
        expect(console.locator("#incident-state")).to_have_text("已结束")
        expect(console.locator("#incident-facts")).to_contain_text("结束时间")
        item = console.locator(f'#incident-list a[data-incident="{incident_id}"]')
        expect(item).to_have_attribute("data-open", "false")
        expect(item.locator(".incident-item__when")).to_have_text(
            re.compile(r"\d\d:\d\d – .*\d\d:\d\d")
        )
        [incident] = scene.incidents()
        assert str(incident["id"]) == incident_id
        assert (incident["kind"], incident["source"]) == ("equipment", "auto")
        assert incident["devices"] == ["printer-kiosk-1"]
        assert incident["ended_at"] is not None
        assert incident["started_at"] < incident["ended_at"]
        assert incident["result"] == "自动恢复"
        steps_said = [(step["actor"], step["text"]) for step in incident["steps"]]
        step = next(step for step in incident["steps"] if "更换打印纸" in step["text"])
        assert step["actor"].endswith("leader")
        assert steps_said[-1] == ("system", "处置结束：自动恢复")

        # WHEN the leader downloads this month's incident ledger from the console
        console.locator("#tab-ledger").click()
        with console.expect_download() as download:
            console.locator("#ledger-xlsx").click()
        xlsx = Path(download.value.path()).read_bytes()

        # THEN it holds every incident of the run with type, times, steps and result
        rows = ledger_rows(xlsx)
        assert set(rows) == {item["number"] for item in scene.incidents()}
        row = rows[incident["number"]]
        assert row["事件类型"] == "设备故障"
        assert abs(row["发生时间"] - local(incident["started_at"])).total_seconds() < 1
        assert abs(row["结束时间"] - local(incident["ended_at"])).total_seconds() < 1
        lines = str(row["处置过程"]).splitlines()
        assert len(lines) == len(incident["steps"])
        noted = next(line for line in lines if "更换打印纸" in line)
        assert noted.startswith(f"{local(step['at']):%H:%M} ")
        assert noted.endswith("leader：已通知值守人员为1号取号机更换打印纸")
        assert "处置结束：自动恢复" in lines[-1]
        assert row["处置结果"] == "自动恢复"
        assert row["登记人"] == "系统自动登记"
    finally:
        for page in (kiosk, display):
            page.context.close()
        context.close()


def call_next(clerk: Page, scene: Scene) -> str:
    """F1 on window 3's counter; the number it shows once the hub has called it."""
    press(clerk, "F1")
    expect(clerk.locator("#ticket")).to_have_attribute("data-state", "called")
    number = clerk.locator("#ticket-number").inner_text()
    assert scene.window(3)["ticket"]["number"] == number
    return number


def serve(clerk: Page) -> None:
    """F4 then F5: the called taxpayer is served and done."""
    press(clerk, "F4")
    expect(clerk.locator("#ticket")).to_have_attribute("data-state", "serving")
    press(clerk, "F5")
    expect(clerk.locator("#ticket")).to_be_hidden()


def test_every_printer_down_turns_the_hall_to_paper_tickets_called_in_order(
    browser: Browser, hub: HubProcess, tokens: Tokens, scene: Scene, screenshots: Path
) -> None:
    # GIVEN C001 printed at kiosk 1 this morning, and every screen of the hall open
    controls = {printer: printer_control(hub, printer) for printer in PRINTERS}
    kiosk = open_kiosk(browser, hub, tokens, "kiosk-1")
    kiosk.click('.k-svc[data-service="filing"]')
    kiosk.click("#details-skip")
    expect(kiosk.locator("#ticket-number")).to_have_text("C001")
    expect(kiosk.locator("#screen-ticket")).to_have_attribute("data-print", "printed")
    kiosk.click("#ticket-done")
    display = hall_display(browser, hub, tokens)
    clerk = counter(browser, hub, "window3", "/counter/3")
    guide = counter(browser, hub, "guide", "/counter/guide")
    try:
        open_window(clerk)
        expect(guide.locator("#issue-print")).to_be_checked()

        # WHEN the three ticket printers run out of paper
        for control in controls.values():
            fault(control, "paper_out")

        # THEN paper mode on every screen: the kiosk sends everyone to the guide desk …
        paper = kiosk.locator("#start-paper")
        expect(paper).to_be_visible(timeout=5000)
        expect(paper).to_contain_text("请到导税台领取纸质号票")
        expect(kiosk.locator('.k-svc[data-service="filing"]')).to_be_hidden()
        # … the hall display says so …
        expect(display.locator("#mode-banner")).to_be_visible()
        expect(display.locator("#mode-first")).to_contain_text("启用纸质号票，请到导税台领取")
        # … the counter and the guide desk are in paper mode, and the desk will not print
        expect(clerk.locator("#hall-mode")).to_have_attribute("data-mode", "paper")
        expect(guide.locator("#hall-mode")).to_have_attribute("data-mode", "paper")
        expect(guide.locator("#hall-mode")).to_contain_text("纸质号票")
        expect(guide.locator("#issue-print")).not_to_be_checked()
        # … each screen says one thing about it, written for its readers, while the
        # notices of the three failed printers (another kiosk, the guide desk) stay
        # on the console
        wait_for(
            lambda: (
                len([n for n in scene.get("/notices")["items"] if "打印机" in n["text_zh"]]) == 3
            ),
            message="each printer's notice posted",
        )
        expect(display.locator("#mode-first")).to_have_text("启用纸质号票，请到导税台领取")
        expect(display.locator("#ticker")).to_have_text(re.compile("^请妥善保管号票，留意叫号。"))
        expect(guide.locator("#hall-notices .hall-notice")).to_have_text(
            ["取号机均无法出票：请发放纸质号票，并在“纸质号票”页登记发出的号码。"]
        )
        expect(clerk.locator("#hall-notices .hall-notice")).to_have_text(
            ["纸质号票：导税台发放的纸质号票与电子号票按序叫号，请照常叫下一位（F1）。"]
        )
        kiosk.screenshot(path=screenshots / "scenario-paper-kiosk.png")
        display.screenshot(path=screenshots / "scenario-paper-display.png")
        clerk.screenshot(path=screenshots / "scenario-paper-counter.png")
        guide.screenshot(path=screenshots / "scenario-paper-guide-banner.png")
        [incident] = [item for item in scene.incidents() if item["mode"] == "paper"]
        assert set(incident["devices"]) == {f"printer-{printer}" for printer in PRINTERS}
        display.context.close()  # thirteen calls follow: no need to hear them all

        # WHEN the guide issues a filing ticket on screen for a taxpayer …
        filing = guide.locator('#issue-services [data-service="filing"]')
        filing.click()
        pressed = time.monotonic()
        expect(guide.locator("#result-number")).to_have_text("C002")
        expect(guide.locator("#result-print")).to_have_attribute("data-state", "none")
        # … hands out paper tickets C051–C060 and registers them …
        guide.locator("#tab-paper").click()
        guide.locator("#paper-first").fill("C051")
        guide.locator("#paper-last").fill("C060")
        expect(guide.locator("#paper-preview")).to_have_text("纳税申报 C051–C060，共 10 张")
        guide.locator("#paper-last").press("Enter")
        expect(guide.locator("#message")).to_contain_text("纸质号票 C051–C060 已登记")
        # … and issues one more on screen (once the desk's double-press guard has passed)
        wait_for(lambda: time.monotonic() - pressed > GUIDE_PRESS_GUARD_S, message="press guard")
        filing.click()
        expect(guide.locator("#result-number")).to_have_text("C003")
        expect(guide.locator("#result-print")).to_have_attribute("data-state", "none")
        guide.screenshot(path=screenshots / "scenario-paper-guide.png")
        assert printed_files(hub, "guide", "C00") == []

        # WHEN window 3 calls the next taxpayer until nobody waits
        called = []
        for _ in range(13):
            called.append(call_next(clerk, scene))
            serve(clerk)

        # THEN the tickets came in the order they were issued, paper ones among the others
        paper_numbers = [f"C{sequence:03d}" for sequence in range(51, 61)]
        assert called == ["C001", "C002", *paper_numbers, "C003"]
        press(clerk, "F1")
        expect(clerk.locator("#message")).to_have_text("本窗口暂无等候的纳税人。")
        # … and the guide desk's reconciliation has them all called
        row = guide.locator('#paper-ranges [data-first="C051"]')
        expect(row.locator("td").nth(2)).to_have_text("10")
        expect(row.locator("td").nth(3)).to_have_text("已全部叫号")
    finally:
        for page in (kiosk, display, clerk, guide):
            page.context.close()


class Issuer(threading.Thread):
    """Kiosk 2 issuing consultation tickets as fast as it can, until the hub is gone.

    Keeps every 201 it got: those tickets were acknowledged and may not be lost.
    """

    def __init__(self, scene: Scene) -> None:
        super().__init__(daemon=True)
        self.scene = scene
        self.acknowledged: list[dict[str, Any]] = []
        self.error: Exception | None = None

    def run(self) -> None:
        while True:
            try:
                response = requests.post(
                    f"{self.scene.hub.url}/api/v1/tickets",
                    json={"service": "consult"},
                    headers=self.scene.headers("kiosk-2"),
                    timeout=5,
                )
            except requests.RequestException as error:
                self.error = error
                return
            if response.status_code == 201:
                self.acknowledged.append(response.json())


def test_the_hub_killed_and_restarted_every_open_screen_goes_offline_and_resyncs(
    browser: Browser, hub: HubProcess, tokens: Tokens, scene: Scene, screenshots: Path
) -> None:
    # GIVEN window 3 has called C001, C002 waits, and every kind of screen is open
    first, second = scene.issue("filing"), scene.issue("filing")
    clerk = counter(browser, hub, "window3", "/counter/3")
    open_window(clerk)
    assert call_next(clerk, scene) == first["number"] == "C001"
    kiosk = open_kiosk(browser, hub, tokens, "kiosk-1")
    display = hall_display(browser, hub, tokens)
    led = window_display(browser, hub, tokens, 3)
    phone = status_page(browser, hub, second["token"])
    pages = (kiosk, display, led, clerk, phone)
    try:
        expect(display.locator("#latest-number")).to_have_text("C001")
        expect(led.locator("#number")).to_have_text("C001")
        expect(phone.locator("#ahead")).to_have_text("前面没有人等候")
        mark_not_reloaded(*pages)
        # … and kiosk 2 is issuing tickets as fast as it can
        issuer = Issuer(scene)
        issuer.start()
        wait_for(lambda: len(issuer.acknowledged) >= 5, message="tickets being issued")

        # WHEN the hub is killed (SIGKILL: no clean-up) in the middle of that
        killed_at = datetime.now(UTC)
        hub.kill()
        issuer.join(timeout=10)
        assert isinstance(issuer.error, requests.ConnectionError)
        acknowledged = list(issuer.acknowledged)

        # THEN within 10 s every open screen shows its offline view, keeping what it knew
        deadline = time.monotonic() + 10
        kiosk_offline = kiosk.locator("#offline:not([hidden])")
        expect(kiosk_offline).to_be_visible(timeout=remaining_ms(deadline))
        expect(kiosk_offline).to_contain_text("请到导税台领取纸质号票")
        expect(display.locator("#offline-banner")).to_be_visible(timeout=remaining_ms(deadline))
        expect(display.locator("#offline-banner")).to_contain_text(
            "叫号系统故障，请留意窗口人工叫号"
        )
        expect(display.locator("#latest-number")).to_have_text("C001")
        expect(led.locator("#manual")).to_be_visible(timeout=remaining_ms(deadline))
        expect(led.locator("#number")).to_have_text("C001")
        expect(clerk.locator("#offline")).to_be_visible(timeout=remaining_ms(deadline))
        expect(clerk.locator("#offline-calls")).to_contain_text("C001")
        expect(phone.locator("#offline")).to_be_visible(timeout=remaining_ms(deadline))
        expect(phone.locator("#number")).to_have_text("C002")
        kiosk.screenshot(path=screenshots / "scenario-hub-down-kiosk.png")
        display.screenshot(path=screenshots / "scenario-hub-down-display.png")
        clerk.screenshot(path=screenshots / "scenario-hub-down-counter.png")

        # WHEN the hub is started again, on the same port and database
        hub.start()
        restarted_at = datetime.now(UTC)

        # THEN every screen is back by itself, without a reload, with the hub's state
        expect(kiosk_offline).to_be_hidden(timeout=20_000)
        expect(display.locator("#offline-banner")).to_be_hidden(timeout=20_000)
        expect(led.locator("#manual")).to_be_hidden(timeout=20_000)
        expect(clerk.locator("#offline")).to_be_hidden(timeout=20_000)
        expect(phone.locator("#offline")).to_be_hidden(timeout=20_000)
        expect(clerk.locator("#link")).to_have_attribute("data-state", "online")
        expect(clerk.locator("#ticket-number")).to_have_text("C001")
        expect(display.locator("#latest-number")).to_have_text("C001")
        expect(led.locator("#state-first")).to_have_text("正在呼叫")
        expect(phone.locator("#ahead")).to_have_text("前面没有人等候")
        assert all(not_reloaded(page) for page in pages)
        # AND every ticket whose 201 arrived is there, and the kiosk counts what the hub has
        for ticket in acknowledged:
            status = scene.ticket(ticket["token"])
            assert (status["number"], status["state"]) == (ticket["number"], "waiting")
        waiting = scene.waiting()["consult"]
        assert waiting - len(acknowledged) in (0, 1)  # + the one in flight, if it committed
        expect(kiosk.locator('.k-svc[data-service="consult"] .k-svc-waiting')).to_have_text(
            f"等候 {waiting} 人"
        )
        # AND they carry on live: the kiosk issues the next number, window 3 serves and calls
        kiosk.click('.k-svc[data-service="consult"]')
        kiosk.click("#details-skip")
        expect(kiosk.locator("#ticket-number")).to_have_text(f"E{waiting + 1:03d}")
        press(clerk, "F4")
        expect(led.locator("#state-first")).to_have_text("正在办理")
        press(clerk, "F5")
        expect(clerk.locator("#ticket")).to_be_hidden()
        assert call_next(clerk, scene) == "C002"
        expect(phone.locator("#window")).to_have_text("3 号窗口")
        expect(display.locator("#latest-number")).to_have_text("C002")

        # AND the hub's own outage is in the ledger: an application-system incident from
        # its last heartbeat before the kill to its restart, with what each screen saw
        # (Only the application system's: on a loaded machine a screen's heartbeat may come
        # late enough for a device incident of its own, which is not what this is about.)
        seen: list[Any] = []

        def hub_outage() -> dict[str, Any] | None:
            found = [
                item
                for item in scene.incidents()
                if item["source"] == "auto" and item["kind"] == "application"
            ]
            seen[:] = [(item["kind"], [step["text"] for step in item["steps"]]) for item in found]
            screens = [
                step for item in found for step in item["steps"] if "起显示离线界面" in step["text"]
            ]
            return found[0] if len(found) == 1 and len(screens) >= 4 else None

        try:
            incident = wait_for(hub_outage, timeout=30, message="the hub outage and 4 reports")
        except AssertionError as error:
            raise AssertionError(f"{error}; the hub's outage incidents: {seen}") from None
        assert incident["kind"] == "application"
        assert "叫号系统服务器意外停止" in incident["description"]
        started = datetime.fromisoformat(incident["started_at"])
        ended = datetime.fromisoformat(incident["ended_at"])
        assert killed_at - timedelta(seconds=12) <= started <= killed_at
        assert killed_at < ended <= restarted_at + timedelta(seconds=5)
        reports = " ".join(step["text"] for step in incident["steps"])
        for screen in ("1号取号机：", "大厅综合屏：", "3号窗口屏：", "的工作终端："):
            assert screen in reports, reports
    finally:
        for page in pages:
            page.context.close()


def test_the_ledger_names_the_people_who_handled_an_incident(hub: HubProcess, scene: Scene) -> None:
    # GIVEN an incident the leader declared, handled in a step and ended (over the API)
    def leader(path: str, body: dict[str, Any]) -> Any:
        response = requests.post(
            f"{hub.url}/api/v1{path}", json=body, headers=scene.headers("leader"), timeout=5
        )
        response.raise_for_status()
        return response.json()

    declared = leader("/incidents", {"kind": "conflict", "description": "窗口前发生争执"})
    leader(f"/incidents/{declared['incident']}/steps", {"text": "值班领导到场调解"})
    leader(f"/incidents/{declared['incident']}/end", {"result": "调解完毕"})
    # WHEN the leader downloads the ledger
    response = requests.get(
        f"{hub.url}/console/ledger.xlsx", headers=scene.headers("leader"), timeout=10
    )
    response.raise_for_status()
    row = ledger_rows(response.content)[declared["number"]]
    # THEN the form names the people as the console does: no principal ids
    assert re.search(r"^\d\d:\d\d leader：值班领导到场调解$", str(row["处置过程"]), re.M)
    assert row["登记人"] == "leader"
