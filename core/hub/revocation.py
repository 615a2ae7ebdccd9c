"""Access taken back ends the sockets that came in with it (SPEC §10).

Revoking is a database write, often by another process (``hallq device revoke``),
and a hall may run several hub processes behind one message queue: so each
process watches its own sockets. Every `SWEEP_S` it asks the database which of
the tokens its open sockets came in with have lapsed, and disconnects those
sockets. The screen's client tries once more, is refused, and the page shows
its "not enrolled" screen (or the login form, for staff).
"""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from core.runtime import Runtime
from core.services import access

log = logging.getLogger(__name__)

SWEEP_S = 1.0
"""How often each hub process checks its sockets' tokens: a revoked device is cut off
within about this long (the requirement is 2 s)."""


@runtime_checkable
class HoldsTokens(Protocol):
    """A namespace that remembers which token each of its sockets came in with."""

    namespace: str
    token_of: dict[str, int]


class AccessWatch:
    """Disconnects this process's sockets whose token was revoked, expired (a staff login
    past its lifetime) or whose account was disabled."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def sockets(self) -> list[tuple[str, str, int]]:
        """(namespace, socket id, token id) of every socket open on this process."""
        handlers = self.runtime.socketio.server.namespace_handlers.values()
        return [
            (handler.namespace, sid, token)
            for handler in handlers
            if isinstance(handler, HoldsTokens)
            for sid, token in list(handler.token_of.items())
        ]

    def sweep(self) -> int:
        """Disconnect the sockets whose token lapsed; how many were."""
        held = self.sockets()
        if not held:
            return 0
        with self.runtime.db.read_session() as session:
            lapsed = access.lapsed_tokens(
                session,
                {token for _, _, token in held},
                self.runtime.clock.now(),
                self.runtime.login_lifetime,
            )
        ended = [(namespace, sid) for namespace, sid, token in held if token in lapsed]
        for namespace, sid in ended:
            log.info("access revoked: disconnecting %s on %s", sid, namespace)
            # This process's own socket: no need to go through the message queue.
            self.runtime.socketio.server.disconnect(sid, namespace=namespace, ignore_queue=True)
        return len(ended)

    def run(self) -> None:
        """Sweep forever (a background task of `hallq run`)."""
        while True:
            try:
                self.sweep()
            except Exception:  # keep watching; the next sweep retries
                log.exception("access sweep failed")
            self.runtime.socketio.sleep(SWEEP_S)
