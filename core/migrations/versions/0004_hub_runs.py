"""hub runs: each hub process's start, last heartbeat and clean stop

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.adapters.orm.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hub_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub", sa.String(length=120), nullable=False),
        sa.Column("started_at", core.adapters.orm.base.UTCDateTime(), nullable=False),
        sa.Column("last_beat_at", core.adapters.orm.base.UTCDateTime(), nullable=False),
        sa.Column("stopped_at", core.adapters.orm.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hub_runs_hub", "hub_runs", ["hub"])


def downgrade() -> None:
    op.drop_index("ix_hub_runs_hub", table_name="hub_runs")
    op.drop_table("hub_runs")
