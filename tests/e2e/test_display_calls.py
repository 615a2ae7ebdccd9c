"""The hall display and the window displays in Chromium, against a real hub.

Calls are made over the HTTP API as the counters would; the displays are
opened as their enrolled devices. Announcements really play (Chromium runs
with ``--autoplay-policy=no-user-gesture-required``, as in the display's
systemd unit), in real time, so these tests make as few of them as they can.
"""

from __future__ import annotations

import array
import io
import math
import re
import wave
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from playwright.sync_api import expect

from tests.support.databases import Tokens
from tests.support.enrolment import enrolment_url
from tests.support.hub import HubProcess, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HALL_TV = {"width": 1920, "height": 1080}
WINDOW_LED = {"width": 640, "height": 240}
ANNOUNCE = "/display/voice/announce.wav"


def bearer(tokens: Tokens, who: str) -> dict[str, str]:
    """The Authorization header of a demo staff member or device."""
    token = tokens.staff.get(who) or tokens.devices[who]
    return {"Authorization": f"Bearer {token}"}


class Counters:
    """The kiosk and counter side of a test, over the HTTP API."""

    def __init__(self, hub: HubProcess, tokens: Tokens) -> None:
        self.hub = hub
        self.tokens = tokens

    def issue(self, service: str) -> str:
        """A kiosk ticket for `service`; its number."""
        response = requests.post(
            f"{self.hub.url}/api/v1/tickets",
            json={"service": service},
            headers=bearer(self.tokens, "kiosk-1"),
            timeout=5,
        )
        response.raise_for_status()
        return str(response.json()["number"])

    def window(self, n: int, action: str) -> Any:
        """A window action by that window's demo staff member; the ticket it answers with."""
        response = requests.post(
            f"{self.hub.url}/api/v1/windows/{n}/{action}",
            headers=bearer(self.tokens, f"window{n}"),
            timeout=5,
        )
        response.raise_for_status()
        return response.json().get("ticket") if response.status_code == 200 else None


@pytest.fixture
def counters(hub: HubProcess, tokens: Tokens) -> Counters:
    return Counters(hub, tokens)


def open_screen(
    browser: Any,
    hub: HubProcess,
    tokens: Tokens,
    device: str,
    path: str,
    viewport: dict[str, int],
    language: str = "zh",
) -> Any:
    """A fresh browser profile enrolled as `device`, showing `path` in `language`.

    As a display PC is set up: the enrolment link once, the language switch,
    then the screen — ready when its first snapshot is drawn.
    """
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    switch = f"/lang/{language}?{urlencode({'next': path})}"
    page.goto(enrolment_url(hub.url, tokens, device, switch))
    assert page.url == f"{hub.url}{path}", page.url
    wait_for(lambda: screen(page, "client.resyncs"), timeout=10, message=f"{path} drawn")
    return page


def screen(page: Any, path: str) -> Any:
    """A value under the page's ``window.hallqDisplay`` (a dotted path).

    Read through Playwright's evaluate: the page's CSP forbids the string
    evaluation that ``wait_for_function`` relies on.
    """
    return page.evaluate(
        "(path) => path.split('.').reduce((v, key) => (v == null ? v : v[key]), window.hallqDisplay)",
        path,
    )


def played(page: Any) -> list[dict[str, Any]]:
    """The voice announcer's log: one entry per announcement started."""
    return list(page.evaluate("() => window.hallqVoice.played"))


def ended(page: Any, count: int) -> list[dict[str, Any]]:
    """The log once `count` announcements have ended (they play in real time)."""

    def finished() -> list[dict[str, Any]] | None:
        log = played(page)
        return log if len(log) >= count and all(entry["endedAt"] for entry in log) else None

    return wait_for(finished, timeout=20.0 * count, interval=0.2, message=f"{count} announced")


