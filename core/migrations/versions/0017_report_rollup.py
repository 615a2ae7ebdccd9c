"""report_days, report_cells, report_spreads: the reports' daily rollup — a closed
day's sums per hour, service, window and clerk, and its waits and service times per whole
minute — rebuilt from ticket_events at will

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.adapters.orm.base

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_days",
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("rolled_at", core.adapters.orm.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["halls.id"], name=op.f("fk_report_days_hall_id_halls")
        ),
        sa.PrimaryKeyConstraint("hall_id", "business_day", name=op.f("pk_report_days")),
    )
    op.create_table(
        "report_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("clerk", sa.String(length=80), nullable=True),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("green", sa.Integer(), nullable=False),
        sa.Column("kiosk", sa.Integer(), nullable=False),
        sa.Column("guide", sa.Integer(), nullable=False),
        sa.Column("paper", sa.Integer(), nullable=False),
        sa.Column("appointment", sa.Integer(), nullable=False),
        sa.Column("transfer", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("transferred", sa.Integer(), nullable=False),
        sa.Column("no_show", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("expired", sa.Integer(), nullable=False),
        sa.Column("open", sa.Integer(), nullable=False),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.Column("no_shows", sa.Integer(), nullable=False),
        sa.Column("waited", sa.Integer(), nullable=False),
        sa.Column("wait_sum", sa.Integer(), nullable=False),
        sa.Column("wait_max", sa.Integer(), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("service_sum", sa.Integer(), nullable=False),
        sa.Column("service_max", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["halls.id"], name=op.f("fk_report_cells_hall_id_halls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_cells")),
    )
    op.create_index("ix_report_cells_hall_day", "report_cells", ["hall_id", "business_day"])
    op.create_table(
        "report_spreads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(length=8), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("clerk", sa.String(length=80), nullable=True),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["halls.id"], name=op.f("fk_report_spreads_hall_id_halls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_spreads")),
    )
    op.create_index("ix_report_spreads_hall_day", "report_spreads", ["hall_id", "business_day"])


def downgrade() -> None:
    op.drop_table("report_spreads")
    op.drop_table("report_cells")
    op.drop_table("report_days")
