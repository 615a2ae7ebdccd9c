"""Settings of a HallQ app run inside the test (or bench) process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.config import Settings


def in_process_settings(url: str, var_dir: Path, **overrides: Any) -> Settings:
    """Threading mode (no hub to serve it), plain-text logs, rate limits off unless
    `overrides` say otherwise."""
    defaults: dict[str, Any] = {
        "database_url": url,
        "async_mode": "threading",
        "var_dir": var_dir,
        "secret_key": "test-secret",
        "log_json": False,
        "rate_limits": False,
    }
    return Settings(**{**defaults, **overrides})