def wav_stats(data: bytes) -> tuple[float, float]:
    """(seconds, RMS) of a 16-bit PCM WAV."""
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getsampwidth() == 2
        seconds = wav.getnframes() / wav.getframerate()
        samples = array.array("h", wav.readframes(wav.getnframes()))
    return seconds, math.sqrt(sum(sample * sample for sample in samples) / max(len(samples), 1))


OUTAGE_SNAPSHOT = """() => {
  const client = window.hallqDisplay.client;
  client.applySnapshot({...client.state, mode: "outage", notices: [{
    id: 1,
    text_zh: "金税系统故障，暂停办理发票业务，预计 15:00 恢复",
    text_en: "The Golden Tax system is down: no invoice business until about 15:00",
    incident: 1,
  }]});
}"""

# The continuity issue's events, delivered as the client would receive them (next seq).
NOTICE_EVENT = """([name, notice]) => {
  const client = window.hallqDisplay.client;
  client.receive(name, {seq: client.seq + 1, text_en: "", incident: null, ...notice});
}"""


def test_each_call_is_shown_and_announced_once_in_order(
    browser: Any, hub: HubProcess, tokens: Tokens, counters: Counters
) -> None:
    # GIVEN the hall display, two filing tickets, windows 3 and 5 open
    page = open_screen(browser, hub, tokens, "display-1", "/display/display-1", HALL_TV)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    first, second = counters.issue("filing"), counters.issue("filing")
    counters.window(3, "open")
    counters.window(5, "open")

    # WHEN window 3 calls
    assert counters.window(3, "call-next")["number"] == first

    # THEN the display shows the number and the window, and plays a real announcement
    expect(page.locator("#latest-number")).to_have_text(first)
    expect(page.locator("#latest-window")).to_have_text("3号窗口")
    url = f"{hub.url}{ANNOUNCE}?number={first}&window=3&english=0"
    wait_for(lambda: url in requested, message="the announcement requested")
    audio = requests.get(url, headers=bearer(tokens, "display-1"), timeout=10)
    assert audio.headers["Content-Type"] == "audio/wav"
    seconds, rms = wav_stats(audio.content)
    assert 3 < seconds < 20
    assert rms > 500, "speech, not silence"
    (call,) = ended(page, 1)
    assert (call["number"], call["window"], call["outcome"]) == (first, 3, "ended")
    assert call["duration"] == pytest.approx(seconds, abs=0.1)

    # WHEN window 3 recalls and window 5 calls right after it
    counters.window(3, "recall")
    assert counters.window(5, "call-next")["number"] == second

    # THEN both are announced, the second only once the first has ended
    _, recall, after = ended(page, 3)
    assert (recall["number"], recall["window"], recall["recall"]) == (first, 3, True)
    assert (after["number"], after["window"], after["recall"]) == (second, 5, False)
    assert recall["outcome"] == after["outcome"] == "ended"
    assert after["startedAt"] >= recall["endedAt"]
    expect(page.locator("#latest-number")).to_have_text(second)
    expect(page.locator("#history")).to_contain_text(first)

    # WHEN the display reconnects and gets a fresh snapshot with those calls in it
    resyncs = screen(page, "client.resyncs")
    page.evaluate("() => { window.hallqDisplay.client.socket.disconnect().connect(); }")
    wait_for(lambda: screen(page, "client.resyncs") > resyncs, message="a new snapshot")

    # THEN nothing is announced again
    assert len(played(page)) == 3
    page.context.close()


