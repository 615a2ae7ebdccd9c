"""rating_work_orders: every 差评's follow-up (整改): call-back, cause, fix, result, appeal

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.adapters.orm.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    moment = core.adapters.orm.base.UTCDateTime
    op.create_table(
        "rating_work_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", moment(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("leader", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("call_back_at", moment(), nullable=True),
        sa.Column("call_back_by", sa.String(length=80), nullable=True),
        sa.Column("call_back_said", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("closed_by", sa.String(length=80), nullable=True),
        sa.Column("closed_at", moment(), nullable=True),
        sa.Column("fix_rating", sa.String(length=24), nullable=True),
        sa.Column("appeal_state", sa.String(length=12), nullable=True),
        sa.Column("appeal_by", sa.String(length=80), nullable=True),
        sa.Column("appeal_reason", sa.Text(), nullable=False),
        sa.Column("appeal_at", moment(), nullable=True),
        sa.Column("appeal_decided_by", sa.String(length=80), nullable=True),
        sa.Column("appeal_decision", sa.Text(), nullable=False),
        sa.Column("appeal_decided_at", moment(), nullable=True),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"]),
        sa.ForeignKeyConstraint(["rating_id"], ["ratings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rating_id"),
    )
    op.create_index(
        "ix_rating_work_orders_hall_state_due",
        "rating_work_orders",
        ["hall_id", "state", "due_on"],
    )


def downgrade() -> None:
    op.drop_table("rating_work_orders")
