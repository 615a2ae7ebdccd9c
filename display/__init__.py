"""Hall and window displays, with offline voice calling."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "display",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/display",
)
