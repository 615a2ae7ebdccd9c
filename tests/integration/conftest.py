"""Fixtures of the integration tests: real databases, real apps, real clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.adapters import orm
from core.adapters.clock import FixedClock
from core.adapters.db import Database
from core.app import create_app
from core.hub.broadcast import RecordingBroadcaster
from printers.emulator import PrinterEmulator
from tests.support.apps import in_process_settings
from tests.support.databases import PostgresTemplate, SqliteTemplate, Tokens
from tests.support.hub import HubProcess

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate]:
    template = PostgresTemplate()
    yield template
    template.close()


@pytest.fixture
def db_url(sqlite_template: SqliteTemplate, tmp_path: Path) -> str:
    """A fresh SQLite file with the demo hall, its staff and devices."""
    return sqlite_template.copy(tmp_path / "hallq.db")


@pytest.fixture
def tokens(sqlite_template: SqliteTemplate) -> Tokens:
    return sqlite_template.tokens


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(
    request: pytest.FixtureRequest, sqlite_template: SqliteTemplate, tmp_path: Path
) -> Iterator[tuple[str, Tokens]]:
    """The same test on a SQLite file and on a real PostgreSQL database."""
    if request.param == "sqlite":
        yield sqlite_template.copy(tmp_path / "hallq.db"), sqlite_template.tokens
        return
    template: PostgresTemplate = request.getfixturevalue("postgres_template")
    url = template.copy()
    yield url, template.tokens
    template.drop(url)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_10AM)


@pytest.fixture
def broadcaster() -> RecordingBroadcaster:
    return RecordingBroadcaster()


AppFactory = Callable[..., Flask]


@pytest.fixture
def make_app(
    tmp_path: Path, clock: FixedClock, broadcaster: RecordingBroadcaster
) -> Iterator[AppFactory]:
    """Build an app on a database URL with test settings (threading mode, fixed clock).
    Its events are recorded by `broadcaster`, or emitted through Socket.IO with
    ``socketio_events=True``."""
    apps: list[Flask] = []

    def build(url: str, *, socketio_events: bool = False, **overrides: Any) -> Flask:
        settings = in_process_settings(url, tmp_path / "var", **overrides)
        publish = None if socketio_events else broadcaster.publish
        app = create_app(settings, clock=clock, publish=publish)
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["hallq"].db.dispose()


@pytest.fixture
def app(make_app: AppFactory, db_url: str) -> Flask:
    return make_app(db_url)


class Api:
    """The test client with the template's tokens: ``api.post(path, as_="kiosk-1", json=…)``."""

    def __init__(self, client: FlaskClient, tokens: Tokens) -> None:
        self.client = client
        self.tokens = tokens

    def _headers(self, as_: str | None, key: str | None, language: str) -> dict[str, str]:
        headers = {"Accept-Language": language}
        if as_ is not None:
            token = self.tokens.staff.get(as_) or self.tokens.devices[as_]
            headers["Authorization"] = f"Bearer {token}"
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path: str, *, as_: str | None = None, language: str = "zh") -> TestResponse:
        return self.client.get(path, headers=self._headers(as_, None, language))

    def post(
        self,
        path: str,
        *,
        as_: str | None = None,
        json: Any = None,
        key: str | None = None,
        language: str = "zh",
    ) -> TestResponse:
        return self.client.post(path, json=json, headers=self._headers(as_, key, language))

    def put(
        self, path: str, *, as_: str | None = None, json: Any = None, language: str = "zh"
    ) -> TestResponse:
        return self.client.put(path, json=json, headers=self._headers(as_, None, language))

    def window(self, n: int, action: str, *, as_: str | None = None, **body: Any) -> TestResponse:
        """A window action by that window's demo staff member (window<n>) unless `as_` says."""
        return self.post(
            f"/api/v1/windows/{n}/{action}", as_=as_ or f"window{n}", json=body or None
        )

    def issue(self, service: str, *, as_: str = "kiosk-1", **body: Any) -> TestResponse:
        return self.post("/api/v1/tickets", as_=as_, json={"service": service, **body})


@pytest.fixture
def api(app: Flask, tokens: Tokens) -> Api:
    return Api(app.test_client(), tokens)


PRINT_TIMEOUT_S = "4"


def set_printer(url: str, printer: str, **settings: Any) -> None:
    database = Database(url)
    with database.write_session() as session:
        device = session.get_one(orm.Device, printer)
        device.settings = {**device.settings, **settings}
        session.commit()
    database.dispose()


@pytest.fixture
def emulator() -> Iterator[PrinterEmulator]:
    with PrinterEmulator("127.0.0.1", 0, control_port=None) as printer:
        yield printer


@pytest.fixture
def printing_hub(
    sqlite_template: SqliteTemplate, emulator: PrinterEmulator, tmp_path: Path
) -> Iterator[HubProcess]:
    """A hub whose kiosk-1 prints on the emulator over TCP; QR codes point at hall.example."""
    url = sqlite_template.copy(tmp_path / "hallq.db")
    set_printer(url, "printer-kiosk-1", connection=f"tcp:127.0.0.1:{emulator.port}")
    hub = HubProcess(
        url,
        tmp_path,
        HALLQ_PRINT_TIMEOUT_S=PRINT_TIMEOUT_S,
        HALLQ_PUBLIC_URL="http://hall.example:8000",
    )
    hub.start()
    yield hub
    hub.stop()


def printer_status(hub: HubProcess) -> str:
    """What the hub has recorded of kiosk-1's printer."""
    database = Database(hub.database_url)
    with database.read_session() as session:
        status = session.get_one(orm.Device, "printer-kiosk-1").status
    database.dispose()
    return status
