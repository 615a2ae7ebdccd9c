"""The `hallq` subcommands (click). Each acts on the database ``HALLQ_DATABASE_URL`` names."""

from __future__ import annotations

import getpass
import importlib
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

import click
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core import hallq_version, migrate
from core.adapters import backups, orm
from core.adapters.clock import SystemClock
from core.adapters.db import Database
from core.adapters.network import public_base_url
from core.config import ConfigError, Settings, load_settings
from core.domain.errors import DomainError
from core.halls import (
    DEMO_FILE,
    HallFileError,
    export_hall,
    hall_file_text,
    load_hall,
    read_hall_file,
    starter_text,
)
from core.services import access, logins
from core.services.access import Principal, Role
from core.services.accounts import new_password


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


def _database() -> Database:
    """The configured database, which must exist and be migrated: a typo in the URL
    must not create an empty file and fail later with a traceback."""
    settings = _settings()
    path = settings.sqlite_path
    if path is not None and not path.exists():
        raise click.ClickException(
            f"no database at {path} (HALLQ_DATABASE_URL={settings.database_url}); "
            "create it with `hallq db upgrade` or `hallq demo`"
        )
    database = Database(settings.database_url)
    if "alembic_version" not in inspect(database.engine).get_table_names():
        database.dispose()
        raise click.ClickException(
            f"{settings.database_url} has no HallQ tables; run `hallq db upgrade` first"
        )
    return database


def _hall(db_session: Session, code: str | None) -> orm.Hall:
    code = code or _settings().hall
    hall = db_session.scalars(select(orm.Hall).where(orm.Hall.code == code)).one_or_none()
    if hall is None:
        raise click.ClickException(f"no hall {code!r}: load one with `hallq hall load FILE`")
    return hall


