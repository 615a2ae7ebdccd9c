"""appointments: bookings with their state, channel and business day; sms_codes: the
codes that prove a booking phone is the taxpayer's (预约办税)

The table of 0001 was never written to (nothing booked before this revision), so it is
replaced rather than altered.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.adapters.orm.base

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    moment = core.adapters.orm.base.UTCDateTime
    op.drop_table("appointments")
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("slot_start", moment(), nullable=False),
        sa.Column("slot_end", moment(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("taxpayer_id", sa.String(length=20), nullable=True),
        sa.Column("created_at", moment(), nullable=False),
        sa.Column("ended_at", moment(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("day_reminder_at", moment(), nullable=True),
        sa.Column("hour_reminder_at", moment(), nullable=True),
        sa.Column("outage_incident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["halls.id"], name=op.f("fk_appointments_hall_id_halls")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_appointments_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["outage_incident_id"],
            ["incidents.id"],
            name=op.f("fk_appointments_outage_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("hall_id", "code", name=op.f("uq_appointments_hall_id_code")),
    )
    op.create_index(
        "ix_appointments_hall_service_slot", "appointments", ["hall_id", "service", "slot_start"]
    )
    op.create_index("ix_appointments_hall_day", "appointments", ["hall_id", "business_day"])
    op.create_table(
        "sms_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", moment(), nullable=False),
        sa.Column("expires_at", moment(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("locked_until", moment(), nullable=True),
        sa.Column("used_at", moment(), nullable=True),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"], name=op.f("fk_sms_codes_hall_id_halls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_codes")),
    )
    op.create_index(
        "ix_sms_codes_hall_phone_created", "sms_codes", ["hall_id", "phone", "created_at"]
    )


def downgrade() -> None:
    moment = core.adapters.orm.base.UTCDateTime
    op.drop_table("sms_codes")
    op.drop_table("appointments")
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("slot_start", moment(), nullable=False),
        sa.Column("slot_end", moment(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("taxpayer_id", sa.String(length=20), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["halls.id"], name=op.f("fk_appointments_hall_id_halls")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_appointments_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("hall_id", "code", name=op.f("uq_appointments_hall_id_code")),
    )
