"""Engines and sessions: SQLite tuned so an acknowledged ticket survives a power cut.

SQLite runs in WAL mode with ``synchronous=FULL`` (every commit is fsynced),
foreign keys on and a busy timeout. Write transactions start with ``BEGIN
IMMEDIATE``, so two windows pressing *call next* at once are serialised at the
start rather than failing on a lock upgrade half-way. On PostgreSQL the same
ordering comes from locking the hall row (see `repository.HallRepository.get`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, Executable, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

WRITE = "hallq_write"
"""Execution option marking an engine whose transactions write."""
ONE_STATEMENT = "hallq_one_statement"
"""Execution option of a connection that runs one statement outside a transaction."""

SQLITE_BUSY_TIMEOUT_MS = 5000
IN_MEMORY = ("sqlite://", "sqlite:///:memory:")
PING_IDLE_S = 2.0
"""A pooled server connection idle this long is pinged before use (PostgreSQL)."""


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url` with HallQ's durability settings applied."""
    pause = options.pop("pause_between_statements", True)
    if url.startswith("sqlite"):
        in_memory = url in IN_MEMORY
        if "poolclass" not in options and not in_memory:
            # Connections to a file are cheap to keep, dear to open (the pragmas): keep
            # enough for a burst of reconnecting screens, each reading between yields.
            options.setdefault("pool_size", 30)
            options.setdefault("max_overflow", 50)
        engine = create_engine(url, **options)
        _tune_sqlite(engine, pause=pause)
        return engine
    ping_idle_s = options.pop("ping_idle_s", PING_IDLE_S)
    if "poolclass" in options:
        return create_engine(url, **options)
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 40)
    engine = create_engine(url, **options)
    _ping_when_idle(engine, ping_idle_s)
    return engine


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Test a pooled connection before use if it has been idle `idle_s` or longer.

    A connection found dead (the server restarted, a firewall dropped it) is
    replaced before the request uses it. SQLAlchemy's ``pool_pre_ping`` would ping
    on every checkout: two round trips of a kiosk ticket's dozen on PostgreSQL,
    one of them inside the hall's lock. A connection used within `idle_s` is
    trusted; if the server went away meanwhile, its first statement fails, that
    command fails (kiosks retry with their idempotency key), and SQLAlchemy
    renews every other pooled connection on its next checkout.
    """

    @event.listens_for(engine, "checkin")
    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_s:
            return  # new, or in use a moment ago
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as error:
            # The pool discards this connection and checks out another (a new one).
            raise DisconnectionError() from error


def _tune_sqlite(engine: Engine, *, pause: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN is ours to choose.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(ONE_STATEMENT, False):
            return  # one statement is consistent by itself: pysqlite runs it alone
        writing = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    if not pause:
        return

    @event.listens_for(engine, "after_cursor_execute")
    def let_others_run(connection: Any, *_: Any) -> None:
        # sqlite3 never yields to eventlet: a command's statements would run back to
        # back while Socket.IO pings and pages wait behind every queued command. A
        # cooperative pause between statements lets them through. Safe inside a
        # write transaction: other writers of this process wait on the (green) write
        # lock, readers use their own connections (WAL). Under threading it only
        # hands the GIL over a little more often. Not after a bare read (`single`):
        # it gives its connection back first; a pause while holding it let every
        # phone of a reconnect storm take a connection of its own, and the pool
        # opened and closed dozens.
        if not connection.get_execution_options().get(ONE_STATEMENT, False):
            time.sleep(0)


class Database:
    """The two session factories every request uses: one to write, one to read.

    On SQLite, writers of this process also queue on `write_lock` before
    ``BEGIN IMMEDIATE``: SQLite's own busy handler polls with growing sleeps,
    which wastes most of the time when many writers wait; the lock hands the
    database over at once. (Under eventlet the lock is a green lock.) The busy
    timeout then only guards against other processes, such as the CLI.
    """

    def __init__(self, url: str, **options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **options)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.write_lock: AbstractContextManager[Any] = (
            threading.Lock() if self.is_sqlite else nullcontext()
        )
        writer = self.engine.execution_options(**{WRITE: True})
        # A reader sees one consistent moment: the seq it reports matches the rows it read.
        reader = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="REPEATABLE READ")
        )
        self.write_session = sessionmaker(writer, expire_on_commit=False)
        self.read_session = sessionmaker(reader, expire_on_commit=False)
        self.long_read = self.read_session
        """Reads that take long (the reports): on connections of their own, opened for the
        read, with no pause between statements, so that they can run in a native thread
        outside the hub's event loop (`core.runtime.Runtime.off_loop`)."""
        if url not in IN_MEMORY:  # an in-memory database has no second connection to it
            own = make_engine(url, poolclass=NullPool, pause_between_statements=False)
            if not self.is_sqlite:
                own = own.execution_options(isolation_level="REPEATABLE READ")
            self.long_read = sessionmaker(own, expire_on_commit=False)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write session, holding this process's write lock: every writer of a hub
        process goes through here (or the unit of work, which does the same)."""
        with self.write_lock, self.write_session() as session:
            yield session

    @contextmanager
    def single(self) -> Iterator[Connection]:
        """A bare connection for reads of one statement each, without a transaction: a
        single statement sees one moment by itself. For the hot reads (a request's
        token, a Socket.IO connect, a seq check): 2,000 phones make them at once after
        a hub restart, and every request of the hall makes one."""
        with self.engine.connect().execution_options(**{ONE_STATEMENT: True}) as connection:
            yield connection

    def read_value(self, statement: Executable, **params: Any) -> Any:
        """The first value `statement` answers, read as `single` does."""
        with self.single() as connection:
            return connection.execute(statement, params).scalar()

    def dispose(self) -> None:
        """Close every pooled connection (tests, shutdown)."""
        self.engine.dispose()
