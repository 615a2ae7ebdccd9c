"""Typed settings of a hub process: defaults < the TOML file's ``[hub]`` table < HALLQ_* environment.

The TOML file (``HALLQ_CONFIG``) also describes the hall itself — services,
windows, devices, thresholds — which `core.halls` loads into the database.
Secrets and URLs belong in the environment (``/etc/hallq/hallq.env`` under
systemd), not in the file.
"""

from __future__ import annotations

import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ASYNC_MODES = ("eventlet", "gevent", "threading")


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    """Everything a hub process needs to start. Field names match ``HALLQ_<NAME>``."""

    database_url: str = "sqlite:///var/hallq.db"
    message_queue: str | None = None
    """Redis URL shared by several hub processes (Flask-SocketIO message queue)."""
    async_mode: str = "eventlet"
    secret_key: str | None = None
    """Session signing key; if unset, one is generated once and kept in ``var_dir``."""
    host: str = "127.0.0.1"
    port: int = 8000
    var_dir: Path = Path("var")
    hall: str = "demo"
    """The hall a screen URL without a hall code belongs to."""
    config: Path | None = None
    fake_now: str | None = None
    """Start the hub's clock at this instant (demos and end-to-end tests only)."""
    log_level: str = "INFO"
    log_json: bool = True
    public_url: str | None = None
    """How phones and screens in the hall reach the hub: the QR code on tickets and the
    enrolment links. Default ``http://host:port``, with the machine's LAN address when
    the hub listens on every interface (``0.0.0.0``)."""
    enrol_link_hours: float = 24.0
    """How long a device's one-time enrolment link stays valid unused."""
    print_agents: bool = True
    """Run the print agents of network printers in this process (exactly one process should)."""
    device_timeout_s: float = 30.0
    print_timeout_s: float = 15.0
    state_check_s: float = 30.0
    """How often clients compare their seq with the hub's."""
    offline_after_s: float = 5.0
    """How long a screen waits for the hub before it shows its offline view."""
    rate_limits: bool = True
    rate_limit_public: str = "600 per minute"
    rate_limit_login: str = "10 per minute"
    login_idle_h: float = 12.0
    """A staff login ends after this many hours without a request (SPEC §10)."""
    login_max_days: float = 7.0
    """… and this many days after it began, used or not."""
    login_failures: int = 10
    """Failed logins (per address, and per user name) within `login_window_min` that
    refuse that address, and lock that account for `login_lock_min` (SPEC §10)."""
    login_window_min: float = 15.0
    login_lock_min: float = 15.0
    secure_cookies: bool = False
    """Set when the hall serves HallQ over HTTPS."""
    watchdog: bool = True
    sms_dispatch: bool = True
    """Send the SMS outbox from this process (exactly one process should)."""
    sms_sender: str = "log"
    """``log`` (``var_dir/sms.log``) or ``http`` (the gateway below)."""
    sms_http_url: str | None = None
    sms_http_headers: str | None = None
    """JSON object, e.g. ``{"Authorization": "Bearer …"}`` — a secret: environment only."""
    sms_http_template: str | None = None
    """JSON body with ``{phone}`` and ``{text}``, e.g. ``{"mobile": "{phone}", "content": "{text}"}``."""
    sms_http_timeout_s: float = 10.0
    sms_daily_cap: int = 5
    sms_interval_s: float = 1.0
    upload_dispatch: bool = True
    """Upload ratings to the bureau's platform from this process (exactly one should)."""
    upload_sender: str = "log"
    """``log`` (``var_dir/ratings-upload.log``) or ``http`` (the platform below)."""
    upload_http_url: str | None = None
    upload_http_headers: str | None = None
    """JSON object, e.g. ``{"Authorization": "Bearer …"}`` — a secret: environment only."""
    upload_http_template: str | None = None
    """JSON body with ``{rating}`` (the rating's JSON object), e.g. ``{"evaluation": {rating}}``."""
    upload_http_timeout_s: float = 10.0
    upload_interval_s: float = 5.0
    backup_dir: Path | None = None
    """Where `hallq backup` (the nightly timer's) writes; default ``var_dir/backups``."""
    backup_keep_days: int = 14
    """Backups older than this are removed after each new one (never the newest)."""

    @property
    def backups(self) -> Path:
        """The backups' folder."""
        return self.backup_dir or self.var_dir / "backups"

    @property
    def sqlite_path(self) -> Path | None:
        """The database file, when the database is SQLite."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix):
            return Path(self.database_url[len(prefix) :])
        return None


def _coerce(name: str, kind: Any, raw: Any) -> Any:
    if raw is None:
        return None
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        return _coerce(name, options[0], raw)
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(raw)
            return text in {"1", "true", "yes", "on"}
        if kind in (int, float, str, Path):
            return kind(raw)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"setting {name!r}: cannot read {raw!r} as {kind.__name__}") from error
    return raw


def load_settings(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Settings from defaults, the ``[hub]`` table of ``HALLQ_CONFIG``, the environment, overrides."""
    overrides = dict(overrides or {})
    environ = os.environ if environ is None else environ
    hints = typing.get_type_hints(Settings)
    values: dict[str, Any] = {}
    config_path = overrides.get("config") or environ.get("HALLQ_CONFIG")
    if config_path:
        path = Path(config_path)
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise ConfigError(f"HALLQ_CONFIG names {path}, which does not exist") from error
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path} is not valid TOML: {error}") from error
        values["config"] = path
        values.update(document.get("hub", {}))
    known = {item.name for item in fields(Settings)}
    for item in fields(Settings):
        env_name = f"HALLQ_{item.name.upper()}"
        if env_name in environ and environ[env_name] != "":
            values[item.name] = environ[env_name]
    values.update(overrides)
    unknown = set(values) - known
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    coerced = {name: _coerce(name, hints[name], raw) for name, raw in values.items()}
    settings = replace(Settings(), **coerced)
    if settings.sms_sender not in ("log", "http"):
        raise ConfigError(f"sms_sender must be log or http, not {settings.sms_sender!r}")
    if settings.upload_sender not in ("log", "http"):
        raise ConfigError(f"upload_sender must be log or http, not {settings.upload_sender!r}")
    if settings.async_mode not in ASYNC_MODES:
        raise ConfigError(f"async_mode must be one of {ASYNC_MODES}, not {settings.async_mode!r}")
    return settings
