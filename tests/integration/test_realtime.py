"""Socket.IO through a real client against a real hub process, under eventlet and threading."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from core import protocol
from tests.support.databases import DEMO_PASSWORD, SqliteTemplate, Tokens
from tests.support.hub import ROOT, HubProcess, wait_for
from tests.support.protocol_client import Listener


def running_hub(
    sqlite_template: SqliteTemplate, tmp_path: Path, async_mode: str = "eventlet", **env: str
) -> Iterator[HubProcess]:
    # No print agents: their acknowledgements are hall events too, and would race the call.
    process = HubProcess(
        sqlite_template.copy(tmp_path / "hallq.db"),
        tmp_path,
        async_mode=async_mode,
        HALLQ_PRINT_AGENTS="0",
        **env,
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(params=["eventlet", "threading"])
def hub(
    request: pytest.FixtureRequest, sqlite_template: SqliteTemplate, tmp_path: Path
) -> Iterator[HubProcess]:
    """A hub in each async mode: the protocol must hold in both."""
    yield from running_hub(sqlite_template, tmp_path, request.param)


@pytest.fixture
def hall_hub(sqlite_template: SqliteTemplate, tmp_path: Path) -> Iterator[HubProcess]:
    """A hub as a hall runs it (eventlet), for the access rules on top of the protocol."""
    yield from running_hub(sqlite_template, tmp_path)


def bearer(tokens: Tokens, who: str) -> dict[str, str]:
    token = tokens.staff.get(who) or tokens.devices[who]
    return {"Authorization": f"Bearer {token}"}


def issue(hub: HubProcess, tokens: Tokens, service: str = "filing", **body: Any) -> dict[str, Any]:
    """A ticket issued by kiosk 1; the hub's answer."""
    answer = requests.post(
        f"{hub.url}/api/v1/tickets",
        json={"service": service, **body},
        headers=bearer(tokens, "kiosk-1"),
        timeout=5,
    )
    answer.raise_for_status()
    return dict(answer.json())


def test_a_display_receives_the_call_with_the_next_seq(hub: HubProcess, tokens: Tokens) -> None:
    # GIVEN a display connected with its device token, and one filing ticket waiting
    display = Listener(hub.url, protocol.DISPLAY, {"token": tokens.devices["display-1"]})
    try:
        snapshot = wait_for(lambda: display.received(protocol.STATE_SNAPSHOT), message="snapshot")[
            0
        ]
        requests.post(
            f"{hub.url}/api/v1/tickets",
            json={"service": "filing"},
            headers=bearer(tokens, "kiosk-1"),
            timeout=5,
        ).raise_for_status()
        requests.post(
            f"{hub.url}/api/v1/windows/3/open", headers=bearer(tokens, "window3"), timeout=5
        )
        seq_before = display.call(protocol.STATE_CHECK)["seq"]
        # WHEN window 3 calls next
        answer = requests.post(
            f"{hub.url}/api/v1/windows/3/call-next", headers=bearer(tokens, "window3"), timeout=5
        )
        # THEN the display gets ticket:called for C001 at window 3 with the very next seq
        assert answer.json()["ticket"]["number"] == "C001"
        called = wait_for(
            lambda: display.received(protocol.TICKET_CALLED), message="ticket:called"
        )[0]
        assert {key: called[key] for key in ("number", "window", "service", "recall")} == {
            "number": "C001",
            "window": 3,
            "service": "filing",
            "recall": False,
        }
        assert called["seq"] == seq_before + 1
        assert snapshot["seq"] < called["seq"]
        # AND the events it saw are gapless and increasing
        seqs = [
            payload["seq"] for event, payload in display.events if event != protocol.STATE_SNAPSHOT
        ]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    finally:
        display.close()


def test_a_display_receives_every_event_of_concurrent_kiosks_in_seq_order(
    hub: HubProcess, tokens: Tokens
) -> None:
    # GIVEN a display connected with its device token
    display = Listener(hub.url, protocol.DISPLAY, {"token": tokens.devices["display-1"]})
    try:
        wait_for(lambda: display.received(protocol.STATE_SNAPSHOT), message="snapshot")
        first = display.call(protocol.STATE_CHECK)["seq"] + 1

        # WHEN four kiosks issue five tickets each at the same time
        with ThreadPoolExecutor(max_workers=4) as kiosks:
            answers = list(kiosks.map(lambda _n: issue(hub, tokens), range(20)))
        last = display.call(protocol.STATE_CHECK)["seq"]

        # THEN the display received every event of the 20 commands (a ticket and a
        # summary each), one per seq, in seq order
        assert len({answer["number"] for answer in answers}) == 20
        assert last == first + 39
        wait_for(
            lambda: len(display.received(protocol.QUEUE_CHANGED)) >= 20, message="20 summaries"
        )
        seqs = [seq for event, payload in display.events if (seq := payload.get("seq", 0)) >= first]
        assert seqs == list(range(first, last + 1))
        issued = display.received(protocol.TICKET_ISSUED)
        assert sorted(event["number"] for event in issued) == sorted(
            answer["number"] for answer in answers
        )
    finally:
        display.close()


