"""The displays' Socket.IO namespace."""

from __future__ import annotations

from typing import Any

from core import protocol
from core.realtime import HallNamespace, socket_principal
from core.runtime import runtime
from core.services.access import Principal, Role

DEVICE_KINDS = ("display", "window_display")


class DisplayNamespace(HallNamespace):
    """Hall TVs and window displays: read-only followers of the hall's calls."""

    namespace = protocol.DISPLAY
    role = Role.STAFF
    devices = DEVICE_KINDS

    def admit(self, auth: Any) -> tuple[Principal | None, str]:
        """Any staff member, or a hall or window display.

        Checked against DEVICE_KINDS, not ``self.devices``: HallNamespace's
        constructor reuses that name for its socket → device map, which hides
        the class's admitted kinds and would refuse every display.
        """
        principal = socket_principal(auth)
        if principal is None:
            raise ConnectionRefusedError("auth.required")
        if principal.kind == "staff":
            if not principal.at_least(Role.STAFF):
                raise ConnectionRefusedError("auth.forbidden")
        elif not principal.is_device(*DEVICE_KINDS):
            raise ConnectionRefusedError("auth.forbidden")
        return principal, principal.hall or runtime().settings.hall
