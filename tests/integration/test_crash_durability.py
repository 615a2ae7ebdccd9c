"""A hub killed with SIGKILL while kiosks issue tickets loses none it acknowledged (SPEC §3, §7).

The claim is about SQLite with ``synchronous=FULL``: a 201 is sent only after the commit is on
disk, so whatever a client was told exists after a restart, and numbering continues without
reusing a number. The restarted hub's queue in memory (what screens are told) is the one on
disk.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from core import protocol
from core.adapters.clock import ShiftedClock
from core.adapters.db import Database
from core.domain.tickets import parse_number
from core.services.views import hall_by_code, queue_summary
from tests.support.databases import SqliteTemplate, Tokens
from tests.support.hub import HubProcess, wait_for
from tests.support.protocol_client import Listener

KIOSK_THREADS = 6
SERVICES = ("filing", "invoice")
ACKNOWLEDGED_BEFORE_KILL = 40
# Pinned to a Monday morning so the test never straddles the cut-off or midnight.
FAKE_NOW = "2026-11-23T10:00:00+08:00"


@dataclass
class Kiosk:
    """One client issuing tickets as fast as it can, each request with its own key."""

    url: str
    token: str
    service: str
    acknowledged: dict[str, dict[str, str]] = field(default_factory=dict)
    unanswered: list[str] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        while not stop.is_set():
            key = uuid.uuid4().hex
            try:
                response = session.post(
                    f"{self.url}/api/v1/tickets",
                    json={"service": self.service},
                    headers={"Idempotency-Key": key},
                    timeout=5,
                )
            except requests.RequestException:
                self.unanswered.append(key)  # in flight when the hub died, or after
                if stop.wait(0.01):
                    return
                continue
            if response.status_code == 201:
                body = response.json()
                self.acknowledged[key] = {"number": body["number"], "token": body["token"]}
            else:
                self.refused.append((response.status_code, response.text[:200]))


def stored_tickets(database: Path) -> dict[str, str]:
    """Number → status token of every ticket on disk."""
    with sqlite3.connect(database) as connection:
        return dict(connection.execute("SELECT number, token FROM tickets"))


def summary_on_disk(database: Path) -> dict[str, Any]:
    """The queue summary recomputed from the database file, as `queue:changed` carries it."""
    db = Database(f"sqlite:///{database}")
    try:
        with db.read_session() as session:
            hall = hall_by_code(session, "demo")
            return protocol.queue_payload(
                queue_summary(session, hall, ShiftedClock.parse(FAKE_NOW).now())
            )
    finally:
        db.dispose()


def without_waiting_times(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary without the longest waits, which depend on the minute it was made in."""
    return {
        "mode": summary["mode"],
        "windows": summary["windows"],
        "services": [
            {key: value for key, value in service.items() if key != "longest_wait_min"}
            for service in summary["services"]
        ],
    }


def test_every_acknowledged_ticket_survives_sigkill_and_numbering_continues(
    sqlite_template: SqliteTemplate, tokens: Tokens, tmp_path: Path
) -> None:
    # GIVEN a hub on SQLite and six kiosks issuing filing and invoice tickets as fast as they can
    database = tmp_path / "hallq.db"
    hub = HubProcess(sqlite_template.copy(database), tmp_path, HALLQ_FAKE_NOW=FAKE_NOW).start()
    stop = threading.Event()
    kiosks = [
        Kiosk(hub.url, tokens.devices[f"kiosk-{1 + n % 2}"], SERVICES[n % 2])
        for n in range(KIOSK_THREADS)
    ]
    threads = [threading.Thread(target=kiosk.run, args=(stop,)) for kiosk in kiosks]
    try:
        for thread in threads:
            thread.start()
        wait_for(
            lambda: sum(len(k.acknowledged) for k in kiosks) >= ACKNOWLEDGED_BEFORE_KILL,
            timeout=60,
            message=f"{ACKNOWLEDGED_BEFORE_KILL} tickets issued",
        )
        # WHEN the hub is killed with SIGKILL in the middle of it, then restarted
        hub.kill()
        wait_for(
            lambda: all(k.unanswered for k in kiosks), timeout=10, message="every kiosk cut off"
        )
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        hub.start()
        # THEN every ticket whose 201 reached a kiosk is on disk with its number and token
        acknowledged = {key: ticket for k in kiosks for key, ticket in k.acknowledged.items()}
        assert not [problem for k in kiosks for problem in k.refused]
        on_disk = stored_tickets(database)
        missing = {
            t["number"] for t in acknowledged.values() if on_disk.get(t["number"]) != t["token"]
        }
        assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
        assert missing == set()
        stored_before_retry = set(on_disk)
        # AND a request that was in flight at the kill, sent again with its key, gets one ticket:
        # the one committed before the kill, or a new one — never a second for the same key
        session = requests.Session()
        retried = {}
        for kiosk in kiosks:
            key = kiosk.unanswered[0]
            again = session.post(
                f"{hub.url}/api/v1/tickets",
                json={"service": kiosk.service},
                headers={"Authorization": f"Bearer {kiosk.token}", "Idempotency-Key": key},
                timeout=10,
            )
            assert again.status_code == 201, again.text
            retried[key] = again.json()["number"]
        on_disk = stored_tickets(database)
        replayed = sum(number in stored_before_retry for number in retried.values())
        print(
            f"\n{len(acknowledged)} tickets acknowledged before SIGKILL, {len(stored_before_retry)} on "
            f"disk after restart; {replayed} of {len(retried)} in-flight requests had committed"
        )
        assert len(on_disk) == len(set(acknowledged) | set(retried))
        # AND new tickets continue each service's numbering above every number ever issued today
        for service, prefix in (("filing", "C"), ("invoice", "B")):
            issued = [parse_number(number)[1] for number in on_disk if number.startswith(prefix)]
            fresh = session.post(
                f"{hub.url}/api/v1/tickets",
                json={"service": service},
                headers={"Authorization": f"Bearer {tokens.devices['kiosk-1']}"},
                timeout=10,
            )
            assert fresh.status_code == 201, fresh.text
            got_prefix, sequence = parse_number(fresh.json()["number"])
            assert got_prefix == prefix
            assert sequence > max(issued)
            assert fresh.json()["number"] not in on_disk
        # AND the queue the restarted hub keeps in memory is the database's: the summary a
        # display gets after a call equals one computed from the file
        display = Listener(hub.url, protocol.DISPLAY, {"token": tokens.devices["display-1"]})
        clerk = {"Authorization": f"Bearer {tokens.staff['window3']}"}
        for action in ("open", "call-next"):
            answer = session.post(f"{hub.url}/api/v1/windows/3/{action}", headers=clerk, timeout=10)
            assert answer.status_code == 200, answer.text
        wait_for(
            lambda: len(display.received(protocol.QUEUE_CHANGED)) >= 2,
            timeout=10,
            message="the display told of the call",
        )
        told = display.received(protocol.QUEUE_CHANGED)[-1]
        display.close()
        assert without_waiting_times(told) == without_waiting_times(summary_on_disk(database))
    finally:
        stop.set()
        hub.stop()
