"""Socket.IO namespaces of the staff screens."""

from __future__ import annotations

from core import protocol
from core.hub.realtime import HallNamespace
from core.services.access import Role


class CounterNamespace(HallNamespace):
    """Window terminals and the guide desk (staff, or the guide desk's device)."""

    namespace = protocol.COUNTER
    role = Role.STAFF
    devices = ("guide",)


class ConsoleNamespace(HallNamespace):
    """The duty leader's console: leaders and administrators only."""

    namespace = protocol.CONSOLE
    role = Role.LEADER
