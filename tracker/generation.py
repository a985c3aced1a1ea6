"""The data generation: one counter that every transaction changing schemes, windows, events
or publications bumps, so read-side caches (tracker.web.feedcache) know when to render anew.

Every Session notes when a flush touched those tables and bumps the counter once, right before
its commit and after its last flush, inside that transaction: a cache never sees new data with
an old generation, and the counter's row lock is held only for the commit itself. Core
statements that bypass the ORM do not bump it; cached renderings also expire after a minute
(tracker.web.feedcache), which bounds what such a write can leave stale.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session as OrmSession

from tracker.models import DataGeneration, Event, Publication, Scheme, SchemeOverride, Window

NAME = "data"
WATCHED = (Scheme, Window, Event, Publication, SchemeOverride)
_FLAG = "tracker.generation.touched"
_BUMPED = "tracker.generation.bumped"


def current(conn: Connection | Engine) -> int:
    """The current generation (0 before the first bump)."""
    table = DataGeneration.__table__  # type: ignore[attr-defined]
    query = sa.select(table.c.value).where(table.c.name == NAME)
    if isinstance(conn, Engine):
        with conn.connect() as c:
            value = c.execute(query).scalar()
    else:
        value = conn.execute(query).scalar()
    return int(value or 0)


def bump(session: OrmSession) -> None:
    """Add one to the generation within the session's transaction."""
    table = DataGeneration.__table__  # type: ignore[attr-defined]
    done = session.execute(
        sa.update(table).where(table.c.name == NAME).values(value=table.c.value + 1)
    )
    if getattr(done, "rowcount", 0) == 0:
        session.execute(sa.insert(table).values(name=NAME, value=1))


def touch(session: OrmSession) -> None:
    """Note a write of watched rows that bypassed the ORM (a plain INSERT): the session bumps
    the generation at its commit, as after a flush of such rows."""
    session.info[_FLAG] = True


def _touches_read_side(session: OrmSession) -> bool:
    return any(isinstance(obj, WATCHED) for obj in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _context: Any) -> None:
    if not session.info.get(_FLAG) and _touches_read_side(session):  # pre-flush state here
        session.info[_FLAG] = True


@event.listens_for(OrmSession, "before_commit")
def _before_commit(session: OrmSession) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release: the outer commit bumps once (issue 14: not per event)
    session.flush()
    if session.info.pop(_FLAG, None):
        bump(session)
        session.info[_BUMPED] = True


_bumps = 0  # bumps committed by this process, for memos that may skip the database


def local_bumps() -> int:
    """How many bumps this process committed: a memo of the generation is stale when this
    number moved since it was read."""
    return _bumps


@event.listens_for(OrmSession, "after_commit")
def _committed(session: OrmSession) -> None:
    global _bumps
    if session.info.pop(_BUMPED, None):
        _bumps += 1


@event.listens_for(OrmSession, "after_rollback")
def _reset(session: OrmSession) -> None:
    if session.in_transaction():
        return  # back to a savepoint: what the outer transaction changed still needs its bump
    session.info.pop(_FLAG, None)
    session.info.pop(_BUMPED, None)
