"""The `hallq` command: run the hub, migrate, load halls, manage staff and devices.

`main` looks at the command line *before* importing anything heavy: under
eventlet, `hallq run` must monkey-patch the standard library before any
module creates a socket, a lock or a thread.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Entry point of the ``hallq`` console script."""
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        mode = os.environ.get("HALLQ_ASYNC_MODE", "eventlet")
        if mode == "eventlet":
            import eventlet

            eventlet.monkey_patch()
        elif mode == "gevent":
            from gevent import monkey

            monkey.patch_all()
    from core.commands import cli

    cli()


if __name__ == "__main__":
    main()
