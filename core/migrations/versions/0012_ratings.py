"""ratings: 好差评, each service part to be rated once (一次一评), and its rating

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.adapters.orm.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    moment = core.adapters.orm.base.UTCDateTime
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("staff", sa.String(length=80), nullable=True),
        sa.Column("served_at", moment(), nullable=False),
        sa.Column("due_at", moment(), nullable=False),
        sa.Column("offered_at", moment(), nullable=False),
        sa.Column("offers", sa.SmallInteger(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=True),
        sa.Column("rated_at", moment(), nullable=True),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ratings_ticket_id", "ratings", ["ticket_id"])
    op.create_index("ix_ratings_hall_day", "ratings", ["hall_id", "business_day"])
    op.create_index(
        "ix_ratings_hall_window_offered", "ratings", ["hall_id", "window", "offered_at"]
    )
    op.create_index("ix_ratings_hall_state_due", "ratings", ["hall_id", "state", "due_at"])


def downgrade() -> None:
    op.drop_table("ratings")
