"""window_events: the windows' history (opened, paused, closed, by whom); report_days,
report_cells, report_spreads, report_duties: the reports' daily rollup — a closed day's sums
per hour, service, window and clerk, its waits and service times per whole minute, and each
clerk's time at each window; report_months, report_spread_months: a closed month's spreads
summed — rebuilt from the histories at will; an index to count a year's ratings per clerk

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
    moment = core.adapters.orm.base.UTCDateTime
    op.create_table(
        "window_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("staff", sa.String(length=80), nullable=True),
        sa.Column("at", moment(), nullable=False),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"], name=op.f("fk_window_events_hall_id_halls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_events")),
    )
    op.create_index("ix_window_events_hall_at", "window_events", ["hall_id", "at"])
    op.create_table(
        "report_days",
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("rolled_at", moment(), nullable=False),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"], name=op.f("fk_report_days_hall_id_halls")),
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
        sa.Column("overtime", sa.Integer(), nullable=False),
        sa.Column("on_screen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"], name=op.f("fk_report_cells_hall_id_halls")),
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
    op.create_table(
        "report_duties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("clerk", sa.String(length=80), nullable=False),
        sa.Column("on_duty", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["halls.id"], name=op.f("fk_report_duties_hall_id_halls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_duties")),
    )
    op.create_index("ix_report_duties_hall_day", "report_duties", ["hall_id", "business_day"])
    op.create_table(
        "report_months",
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("rolled_at", moment(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["halls.id"], name=op.f("fk_report_months_hall_id_halls")
        ),
        sa.PrimaryKeyConstraint("hall_id", "month", name=op.f("pk_report_months")),
    )
    op.create_table(
        "report_spread_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(length=8), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("clerk", sa.String(length=80), nullable=True),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["halls.id"], name=op.f("fk_report_spread_months_hall_id_halls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_spread_months")),
    )
    op.create_index(
        "ix_report_spread_months_hall_month", "report_spread_months", ["hall_id", "month"]
    )
    op.create_index(
        "ix_ratings_hall_day_staff",
        "ratings",
        ["hall_id", "business_day", "staff", "state", "level"],
    )


def downgrade() -> None:
    op.drop_index("ix_ratings_hall_day_staff", table_name="ratings")
    op.drop_table("report_spread_months")
    op.drop_table("report_months")
    op.drop_table("report_duties")
    op.drop_table("report_spreads")
    op.drop_table("report_cells")
    op.drop_table("report_days")
    op.drop_table("window_events")
