"""when a publication was first counted absent, so removal waits removal_days as well as runs

Revision ID: 0005_publication_missing_since
Revises: 0004_source_config_digest
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tracker.models

revision: str = "0005_publication_missing_since"
down_revision: str | None = "0004_source_config_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # existing absences get no start: the next run that counts one starts their clock, so an
    # upgrade never removes a scheme sooner than removal_days after it
    with op.batch_alter_table("publication") as batch:
        batch.add_column(
            sa.Column("missing_since", tracker.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("publication") as batch:
        batch.drop_column("missing_since")
