"""audit_log: an index on (action, target) for the login guard's lookups

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 23:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_log_action_target", "audit_log", ["action", "target"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_target", table_name="audit_log")