def test_the_window_display_follows_its_window(
    browser: Any, hub: HubProcess, tokens: Tokens, counters: Counters, screenshots: Path
) -> None:
    # GIVEN window 3's display, with window 3 closed
    page = open_screen(browser, hub, tokens, "window-display-3", "/display/window/3", WINDOW_LED)
    expect(page.locator("body")).to_have_class(re.compile(r"\bstate-closed\b"))
    number = counters.issue("invoice")
    counters.window(3, "open")
    expect(page.locator("#big-first")).to_have_text("空闲")
    # (the big text is the state: the bar does not repeat it)
    expect(page.locator("#state")).to_be_hidden()
    page.screenshot(path=screenshots / "display-window-free-zh.png")

    # WHEN window 3 calls THEN its number is shown, calling, flashing
    counters.window(3, "call-next")
    expect(page.locator("#number")).to_have_text(number)
    expect(page.locator("#state-first")).to_have_text("正在呼叫")
    expect(page.locator("#state")).to_be_visible()
    expect(page.locator("body")).to_have_class(re.compile(r"\bflash\b"))

    # WHEN service starts THEN serving; WHEN it is finished THEN the window is free
    counters.window(3, "start")
    expect(page.locator("#state-first")).to_have_text("正在办理")
    counters.window(3, "finish")
    expect(page.locator("#number")).to_be_hidden()
    expect(page.locator("#big-first")).to_have_text("空闲")
    page.context.close()


def test_a_finished_call_leaves_the_panel_for_the_history_and_idle_says_so(
    browser: Any, hub: HubProcess, tokens: Tokens, counters: Counters, screenshots: Path
) -> None:
    # GIVEN the hall display before the first call
    page = open_screen(browser, hub, tokens, "display-1", "/display/display-1", HALL_TV)

    # THEN the panel says nobody is being called, in words, not a yellow placeholder
    idle = page.locator("#latest-idle")
    expect(idle).to_contain_text("暂无叫号")
    expect(idle).to_contain_text("No one is being called")
    expect(page.locator("#latest-call")).to_be_hidden()
    assert idle.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"

    # WHEN window 3 calls C001 THEN it is under "now calling"
    first, second = counters.issue("filing"), counters.issue("filing")
    counters.window(3, "open")
    counters.window(3, "call-next")
    expect(page.locator("#latest-number")).to_have_text(first)
    expect(idle).to_be_hidden()

    # WHEN window 3 finishes it THEN it moves to the history and the panel is idle again
    counters.window(3, "start")
    counters.window(3, "finish")
    expect(idle).to_be_visible()
    expect(page.locator("#latest-call")).to_be_hidden()
    expect(page.locator("#history .history-number")).to_have_text([first])
    page.screenshot(path=screenshots / "display-hall-idle-zh.png", animations="disabled")

    # WHEN window 5 calls the next one THEN it is shown, the finished one stays in the history
    counters.window(5, "open")
    assert counters.window(5, "call-next")["number"] == second
    expect(page.locator("#latest-number")).to_have_text(second)
    expect(page.locator("#history .history-number")).to_have_text([first])

    # WHEN the display resyncs from a snapshot THEN it draws the same
    resyncs = screen(page, "client.resyncs")
    page.evaluate("() => { window.hallqDisplay.client.socket.disconnect().connect(); }")
    wait_for(lambda: screen(page, "client.resyncs") > resyncs, message="a new snapshot")
    expect(page.locator("#latest-number")).to_have_text(second)
    expect(page.locator("#history .history-number")).to_have_text([first])
    page.context.close()