class LazyGroup(click.Group):
    """Subcommands from other packages, imported only when used (click's documented pattern):
    `hallq run` does not load the printer library or the voice builder."""

    lazy: ClassVar[dict[str, str]] = {
        "voice": "display.voice.commands:voice_group",
        "print-agent": "printers.commands:print_agent_command",
        "printer-emulator": "printers.commands:printer_emulator_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(ctx, name)
        module, attribute = self.lazy[name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=LazyGroup)
def cli() -> None:
    """HallQ: queue management that keeps a tax service hall running when things break."""


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration (safe to run at each start)."""
    migrate.upgrade(_settings().database_url)
    click.echo("database is up to date")


@db.command("check")
def db_check() -> None:
    """Whether this HallQ runs on the database as it is: exit 0 when it is at this code's
    schema, 1 when it needs `hallq db upgrade` (the hub does it at start), 2 when a newer
    HallQ migrated it (`install.sh --rollback` then needs the backup taken before)."""
    settings = _settings()
    url = settings.database_url
    if settings.sqlite_path is not None and not settings.sqlite_path.exists():
        click.echo(f"没有数据库 / no database at {settings.sqlite_path}")
        sys.exit(1)
    try:
        standing, found, head = migrate.schema(url)
    except SQLAlchemyError as error:
        shown = make_url(url).render_as_string(hide_password=True)
        raise click.ClickException(f"数据库无法连接 / cannot reach {shown}: {error}") from error
    if standing is migrate.Schema.CURRENT:
        click.echo(f"数据库结构为最新 / the schema is this HallQ's ({head})")
    elif standing is migrate.Schema.BEHIND:
        click.echo(f"数据库待升级 / the schema is at {found or 'nothing'}, this HallQ's is {head}")
        sys.exit(1)
    else:
        click.echo(
            f"数据库已由更新版本升级 / the schema is at {found}, which this HallQ (up to {head}) "
            "does not know: a newer HallQ migrated it"
        )
        sys.exit(2)


@cli.group()
def hall() -> None:
    """Hall configuration files."""


@hall.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def hall_load(path: Path) -> None:
    """Create or update the hall described by the TOML file PATH."""
    try:
        spec = read_hall_file(path)
    except HallFileError as error:
        raise click.ClickException(str(error)) from error
    database = _database()
    migrate.upgrade(database.url)
    with database.write_session() as db_session:
        load_hall(db_session, spec)
        db_session.commit()
    click.echo(
        f"hall {spec.hall.code} loaded: {len(spec.services)} services, "
        f"{len(spec.windows)} windows, {len(spec.devices)} devices"
    )


@hall.command("starter")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def hall_starter(path: Path) -> None:
    """Write a starter hall file to PATH: the demo hall's, a comment on every key, without
    the demo's accounts (install.sh's /etc/hallq/hall.toml). An existing file stays."""
    if path.exists():
        raise click.ClickException(f"{path} exists; it is left as it is")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(starter_text(), encoding="utf-8")
    click.echo(f"starter hall file written to {path}")


@hall.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--hall", "hall_code", default=None, help="Hall code (default: HALLQ_HALL).")
def hall_export(path: Path | None, hall_code: str | None) -> None:
    """Write the hall as a TOML file that `hallq hall load` reads (to PATH, or standard output)."""
    database = _database()
    with database.read_session() as db_session:
        text = hall_file_text(export_hall(db_session, _hall(db_session, hall_code)))
    if path is None:
        click.echo(text, nl=False)
    else:
        path.write_text(text, encoding="utf-8")


@cli.command()
@click.option(
    "--base-url",
    default=None,
    help="How screens reach the hub (default HALLQ_PUBLIC_URL, or the hub's LAN address).",
)
def demo(base_url: str | None) -> None:
    """Load the demo hall with demo staff, and print fresh device links (demo only)."""
    from core.demo import load_demo

    settings = _settings()
    migrate.upgrade(settings.database_url)
    click.echo(
        load_demo(
            Database(settings.database_url),
            read_hall_file(DEMO_FILE),
            base_url or public_base_url(settings),
            timedelta(hours=settings.enrol_link_hours),
        )
    )


@cli.group()
def device() -> None:
    """Kiosks, displays, guide desks and print agents."""


@device.command("add")
@click.argument("kind", type=click.Choice(access.DEVICE_KINDS))
@click.argument("device_id")
@click.option("--hall", "hall_code", default=None, help="Hall code (default: HALLQ_HALL).")
@click.option("--name", default="", help="A name staff recognise, e.g. 1号取号机.")
def device_add(kind: str, device_id: str, hall_code: str | None, name: str) -> None:
    """Register device DEVICE_ID of KIND."""
    with _database().write_session() as db_session:
        try:
            access.add_device(db_session, _hall(db_session, hall_code), kind, device_id, name=name)
        except DomainError as error:
            raise click.ClickException(str(error)) from error
        db_session.commit()
    click.echo(f"device {device_id} ({kind}) added")


@device.command("enrol")
@click.argument("device_id", required=False)
@click.option("--all", "every", is_flag=True, help="A link for every screen of the hall.")
@click.option("--hall", "hall_code", default=None, help="Hall code (default: HALLQ_HALL).")
def device_enrol(device_id: str | None, every: bool, hall_code: str | None) -> None:
    """Print a one-time enrolment link for the screen DEVICE_ID (or, with --all, for each
    screen of the hall): the first browser that opens it becomes the device
    (HALLQ_ENROL_LINK_HOURS, default 24, to use it)."""
    if every == (device_id is not None):
        raise click.UsageError("name one DEVICE_ID, or --all")
    settings = _settings()
    now, lifetime = SystemClock().now(), timedelta(hours=settings.enrol_link_hours)
    base_url = public_base_url(settings)
    with _database().write_session() as db_session:
        if device_id is None:
            hall = _hall(db_session, hall_code)
            links = access.screen_links(db_session, hall, now, lifetime, "cli", base_url)
            lines = [
                f"{f'{found.name or found.id} ({found.kind})':<28} {link.url}"
                for found, link in links
            ]
        else:
            try:
                link = access.enrolment_link(db_session, device_id, now, lifetime, "cli", base_url)
            except DomainError as error:
                raise click.ClickException(str(error)) from error
            lines = [link.url]
        db_session.commit()
    click.echo("\n".join(lines))


@device.command("token")
@click.argument("device_id")
def device_token(device_id: str) -> None:
    """Print a new API token for DEVICE_ID (a print agent's or an integration's)."""
    with _database().write_session() as db_session:
        try:
            token = access.device_token(db_session, device_id, SystemClock().now())
        except DomainError as error:
            raise click.ClickException(str(error)) from error
        db_session.commit()
    click.echo(token)


@device.command("revoke")
@click.argument("device_id")
def device_revoke(device_id: str) -> None:
    """Revoke every token of DEVICE_ID; its screens are logged out at once."""
    with _database().write_session() as db_session:
        try:
            count = access.revoke_device(db_session, device_id, SystemClock().now())
        except DomainError as error:
            raise click.ClickException(str(error)) from error
        db_session.commit()
    click.echo(f"{count} token(s) of {device_id} revoked")


@cli.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--one-time",
    is_flag=True,
    help="Generate and print a password the person replaces at their first login.",
)
@click.option("--hall", "hall_code", default=None, help="Hall code (default: HALLQ_HALL).")
@click.option("--name", default="", help="The person's name, as the incident ledger writes it.")
def staff_add(
    username: str,
    role: str,
    password_stdin: bool,
    one_time: bool,
    hall_code: str | None,
    name: str,
) -> None:
    """Create a staff account; the password is asked for (or read from stdin, or generated
    with --one-time)."""
    password = new_password() if one_time else _read_password(password_stdin)
    with _database().write_session() as db_session:
        try:
            access.add_staff(
                db_session,
                username,
                role,
                password,
                hall=_hall(db_session, hall_code),
                display_name=name,
                change_required=one_time,
            )
        except DomainError as error:
            raise click.ClickException(str(error)) from error
        db_session.commit()
    if one_time:
        click.echo(f"staff {username} ({role}) added; one-time password: {password}")
    else:
        click.echo(f"staff {username} ({role}) added")


def _read_password(from_stdin: bool) -> str:
    """A password from standard input, or asked for twice on the terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("password: ")
    if getpass.getpass("again: ") != password:
        raise click.ClickException("the passwords differ")
    return password


