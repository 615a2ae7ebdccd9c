"""Alembic migrations (issue 2, "Storage"): one head, upgrade from empty, models match, downgrade,
and the append-only history tables, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from core import migrate
from core.adapters import orm
from core.adapters.db import Database
from tests.support.databases import PostgresTemplate, Tokens


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no table at all: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    template: PostgresTemplate = request.getfixturevalue("postgres_template")
    name = f"hallq_empty_{uuid.uuid4().hex[:10]}"
    with template.engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield template.url_of(name)
    with template.engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def drift(url: str, metadata: MetaData = orm.Base.metadata) -> list[object]:
    """What Alembic autogenerate would write to bring the database to `metadata`."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_there_is_exactly_one_head() -> None:
    # GIVEN the migration scripts WHEN their heads are listed THEN there is one (no forked history)
    assert len(migrate.heads()) == 1


def test_upgrade_from_empty_creates_every_table_of_the_models(empty_database: str) -> None:
    # GIVEN an empty database
    assert tables(empty_database) == set()
    # WHEN it is upgraded to head
    migrate.upgrade(empty_database)
    # THEN it is at the one head and holds every table the models declare
    assert migrate.revision(empty_database) == migrate.heads()[0]
    assert set(orm.Base.metadata.tables) <= tables(empty_database)
    assert {"tickets", "ticket_events", "audit_log", "number_counters"} <= tables(empty_database)


def test_the_models_match_the_migrations(empty_database: str) -> None:
    # GIVEN a database built by the migrations alone
    migrate.upgrade(empty_database)
    # WHEN Alembic compares it with the SQLAlchemy models (types included)
    # THEN there is nothing to add, drop or alter
    assert drift(empty_database) == []


def test_the_comparison_would_see_a_model_the_migrations_lack(empty_database: str) -> None:
    # GIVEN a migrated database and models with one table more
    migrate.upgrade(empty_database)
    extra = MetaData()
    for table in orm.Base.metadata.tables.values():
        table.to_metadata(extra)
    Table("queue_ghosts", extra, Column("id", Integer, primary_key=True))
    # WHEN compared THEN the missing table is reported (the check above is not vacuous)
    assert [change[0] for change in drift(empty_database, extra)] == ["add_table"]  # type: ignore[index]


def test_downgrade_to_base_and_upgrade_again(empty_database: str) -> None:
    # GIVEN a database at head
    migrate.upgrade(empty_database)
    config = migrate.alembic_config(empty_database)
    from alembic import command

    # WHEN it is downgraded to base
    command.downgrade(config, "base")
    # THEN no HallQ table is left (only Alembic's own bookkeeping)
    assert tables(empty_database) <= {"alembic_version"}
    assert migrate.revision(empty_database) is None
    # AND it upgrades to head again, triggers and all, with no drift
    migrate.upgrade(empty_database)
    assert migrate.revision(empty_database) == migrate.heads()[0]
    assert drift(empty_database) == []


def test_the_newest_migration_upgrades_a_hall_database_in_use(
    backend: tuple[str, Tokens],
) -> None:
    # GIVEN a hall's database in use — a hall, staff with logins and tokens, devices —
    # as the release before this one left it
    url, _ = backend
    head = migrate.heads(url)[0]
    from alembic import command

    command.downgrade(migrate.alembic_config(url), "-1")
    assert migrate.revision(url) != head
    before = staff_and_tokens(url)
    assert before[0] > 0
    assert before[1] > 0
    # WHEN the new release's hub migrates it at start (foreign keys on, as the hub runs)
    migrate.upgrade(url)
    # THEN it is at head, every row kept, and the models match it
    assert migrate.revision(url) == head
    assert staff_and_tokens(url) == before
    assert drift(url) == []


def staff_and_tokens(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            staff = connection.execute(text("SELECT count(*) FROM staff")).scalar_one()
            tokens = connection.execute(text("SELECT count(*) FROM api_tokens")).scalar_one()
    finally:
        engine.dispose()
    return staff, tokens


HISTORY_TABLES = ("ticket_events", "audit_log")


def insert_history_rows(database: Database) -> dict[str, int]:
    """One ticket with one event, and one audit row; their ids by table."""
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    with database.write_session() as session:
        hall = session.query(orm.Hall).one()
        ticket = orm.Ticket(
            hall_id=hall.id,
            business_day=now.date(),
            number="C001",
            service="filing",
            channel="kiosk",
            state="waiting",
            green=False,
            token=uuid.uuid4().hex,
            issued_at=now,
            queued_at=now,
            recalls=0,
            print_state="none",
        )
        session.add(ticket)
        session.flush()
        event = orm.TicketEvent(
            hall_id=hall.id,
            ticket_id=ticket.id,
            seq=1,
            kind="issued",
            to_state="waiting",
            actor="device:kiosk-1",
            at=now,
            detail={},
        )
        entry = orm.AuditEntry(at=now, actor="staff:window3", action="OpenWindow", detail={})
        session.add_all([event, entry])
        session.commit()
        return {"ticket_events": event.id, "audit_log": entry.id}


@pytest.mark.parametrize("table", HISTORY_TABLES)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET actor = 'someone:else' WHERE id = :id",
        "DELETE FROM {table} WHERE id = :id",
    ],
    ids=["update", "delete"],
)
def test_history_tables_refuse_update_and_delete(
    backend: tuple[str, Tokens], table: str, statement: str
) -> None:
    # GIVEN a migrated database with one row in the history table
    url, _tokens = backend
    database = Database(url)
    row_id = insert_history_rows(database)[table]
    # WHEN anyone, even with direct SQL, updates or deletes the row
    with pytest.raises(DBAPIError) as refused, database.engine.begin() as connection:
        connection.execute(text(statement.format(table=table)), {"id": row_id})
    # THEN the database itself refuses, and the row is still there as written
    assert "append-only" in str(refused.value)
    with database.engine.connect() as connection:
        actor = connection.execute(
            text(f"SELECT actor FROM {table} WHERE id = :id"), {"id": row_id}
        ).scalar_one()
    assert actor in ("device:kiosk-1", "staff:window3")
    database.dispose()
