"""Staff accounts, devices and their tokens; the audit log of staff actions."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, Literal, get_args
from urllib.parse import urlencode

from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    and_,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core.adapters import orm
from core.domain.errors import Conflict, Forbidden, InvalidInput, NotFound


class Role(StrEnum):
    STAFF = "staff"
    GUIDE = "guide"
    """A clerk of the guide desk (导税员): what staff may do, and cancel any waiting ticket."""
    LEADER = "leader"
    ADMIN = "admin"


ROLE_RANK = {Role.STAFF: 1, Role.GUIDE: 1, Role.LEADER: 2, Role.ADMIN: 3}

DeviceKind = Literal[
    "kiosk", "display", "window_display", "rating_pad", "guide", "printer", "booking_platform"
]
DEVICE_KINDS: tuple[str, ...] = get_args(DeviceKind)
"""Kinds of enrolled device; `printer` is a print agent, `booking_platform` an outside
booking system (电子税务局, a mini program) calling the appointments API with its token."""

PASSWORD_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 100  # staff.display_name's column


@dataclass(frozen=True)
class Principal:
    """Who is asking: a staff member (with a role) or an enrolled device (with a kind)."""

    kind: str  # "staff" | "device" | "shell" (an operator at the command line)
    name: str  # username or device id
    hall: str | None
    role: Role | None = None
    device_kind: str | None = None
    token_id: int | None = None
    used_at: datetime | None = None
    """When a staff login was last used (None for other tokens)."""

    @property
    def actor(self) -> str:
        """How the audit log and ticket history name this principal."""
        return f"{self.kind}:{self.name}"

    def at_least(self, role: Role) -> bool:
        """Staff whose role is `role` or higher."""
        return self.role is not None and ROLE_RANK[self.role] >= ROLE_RANK[role]

    def is_device(self, *kinds: str) -> bool:
        """A device of one of `kinds`."""
        return self.kind == "device" and self.device_kind in kinds


LOGIN = "login"
"""The kind of token a staff login is (others are ``api``)."""
TOUCH_EVERY = timedelta(minutes=1)
"""How often a login's last use is written: its idle time is counted to the minute."""


@dataclass(frozen=True)
class LoginLifetime:
    """How long a staff login lasts: `idle` after its last use, `absolute` after it began."""

    idle: timedelta = timedelta(hours=12)
    absolute: timedelta = timedelta(days=7)

    def live(self, now: datetime) -> ColumnElement[bool]:
        """SQL: the token is no login, or a login within both limits at `now`."""
        return _live(now - self.absolute, now - self.idle)

    def bounds(self, now: datetime) -> dict[str, datetime]:
        """`live`'s limits at `now`, as the parameters of a statement built with `_live`."""
        return {"begun_after": now - self.absolute, "used_after": now - self.idle}


def _live(begun_after: Any, used_after: Any) -> ColumnElement[bool]:
    return or_(
        orm.ApiToken.kind != LOGIN,
        and_(
            orm.ApiToken.created_at > begun_after,
            func.coalesce(orm.ApiToken.last_used_at, orm.ApiToken.created_at) > used_after,
        ),
    )


def may_cancel_any_ticket(who: Principal) -> bool:
    """The guide desk (its device or a guide) and leaders cancel any waiting ticket; a
    clerk only one waiting for their own window."""
    return who.is_device("guide") or who.role is Role.GUIDE or who.at_least(Role.LEADER)


def sees_personal_data(who: Principal, window_staff: str | None) -> bool:
    """A ticket's phone and taxpayer ID go to the clerk of the window that holds it,
    and to leaders and administrators; any other caller gets the ticket without them."""
    return who.at_least(Role.LEADER) or (who.kind == "staff" and who.name == window_staff)


