"""what a source's items were last stored with, so a config or code change reprocesses them

Revision ID: 0004_source_config_digest
Revises: 0003_source_override_regions
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004_source_config_digest"
down_revision: str | None = "0003_source_override_regions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # existing sources: no digest, so their next run stores their items once more
    with op.batch_alter_table("source") as batch:
        batch.add_column(
            sa.Column(
                "config_digest",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.drop_column("config_digest")
