"""Test databases: a migrated template with the demo hall, copied per test.

SQLite: the template is a file; each test gets a copy (a migration costs
0.3 s, a copy under 1 ms). PostgreSQL: the template is a database; each test
gets ``CREATE DATABASE … TEMPLATE …``.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core import migrate
from core.adapters.clock import SystemClock
from core.adapters.db import Database
from core.halls import DEMO_FILE, load_hall, read_hall_file
from core.services import access
from tests.support import skip_or_fail

POSTGRES_URL = os.environ.get(
    "HALLQ_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
DEMO_PASSWORD = "hallq-demo-test"
STAFF = {f"window{n}": "staff" for n in range(1, 9)} | {
    "guide": "guide",
    "leader": "leader",
    "admin": "admin",
}


@dataclass(frozen=True)
class Tokens:
    """Bearer tokens of the template's staff and devices, by username or device id."""

    staff: dict[str, str]
    devices: dict[str, str]


def populate(url: str) -> Tokens:
    """Migrate the empty database at `url`, load the demo hall, staff and tokens."""
    migrate.upgrade(url)
    database = Database(url)
    now = SystemClock().now()
    with database.write_session() as session:
        spec = read_hall_file(DEMO_FILE)
        hall = load_hall(session, spec)
        for username, role in STAFF.items():
            access.add_staff(session, username, role, DEMO_PASSWORD, hall=hall)
        tokens = Tokens(
            staff={name: access.staff_token(session, name, now) for name in STAFF},
            devices={
                device.id: access.device_token(session, device.id, now) for device in spec.devices
            },
        )
        session.commit()
    database.dispose()
    return tokens


class SqliteTemplate:
    """One migrated SQLite file per test session, copied for each test."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.db"
        self.tokens = populate(f"sqlite:///{self.path}")
        (folder / "tokens.json").write_text(json.dumps(self.tokens.__dict__))

    def copy(self, target: Path) -> str:
        """A fresh database file at `target`; its URL."""
        shutil.copy(self.path, target)
        return f"sqlite:///{target}"


class PostgresTemplate:
    """One migrated template database per test session, cloned for each test."""

    def __init__(self) -> None:
        self.admin_url = POSTGRES_URL
        try:
            engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:
            skip_or_fail("postgres", f"cannot reach {self.admin_url}: {error}")
        self.engine = engine
        self.name = f"hallq_tpl_{uuid.uuid4().hex[:10]}"
        self._execute(f'CREATE DATABASE "{self.name}"')
        self.tokens = populate(self.url_of(self.name))
        self.clones: list[str] = []

    def url_of(self, name: str) -> str:
        """The URL of database `name` on the test server."""
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self.engine.connect() as connection:
            connection.execute(text(statement))

    def copy(self) -> str:
        """A fresh database cloned from the template; its URL."""
        name = f"hallq_t_{uuid.uuid4().hex[:10]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        self.clones.append(name)
        return self.url_of(name)

    def drop(self, url: str) -> None:
        """Drop a clone (connections must be closed)."""
        name = make_url(url).database
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        """Drop the template and any clone left."""
        for name in self.clones:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.engine.dispose()
