"""The HTTP API under ``/api/v1`` (SPEC §6): JSON in, JSON out, errors as ``{error, message}``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Importing the route modules registers their operations on `bp`.
from core.api import (  # noqa: E402
    admin,
    appointments,
    devices,
    incidents,
    openapi,
    paperwork,
    queue,
    ratings,
    reports,
    staff,
    tickets,
    windows,
)

__all__ = [
    "admin",
    "appointments",
    "bp",
    "devices",
    "incidents",
    "openapi",
    "paperwork",
    "queue",
    "ratings",
    "reports",
    "staff",
    "tickets",
    "windows",
]