def test_namespaces_refuse_the_wrong_credentials(hub: HubProcess, tokens: Tokens) -> None:
    # GIVEN / WHEN a display token tries the counter namespace, and nobody tries the display one
    for namespace, auth in (
        (protocol.COUNTER, {"token": tokens.devices["display-1"]}),
        (protocol.DISPLAY, None),
        (protocol.CONSOLE, {"token": tokens.staff["window1"]}),
    ):
        client = socketio.Client(reconnection=False)
        # THEN the connection is refused
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(
                hub.url, namespaces=[namespace], auth=auth, transports=["websocket"], wait_timeout=5
            )
        client.disconnect()


def test_a_snapshot_after_restart_shows_what_was_shown_before(
    hub: HubProcess, tokens: Tokens
) -> None:
    # GIVEN a call made and seen
    requests.post(
        f"{hub.url}/api/v1/tickets",
        json={"service": "invoice"},
        headers=bearer(tokens, "kiosk-1"),
        timeout=5,
    )
    requests.post(f"{hub.url}/api/v1/windows/1/open", headers=bearer(tokens, "window1"), timeout=5)
    requests.post(
        f"{hub.url}/api/v1/windows/1/call-next", headers=bearer(tokens, "window1"), timeout=5
    )
    display = Listener(hub.url, protocol.DISPLAY, {"token": tokens.devices["display-1"]})
    before = wait_for(lambda: display.received(protocol.STATE_SNAPSHOT), message="snapshot")[0]
    display.close()
    # WHEN the hub restarts and the display connects again
    hub.stop()
    hub.start()
    display = Listener(hub.url, protocol.DISPLAY, {"token": tokens.devices["display-1"]})
    try:
        after = wait_for(lambda: display.received(protocol.STATE_SNAPSHOT), message="snapshot")[0]
        # THEN it shows the same calls and windows (the day check may have advanced seq only by nothing)
        assert after["recent_calls"] == before["recent_calls"]
        assert after["windows"] == before["windows"]
        assert after["recent_calls"][0]["number"] == "B001"
    finally:
        display.close()


def test_a_revoked_device_loses_its_socket_within_2_s(hall_hub: HubProcess, tokens: Tokens) -> None:
    # GIVEN display-1 and kiosk-1 connected with their tokens, and a counter beside them
    display = Listener(hall_hub.url, protocol.DISPLAY, {"token": tokens.devices["display-1"]})
    kiosk = Listener(hall_hub.url, protocol.KIOSK, {"token": tokens.devices["kiosk-1"]})
    counter = Listener(hall_hub.url, protocol.COUNTER, {"token": tokens.staff["window3"]})
    cut_off: list[float] = []
    display.client.on("disconnect", lambda *_: cut_off.append(time.monotonic()), protocol.DISPLAY)
    try:
        wait_for(lambda: display.received(protocol.STATE_SNAPSHOT), message="display snapshot")
        # WHEN an operator revokes display-1 from the command line (another process)
        revoked = hall_hub.cli("device", "revoke", "display-1")
        done = time.monotonic()
        assert revoked.returncode == 0, revoked.stderr
        # THEN the hub ends its socket within 2 s, and it can no longer ask for anything
        wait_for(lambda: cut_off, timeout=2.0, message="display-1 disconnected")
        assert cut_off[0] - done < 2.0
        assert not display.client.connected
        # AND it cannot come back with the same token
        again = socketio.Client(reconnection=False)
        refusals: list[Any] = []
        again.on("connect_error", refusals.append, protocol.DISPLAY)
        with pytest.raises(socketio.exceptions.ConnectionError):
            again.connect(
                hall_hub.url,
                namespaces=[protocol.DISPLAY],
                auth={"token": tokens.devices["display-1"]},
                transports=["websocket"],
                wait_timeout=5,
            )
        assert refusals == [{"message": "auth.required"}]
        # AND the devices and staff not revoked keep theirs
        assert kiosk.call(protocol.STATE_CHECK)["seq"] >= 0
        assert counter.call(protocol.STATE_CHECK)["seq"] >= 0
    finally:
        for listener in (display, kiosk, counter):
            listener.close()