@staff.command("token")
@click.argument("username")
def staff_token(username: str) -> None:
    """Print a new API token for USERNAME."""
    with _database().write_session() as db_session:
        try:
            token = access.staff_token(db_session, username, SystemClock().now())
        except DomainError as error:
            raise click.ClickException(str(error)) from error
        db_session.commit()
    click.echo(token)


def _operator() -> Principal:
    """Who runs the command, as the audit log names them (``shell:root``)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        name = "unknown"
    return Principal("shell", name, None)


def _staff_change(
    username: str, change: Callable[[Session, datetime], object], action: str
) -> object:
    """Run `change` on USERNAME's account in one transaction, audited as done from the shell."""
    with _database().write_session() as db_session:
        now = SystemClock().now()
        try:
            result = change(db_session, now)
        except DomainError as error:
            raise click.ClickException(str(error)) from error
        access.audit(db_session, now, _operator(), action, target=f"staff:{username}")
        db_session.commit()
    return result


@staff.command("disable")
@click.argument("username")
def staff_disable(username: str) -> None:
    """USERNAME can no longer log in; every session, token and open screen of it ends now."""
    ended = _staff_change(
        username, lambda db, now: access.disable_staff(db, username, now), "staff.disable"
    )
    click.echo(f"staff {username} disabled; {ended} session(s) and token(s) ended")


@staff.command("enable")
@click.argument("username")
def staff_enable(username: str) -> None:
    """USERNAME may log in again (old sessions and tokens stay ended)."""
    _staff_change(username, lambda db, now: access.enable_staff(db, username), "staff.enable")
    click.echo(f"staff {username} enabled")


@staff.command("revoke-tokens")
@click.argument("username")
def staff_revoke_tokens(username: str) -> None:
    """End every session and API token of USERNAME (the account stays enabled)."""
    ended = _staff_change(
        username,
        lambda db, now: access.revoke_staff_tokens(db, access.account(db, username), now),
        "staff.revoke_tokens",
    )
    click.echo(f"{ended} session(s) and token(s) of {username} ended")


@staff.command("unlock")
@click.argument("username")
def staff_unlock(username: str) -> None:
    """Let USERNAME, locked after failed logins, log in again from anywhere."""
    with _database().write_session() as db_session:
        try:
            logins.unlock(db_session, username, SystemClock().now(), _operator())
        except DomainError as error:
            raise click.ClickException(str(error)) from error
        db_session.commit()
    click.echo(f"staff {username} unlocked")


@staff.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def staff_password(username: str, password_stdin: bool) -> None:
    """Set USERNAME's password; every session and token of the account ends."""
    password = _read_password(password_stdin)
    ended = _staff_change(
        username,
        lambda db, now: access.set_password(db, username, password, now),
        "staff.password",
    )
    click.echo(f"password of {username} changed; {ended} session(s) and token(s) ended")


