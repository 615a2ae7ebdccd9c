"""The duty leader's console (值班领导): live hall view, incidents and notices,
registers and backfill, follow-ups, paper tickets, the incident ledger."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/console",
)