def logged_in_cookie(hub: HubProcess, username: str) -> str:
    """Log in through the form as a browser does; the ``Cookie`` header of that login."""
    browser = requests.Session()
    form = browser.get(f"{hub.url}/login", timeout=5).text
    match = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert match, "no CSRF token in the login form"
    answer = browser.post(
        f"{hub.url}/login",
        data={"username": username, "password": DEMO_PASSWORD, "csrf_token": match.group(1)},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def test_disabling_a_clerk_cuts_their_open_counters_within_2_s(
    hall_hub: HubProcess, tokens: Tokens
) -> None:
    # GIVEN window3's clerk at a counter page (login cookie) and a script (API token),
    # and window1's clerk beside them
    cookie = logged_in_cookie(hall_hub, "window3")
    page = socketio.Client(reconnection=False)
    page.connect(
        hall_hub.url,
        namespaces=[protocol.COUNTER],
        headers={"Cookie": cookie},
        transports=["websocket"],
        wait_timeout=10,
    )
    script = Listener(hall_hub.url, protocol.COUNTER, {"token": tokens.staff["window3"]})
    other = Listener(hall_hub.url, protocol.COUNTER, {"token": tokens.staff["window1"]})
    try:
        # WHEN the administrator disables window3's account from the shell
        disabled = hall_hub.cli("staff", "disable", "window3")
        done = time.monotonic()
        assert disabled.returncode == 0, disabled.stderr
        # THEN both of its sockets end within 2 s; window1's stays
        wait_for(
            lambda: not page.connected and not script.client.connected,
            timeout=2.0,
            message="window3's sockets cut",
        )
        assert time.monotonic() - done < 2.0
        assert other.call(protocol.STATE_CHECK)["seq"] >= 0
    finally:
        page.disconnect()
        for listener in (script, other):
            listener.close()


def refusal(hub: HubProcess, namespace: str, auth: dict[str, str] | None) -> Any:
    """What the hub answers a connection it refuses (raises if it admits it)."""
    client = socketio.Client(reconnection=False)
    refusals: list[Any] = []
    client.on("connect_error", refusals.append, namespace)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            hub.url, namespaces=[namespace], auth=auth, transports=["websocket"], wait_timeout=5
        )
    client.disconnect()
    return refusals[0] if refusals else None


def test_phones_need_a_ticket_of_today_and_get_no_device_details_nor_ticket_flags(
    hall_hub: HubProcess, tokens: Tokens
) -> None:
    # GIVEN a ticket of today, and one of yesterday's
    mine, old = issue(hall_hub, tokens), issue(hall_hub, tokens)
    with sqlite3.connect(hall_hub.database_url.removeprefix("sqlite:///")) as db:
        db.execute(
            "update tickets set business_day = '2020-01-02' where token = ?", (old["token"],)
        )
    # WHEN phones connect to /public with no ticket, an unknown one, yesterday's, and today's
    # THEN only today's ticket is admitted
    for auth in ({}, {"ticket": "no-such-ticket-token"}, {"ticket": old["token"]}):
        assert refusal(hall_hub, protocol.PUBLIC, auth) == {"message": "ticket.token_unknown"}
    phone = Listener(hall_hub.url, protocol.PUBLIC, {"ticket": mine["token"]})
    try:
        wait_for(lambda: phone.received(protocol.STATE_SNAPSHOT), message="phone snapshot")
        # AND WHEN a display comes online (device:status) and a green ticket is issued
        display = Listener(hall_hub.url, protocol.DISPLAY, {"token": tokens.devices["display-1"]})
        display.close()
        issue(hall_hub, tokens, green=True)
        wait_for(lambda: phone.received(protocol.TICKET_ISSUED), message="ticket:issued")
        wait_for(lambda: phone.received(protocol.DEVICE_STATUS), message="device:status")
        # THEN the phone gets both events' seq, but no device details and no flag
        issued = phone.received(protocol.TICKET_ISSUED)[-1]
        assert issued.keys() == {"seq", "service"}
        assert all(status.keys() == {"seq"} for status in phone.received(protocol.DEVICE_STATUS))
        seqs = [
            payload["seq"] for event, payload in phone.events if event != protocol.STATE_SNAPSHOT
        ]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    finally:
        phone.close()