PG_BACKUP = (
    "PostgreSQL: pg_dump --format=custom --file=hallq.dump DATABASE, "
    "and pg_restore --clean --if-exists --dbname=DATABASE hallq.dump (docs/OPERATIONS.md)"
)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
def backup(path: Path | None) -> None:
    """Back the SQLite database up while the hub keeps running: to PATH, or (the nightly
    timer's) into HALLQ_BACKUP_DIR, then remove the backups there older than
    HALLQ_BACKUP_KEEP_DAYS. Each is checked (integrity) before it takes its name."""
    settings = _settings()
    source = settings.sqlite_path
    if source is None:
        raise click.ClickException(f"backup copies SQLite databases; {PG_BACKUP}")
    if not source.exists():
        raise click.ClickException(f"没有数据库 / no database at {source}")
    now = SystemClock().now()
    target = path or settings.backups / f"{backups.PREFIX}{now.astimezone():%Y%m%d-%H%M%S}.db"
    try:
        checked = backups.backup(source, target)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"backed up {source} to {target} ({checked.tickets} tickets, schema {checked.revision})"
    )
    if path is None:
        kept = timedelta(days=settings.backup_keep_days)
        for removed in backups.prune(settings.backups, kept, now):
            click.echo(f"removed {removed} (older than {settings.backup_keep_days} days)")


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(path: Path) -> None:
    """Put the backup PATH in place of the SQLite database. Refused while a hub runs on it
    (systemctl stop hallq first) and unless PATH is a sound HallQ database this code knows;
    the database it replaces is kept in the backups folder."""
    settings = _settings()
    live = settings.sqlite_path
    if live is None:
        raise click.ClickException(f"restore replaces SQLite databases; {PG_BACKUP}")
    now = SystemClock().now()
    aside = settings.backups / f"{backups.PREFIX}replaced-{now.astimezone():%Y%m%d-%H%M%S}.db"
    url = settings.database_url
    try:
        checked = backups.restore(live, path, aside, lambda rev: migrate.known(url, rev))
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"已恢复 / restored {path} as {live}: schema {checked.revision}, "
        f"{checked.tickets} tickets, the last issued at {checked.last_ticket or '-'}"
    )
    if aside.exists():
        click.echo(f"被替换的数据库 / the database it replaced is kept as {aside}")
    click.echo(
        "启动服务 / start the hub: systemctl start hallq (an older schema migrates at start)"
    )


@cli.group("reports")
def reports_group() -> None:
    """The reports' daily rollup (统计)."""


@reports_group.command("rebuild")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--hall", "hall_code", default=None, help="Hall code (default: HALLQ_HALL).")
def reports_rebuild(start: datetime, end: datetime, hall_code: str | None) -> None:
    """Work the closed days from --from to --to (at most 366) out again from the tickets'
    events, and keep them in the reports' rollup."""
    from core.domain.reports import Period
    from core.services.reports.rollup import rebuild

    try:
        period = Period(start.date(), end.date())
        days = rebuild(_database(), hall_code or _settings().hall, period, SystemClock().now())
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{days} day(s) rolled up")


@cli.group("ledger")
def ledger_group() -> None:
    """The incident ledger (突发事件应急处置登记台帐)."""


@ledger_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First day, hall-local, included (default: the first incident).",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last day, hall-local, included (default: the latest incident).",
)
@click.option("--hall", "hall_code", default=None, help="Hall code (default: HALLQ_HALL).")
def ledger_export(
    path: Path, start: datetime | None, end: datetime | None, hall_code: str | None
) -> None:
    """Write the incident ledger of a period to PATH as an .xlsx workbook."""
    from core import ledger
    from core.ledger.xlsx import ledger_xlsx  # openpyxl: loaded for this command only

    try:
        period = ledger.LedgerPeriod(start.date() if start else None, end.date() if end else None)
    except DomainError as error:
        raise click.ClickException("--from is after --to") from error
    with _database().read_session() as db_session:
        found = _hall(db_session, hall_code)
        rows = ledger.ledger_rows(db_session, found, start=period.start, end=period.end)
        note = ledger.short_failures_note(db_session, found, start=period.start, end=period.end)
        name = found.name_zh
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ledger_xlsx(rows, name, period, note))
    click.echo(f"{len(rows)} incident(s) written to {path}")


@cli.command()
def doctor() -> None:
    """Check what the hall depends on — the database, disk, clock, hub, printers, screens,
    probes, voice, SMS and upload senders, Redis, backups — and say, Chinese first, what
    to do; exit 1 when something is wrong."""
    from core.services import doctor as checks

    settings = _settings()
    now = SystemClock().now()
    click.echo(f"HallQ {hallq_version()} 体检 / health check, {now.astimezone():%Y-%m-%d %H:%M}\n")
    findings = checks.examine(settings, now)
    click.echo(checks.render(findings))
    if any(finding.level is checks.Level.FAIL for finding in findings):
        sys.exit(1)


@cli.command()
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
def run(host: str | None, port: int | None) -> None:
    """Migrate, then serve the hub (HTTP and Socket.IO) until stopped."""
    from core.hub.serve import serve

    overrides = {key: value for key, value in (("host", host), ("port", port)) if value}
    try:
        settings = load_settings(overrides=overrides)
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
    serve(settings)
