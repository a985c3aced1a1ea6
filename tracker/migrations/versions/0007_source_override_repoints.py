"""whether a staff URL re-points a source of the configuration file (not a staff-added one)

Rows saved before this revision count as staff-added sources, as they did.

Revision ID: 0007_source_override_repoints
Revises: 0006_window_budget_rounds
Create Date: 2026-11-30 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_source_override_repoints"
down_revision: str | None = "0006_window_budget_rounds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sourceoverride") as batch:
        batch.add_column(
            sa.Column("repoints", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("sourceoverride") as batch:
        batch.drop_column("repoints")
