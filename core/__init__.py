"""HallQ's hub: the domain, persistence, the hub's services and its web edge."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version


@cache
def hallq_version() -> str:
    """The installed HallQ's version: pages and print agents report it, so the console
    shows which device still runs an older one (a page cached before an upgrade)."""
    try:
        return version("hallq")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"
