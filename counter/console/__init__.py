"""The duty leader's console (值班领导): live hall view, incidents and notices,
registers and backfill, follow-ups, paper tickets, the incident ledger.

Routes (see `counter.console.views`):

- ``/console`` — the console page, for leaders and administrators.
- ``/console/ledger.xlsx?from=&to=`` — the incident ledger of a period as XLSX.
- ``/console/ledger/print?from=&to=`` — the same ledger as a printable page.

The page acts only through the HTTP API and follows the hall on the
``/console`` Socket.IO namespace (`counter.sockets.ConsoleNamespace`).
"""

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

# The views register themselves on `bp`; imported last because they need it.
from counter.console import views  # noqa: E402, F401
