"""The real ``hallq`` command on a real SQLite file (SPEC §10 credentials, §11 operations).

Each command runs once as the console script in a subprocess, with ``HALLQ_DATABASE_URL``
naming a fresh copy of the template database, and is checked through the database or a
Flask test client on the same file. The matrix of operator mistakes runs in-process through
the same click group (`core.commands.cli`), since every interpreter start costs seconds.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select

from core import commands
from core.adapters import orm
from core.adapters.network import lan_address
from core.halls import DEMO_FILE, read_hall_file
from core.services import access
from tests.integration.conftest import AppFactory
from tests.integration.test_auth import log_in
from tests.support.databases import DEMO_PASSWORD, Tokens
from tests.support.hub import ROOT

HALLQ = Path(sys.executable).with_name("hallq")


class Cli:
    """Runs ``hallq`` against one database, as an operator would."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.database_url = database_url
        self.folder = folder

    def __call__(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("HALLQ_")}
        env.update(
            HALLQ_DATABASE_URL=self.database_url,
            HALLQ_VAR_DIR=str(self.folder / "var"),
            HALLQ_LOG_JSON="0",
            PYTHONPATH=str(ROOT),  # this checkout's code, whatever the venv was installed from
        )
        return subprocess.run(
            [str(HALLQ), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=self.folder,
            timeout=120,
            check=False,
        )

    def in_process(self, *args: str, stdin: str | None = None) -> Result:
        """The same command through click's runner, in this process (no interpreter start)."""
        unset: dict[str, str | None] = {key: None for key in os.environ if key.startswith("HALLQ_")}
        env = {**unset, "HALLQ_DATABASE_URL": self.database_url, "HALLQ_LOG_JSON": "0"}
        return CliRunner().invoke(commands.cli, list(args), input=stdin, env=env)


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> Cli:
    assert HALLQ.exists(), f"the hallq console script is not installed next to {sys.executable}"
    return Cli(db_url, tmp_path)


def dump(database_url: str) -> list[str]:
    """Every row of every table, as SQL: equal dumps mean nothing was written."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        return list(connection.iterdump())


def issue(app: Flask, token: str) -> tuple[int, dict[str, object]]:
    response = app.test_client().post(
        "/api/v1/tickets",
        json={"service": "filing"},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.status_code, response.get_json()


def test_a_device_added_gets_a_working_token_until_revoked(
    cli: Cli, db_url: str, make_app: AppFactory
) -> None:
    # GIVEN a hub app on the database, and an administrator at the shell
    app = make_app(db_url)
    # WHEN they add kiosk-9 and print a token for it
    added = cli("device", "add", "kiosk", "kiosk-9", "--name", "9号取号机")
    printed = cli("device", "token", "kiosk-9")
    # THEN the token issues tickets as kiosk-9 over the API
    assert added.returncode == 0, added.stderr
    assert "kiosk-9" in added.stdout
    assert printed.returncode == 0, printed.stderr
    token = printed.stdout.strip().splitlines()[-1]
    status, body = issue(app, token)
    assert (status, body["channel"]) == (201, "kiosk")
    # AND once revoked, the same token is refused at once
    revoked = cli("device", "revoke", "kiosk-9")
    assert revoked.returncode == 0, revoked.stderr
    assert "1 token" in revoked.stdout
    status, body = issue(app, token)
    assert (status, body["error"]) == (401, "auth.invalid_token")


def on_the_lan(db_url: str, *args: str) -> Result:
    """``hallq`` in this process for a hub serving the hall's network (HOST=0.0.0.0)."""
    unset: dict[str, str | None] = {key: None for key in os.environ if key.startswith("HALLQ_")}
    env = {**unset, "HALLQ_DATABASE_URL": db_url, "HALLQ_HOST": "0.0.0.0", "HALLQ_LOG_JSON": "0"}
    return CliRunner().invoke(commands.cli, list(args), env=env)


def test_a_screen_enrolled_by_its_cli_link_on_the_lan_address_once(
    db_url: str, make_app: AppFactory
) -> None:
    # GIVEN a hub serving the hall's network, and an administrator at the shell
    app = make_app(db_url)
    # WHEN they print kiosk 1's enrolment link
    result = on_the_lan(db_url, "device", "enrol", "kiosk-1")
    # THEN it is a link on the machine's LAN address (a phone or PC in the hall can open it)
    assert result.exit_code == 0, result.output
    link = urlsplit(result.output.strip())
    assert link.netloc == f"{lan_address()}:8000"
    assert link.hostname not in ("0.0.0.0", None)
    assert link.path == "/enrol"
    # AND it enrols the first browser that opens it, on its screen, and no second one
    first, second = app.test_client(), app.test_client()
    opened = first.get(f"{link.path}?{link.query}")
    assert (opened.status_code, opened.headers["Location"]) == (302, "/kiosk/kiosk-1")
    assert first.get("/kiosk/kiosk-1").status_code == 200
    assert second.get(f"{link.path}?{link.query}").status_code == 403


def test_every_screen_gets_its_link_at_once_for_the_installer(
    db_url: str, make_app: AppFactory
) -> None:
    # GIVEN a freshly installed hall WHEN install.sh asks for every screen's link
    app = make_app(db_url)
    result = on_the_lan(db_url, "device", "enrol", "--all")
    assert result.exit_code == 0, result.output
    # THEN each screen of the hall (not its printers) has one, and each enrols its screen
    links = {
        line.split()[-1].partition("next=")[2].replace("%2F", "/"): line.split()[-1]
        for line in result.output.splitlines()
    }
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        [(screens,)] = connection.execute(
            "SELECT count(*) FROM devices WHERE kind NOT IN ('printer', 'booking_platform')"
        )
    assert len(links) == screens
    link = urlsplit(links["/display/window/3"])
    opened = app.test_client().get(f"{link.path}?{link.query}")
    assert (opened.status_code, opened.headers["Location"]) == (302, "/display/window/3")
    # AND naming one device and --all at once is refused
    assert on_the_lan(db_url, "device", "enrol", "kiosk-1", "--all").exit_code == 2


def test_db_check_says_whether_this_code_runs_on_the_database(db_url: str, tmp_path: Path) -> None:
    # a migrated database: 0; none yet: 1, and nothing is created
    assert on_the_lan(db_url, "db", "check").exit_code == 0
    missing = tmp_path / "none.db"
    assert on_the_lan(f"sqlite:///{missing}", "db", "check").exit_code == 1
    assert not missing.exists()
    # a newer HallQ's schema (a rollback's case): 2, said so
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    newer = on_the_lan(db_url, "db", "check")
    assert newer.exit_code == 2
    assert "a newer HallQ migrated it" in newer.output


def test_the_demo_prints_one_time_links_on_the_lan_address(db_url: str) -> None:
    # GIVEN `make run` with HOST=0.0.0.0 WHEN the demo hall is loaded
    result = on_the_lan(db_url, "demo")
    # THEN every screen's link is a one-time code on the LAN address, never a token
    assert result.exit_code == 0, result.output
    links = [word for word in result.output.split() if "/enrol?" in word]
    assert len(links) >= 10
    assert all(urlsplit(link).netloc == f"{lan_address()}:8000" for link in links)
    assert all("code=" in link and "token=" not in link for link in links)
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        [(unused,)] = connection.execute("SELECT count(*) FROM enrolments WHERE used_at IS NULL")
        [(days,)] = connection.execute("SELECT count(DISTINCT business_day) FROM tickets")
    assert unused == len(links)
    # AND the reports have the past four weeks' working days to show, said so once
    assert f"tickets of {days} past working days generated" in result.output
    assert days >= 10  # four weeks less weekends and any holiday
    again = on_the_lan(db_url, "demo")
    assert "no generated history" in again.output


def test_a_staff_member_added_with_a_password_from_stdin_gets_an_api_token(
    cli: Cli, db_url: str, make_app: AppFactory
) -> None:
    # GIVEN a hub app on the database
    app = make_app(db_url)
    # WHEN the administrator adds clerk (password on stdin) and prints an API token for them
    added = cli(
        "staff", "add", "clerk", "--role", "staff", "--name", "王五", "--password-stdin",
        stdin="counter-pass-1\n",
    )  # fmt: skip
    printed = cli("staff", "token", "clerk")
    assert added.returncode == 0, added.stderr
    assert printed.returncode == 0, printed.stderr
    token = printed.stdout.strip().splitlines()[-1]
    # THEN the token acts as clerk (opening a window is audited under their name)
    opened = app.test_client().post(
        "/api/v1/windows/3/open", headers={"Authorization": f"Bearer {token}"}
    )
    assert opened.status_code == 200, opened.get_json()
    # AND the password works for logging in, and is stored hashed
    with app.extensions["hallq"].db.read_session() as session:
        staff = access.check_login(session, "clerk", "counter-pass-1")
        window = session.scalars(select(orm.Window).where(orm.Window.number == 3)).one()
    assert (staff.role, window.staff) == ("staff", "clerk")
    assert staff.display_name == "王五"  # the name the incident ledger writes
    assert "counter-pass-1" not in staff.password_hash


def test_disabling_a_clerk_ends_their_logins_and_tokens_until_enabled_and_a_new_password_too(
    cli: Cli, db_url: str, make_app: AppFactory, tokens: Tokens
) -> None:
    # GIVEN window3's clerk logged in at the counter, and a script using their API token
    app = make_app(db_url)
    browser = app.test_client()
    assert log_in(browser, "window3", DEMO_PASSWORD).status_code == 302
    script = {"Authorization": f"Bearer {tokens.staff['window3']}"}
    assert browser.get("/api/v1/windows/3").status_code == 200
    # WHEN the administrator disables the account from the shell
    disabled = cli("staff", "disable", "window3")
    # THEN the login and the token are refused at once, and so is a new login
    assert disabled.returncode == 0, disabled.stderr
    assert "2 session(s) and token(s) ended" in disabled.stdout
    assert browser.get("/api/v1/windows/3").status_code == 401
    assert app.test_client().get("/api/v1/windows/3", headers=script).status_code == 401
    assert log_in(app.test_client(), "window3", DEMO_PASSWORD).status_code == 200  # the form again
    # AND once enabled, the clerk logs in again, while the old token stays ended
    assert cli.in_process("staff", "enable", "window3").exit_code == 0
    assert log_in(browser, "window3", DEMO_PASSWORD).status_code == 302
    assert browser.get("/api/v1/windows/3").status_code == 200
    assert app.test_client().get("/api/v1/windows/3", headers=script).status_code == 401
    # AND a new password ends that login too, and only the new password opens a new one
    changed = cli.in_process(
        "staff", "password", "window3", "--password-stdin", stdin="new-pass-123\n"
    )
    assert changed.exit_code == 0, changed.output
    assert browser.get("/api/v1/windows/3").status_code == 401
    assert log_in(app.test_client(), "window3", DEMO_PASSWORD).status_code == 200
    assert log_in(browser, "window3", "new-pass-123").status_code == 302
    # AND revoke-tokens ends it, the account staying enabled
    assert cli.in_process("staff", "revoke-tokens", "window3").exit_code == 0
    assert browser.get("/api/v1/windows/3").status_code == 401
    # AND unlocking (after failed logins) is the operator's to do too
    assert cli.in_process("staff", "unlock", "window3").exit_code == 0
    # AND each change is audited as the operator's
    with app.extensions["hallq"].db.read_session() as session:
        entries = session.execute(
            select(orm.AuditEntry.action, orm.AuditEntry.actor, orm.AuditEntry.target).where(
                orm.AuditEntry.action.startswith("staff.")
            )
        ).all()
    assert [action for action, _, _ in entries] == [
        "staff.disable", "staff.enable", "staff.password", "staff.revoke_tokens"
    ]  # fmt: skip
    assert all(
        actor.startswith("shell:") and target == "staff:window3" for _, actor, target in entries
    )


MISTAKES = {
    "unknown role": (
        ("staff", "add", "boss", "--role", "emperor", "--password-stdin"),
        "long-enough-1\n",
        ["emperor"],
    ),
    "short password": (
        ("staff", "add", "shorty", "--role", "staff", "--password-stdin"),
        "short\n",
        ["password", "8"],
    ),
    "empty password": (
        ("staff", "add", "blank", "--role", "staff", "--password-stdin"),
        "\n",
        ["password", "8"],
    ),
    "name too long": (
        ("staff", "add", "longname", "--role", "staff", "--name", "名" * 101, "--password-stdin"),
        "long-enough-1\n",
        ["name", "100"],
    ),
    "existing user": (
        ("staff", "add", "window3", "--role", "staff", "--password-stdin"),
        "long-enough-1\n",
        ["window3", "exists"],
    ),
    "unknown kind": (("device", "add", "toaster", "kiosk-10"), None, ["toaster"]),
    "existing device": (("device", "add", "kiosk", "kiosk-1"), None, ["kiosk-1", "exists"]),
    "token, unknown device": (("device", "token", "kiosk-404"), None, ["kiosk-404", "unknown"]),
    "revoke, unknown device": (("device", "revoke", "kiosk-404"), None, ["kiosk-404", "unknown"]),
    "token, unknown staff": (("staff", "token", "ghost"), None, ["ghost", "unknown"]),
    "disable, unknown staff": (("staff", "disable", "ghost"), None, ["ghost", "unknown"]),
    "unlock, unknown staff": (("staff", "unlock", "ghost"), None, ["ghost", "unknown"]),
    "new password too short": (
        ("staff", "password", "window3", "--password-stdin"),
        "short\n",
        ["password", "8"],
    ),
    "report period backwards": (
        ("reports", "rebuild", "--from", "2026-11-30", "--to", "2026-11-01"),
        None,
        ["report.period_order"],
    ),
    "report of an unknown hall": (
        ("reports", "rebuild", "--from", "2026-11-01", "--to", "2026-11-30", "--hall", "nowhere"),
        None,
        ["nowhere"],
    ),
    "hall of another code": (
        ("device", "add", "kiosk", "kiosk-11", "--hall", "nowhere"),
        None,
        ["nowhere"],
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_an_operator_mistake_exits_non_zero_with_a_clear_message_and_writes_nothing(
    cli: Cli, db_url: str, mistake: str
) -> None:
    # GIVEN the demo hall's database
    args, stdin, words = MISTAKES[mistake]
    before = dump(db_url)
    # WHEN the administrator makes the mistake
    result = cli.in_process(*args, stdin=stdin)
    # THEN a non-zero exit with a message naming what was wrong (not a crash), and no change
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert all(word in result.stderr for word in words), result.stderr
    assert dump(db_url) == before


def edited(text: str, mistake: str | None = None) -> str:
    """The demo hall file with the hall renamed, and optionally one mistake that must refuse it."""
    text = text.replace('name_en = "Demo City Tax Service Hall No. 1"', 'name_en = "Renamed Hall"')
    if mistake == "duplicate prefix":
        return text.replace('code = "invoice"\nprefix = "B"', 'code = "invoice"\nprefix = "A"')
    if mistake == "unknown service":
        return text.replace(
            'services = ["invoice", "filing"]', 'services = ["invoice", "passport"]'
        )
    return text


def test_loading_a_broken_hall_file_refuses_with_the_reason_and_changes_nothing(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    # GIVEN the demo hall loaded, and edited copies of its file that rename the hall and either
    # reuse prefix A for invoices or have window 3 serve an unknown "passport" service
    demo = DEMO_FILE.read_text(encoding="utf-8")
    files = {}
    for mistake in (None, "duplicate prefix", "unknown service"):
        files[mistake] = tmp_path / f"{mistake or 'renamed'}.toml".replace(" ", "-")
        files[mistake].write_text(edited(demo, mistake), encoding="utf-8")
    assert len({path.read_text(encoding="utf-8") for path in files.values()} | {demo}) == 4
    before = dump(db_url)
    # WHEN the administrator loads each broken file
    prefix = cli("hall", "load", str(files["duplicate prefix"]))
    unknown = cli.in_process("hall", "load", str(files["unknown service"]))
    # THEN each is refused with its reason, and the hall is exactly as it was
    assert prefix.returncode != 0
    assert "duplicate service prefix: A" in prefix.stderr, prefix.stderr
    assert "Traceback" not in prefix.stderr
    assert unknown.exit_code != 0
    assert "window 3 serves unknown passport" in unknown.stderr, unknown.stderr
    assert dump(db_url) == before
    # AND the same edit without the mistake does load (the refusals were the files' fault)
    loaded = cli.in_process("hall", "load", str(files[None]))
    assert loaded.exit_code == 0, loaded.output
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        assert connection.execute("SELECT name_en FROM halls").fetchone() == ("Renamed Hall",)


def test_backup_copies_the_live_database_with_its_tickets(
    cli: Cli, db_url: str, make_app: AppFactory, tokens: Tokens, tmp_path: Path
) -> None:
    # GIVEN a hub app that has issued three tickets and still holds the database open
    app = make_app(db_url)
    numbers = [issue(app, tokens.devices["kiosk-2"])[1]["number"] for _ in range(3)]
    # WHEN the administrator backs it up to a new folder
    target = tmp_path / "backups" / "hallq-copy.db"
    result = cli("backup", str(target))
    # THEN the copy is a sound SQLite database holding those tickets
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = [row[0] for row in copy.execute("SELECT number FROM tickets ORDER BY id")]
    assert stored == numbers == ["C001", "C002", "C003"]


def test_a_mistyped_database_path_is_refused_clearly_and_creates_nothing(tmp_path: Path) -> None:
    # GIVEN a database URL naming a file that does not exist (a typo in the environment file)
    missing = tmp_path / "hallq-typo.db"
    cli = Cli(f"sqlite:///{missing}", tmp_path)
    # WHEN the administrator asks for a device token
    result = cli.in_process("device", "token", "kiosk-1")
    # THEN a clear refusal naming the database (not a crash), and no stray database file
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "hallq-typo.db" in result.stderr
    assert not missing.exists()


def test_the_hall_exported_is_the_file_it_was_loaded_from(cli: Cli, tmp_path: Path) -> None:
    # GIVEN the demo hall loaded from core/halls/demo.toml
    exported = tmp_path / "exported.toml"
    # WHEN the administrator exports it
    result = cli.in_process("hall", "export", str(exported))
    # THEN the file says exactly what demo.toml says of the hall: its devices in the order of
    # their ids (an order that means nothing), and without the demo staff (no hall's)
    assert result.exit_code == 0, result.output
    demo = read_hall_file(DEMO_FILE)
    devices = sorted(demo.devices, key=lambda device: device.id)
    assert read_hall_file(exported) == demo.model_copy(update={"demo": None, "devices": devices})
    # AND loading the export and exporting again writes the same text, byte for byte
    assert cli.in_process("hall", "load", str(exported)).exit_code == 0
    again = cli.in_process("hall", "export")
    assert again.exit_code == 0, again.output
    assert again.stdout == exported.read_text(encoding="utf-8")
