"""Staff accounts: a leader lets an account locked after failed logins in again."""

from __future__ import annotations

from flask import Response
from pydantic import BaseModel

from core.api import bp
from core.api.common import json_response
from core.api.registry import operation
from core.api.schemas import Error
from core.runtime import runtime
from core.services import logins
from core.services.access import Role
from core.web.auth import require_principal, requires


class LockView(BaseModel):
    username: str
    locked: bool


@operation(
    bp,
    "POST",
    "/staff/<username>/unlock",
    summary="Unlock an account locked after repeated failed logins (audited).",
    tag="staff",
    responses={
        200: ("The account, unlocked", LockView),
        403: ("Not a leader, or an account of another hall", Error),
        404: ("Unknown account", Error),
    },
)
@requires(Role.LEADER)
def unlock_staff(username: str) -> Response:
    rt = runtime()
    principal = require_principal()
    now = rt.clock.now()
    with rt.db.writing() as session:
        logins.unlock(session, username, now, principal)
        session.commit()
        locked = logins.locked(session, username, now, rt.login_policy)
    return json_response({"username": username, "locked": locked})
