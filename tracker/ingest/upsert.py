"""Insert-or-update of keyed cache rows in one statement per batch (SQLite and PostgreSQL).

``Session.merge`` reads each row before writing it: a query per row, and two processes that
both find no row both insert, so one fails on the primary key (two instances fetching the same
robots.txt). ``INSERT … ON CONFLICT DO UPDATE`` does neither (issue 14).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

# rows per statement: bound parameters stay under SQLite's limit (32,766) for these tables
_BATCH = 200


def upsert(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]], key: str) -> None:
    """Write ``rows`` (all with the same columns) keyed by the primary key column ``key``."""
    if not rows:
        return
    name = session.get_bind().dialect.name
    dialect: Any = postgresql if name == "postgresql" else sqlite
    for start in range(0, len(rows), _BATCH):
        chunk = list(rows[start : start + _BATCH])
        statement = dialect.insert(table).values(chunk)
        columns = [c for c in chunk[0] if c != key]
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[key],
                set_={c: getattr(statement.excluded, c) for c in columns},
            )
        )
