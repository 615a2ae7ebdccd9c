"""staff.password_change_required: a password someone else saw (the installer's, one an
administrator generated) is changed by its person at their first login

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch (copy and drop) of a table other tables point at fails on
    # a hall's SQLite database in use (foreign keys are on).
    op.add_column(
        "staff",
        sa.Column(
            "password_change_required", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )


def downgrade() -> None:
    op.drop_column("staff", "password_change_required")