def token_hash(token: str) -> str:
    """Tokens are stored hashed: a copy of the database reveals none."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(session: Session, now: datetime, **owner: Any) -> str:
    token = secrets.token_urlsafe(32)
    session.add(orm.ApiToken(token_hash=token_hash(token), created_at=now, **owner))
    return token


def add_staff(
    session: Session,
    username: str,
    role: str,
    password: str,
    *,
    hall: orm.Hall | None = None,
    display_name: str = "",
    change_required: bool = False,
) -> orm.Staff:
    """Create a staff account; the password is stored as a scrypt hash. `display_name`
    (the person's name, for the incident ledger) defaults to the username;
    `change_required`: the person chooses their own password at their first login."""
    if role not in Role.__members__.values():
        raise InvalidInput("staff.role", field="role", role=role)
    password_hash = _password_hash(password)
    if len(display_name.strip()) > MAX_NAME_LENGTH:
        raise InvalidInput("staff.name_long", field="name", maximum=MAX_NAME_LENGTH)
    if session.scalars(select(orm.Staff).where(orm.Staff.username == username)).first():
        raise Conflict("staff.exists", username=username)
    staff = orm.Staff(
        username=username,
        display_name=display_name.strip() or username,
        role=role,
        password_hash=password_hash,
        password_change_required=change_required,
        hall_id=hall.id if hall else None,
    )
    session.add(staff)
    session.flush()
    return staff


def _password_hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("staff.password_short", field="password", minimum=MIN_PASSWORD_LENGTH)
    return generate_password_hash(password, method=PASSWORD_METHOD)


def account(session: Session, username: str) -> orm.Staff:
    """A staff account, active or disabled."""
    staff = session.scalars(select(orm.Staff).where(orm.Staff.username == username)).first()
    if staff is None:
        raise NotFound("staff.unknown", username=username)
    return staff


def revoke_staff_tokens(session: Session, staff: orm.Staff, now: datetime) -> int:
    """End every login and API token of an account; how many were live.

    Its open sockets are disconnected by the hub's access watch within seconds.
    """
    ended = session.execute(
        update(orm.ApiToken)
        .where(orm.ApiToken.staff_id == staff.id, orm.ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return ended.rowcount if isinstance(ended, CursorResult) else 0


def disable_staff(session: Session, username: str, now: datetime) -> int:
    """The account can no longer log in, and every session and token of it ends."""
    staff = account(session, username)
    staff.active = False
    return revoke_staff_tokens(session, staff, now)


def enable_staff(session: Session, username: str) -> None:
    """The account may log in again (its old sessions and tokens stay ended)."""
    account(session, username).active = True


def set_password(
    session: Session, username: str, password: str, now: datetime, change_required: bool = False
) -> int:
    """A new password; every session and token of the account ends with the old one.
    `change_required`: one generated for the person, to be changed at their next login."""
    staff = account(session, username)
    staff.password_hash = _password_hash(password)
    staff.password_change_required = change_required
    return revoke_staff_tokens(session, staff, now)


def open_login(session: Session, staff: orm.Staff, now: datetime) -> Principal:
    """A staff member logs in: a login token, which the session cookie names by id."""
    token = orm.ApiToken(
        token_hash=token_hash(secrets.token_urlsafe(32)),
        staff_id=staff.id,
        kind=LOGIN,
        created_at=now,
        last_used_at=now,
    )
    session.add(token)
    session.flush()
    principal = principal_for_token_id(session, token.id, now)
    if principal is None:
        raise Forbidden("auth.bad_login")
    return principal


def touch_login(session: Session, token_id: int, now: datetime) -> None:
    """A login was used at `now`: its idle time starts again."""
    session.execute(
        update(orm.ApiToken)
        .where(orm.ApiToken.id == token_id, orm.ApiToken.kind == LOGIN)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def end_login(session: Session, token_id: int, now: datetime) -> None:
    """Log out: the login ends for good, whoever replays its cookie later."""
    session.execute(
        update(orm.ApiToken)
        .where(
            orm.ApiToken.id == token_id,
            orm.ApiToken.kind == LOGIN,
            orm.ApiToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def staff_by_name(session: Session, username: str) -> orm.Staff:
    """An active staff account."""
    staff = session.scalars(select(orm.Staff).where(orm.Staff.username == username)).first()
    if staff is None or not staff.active:
        raise NotFound("staff.unknown", username=username)
    return staff


@cache
def _nobody_hash() -> str:
    """Checked against when the user name is unknown: a wrong name costs the time of a
    wrong password, so the answer's time does not tell which names exist."""
    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


def password_matches(staff: orm.Staff, password: str) -> bool:
    return check_password_hash(staff.password_hash, password)


def check_login(session: Session, username: str, password: str) -> orm.Staff:
    """The staff account if the password matches; the same error, in the same time,
    whether the name is unknown, disabled or the password wrong."""
    staff = session.scalars(select(orm.Staff).where(orm.Staff.username == username)).first()
    matches = check_password_hash(staff.password_hash if staff else _nobody_hash(), password)
    if staff is None or not staff.active or not matches:
        raise Forbidden("auth.bad_login")
    return staff


def staff_token(session: Session, username: str, now: datetime) -> str:
    """A new API token for a staff member."""
    return _new_token(session, now, staff_id=staff_by_name(session, username).id)


def add_device(
    session: Session, hall: orm.Hall, kind: str, device_id: str, **extra: Any
) -> orm.Device:
    """Register a device of `kind` in `hall`."""
    if kind not in DEVICE_KINDS:
        raise InvalidInput("device.kind", field="kind", kind=kind)
    if session.get(orm.Device, device_id) is not None:
        raise Conflict("device.exists", device=device_id)
    device = orm.Device(id=device_id, hall_id=hall.id, kind=kind, **extra)
    session.add(device)
    session.flush()
    return device


def device_token(session: Session, device_id: str, now: datetime) -> str:
    """A new API token for a device (a print agent's, an integration's); earlier ones
    stay valid until revoked."""
    if session.get(orm.Device, device_id) is None:
        raise NotFound("device.unknown", device=device_id)
    return _new_token(session, now, device_id=device_id)


SCREEN_PATHS = {
    "kiosk": "/kiosk/{id}",
    "display": "/display/{id}",
    "window_display": "/display/window/{window}",
    "rating_pad": "/display/rate/{window}",
    "guide": "/counter/guide",
}
"""The page each kind of screen shows; a printer's agent has none (it uses an API token)."""


@dataclass(frozen=True)
class EnrolmentLink:
    """A one-time link that makes the browser opening it the device, then its screen."""

    device: str
    url: str
    expires_at: datetime


def enrolment_link(
    session: Session,
    device_id: str,
    now: datetime,
    lifetime: timedelta,
    by: str,
    base_url: str,
    hall: str | None = None,
) -> EnrolmentLink:
    """A new one-time enrolment link for a screen device (of `hall`, if given), valid
    for `lifetime` unused."""
    device = session.get(orm.Device, device_id)
    if device is None or (
        hall is not None and session.get_one(orm.Hall, device.hall_id).code != hall
    ):
        raise NotFound("device.unknown", device=device_id)
    if device.kind not in SCREEN_PATHS:
        raise InvalidInput("device.no_screen", field="device", device=device_id)
    try:
        path = SCREEN_PATHS[device.kind].format(id=device.id, **(device.settings or {}))
    except KeyError as missing:  # a window display or rating pad not bound to its window yet
        field = str(missing.args[0])
        raise InvalidInput("device.window_missing", field=field, device=device_id) from missing
    code = secrets.token_urlsafe(24)
    expires_at = now + lifetime
    session.add(
        orm.Enrolment(
            code_hash=token_hash(code),
            device_id=device_id,
            created_at=now,
            created_by=by,
            expires_at=expires_at,
        )
    )
    url = f"{base_url.rstrip('/')}/enrol?{urlencode({'code': code, 'next': path})}"
    return EnrolmentLink(device_id, url, expires_at)


def screen_links(
    session: Session, hall: orm.Hall, now: datetime, lifetime: timedelta, by: str, base_url: str
) -> list[tuple[orm.Device, EnrolmentLink]]:
    """A new one-time enrolment link for every screen of `hall` that has its page (a window
    display bound to no window yet has none): what an installer hands out, screen by screen."""
    devices = session.scalars(
        select(orm.Device)
        .where(orm.Device.hall_id == hall.id, orm.Device.kind.in_(SCREEN_PATHS))
        .order_by(orm.Device.id)
    )
    links = []
    for device in devices:
        try:
            links.append((device, enrolment_link(session, device.id, now, lifetime, by, base_url)))
        except InvalidInput:
            continue
    return links


def redeem_enrolment(
    session: Session, code: str, now: datetime, holder: int | None = None
) -> Principal:
    """The device a browser becomes by opening its enrolment link: once, before it expires.

    The browser gets a token of its own (revoking the device ends it too). The browser
    that already redeemed the code (its session holds token `holder`) opening the link
    again stays enrolled; any other browser is refused.
    """
    enrolment = session.scalars(
        select(orm.Enrolment).where(orm.Enrolment.code_hash == token_hash(code))
    ).first()
    if enrolment is None:
        raise Forbidden("enrol.unknown")
    if enrolment.used_at is not None:
        principal = (
            principal_for_token_id(session, holder, now)
            if holder is not None and holder == enrolment.token_id
            else None
        )
        if principal is None:
            raise Forbidden("enrol.used")
        return principal
    if enrolment.expires_at <= now:
        raise Forbidden("enrol.expired")
    token = orm.ApiToken(
        token_hash=token_hash(secrets.token_urlsafe(32)),
        device_id=enrolment.device_id,
        created_at=now,
    )
    session.add(token)
    session.flush()
    # Two browsers opening the link at once: only the first update finds it unused.
    claimed = session.execute(
        update(orm.Enrolment)
        .where(orm.Enrolment.id == enrolment.id, orm.Enrolment.used_at.is_(None))
        .values(used_at=now, token_id=token.id)
        .execution_options(synchronize_session=False)
    )
    if not isinstance(claimed, CursorResult) or claimed.rowcount != 1:
        raise Forbidden("enrol.used")
    principal = principal_for_token_id(session, token.id, now)
    if principal is None:
        raise Forbidden("enrol.unknown")
    return principal


def revoke_device(session: Session, device_id: str, now: datetime) -> int:
    """Revoke every token of a device; its open sessions stop working at once."""
    if session.get(orm.Device, device_id) is None:
        raise NotFound("device.unknown", device=device_id)
    tokens = session.scalars(
        select(orm.ApiToken).where(
            orm.ApiToken.device_id == device_id, orm.ApiToken.revoked_at.is_(None)
        )
    ).all()
    for token in tokens:
        token.revoked_at = now
    return len(tokens)


def lapsed_tokens(
    session: Session,
    token_ids: Iterable[int],
    now: datetime,
    lifetime: LoginLifetime = LoginLifetime(),
) -> set[int]:
    """Which of `token_ids` no longer admit anyone: revoked, deleted, logins past their
    lifetime, or of a disabled account.

    The hub asks this about the tokens its open sockets came in with, every
    second: a socket whose token lapsed is disconnected (SPEC §10).
    """
    asked = set(token_ids)
    if not asked:
        return set()
    valid = session.scalars(
        select(orm.ApiToken.id)
        .outerjoin(orm.Staff, orm.Staff.id == orm.ApiToken.staff_id)
        .where(
            orm.ApiToken.id.in_(asked),
            orm.ApiToken.revoked_at.is_(None),
            or_(orm.ApiToken.staff_id.is_(None), orm.Staff.active.is_(True)),
            lifetime.live(now),
        )
    )
    return asked - set(valid)


def principal_for_token(
    session: Session | Connection,
    token: str,
    now: datetime,
    lifetime: LoginLifetime = LoginLifetime(),
) -> Principal | None:
    """The principal behind a bearer token, or None if unknown, revoked or lapsed."""
    return _principal(session, "token_hash", token_hash(token), now, lifetime)


def principal_for_token_id(
    session: Session | Connection,
    token_id: int,
    now: datetime,
    lifetime: LoginLifetime = LoginLifetime(),
) -> Principal | None:
    """The principal behind a stored token (sessions remember the token's id)."""
    return _principal(session, "id", token_id, now, lifetime)


@cache
def _principal_query(by: str) -> Any:
    """One statement per request: the token (found by its column `by`), its owner (staff
    or device) and the hall. Built once, so each request finds it compiled."""
    return (
        select(
            orm.ApiToken.id,
            orm.ApiToken.last_used_at,
            orm.Staff.username,
            orm.Staff.role,
            orm.Staff.active,
            orm.Device.id,
            orm.Device.kind,
            orm.Hall.code,
        )
        .outerjoin(orm.Staff, orm.Staff.id == orm.ApiToken.staff_id)
        .outerjoin(orm.Device, orm.Device.id == orm.ApiToken.device_id)
        .outerjoin(orm.Hall, orm.Hall.id == func.coalesce(orm.Staff.hall_id, orm.Device.hall_id))
        .where(
            getattr(orm.ApiToken, by) == bindparam("key"),
            orm.ApiToken.revoked_at.is_(None),
            _live(bindparam("begun_after"), bindparam("used_after")),
        )
    )


def _principal(
    session: Session | Connection, by: str, key: str | int, now: datetime, lifetime: LoginLifetime
) -> Principal | None:
    row = session.execute(_principal_query(by), {"key": key, **lifetime.bounds(now)}).first()
    if row is None:
        return None
    token_id, used_at, username, role, active, device_id, device_kind, hall = row
    if username is not None:
        if not active:
            return None
        return Principal(
            "staff", username, hall, role=Role(role), token_id=token_id, used_at=used_at
        )
    if device_id is None:
        return None
    return Principal("device", device_id, hall, device_kind=device_kind, token_id=token_id)


def audit(
    session: Session,
    now: datetime,
    who: Principal,
    action: str,
    *,
    hall: orm.Hall | None = None,
    target: str = "",
    address: str = "",
    **detail: Any,
) -> None:
    """Append one line to the audit log (committed with the caller's transaction)."""
    session.add(
        orm.AuditEntry(
            at=now,
            hall_id=hall.id if hall else None,
            actor=who.actor,
            action=action,
            target=target,
            detail=detail,
            address=address,
        )
    )
