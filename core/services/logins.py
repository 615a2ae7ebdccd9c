"""Logging in against guessing (SPEC §10): throttled per address and per account,
accounts locked after repeated failures, every failure audited.

Everything is counted from the audit log, so it holds across hub processes and
restarts, and a reviewer reads the same records the rules use:

- every failed attempt is written (``login.failed``: the user name as typed, the
  address, the time, the reason);
- an **address** with `failures` failed attempts within `window` is refused,
  even with the right password, until the window has passed — only that address;
- a **user name** with `failures` failed attempts within `window` is locked for
  `lock` (``login.locked``), so guessing from many addresses gets nowhere — but
  not where the account has logged in successfully within `trusted_for` (the
  clerk's own counter PC): an attacker elsewhere cannot lock a clerk out of their
  window. A leader or administrator can unlock it (``login.unlocked``);
- unknown user names are counted, locked and timed exactly like real ones, so
  neither the answer nor its time tells which names exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.adapters import orm
from core.domain.errors import Forbidden, InvalidInput
from core.services import access
from core.services.access import Principal

LOGGED_IN = "login"
FAILED = "login.failed"
LOCKED = "login.locked"
PASSWORD_CHOSEN = "staff.password_chosen"
UNLOCKED = "login.unlocked"
SYSTEM = Principal("system", "login-guard", None)
"""Who locks an account, in the audit log."""
MAX_TYPED = 80
"""Longer user names are cut (in the audit log, and before comparing): none is longer."""


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures, within what time, lock what for how long."""

    failures: int = 10
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)
    trusted_for: timedelta = timedelta(days=30)


def log_in(
    session: Session,
    username: str,
    password: str,
    address: str,
    now: datetime,
    policy: LoginPolicy = LoginPolicy(),
) -> orm.Staff:
    """The account, if this attempt may log in; else `Forbidden`, with the failure
    audited (the caller commits either way)."""
    typed = username[:MAX_TYPED]
    if _failures(session, now - policy.window, address=address) >= policy.failures:
        _failed(session, typed, address, now, "address_throttled")
        raise Forbidden("auth.throttled", minutes=round(policy.window.total_seconds() / 60))
    if _locked(session, typed, now, policy) and not _trusted(session, typed, address, now, policy):
        _failed(session, typed, address, now, "account_locked")
        raise Forbidden("auth.locked")
    try:
        return access.check_login(session, typed, password)
    except Forbidden:
        _failed(session, typed, address, now, "bad_password")
        since = _last(session, UNLOCKED, typed, now - policy.window) or now - policy.window
        if _failures(session, since, username=typed) >= policy.failures and not _locked(
            session, typed, now, policy
        ):
            access.audit(
                session,
                now,
                SYSTEM,
                LOCKED,
                target=account_target(typed),
                until=(now + policy.lock).isoformat(),
            )
        raise


def choose_password(
    session: Session, username: str, password: str, again: str, address: str, now: datetime
) -> Principal:
    """Someone whose password was generated for them (`password_change_required`), having
    just logged in with it, chooses their own; the login opens with it."""
    staff = access.account(session, username)
    if not staff.active or not staff.password_change_required:
        raise Forbidden("auth.bad_login")
    if password != again:
        raise InvalidInput("staff.password_differs", field="again")
    if access.password_matches(staff, password):
        raise InvalidInput("staff.password_same", field="password")
    access.set_password(session, username, password, now)
    principal = access.open_login(session, staff, now)
    target = account_target(username)
    access.audit(session, now, principal, PASSWORD_CHOSEN, target=target, address=address)
    access.audit(session, now, principal, LOGGED_IN, target=target, address=address)
    return principal


def unlock(session: Session, username: str, now: datetime, by: Principal) -> None:
    """A leader or administrator lets a locked account log in again from anywhere."""
    staff = access.account(session, username)
    if by.hall is not None and staff.hall_id is not None:
        hall = session.scalars(select(orm.Hall).where(orm.Hall.code == by.hall)).one()
        if hall.id != staff.hall_id:
            raise Forbidden("auth.forbidden")
    access.audit(session, now, by, UNLOCKED, target=account_target(username))


def locked(session: Session, username: str, now: datetime, policy: LoginPolicy) -> bool:
    """Whether logins of `username` are refused from untrusted addresses now."""
    return _locked(session, username[:MAX_TYPED], now, policy)


def account_target(typed: str) -> str:
    """How the audit log names the account a login is about (as typed, for failures)."""
    return f"staff:{typed}"


def _failed(session: Session, typed: str, address: str, now: datetime, reason: str) -> None:
    access.audit(
        session,
        now,
        Principal("anonymous", address or "unknown", None),
        FAILED,
        target=account_target(typed),
        address=address,
        reason=reason,
    )
    session.flush()


def _failures(
    session: Session, since: datetime, *, address: str | None = None, username: str | None = None
) -> int:
    query = select(func.count()).where(orm.AuditEntry.action == FAILED, orm.AuditEntry.at > since)
    if address is not None:
        query = query.where(orm.AuditEntry.address == address)
    if username is not None:
        query = query.where(orm.AuditEntry.target == account_target(username))
    return int(session.scalar(query) or 0)


def _last(session: Session, action: str, typed: str, since: datetime) -> datetime | None:
    """When `action` was last recorded for the user name, if not before `since`."""
    return session.scalar(
        select(func.max(orm.AuditEntry.at)).where(
            orm.AuditEntry.action == action,
            orm.AuditEntry.target == account_target(typed),
            orm.AuditEntry.at >= since,
        )
    )


def _locked(session: Session, typed: str, now: datetime, policy: LoginPolicy) -> bool:
    locked_at = _last(session, LOCKED, typed, now - policy.lock)
    return locked_at is not None and _last(session, UNLOCKED, typed, locked_at) is None


def _trusted(
    session: Session, typed: str, address: str, now: datetime, policy: LoginPolicy
) -> bool:
    """The account logged in successfully from `address` lately (its own counter PC)."""
    return (
        session.scalar(
            select(orm.AuditEntry.id)
            .where(
                orm.AuditEntry.action == LOGGED_IN,
                orm.AuditEntry.target == account_target(typed),
                orm.AuditEntry.address == address,
                orm.AuditEntry.at > now - policy.trusted_for,
            )
            .limit(1)
        )
        is not None
    )
