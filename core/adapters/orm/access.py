"""Staff, devices, their tokens, and the audit log of staff actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.adapters.orm.base import Base, UTCDateTime


class Staff(Base):
    """A person who logs in: counter staff, guide, duty leader or administrator."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    number: Mapped[str] = mapped_column(String(20), default="", server_default="")
    """The staff number (工号) a rating pad shows beside the name."""
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    """A small JPEG or PNG of the person, for the rating pad at their window."""
    photo_type: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    password_change_required: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    """The password was generated for the person (shown to an administrator or printed by
    the installer): they choose their own at their next login before anything opens."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"))


class Device(Base):
    """A kiosk, display, window display, guide desk or printer (agent) of a hall."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(24), default="unknown")
    status_detail: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[str] = mapped_column(String(40), default="", server_default="")
    """The HallQ version the device said it runs when it last connected."""


class ApiToken(Base):
    """A bearer token for a device or a staff member; only its hash is kept.

    A staff member's login is a token too (``kind = "login"``, remembered by id in
    the session cookie): logging out revokes it, and it lapses after an idle time
    and an absolute lifetime counted from `created_at` and `last_used_at`.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    device_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"))
    kind: Mapped[str] = mapped_column(String(8), default="api", server_default="api")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Append-only: every staff action, by whom, on what, from where."""

    __tablename__ = "audit_log"
    # Failed logins, locks and an account's usual addresses are looked up by action and target.
    __table_args__ = (Index("ix_audit_log_action_target", "action", "target"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(120), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")


class Enrolment(Base):
    """A device's one-time enrolment link (only its code's hash is kept): the first
    browser that opens it before it expires becomes the device, with a token of its own."""

    __tablename__ = "enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    """The token of the browser it enrolled."""
