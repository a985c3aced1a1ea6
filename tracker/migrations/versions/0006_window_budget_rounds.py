"""times staff restored a window's budget, so a later exhaustion is a new alert

Revision ID: 0006_window_budget_rounds
Revises: 0005_publication_missing_since
Create Date: 2026-11-30 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_window_budget_rounds"
down_revision: str | None = "0005_publication_missing_since"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("window") as batch:
        batch.add_column(
            sa.Column("budget_rounds", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("window") as batch:
        batch.drop_column("budget_rounds")
