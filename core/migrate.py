"""Apply Alembic migrations from code (`hallq db upgrade`, `hallq run`, tests)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at HallQ's migrations and `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision`; creates the SQLite file's folder."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


def heads(url: str = "sqlite://") -> list[str]:
    """The migration heads (there must be exactly one)."""
    return list(ScriptDirectory.from_config(alembic_config(url)).get_heads())


def revision(url: str) -> str | None:
    """The revision the database at `url` is at (None: no HallQ tables yet)."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def known(url: str, revision: str) -> bool:
    """Whether this code's migrations know `revision` (a newer HallQ's they do not)."""
    try:
        ScriptDirectory.from_config(alembic_config(url)).get_revision(revision)
    except CommandError:
        return False
    return True


class Schema(StrEnum):
    """Where a database stands against this code's migrations."""

    CURRENT = "current"
    BEHIND = "behind"
    """Older, or empty: `hallq db upgrade` (the hub at start) brings it up."""
    NEWER = "newer"
    """A newer HallQ migrated it: this code must not run on it."""


def schema(url: str) -> tuple[Schema, str | None, str]:
    """The database's standing, its revision and this code's head (SQLAlchemyError when the
    database cannot be reached)."""
    found = revision(url)
    [head] = heads(url)
    if found == head:
        return Schema.CURRENT, found, head
    if found is None or known(url, found):
        return Schema.BEHIND, found, head
    return Schema.NEWER, found, head
