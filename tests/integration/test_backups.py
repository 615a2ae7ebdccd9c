"""`hallq backup` while kiosks issue tickets, and `hallq restore` (issue 16): the backup
holds every ticket acknowledged before it began; a restore is refused while the hub runs
and for a file that is no sound HallQ database of this code, and keeps what it replaces."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from core import commands
from core.adapters import backups
from tests.integration.test_crash_durability import FAKE_NOW, Kiosk, stored_tickets
from tests.support.databases import SqliteTemplate, Tokens
from tests.support.hub import HubProcess, wait_for


def test_backup_while_issuing_then_restore_every_ticket_up_to_the_backup(
    sqlite_template: SqliteTemplate, tokens: Tokens, tmp_path: Path
) -> None:
    # GIVEN a hub on SQLite and two kiosks issuing tickets as fast as they can
    database = tmp_path / "hallq.db"
    hub = HubProcess(sqlite_template.copy(database), tmp_path, HALLQ_FAKE_NOW=FAKE_NOW).start()
    kiosks = [
        Kiosk(hub.url, tokens.devices["kiosk-1"], service) for service in ("filing", "invoice")
    ]
    stop = threading.Event()
    threads = [threading.Thread(target=kiosk.run, args=(stop,)) for kiosk in kiosks]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: sum(len(k.acknowledged) for k in kiosks) >= 20, timeout=60)
        before = {t["number"] for k in kiosks for t in list(k.acknowledged.values())}
        # WHEN the nightly backup runs in the middle of it
        made = hub.cli("backup")
        assert made.returncode == 0, made.stderr
        wait_for(lambda: sum(len(k.acknowledged) for k in kiosks) >= len(before) + 10)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    [backup] = (tmp_path / "var" / "backups").glob("hallq-*.db")
    issued = set(stored_tickets(database))
    # THEN a restore is refused while the hub runs, and changes nothing
    refused = hub.cli("restore", str(backup))
    assert refused.returncode == 1
    assert "the hub is running" in refused.stderr
    assert set(stored_tickets(database)) == issued
    # WHEN the hub is stopped and the backup restored
    hub.stop()
    restored = hub.cli("restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    # THEN every ticket acknowledged before the backup began is there, the later ones are not
    on_disk = set(stored_tickets(database))
    assert before <= on_disk < issued
    # AND the replaced database is kept, whole, beside the backups
    [aside] = (tmp_path / "var" / "backups").glob("hallq-replaced-*.db")
    assert set(stored_tickets(aside)) == issued
    # AND the hub starts on the restored database
    hub.start()
    hub.stop()


def test_a_restore_refuses_a_damaged_foreign_or_newer_file_and_changes_nothing(
    sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    # (in this process, through the same click group: an interpreter start costs seconds)
    database = tmp_path / "hallq.db"
    env = {
        **{key: None for key in os.environ if key.startswith("HALLQ_")},
        "HALLQ_DATABASE_URL": sqlite_template.copy(database),
        "HALLQ_VAR_DIR": str(tmp_path / "var"),
    }
    good = tmp_path / "good.db"
    assert CliRunner().invoke(commands.cli, ["backup", str(good)], env=env).exit_code == 0
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    newer = tmp_path / "newer.db"
    shutil.copyfile(good, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    before = database.read_bytes()
    for path, said in (
        (damaged, "is damaged"),
        (foreign, "is no HallQ database"),
        (newer, "made by a newer HallQ"),
        (tmp_path / "good.db-typo", "does not exist"),
    ):
        result = CliRunner().invoke(commands.cli, ["restore", str(path)], env=env)
        assert result.exit_code != 0
        assert said in result.output, result.output
    assert database.read_bytes() == before
    assert not (tmp_path / "var" / "backups").exists()


def test_old_backups_go_but_never_the_newest(tmp_path: Path) -> None:
    now = datetime(2026, 12, 7, 3, 0)
    ages = {"hallq-a.db": 20, "hallq-b.db": 15, "hallq-c.db": 3, "notes.db": 30}
    for name, days in ages.items():
        path = tmp_path / name
        path.write_bytes(b"x")
        moment = (now - timedelta(days=days)).timestamp()
        os.utime(path, (moment, moment))
    (tmp_path / "hallq-a.db-wal").write_bytes(b"x")
    removed = backups.prune(tmp_path, timedelta(days=14), now)
    assert sorted(path.name for path in removed) == ["hallq-a.db", "hallq-b.db"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["hallq-c.db", "notes.db"]
    # the newest stays however old: a hall closed for a month keeps its last backup
    later = now + timedelta(days=60)
    assert backups.prune(tmp_path, timedelta(days=14), later) == []
