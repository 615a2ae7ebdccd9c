"""Commands of the hall's administration: an admin changes the hall's configuration.

Each names what it changes and carries the new values as the hall file writes them
(`core.halls`): a service or a window as one table of that file, or the whole file.
The handler applies them to the hall as it stands under the hall's lock, so two
admins saving at once cannot undo each other's change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.domain.commands import Command


@dataclass(frozen=True, kw_only=True)
class ImportHall(Command):
    """Replace the hall's configuration with `file`, a whole hall file (as parsed TOML)."""

    file: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class AddService(Command):
    """Add the service `spec` (a ``[[services]]`` table) at `position` (None: last)."""

    spec: dict[str, Any]
    position: int | None = None


@dataclass(frozen=True, kw_only=True)
class EditService(Command):
    """Change service `service` to `spec`, and move it to `position` (None: stays)."""

    service: str
    spec: dict[str, Any]
    position: int | None = None


@dataclass(frozen=True, kw_only=True)
class RetireService(Command):
    """Stop offering service `service`; its history stays, and windows stop serving it."""

    service: str


@dataclass(frozen=True, kw_only=True)
class AddWindow(Command):
    """Add the window `spec` (a ``[[windows]]`` table)."""

    spec: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class EditWindow(Command):
    """Change window `window` to `spec` (its name, ordered services, emergency flag)."""

    window: int
    spec: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class EditHallSettings(Command):
    """Replace one table of the hall's settings (`part`: hours, rules, quiet_hours,
    retention, ledger, probes) with `value`, as the hall file writes it."""

    part: str
    value: Any


@dataclass(frozen=True, kw_only=True)
class SetCalendarDay(Command):
    """The hall works (`open`) or is closed on `day` (``2026-10-10``) whatever the statutory
    calendar says; `open` None: the statutory calendar decides again."""

    day: str
    open: bool | None


@dataclass(frozen=True, kw_only=True)
class SetFilingDeadline(Command):
    """The official filing deadline of `month` (``2026-12``) is `deadline` (``2026-12-15``);
    None: the default (the 15th, moved to the next working day)."""

    month: str
    deadline: str | None


@dataclass(frozen=True, kw_only=True)
class AddDevice(Command):
    """Add the device `spec` (a ``[[devices]]`` table); it enrols with a one-time link."""

    spec: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class EditDevice(Command):
    """Change device `device`'s names and `settings` (its printer, window, connection);
    a setting given as None is removed, one not given stays."""

    device: str
    name: str
    name_en: str
    settings: dict[str, Any]
