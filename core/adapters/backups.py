"""Backups of an SQLite hall database: taken while the hub runs, kept N days, restored
only while no hub runs, with the replaced database kept aside.

A backup is SQLite's online backup (a consistent snapshot; the hub's writers are not
held), written under a temporary name, checked (``PRAGMA integrity_check``) and fsynced
before it takes its real name: a file named ``hallq-*.db`` is a whole backup.

A hub holds a shared lock on ``<database>.lock`` while it runs (several may); a restore
takes it exclusively, so it never replaces a database under a running hub, and a hub
does not start in the middle of a restore. PostgreSQL installations use pg_dump and
pg_restore (docs/OPERATIONS.md).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

PREFIX = "hallq-"
SUFFIXES = ("", "-wal", "-shm")
"""A database's files: a database killed mid-write keeps committed pages in its WAL."""


class BackupError(Exception):
    """A backup or restore cannot go ahead; the message says why (Chinese, then English)."""


@dataclass(frozen=True)
class Checked:
    """A backup file found sound: its schema revision and the last ticket's time in it."""

    revision: str
    tickets: int
    last_ticket: str | None


def backup(source: Path, target: Path) -> Checked:
    """Copy the live database at `source` to `target` (a new file) while the hub runs."""
    if target.exists():
        raise BackupError(f"备份文件已存在 / {target} exists already")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)
        checked = check(partial)
        _fsync(partial)
        partial.rename(target)
        _fsync(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    return checked


def check(path: Path, known: Callable[[str], bool] = lambda revision: True) -> Checked:
    """What a backup holds, if it is a sound HallQ database whose schema this code knows."""
    if not path.is_file():
        raise BackupError(f"没有这个文件 / no file at {path}")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as database:
            [verdict] = database.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"备份文件已损坏 / {path} is damaged: {verdict}")
            revision = database.execute("SELECT version_num FROM alembic_version").fetchone()
            tickets, last = database.execute(
                "SELECT count(*), max(issued_at) FROM tickets"
            ).fetchone()
    except sqlite3.OperationalError as error:  # no such table: another program's database
        raise BackupError(f"不是 HallQ 的数据库 / {path} is no HallQ database: {error}") from error
    except sqlite3.DatabaseError as error:
        raise BackupError(f"备份文件已损坏 / {path} is damaged: {error}") from error
    if revision is None:
        raise BackupError(f"不是 HallQ 的数据库 / {path} is no HallQ database (no schema)")
    if not known(revision[0]):
        raise BackupError(
            f"备份来自更新的 HallQ 版本 / {path} has schema {revision[0]}, "
            "made by a newer HallQ than this one"
        )
    return Checked(revision[0], tickets, last)


def prune(folder: Path, keep: timedelta, now: datetime) -> list[Path]:
    """Remove the backups in `folder` older than `keep`, never the newest; the removed."""
    found = sorted(folder.glob(f"{PREFIX}*.db"), key=lambda path: path.stat().st_mtime)
    cutoff = (now - keep).timestamp()
    old = [path for path in found[:-1] if path.stat().st_mtime < cutoff]
    for path in old:
        for suffix in SUFFIXES:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return old


def restore(live: Path, source: Path, aside: Path, known: Callable[[str], bool]) -> Checked:
    """Put the backup `source` in place of the database `live`, which goes to `aside`
    (with its WAL), once no hub runs on it."""
    checked = check(source, known)
    with exclusive(live):
        # the copy first: a full disk leaves the live database where it was
        partial = live.with_name(live.name + ".partial")
        try:
            shutil.copyfile(source, partial)
            _fsync(partial)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise BackupError(f"无法复制备份 / cannot copy {source}: {error}") from error
        if live.exists():
            aside.parent.mkdir(parents=True, exist_ok=True)
            for suffix in SUFFIXES:
                part = Path(f"{live}{suffix}")
                if part.exists():
                    part.rename(f"{aside}{suffix}")
        partial.rename(live)
        _fsync(live.parent)
    return checked


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def hold_shared(database: Path) -> IO[bytes]:
    """The hub's lock for as long as it runs (the returned file stays open)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path(database).open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError as error:
        handle.close()
        raise BackupError(f"正在恢复数据库 / {database} is being restored: wait for it") from error
    return handle


@contextmanager
def exclusive(database: Path) -> Iterator[None]:
    with lock_path(database).open("ab") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BackupError(
                "服务正在运行，请先停止 / the hub is running on this database: "
                "stop it first (systemctl stop hallq)"
            ) from error
        yield


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
