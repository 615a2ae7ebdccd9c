"""Staff screens: the window terminal, the guide desk and the duty leader's console."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "counter",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/counter",
)
