"""Bare reads under eventlet: a burst of them shares the pool's connections (issue 15).

After a hub restart 2,000 phones connect at once, each reading its ticket's hall and
the hall's seq on a bare connection (`Database.single`). The engine pauses for the
hub after a statement; a read that paused while still holding its connection made
every other phone take one of its own, and the pool opened and closed dozens.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.hub import ROOT

BURST = """
import json, sys, warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # eventlet is deprecated; its DNS module warns of DSA
    import eventlet
eventlet.monkey_patch()
from sqlalchemy import event, text
from core.adapters.db import Database

database = Database(sys.argv[1])
opened = []
event.listen(database.engine, "connect", lambda *_: opened.append(1))
readers = eventlet.GreenPool()
answers = list(readers.imap(lambda _n: database.read_value(text("SELECT 1")), range(200)))
ran = []
with database.writing() as session:
    readers.spawn(ran.append, 1)
    session.execute(text("SELECT 1"))
    paused = ran == [1]  # sqlite3 itself never yields: only the engine's pause did
print(json.dumps({"answers": answers.count(1), "opened": len(opened), "paused": paused}))
"""


def test_two_hundred_green_reads_at_once_share_a_few_connections(db_url: str) -> None:
    # GIVEN an eventlet process with the hub's engine on a SQLite file
    # WHEN 200 green threads each read one value on a bare connection at once, then
    # a writer runs a statement with another green thread ready to run
    run = subprocess.run(
        [sys.executable, "-c", BURST, db_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(run.stdout.splitlines()[-1])

    # THEN all got their answer, and the pool opened a few connections, not one each
    assert result["answers"] == 200
    assert result["opened"] <= 3, result
    # AND a statement inside a write transaction still lets the hub's other green
    # threads run (sockets are served while a command runs)
    assert result["paused"] is True
