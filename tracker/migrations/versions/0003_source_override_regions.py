"""the provinces of a provincial source staff add on the dashboard

Revision ID: 0003_source_override_regions
Revises: 0002_login_failures
Create Date: 2026-11-30 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_source_override_regions"
down_revision: str | None = "0002_login_failures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # existing rows: no regions, as before
    with op.batch_alter_table("sourceoverride") as batch:
        batch.add_column(sa.Column("regions", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("sourceoverride") as batch:
        batch.drop_column("regions")
