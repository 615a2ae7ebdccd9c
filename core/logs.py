"""Structured logs: one JSON object per line (journald keeps them; tools can parse them)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from core.config import Settings


class JsonFormatter(logging.Formatter):
    """``{"at", "level", "logger", "message", …extra}`` per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    """Log to stderr, as JSON unless ``HALLQ_LOG_JSON=0``; idempotent."""
    root = logging.getLogger()
    if getattr(root, "_hallq_configured", False):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if settings.log_json
        else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root.handlers = [handler]
    root.setLevel(settings.log_level.upper())
    root._hallq_configured = True  # type: ignore[attr-defined]
