"""Taxpayer screens: the ticket kiosk and the status page reached by a ticket's QR code.

Routes (see `kiosk.views`):

- ``/kiosk/<kiosk_id>`` — the touchscreen kiosk, for the enrolled kiosk of that id
  (or admin staff, as a preview). ``?idle=<seconds>`` shortens every inactivity
  timeout of the page, clamped to 1–600 s (for tests and demos).
- ``/kiosk/qr/<token>.svg`` — the QR code of a ticket's status page, for kiosks.
- ``/t/<token>`` — the public status page on the taxpayer's phone.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "kiosk",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/kiosk",
)

# The routes register themselves on `bp`; imported last because they need it.
from kiosk import views  # noqa: E402, F401
