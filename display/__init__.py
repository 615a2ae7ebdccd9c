"""Hall and window displays, with offline voice calling.

Routes (see `display.views`):
- ``/display/<display_id>`` — the hall TV, for the enrolled display of that id
  (or any staff, as a preview). ``?english=1`` adds the English announcement
  (otherwise the device's ``voice_english`` setting decides).
- ``/display/window/<n>`` — the screen above window n, for its window display,
  a hall display, or staff.
- ``/display/voice/announce.wav`` — one call's announcement, for displays and staff.
- ``/display/clock.json`` — the hub's time, for displays.

`display.sockets` is their Socket.IO namespace; `display.voice` builds and
renders the announcements.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "display",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/display",
)

# The views register themselves on `bp`; imported last because they need it.
from display import views  # noqa: E402, F401
