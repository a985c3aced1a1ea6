"""The migrations build exactly the schema the models describe (SQLite and PostgreSQL).

Migrations are written by hand (``tracker/migrations/versions``); a column, table or index that
a model has and no migration makes (or the other way round) would work in tests that create
tables from the models and fail on an upgraded production database.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import tracker.models  # noqa: F401  (registers every table on SQLModel.metadata)


def test_the_upgraded_schema_has_no_difference_from_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert differences == []
    with engine.connect() as conn:
        assert "loginfailure" in conn.dialect.get_table_names(conn)