def test_a_connected_display_that_sends_no_heartbeat_is_not_failed(
    sqlite_template: SqliteTemplate, tmp_path: Path, tokens: Tokens
) -> None:
    # GIVEN a hub that fails devices silent for 3 s, and a third-party display that
    # connects to /display with its token and only listens (no device:heartbeat)
    hub = HubProcess(
        sqlite_template.copy(tmp_path / "hallq.db"),
        tmp_path,
        HALLQ_PRINT_AGENTS="0",
        HALLQ_DEVICE_TIMEOUT_S="3",
    ).start()
    leader = bearer(tokens, "leader")

    def display_1() -> dict[str, Any]:
        items = requests.get(f"{hub.url}/api/v1/devices", headers=leader, timeout=5).json()
        return next(item for item in items["items"] if item["id"] == "display-1")

    try:
        listener = Listener(hub.url, protocol.DISPLAY, {"token": tokens.devices["display-1"]})
        try:
            # WHEN it stays connected more than two timeouts long
            deadline = time.monotonic() + 7
            while time.monotonic() < deadline:
                # THEN it is never silent for a timeout, and no incident opens
                assert display_1()["silent_s"] < 3, display_1()
                time.sleep(0.5)
            incidents = requests.get(f"{hub.url}/api/v1/incidents", headers=leader, timeout=5)
            assert incidents.json()["items"] == []
        finally:
            listener.close()
        # AND once it is gone, it is failed after the timeout, as before
        wait_for(
            lambda: requests.get(f"{hub.url}/api/v1/incidents", headers=leader, timeout=5).json()[
                "items"
            ],
            timeout=10,
            message="the display's incident",
        )
    finally:
        hub.stop()


NODE_DISPLAY = Path(__file__).resolve().parents[1] / "support" / "third_party_display.mjs"


def test_the_official_node_client_gets_the_snapshot_after_its_connect(
    hub: HubProcess, tokens: Tokens
) -> None:
    # GIVEN a call made, and a third-party display on the official Node socket.io-client
    # that clears its screen on `connect`
    issue(hub, tokens)
    # WHEN it connects and listens for 3 s (a call happening meanwhile)
    display = subprocess.Popen(
        ["node", str(NODE_DISPLAY), hub.url, tokens.devices["display-1"], "3"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    requests.post(f"{hub.url}/api/v1/windows/3/open", headers=bearer(tokens, "window3"), timeout=5)
    out, _ = display.communicate(timeout=30)
    seen = json.loads(out)
    # THEN the snapshot came after the connect, so its screen shows it, in step with events
    assert seen.get("error") is None, seen
    assert (seen["connects"], seen["snapshots"], seen["snapshotBeforeConnect"]) == (1, 1, 0)
    assert seen["screen"] is not None
    assert seen["events"], seen
    assert seen["screen"]["seq"] == seen["events"][-1][1]


def test_an_admins_change_reaches_a_connected_display_and_kiosk_within_2_s(
    hall_hub: HubProcess, tokens: Tokens
) -> None:
    # GIVEN a display and a kiosk connected with their device tokens
    screens = {
        name: Listener(hall_hub.url, namespace, {"token": tokens.devices[name]})
        for name, namespace in (("display-1", protocol.DISPLAY), ("kiosk-1", protocol.KIOSK))
    }
    try:
        for screen in screens.values():
            wait_for(
                lambda screen=screen: screen.received(protocol.STATE_SNAPSHOT), message="snapshot"
            )
        # WHEN the admin adds the service 出口退税 (prefix F)
        started = time.monotonic()
        answer = requests.post(
            f"{hall_hub.url}/api/v1/admin/services",
            json={"code": "export", "prefix": "F", "name": "出口退税", "position": 0},
            headers=bearer(tokens, "admin"),
            timeout=5,
        )
        assert answer.status_code == 200, answer.text
        # THEN each screen hears hall:configured within 2 s, without reconnecting, and the
        # snapshot it then asks for offers the new service first
        for name, screen in screens.items():
            (configured,) = wait_for(
                lambda screen=screen: screen.received(protocol.HALL_CONFIGURED),
                timeout=max(0.1, 2 - (time.monotonic() - started)),
                message=f"hall:configured on {name} within 2 s of the change",
            )
            assert configured["parts"] == ["services"]
            snapshot = screen.call(protocol.STATE_REQUEST, {})
            assert snapshot["services"][0]["code"] == "export", name
            assert snapshot["seq"] == configured["seq"]
            assert len(screen.received(protocol.STATE_SNAPSHOT)) == 1  # no reconnect
    finally:
        for screen in screens.values():
            screen.close()


def test_a_device_connecting_tells_the_hub_its_version(
    hall_hub: HubProcess, tokens: Tokens
) -> None:
    # GIVEN the hall display, connecting with its token and the HallQ version of its page
    display = Listener(
        hall_hub.url, protocol.DISPLAY, {"token": tokens.devices["display-2"], "version": "0.9.1"}
    )
    try:
        wait_for(lambda: display.received(protocol.STATE_SNAPSHOT), message="snapshot")

        # WHEN the admin lists the devices
        def listed() -> dict[str, Any]:
            answer = requests.get(
                f"{hall_hub.url}/api/v1/devices", headers=bearer(tokens, "admin"), timeout=5
            )
            return {item["id"]: item for item in answer.json()["items"]}

        # THEN the display is there with the version it said, the others with none yet
        device = wait_for(lambda: listed()["display-2"]["version"] == "0.9.1" and listed())
        assert device["display-1"]["version"] == ""
    finally:
        display.close()
