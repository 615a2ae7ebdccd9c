"""Staff accounts as an administrator runs them from the console: add, rename, change
the role, reset the password (shown once), disable and enable, end every session.

Each change is audited with the account before and after. An administrator gives no
role above their own, and does not disable, demote or lock out their own account.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain.errors import Conflict, Forbidden, InvalidInput
from core.services import access, logins
from core.services.access import ROLE_RANK, Principal, Role

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits that read aloud and type without doubt (no 0/O, 1/l/I)."""
PASSWORD_LENGTH = 12


def new_password() -> str:
    """A password to hand to the person, who chooses their own at their first login."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def account_view(
    session: Session,
    staff: orm.Staff,
    now: datetime,
    policy: logins.LoginPolicy,
    lifetime: access.LoginLifetime,
) -> dict[str, Any]:
    """An account as the administration lists it."""
    live = session.scalar(
        select(func.count())
        .select_from(orm.ApiToken)
        .where(
            orm.ApiToken.staff_id == staff.id,
            orm.ApiToken.revoked_at.is_(None),
            lifetime.live(now),
        )
    )
    return {
        "username": staff.username,
        "name": staff.display_name,
        "number": staff.number,
        "photo": staff.photo_type is not None,
        "role": staff.role,
        "active": staff.active,
        "locked": logins.locked(session, staff.username, now, policy),
        "sessions": live or 0,
    }


def _state(staff: orm.Staff) -> dict[str, Any]:
    """What the audit log keeps of an account before and after a change."""
    return {
        "name": staff.display_name,
        "number": staff.number,
        "photo": staff.photo_type is not None,
        "role": staff.role,
        "active": staff.active,
    }


def accounts(
    session: Session,
    hall: orm.Hall,
    now: datetime,
    policy: logins.LoginPolicy,
    lifetime: access.LoginLifetime,
) -> list[dict[str, Any]]:
    """The hall's accounts (and those of no hall in particular), by user name."""
    rows = session.scalars(
        select(orm.Staff)
        .where(or_(orm.Staff.hall_id == hall.id, orm.Staff.hall_id.is_(None)))
        .order_by(orm.Staff.username)
    )
    return [account_view(session, staff, now, policy, lifetime) for staff in rows]


def _role(value: str, by: Principal) -> str:
    if value not in Role.__members__.values():
        raise InvalidInput("staff.role", field="role", role=value)
    if by.role is None or ROLE_RANK[Role(value)] > ROLE_RANK[by.role]:
        raise Forbidden("staff.role_above", role=value)
    return value


def _audit(
    session: Session, now: datetime, by: Principal, action: str, staff: orm.Staff, before: Any
) -> None:
    access.audit(
        session,
        now,
        by,
        action,
        target=logins.account_target(staff.username),
        before=before,
        after=_state(staff),
    )


def add_account(
    session: Session,
    hall: orm.Hall,
    now: datetime,
    by: Principal,
    *,
    username: str,
    name: str,
    role: str,
    number: str = "",
) -> tuple[orm.Staff, str]:
    """A new account with a generated password (to be shown once)."""
    password = new_password()
    staff = access.add_staff(
        session,
        username,
        _role(role, by),
        password,
        hall=hall,
        display_name=name,
        change_required=True,
    )
    staff.number = number.strip()
    _audit(session, now, by, "staff.added", staff, None)
    return staff, password


def edit_account(
    session: Session,
    now: datetime,
    by: Principal,
    username: str,
    *,
    name: str,
    role: str,
    number: str | None = None,
) -> orm.Staff:
    """Rename an account, change its staff number or its role; a demoted account's
    sessions end (they carried the old role)."""
    staff = access.account(session, username)
    before = _state(staff)
    _role(staff.role, by)  # an account above the admin is not theirs to change
    if staff.username == by.name and role != staff.role:
        raise Conflict("staff.self", username=username)
    if len(name.strip()) > access.MAX_NAME_LENGTH:
        raise InvalidInput("staff.name_long", field="name", maximum=access.MAX_NAME_LENGTH)
    staff.display_name = name.strip() or staff.username
    if number is not None:
        staff.number = number.strip()
    if role != staff.role:
        staff.role = _role(role, by)
        access.revoke_staff_tokens(session, staff, now)
    _audit(session, now, by, "staff.edited", staff, before)
    return staff


PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
MAX_PHOTO_BYTES = 150 * 1024
"""A pad shows the photo 160×200 px: plenty, and the request stays under the hub's 256 KB."""


def set_photo(
    session: Session, now: datetime, by: Principal, username: str, photo: bytes | None
) -> orm.Staff:
    """Give an account its photo for the rating pad (a JPEG or PNG of at most 150 KB), or
    take it away (None)."""
    staff = access.account(session, username)
    before = _state(staff)
    _role(staff.role, by)
    if photo is None:
        staff.photo = staff.photo_type = None
    else:
        kind = next((kind for magic, kind in PHOTO_TYPES.items() if photo.startswith(magic)), None)
        if kind is None:
            raise InvalidInput("staff.photo_type", field="photo")
        if len(photo) > MAX_PHOTO_BYTES:
            raise InvalidInput("staff.photo_size", field="photo", maximum=MAX_PHOTO_BYTES // 1024)
        staff.photo, staff.photo_type = photo, kind
    _audit(session, now, by, "staff.photo", staff, before)
    return staff


def reset_password(session: Session, now: datetime, by: Principal, username: str) -> str:
    """A new generated password (to be shown once); every session of the account ends."""
    staff = access.account(session, username)
    _role(staff.role, by)
    password = new_password()
    access.set_password(session, username, password, now, change_required=True)
    _audit(session, now, by, "staff.password_reset", staff, _state(staff))
    return password


def set_active(session: Session, now: datetime, by: Principal, username: str, active: bool) -> None:
    """Disable an account (its sessions end, its sockets close within seconds) or enable it."""
    staff = access.account(session, username)
    _role(staff.role, by)
    if staff.username == by.name:
        raise Conflict("staff.self", username=username)
    before = _state(staff)
    if active:
        access.enable_staff(session, username)
    else:
        access.disable_staff(session, username, now)
    _audit(session, now, by, "staff.enabled" if active else "staff.disabled", staff, before)


def end_sessions(session: Session, now: datetime, by: Principal, username: str) -> int:
    """End every session and token of an account (a lost badge, a shared PC); how many."""
    staff = access.account(session, username)
    _role(staff.role, by)
    ended = access.revoke_staff_tokens(session, staff, now)
    _audit(session, now, by, "staff.sessions_ended", staff, _state(staff))
    return ended


def on_duty(session: Session, hall: orm.Hall) -> list[dict[str, Any]]:
    """The hall's active accounts, each with the windows it holds open now."""
    held: dict[str | None, list[int]] = {}
    for number, staff in session.execute(
        select(orm.Window.number, orm.Window.staff)
        .where(orm.Window.hall_id == hall.id, orm.Window.staff.is_not(None))
        .order_by(orm.Window.number)
    ):
        held.setdefault(staff, []).append(number)
    rows = session.scalars(
        select(orm.Staff)
        .where(
            orm.Staff.active.is_(True),
            or_(orm.Staff.hall_id == hall.id, orm.Staff.hall_id.is_(None)),
        )
        .order_by(orm.Staff.username)
    )
    return [
        {
            "username": staff.username,
            "name": staff.display_name,
            "role": staff.role,
            "windows": held.get(staff.username, []),
        }
        for staff in rows
    ]