def test_both_displays_show_the_outage_keep_it_on_reload_and_recover(
    browser: Any, hub: HubProcess, tokens: Tokens, counters: Counters, screenshots: Path
) -> None:
    # GIVEN both displays showing a call to window 3, their pages in the offline cache
    number = counters.issue("filing")
    counters.window(3, "open")
    counters.window(3, "call-next")
    hall = open_screen(browser, hub, tokens, "display-1", "/display/display-1", HALL_TV)
    led = open_screen(browser, hub, tokens, "window-display-3", "/display/window/3", WINDOW_LED)
    for page in (hall, led):
        wait_for(lambda page=page: screen(page, "cached"), message="pages in the offline cache")
        page.evaluate("() => { window.notReloaded = true; }")
    expect(hall.locator("#latest-number")).to_have_text(number)
    expect(led.locator("#number")).to_have_text(number)

    # WHEN the hub goes away
    hub.stop()

    # THEN within seconds both show their offline view, the last call still there
    offline_text = "叫号系统故障，请留意窗口人工叫号"
    expect(hall.locator("#offline-banner")).to_be_visible(timeout=10_000)
    expect(hall.locator("#offline-banner")).to_contain_text(offline_text)
    expect(hall.locator("#latest-number")).to_have_text(number)
    expect(hall.locator("#stale-note")).to_be_visible()
    expect(led.locator("#manual")).to_be_visible(timeout=10_000)
    expect(led.locator("#manual")).to_contain_text("人工叫号")
    expect(led.locator("#number")).to_have_text(number)

    # WHEN they are reloaded during the outage THEN they come back in the same view
    for page in (hall, led):
        page.reload()
    expect(hall.locator("#offline-banner")).to_be_visible()
    expect(hall.locator("#latest-number")).to_have_text(number)
    expect(led.locator("#manual")).to_be_visible()
    expect(led.locator("#number")).to_have_text(number)
    hall.screenshot(path=screenshots / "display-hall-offline-zh.png")
    led.screenshot(path=screenshots / "display-window-offline-zh.png")
    for page in (hall, led):
        page.evaluate("() => { window.notReloaded = true; }")

    # WHEN the hub is back
    hub.start()

    # THEN both return to normal by themselves, without a reload, with the hub's state
    expect(hall.locator("#offline-banner")).to_be_hidden(timeout=15_000)
    expect(led.locator("#manual")).to_be_hidden(timeout=15_000)
    expect(led.locator("#state-first")).to_have_text("正在呼叫")
    counters.window(3, "start")
    expect(led.locator("#state-first")).to_have_text("正在办理")
    counters.window(3, "finish")
    expect(led.locator("#big-first")).to_have_text("空闲")
    expect(hall.locator("#latest-number")).to_have_text(number)
    for page in (hall, led):
        assert page.evaluate("() => window.notReloaded") is True
        page.context.close()
    # AND a clean stop (SIGTERM, as systemd stops the service) left nothing in the ledger
    incidents = requests.get(
        f"{hub.url}/api/v1/incidents", headers=bearer(tokens, "leader"), timeout=5
    ).json()["items"]
    assert incidents == []


def glyph_height(page: Any, selector: str) -> float:
    """The rendered height of an element's digits in CSS pixels (its font size)."""
    return float(page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)"))


def test_screenshots_in_both_languages(
    browser: Any, hub: HubProcess, tokens: Tokens, counters: Counters, screenshots: Path
) -> None:
    # GIVEN a busy morning: calls at several windows, people waiting for most services
    for service in ("filing", "invoice", "registration", "filing", "social", "consult") * 2:
        counters.issue(service)
    for n in (1, 2, 5, 6, 7, 3):
        counters.window(n, "open")
        counters.window(n, "call-next")
    counters.window(7, "start")
    counters.window(7, "finish")
    counters.window(7, "call-next")
    counters.window(3, "recall")

    for language, window_label, outage in (
        ("zh", "3号窗口", "税务系统故障"),
        ("en", "Window 3", "Tax system outage"),
    ):
        # WHEN the hall display and window 3's display are opened in `language`
        hall = open_screen(
            browser, hub, tokens, "display-1", "/display/display-1", HALL_TV, language
        )
        led = open_screen(
            browser, hub, tokens, "window-display-3", "/display/window/3", WINDOW_LED, language
        )

        # THEN both show window 3's call, and are kept as artifacts to look at
        current = hall.locator("#latest-number").inner_text()
        expect(led.locator("#number")).to_have_text(current)
        expect(hall.locator("#latest-window")).to_have_text(window_label)
        hall.screenshot(path=screenshots / f"display-hall-{language}.png")
        led.screenshot(path=screenshots / f"display-window-{language}.png")
        # … and the number is big enough to read across the hall: its glyphs at least a
        # sixth of the TV's height (a 55-inch TV is 68 cm tall: over 11 cm), and over a
        # third of the small screen above the window
        assert glyph_height(hall, "#latest-number") >= HALL_TV["height"] / 6
        assert glyph_height(led, "#number") >= WINDOW_LED["height"] / 3

        # WHEN the hall is in outage mode with the incident's notice (drawn from a
        # snapshot until the continuity issue's events bring them) THEN a coloured banner
        hall.evaluate(OUTAGE_SNAPSHOT)
        expect(hall.locator("#mode-banner")).to_be_visible()
        expect(hall.locator("#mode-first")).to_contain_text(outage)
        expect(hall.locator("#ticker")).to_contain_text("金税系统")
        hall.screenshot(path=screenshots / f"display-hall-outage-{language}.png")

        # WHEN the notice is edited, then taken down THEN the line follows without a snapshot
        hall.evaluate(NOTICE_EVENT, ["notice:posted", {"id": 1, "text_zh": "发票业务已恢复"}])
        expect(hall.locator("#ticker")).to_contain_text("发票业务已恢复")
        hall.evaluate(NOTICE_EVENT, ["notice:removed", {"id": 1}])
        expect(hall.locator("#ticker")).not_to_contain_text("发票业务已恢复")
        hall.context.close()
        led.context.close()


