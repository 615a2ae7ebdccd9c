"""The address phones and screens in the hall use to reach this hub."""

from __future__ import annotations

import socket

from core.config import Settings

EVERY_INTERFACE = frozenset({"0.0.0.0", "::", ""})


def lan_address() -> str:
    """This machine's address on the hall's network (the one its default route uses),
    or 127.0.0.1 when it has no network."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # A datagram socket's connect sends nothing: it only picks the route.
        probe.connect(("10.254.254.254", 1))
        return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def public_base_url(settings: Settings) -> str:
    """``HALLQ_PUBLIC_URL``, or the hub's own address; the LAN address when it listens on
    every interface (0.0.0.0 is no address a phone can open)."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = lan_address() if settings.host in EVERY_INTERFACE else settings.host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"
