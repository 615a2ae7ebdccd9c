"""The kiosk's Socket.IO namespace."""

from __future__ import annotations

from typing import Any

from core import protocol
from core.realtime import HallNamespace, socket_principal
from core.runtime import runtime
from core.services.access import Principal, Role

DEVICE_KINDS = ("kiosk", "guide")


class KioskNamespace(HallNamespace):
    """Kiosks (and the guide desk's device) follow the queue to show waiting counts."""

    namespace = protocol.KIOSK
    role = Role.ADMIN
    devices = DEVICE_KINDS

    def admit(self, auth: Any) -> tuple[Principal | None, str]:
        """Admin staff (previews), or a kiosk or guide-desk device.

        Checked against DEVICE_KINDS, not ``self.devices``: HallNamespace's
        constructor reuses that name for its socket → device map, which hides
        the class's admitted kinds and would refuse every kiosk.
        """
        principal = socket_principal(auth)
        if principal is None:
            raise ConnectionRefusedError("auth.required")
        if principal.kind == "staff":
            if not principal.at_least(Role.ADMIN):
                raise ConnectionRefusedError("auth.forbidden")
        elif not principal.is_device(*DEVICE_KINDS):
            raise ConnectionRefusedError("auth.forbidden")
        return principal, principal.hall or runtime().settings.hall