# The longest notice the console accepts (2,000 characters a language), written as a hall writes one.
LONG_NOTICE_ZH = (
    "【系统故障公告】核心征管系统自10:00起发生故障，预计恢复时间待定。受影响业务：可自助办理的"
    "请到自助办税区，其余请到8号应急专窗预审登记，系统恢复后补录办理。给您带来不便，敬请谅解。" * 30
)[:2000]
LONG_NOTICE_EN = (
    "Notice: the tax back-office system has been down since 10:00; expected recovery not yet "
    "known. Use the self-service area where possible, otherwise go to emergency window 8. " * 20
)[:2000]

# An element's box, and whether any ancestor that clips its overflow (or the
# viewport) cuts part of it off.
BOX_AND_CLIP = """(element) => {
  const box = element.getBoundingClientRect();
  const inside = (outer) => box.left >= outer.left - 0.5 && box.right <= outer.right + 0.5
    && box.top >= outer.top - 0.5 && box.bottom <= outer.bottom + 0.5;
  const cutBy = [];
  if (!inside({left: 0, top: 0, right: innerWidth, bottom: innerHeight})) cutBy.push("viewport");
  for (let parent = element.parentElement; parent; parent = parent.parentElement) {
    const style = getComputedStyle(parent);
    if (style.overflowX === "visible" && style.overflowY === "visible") continue;
    const outer = parent.getBoundingClientRect();
    const clip = {
      left: outer.left + parent.clientLeft, top: outer.top + parent.clientTop,
      right: outer.left + parent.clientLeft + parent.clientWidth,
      bottom: outer.top + parent.clientTop + parent.clientHeight,
    };
    if (!inside(clip)) cutBy.push(parent.id || parent.className);
  }
  return {height: box.height, width: box.width, cutBy};
}"""


def whole_and_tall(page: Any, selector: str, screen_height: int) -> None:
    """`selector` is fully visible (nothing clips it) and at least a sixth of the screen high."""
    box = page.eval_on_selector(selector, BOX_AND_CLIP)
    assert box["cutBy"] == [], f"{selector} is cut off by {box['cutBy']}"
    assert box["height"] >= screen_height / 6, f"{selector} is {box['height']} px high"


