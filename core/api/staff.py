"""Staff accounts: a leader lets an account locked after failed logins in again; an
administrator adds and runs accounts (`core.services.accounts`)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from flask import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from core.api import bp
from core.api.common import hall_code, json_response, read_items
from core.api.continuity_schemas import Listing
from core.api.registry import operation
from core.api.schemas import Error, Strict
from core.domain.errors import InvalidInput
from core.runtime import runtime
from core.services import access, accounts, logins, views
from core.services.access import Principal, Role
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


USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"


STAFF_NUMBER_PATTERN = r"^[0-9A-Za-z-]{0,20}$"


class AccountBody(Strict):
    username: str = Field(pattern=USERNAME_PATTERN, description="The login name, e.g. `window9`.")
    name: str = Field(default="", max_length=100, description="The person's name (姓名).")
    number: str = Field(
        default="",
        pattern=STAFF_NUMBER_PATTERN,
        description="The staff number (工号) the rating pad shows, e.g. `0103`.",
    )
    role: Literal["staff", "guide", "leader", "admin"] = "staff"


class AccountChanges(Strict):
    name: str = Field(max_length=100)
    number: str | None = Field(
        default=None, pattern=STAFF_NUMBER_PATTERN, description="The staff number; null: as it is."
    )
    role: Literal["staff", "guide", "leader", "admin"]


class PhotoBody(Strict):
    image: str = Field(
        max_length=210_000,
        pattern=r"^data:image/(jpeg|png);base64,[A-Za-z0-9+/]+={0,2}$",
        description="A JPEG or PNG of at most 150 KB, as a data URL.",
    )


class AccountView(BaseModel):
    username: str
    name: str
    number: str
    photo: bool = Field(description="The rating pad shows a photo of the person.")
    role: str
    active: bool
    locked: bool
    sessions: int = Field(description="Live logins and API tokens.")


class PasswordView(BaseModel):
    username: str
    password: str = Field(description="Shown this once: the hub keeps only its hash.")


ACCOUNT_ERRORS: dict[int, tuple[str, type[BaseModel] | None]] = {
    400: ("Invalid input", Error),
    403: ("Not an admin, or a role above the admin's own", Error),
    404: ("Unknown account", Error),
    409: ("The admin's own account, or a user name taken", Error),
}


def _account_change(change: Callable[[Session, datetime, Principal], Any]) -> Any:
    """Run an admin's change of accounts in one audited transaction; its result."""
    rt = runtime()
    now = rt.clock.now()
    with rt.db.writing() as session:
        result = change(session, now, require_principal())
        session.commit()
    return result


def _account(username: str) -> Response:
    rt = runtime()
    now = rt.clock.now()
    with rt.db.read_session() as session:
        staff = access.account(session, username)
        view = accounts.account_view(session, staff, now, rt.login_policy, rt.login_lifetime)
    return json_response(view)


@operation(
    bp,
    "GET",
    "/admin/staff",
    summary="The hall's staff accounts: role, active, locked, live sessions.",
    tag="admin",
    responses={200: ("Accounts", Listing)},
)
@requires(Role.ADMIN)
def list_accounts() -> Response:
    rt = runtime()
    return read_items(
        lambda session: accounts.accounts(
            session,
            views.hall_by_code(session, hall_code()),
            rt.clock.now(),
            rt.login_policy,
            rt.login_lifetime,
        )
    )


@operation(
    bp,
    "POST",
    "/admin/staff",
    summary="Add an account; its generated password is in the answer, this once.",
    tag="admin",
    body=AccountBody,
    responses={201: ("The account and its password", PasswordView), **ACCOUNT_ERRORS},
)
@requires(Role.ADMIN)
def add_account(data: AccountBody) -> Response:
    def add(session: Session, now: datetime, by: Principal) -> str:
        hall = views.hall_by_code(session, hall_code(by))
        _, password = accounts.add_account(
            session,
            hall,
            now,
            by,
            username=data.username,
            name=data.name,
            role=data.role,
            number=data.number,
        )
        return password

    return json_response({"username": data.username, "password": _account_change(add)}, 201)


@operation(
    bp,
    "PUT",
    "/admin/staff/<username>",
    summary="Rename an account or change its role (a changed role ends its sessions).",
    tag="admin",
    body=AccountChanges,
    responses={200: ("The account", AccountView), **ACCOUNT_ERRORS},
)
@requires(Role.ADMIN)
def edit_account(username: str, data: AccountChanges) -> Response:
    _account_change(
        lambda session, now, by: accounts.edit_account(
            session, now, by, username, name=data.name, role=data.role, number=data.number
        )
    )
    return _account(username)


@operation(
    bp,
    "POST",
    "/admin/staff/<username>/password",
    summary="A new generated password, in the answer this once; every session ends.",
    tag="admin",
    responses={200: ("The new password", PasswordView), **ACCOUNT_ERRORS},
)
@requires(Role.ADMIN)
def reset_password(username: str) -> Response:
    password = _account_change(
        lambda session, now, by: accounts.reset_password(session, now, by, username)
    )
    return json_response({"username": username, "password": password})


@operation(
    bp,
    "PUT",
    "/admin/staff/<username>/photo",
    summary="The person's photo for the rating pad at their window (a JPEG or PNG data URL).",
    tag="admin",
    body=PhotoBody,
    responses={200: ("The account", AccountView), **ACCOUNT_ERRORS},
)
@requires(Role.ADMIN)
def set_photo(username: str, data: PhotoBody) -> Response:
    try:
        image = base64.b64decode(data.image.split(",", 1)[1], validate=True)
    except binascii.Error as error:
        raise InvalidInput("staff.photo_type", field="image") from error
    _account_change(lambda session, now, by: accounts.set_photo(session, now, by, username, image))
    return _account(username)


@operation(
    bp,
    "DELETE",
    "/admin/staff/<username>/photo",
    summary="Take the person's photo off the rating pad.",
    tag="admin",
    responses={200: ("The account", AccountView), **ACCOUNT_ERRORS},
)
@requires(Role.ADMIN)
def remove_photo(username: str) -> Response:
    _account_change(lambda session, now, by: accounts.set_photo(session, now, by, username, None))
    return _account(username)


def _register_switch(action: str, summary: str, change: Callable[..., Any]) -> None:
    def view(username: str) -> Response:
        _account_change(lambda session, now, by: change(session, now, by, username))
        return _account(username)

    view.__name__ = f"account_{action.replace('-', '_')}"
    operation(
        bp,
        "POST",
        f"/admin/staff/<username>/{action}",
        summary=summary,
        tag="admin",
        responses={200: ("The account", AccountView), **ACCOUNT_ERRORS},
    )(requires(Role.ADMIN)(view))


_register_switch(
    "disable",
    "The account can no longer log in; its sessions end and its sockets close.",
    lambda session, now, by, username: accounts.set_active(session, now, by, username, False),
)
_register_switch(
    "enable",
    "The account may log in again.",
    lambda session, now, by, username: accounts.set_active(session, now, by, username, True),
)
_register_switch(
    "end-sessions", "End every session and API token of the account.", accounts.end_sessions
)


@operation(
    bp,
    "GET",
    "/staff",
    summary="The hall's active staff and the window each holds (a leader opening the "
    "emergency window for a clerk chooses from these).",
    tag="staff",
    responses={200: ("Staff", Listing)},
)
@requires(Role.LEADER)
def list_staff() -> Response:
    return read_items(
        lambda session: accounts.on_duty(session, views.hall_by_code(session, hall_code()))
    )
