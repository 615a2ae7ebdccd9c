"""Staff screens: the window terminal, the guide desk and the duty leader's console.

Routes (see `counter.views`):

- ``/counter/<window>`` — the window terminal (窗口叫号) of that window, for staff.
- ``/counter/guide`` — the guide desk (导税台), for staff or the enrolled guide device.

`counter.sockets` holds their Socket.IO namespaces.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "counter",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/counter",
)

# The views register themselves on `bp`; imported last because they need it.
from counter import views  # noqa: E402, F401
