"""The kiosk's Socket.IO namespace."""

from __future__ import annotations

from core import protocol
from core.hub.realtime import HallNamespace
from core.services.access import Role


class KioskNamespace(HallNamespace):
    """Kiosks (and the guide desk's device) follow the queue to show waiting counts."""

    namespace = protocol.KIOSK
    role = Role.ADMIN
    devices = ("kiosk", "guide")
