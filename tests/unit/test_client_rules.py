"""hallq-client.js's ordering rules around a connect's snapshot, run in Node.

After a hub restart every screen and phone reconnects at once; an event that
overtakes a connect's snapshot, an event of one hub process that overtakes another's
through the message queue, or a requested snapshot built before the events that
came meanwhile, used to cost each of them one more snapshot (2,000 phones: 2,000
more) or a step back.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

RULES = Path(__file__).resolve().parents[1] / "support" / "client_rules.mjs"


def run(*steps: list[Any]) -> dict[str, Any]:
    """What the client did after `steps` (see client_rules.mjs)."""
    out = subprocess.run(
        ["node", str(RULES), json.dumps(steps)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    return dict(json.loads(out))


def snapshot(seq: int) -> dict[str, Any]:
    return {"seq": seq, "mode": "normal", "notices": []}


def issued(seq: int) -> list[Any]:
    return ["event", "ticket:issued", {"seq": seq, "number": f"A{seq:03d}"}]


def test_events_that_overtake_a_connects_snapshot_wait_for_it() -> None:
    # GIVEN a client following the hall at seq 5
    # WHEN it reconnects, and events 6 to 8 arrive before the hub's snapshot at 7
    seen = run(
        ["connect"],
        ["snapshot", snapshot(5)],
        ["connect"],
        issued(6),
        issued(8),
        issued(7),
        ["snapshot", snapshot(7)],
    )
    # THEN it asks for no other snapshot, and applies the one event the snapshot lacks
    assert seen["requests"] == 0
    assert seen["resyncs"] == 2
    assert seen["applied"] == [["ticket:issued", 8]]
    assert seen["seq"] == 8


def test_events_that_cross_out_of_order_are_applied_in_order() -> None:
    # GIVEN a client at seq 5 (two hub processes send the hall's events through the
    # message queue, each on its own: 7 can overtake 6)
    # WHEN 7 arrives before 6, and 6 a moment later
    seen = run(["connect"], ["snapshot", snapshot(5)], issued(7), ["wait", 200], issued(6))
    # THEN both are applied, in order, without asking for a snapshot
    assert seen["requests"] == 0
    assert seen["applied"] == [["ticket:issued", 6], ["ticket:issued", 7]]
    assert seen["seq"] == 7


def test_a_gap_still_open_after_a_second_asks_for_a_snapshot() -> None:
    # GIVEN a client whose connect's snapshot is at seq 5
    # WHEN event 7 comes and 6 never does
    waited = run(["connect"], ["snapshot", snapshot(5)], issued(7), ["wait", 1200])
    early = run(["connect"], ["snapshot", snapshot(5)], issued(7), ["wait", 200])
    # THEN it asks for a snapshot instead of guessing, once the wait is over
    assert (early["requests"], waited["requests"]) == (0, 1)
    assert waited["seq"] == 5


def test_an_answer_older_than_what_the_client_applied_is_ignored() -> None:
    # GIVEN a client at seq 7 that asks for a snapshot on an incident's change (seq 8),
    # and applies the next event (9) before the answer, which the hub built at 8
    seen = run(
        ["connect"],
        ["snapshot", snapshot(7)],
        ["event", "incident:changed", {"seq": 8, "id": 1}],
        issued(9),
        # WHEN the answer arrives
        ["answer", snapshot(8)],
    )
    # THEN the client stays at 9: it does not step back to the hall of a moment ago
    assert seen["requests"] == 1
    assert seen["seq"] == 9
    assert seen["resyncs"] == 1


def test_a_connects_snapshot_behind_the_client_is_applied() -> None:
    # GIVEN a client at seq 9
    # WHEN it reconnects to a hub restored from an older backup (seq 4)
    seen = run(["connect"], ["snapshot", snapshot(9)], ["connect"], ["snapshot", snapshot(4)])
    # THEN it follows the hub: what the hub has is what the hall has
    assert seen["seq"] == 4


def test_a_changed_configuration_asks_for_the_snapshot_that_has_it() -> None:
    # GIVEN a client following the hall at seq 5
    # WHEN an admin's change arrives (hall:configured carries only what changed)
    seen = run(
        ["connect"],
        ["snapshot", snapshot(5)],
        ["event", "hall:configured", {"seq": 6, "parts": ["services"]}],
        ["answer", {**snapshot(6), "services": [{"code": "export"}]}],
    )
    # THEN it asks for a snapshot at once, and draws the hall from it
    assert seen["requests"] == 1
    assert seen["resyncs"] == 2
    assert seen["seq"] == 6