def test_the_call_stays_whole_under_the_longest_outage_notice(
    browser: Any, hub: HubProcess, tokens: Tokens, counters: Counters, screenshots: Path
) -> None:
    # GIVEN an outage declared with the longest notice the console accepts, in both languages
    response = requests.post(
        f"{hub.url}/api/v1/incidents",
        json={
            "kind": "application",
            "systems": ["backoffice"],
            "notice_zh": LONG_NOTICE_ZH,
            "notice_en": LONG_NOTICE_EN,
        },
        headers=bearer(tokens, "leader"),
        timeout=5,
    )
    assert response.status_code == 201, response.text

    # WHEN a filing ticket, routed to the emergency window, is called there
    number = counters.issue("filing")
    assert number == "Y001"
    counters.window(8, "open")
    assert counters.window(8, "call-next")["number"] == number

    for language, window_label in (("zh", "8号窗口"), ("en", "Window 8")):
        hall = open_screen(
            browser, hub, tokens, "display-1", "/display/display-1", HALL_TV, language
        )
        led = open_screen(
            browser, hub, tokens, "window-display-8", "/display/window/8", WINDOW_LED, language
        )

        # THEN the TV shows the number and the window whole, each a sixth of its height at least
        expect(hall.locator("#latest-number")).to_have_text(number)
        expect(hall.locator("#latest-window")).to_have_text(window_label)
        expect(hall.locator("#mode-banner")).to_be_visible()
        whole_and_tall(hall, "#latest-number", HALL_TV["height"])
        whole_and_tall(hall, "#latest-window", HALL_TV["height"])
        # … the banner keeps to a headline in both languages, the ticker carries the whole notice
        banner = hall.eval_on_selector("#mode-banner", BOX_AND_CLIP)
        assert banner["height"] <= HALL_TV["height"] / 8, banner
        for line in ("#mode-first", "#mode-second"):
            expect(hall.locator(line)).not_to_be_empty()
        ticker = hall.locator("#ticker").inner_text()
        assert LONG_NOTICE_ZH in ticker
        assert LONG_NOTICE_EN in ticker

        # … and the window's own screen shows the number and the window whole too
        expect(led.locator("#number")).to_have_text(number)
        whole_and_tall(led, "#number", WINDOW_LED["height"])
        whole_and_tall(led, "#window-name", WINDOW_LED["height"])
        hall.screenshot(path=screenshots / f"display-hall-long-outage-{language}.png")
        led.screenshot(path=screenshots / f"display-window-long-outage-{language}.png")
        hall.context.close()
        led.context.close()


def test_a_green_ticket_is_called_first_shown_marked_and_announced_as_such(
    browser: Any, hub: HubProcess, tokens: Tokens, counters: Counters, screenshots: Path
) -> None:
    # GIVEN the hall display, a filing ticket, then a green-channel one (V001), window 3 open
    page = open_screen(browser, hub, tokens, "display-1", "/display/display-1", HALL_TV)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert counters.issue("filing") == "C001"
    green = requests.post(
        f"{hub.url}/api/v1/tickets",
        json={"service": "filing", "green": True},
        headers=bearer(tokens, "kiosk-1"),
        timeout=5,
    ).json()["number"]
    assert green == "V001"
    counters.window(3, "open")
    # WHEN window 3 calls next
    assert counters.window(3, "call-next")["number"] == "V001"
    # THEN the display shows V001 marked as the green channel
    expect(page.locator("#latest-number")).to_have_text("V001")
    expect(page.locator("#latest-green")).to_be_visible()
    expect(page.locator("#latest-say .first")).to_have_text("请 绿色通道 V001 号 到 3 号窗口 办理")
    page.screenshot(path=str(screenshots / "display-green-call-zh.png"))
    # AND the small screen above window 3 marks it too
    small = open_screen(browser, hub, tokens, "window-display-3", "/display/window/3", WINDOW_LED)
    expect(small.locator("#number")).to_have_text("V001")
    expect(small.locator("#green")).to_be_visible()
    small.screenshot(path=str(screenshots / "window-display-green.png"))
    small.context.close()
    # AND announces it with its own words: 请 绿色通道 V001 号 到 3 号窗口 办理
    url = f"{hub.url}{ANNOUNCE}?number=V001&window=3&english=0&green=1"
    wait_for(lambda: url in requested, message="the green announcement requested")
    audio = requests.get(url, headers=bearer(tokens, "display-1"), timeout=10)
    clips = audio.headers["X-HallQ-Clips"].split()
    spoken = (
        "qing lvse_tongdao letter_v digit_0 digit_0 digit_1 hao dao digit_3 hao_chuangkou banli"
    )
    assert clips == ["chime", *spoken.split(), *spoken.split()]
