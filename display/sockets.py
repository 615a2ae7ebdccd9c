"""The displays' Socket.IO namespace."""

from __future__ import annotations

from core import protocol
from core.hub.realtime import HallNamespace
from core.services.access import Role


class DisplayNamespace(HallNamespace):
    """Hall TVs and window displays: read-only followers of the hall's calls."""

    namespace = protocol.DISPLAY
    role = Role.STAFF
    devices = ("display", "window_display", "rating_pad")
