"""api_tokens.kind and last_used_at: staff logins become revocable, expiring tokens

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.adapters.orm.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as table:
        table.add_column(
            sa.Column("kind", sa.String(length=8), server_default="api", nullable=False)
        )
        table.add_column(
            sa.Column("last_used_at", core.adapters.orm.base.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as table:
        table.drop_column("last_used_at")
        table.drop_column("kind")
