"""Scheme rows kept per database while the data generation and the minute stand still.

Building the rows (every visible scheme with its windows and derived status) is the costly part
of the public list, the staff list and the JSON API at ten thousand schemes; filtering,
sorting and paging the built rows is cheap. Rows are rebuilt when any Session changed schemes,
windows, events or publications (``tracker.generation``), and at least every minute, which
bounds how long a derived status can lag the clock. The rows are shared read-only.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker import generation

logger = logging.getLogger(__name__)

BUCKET_SECONDS = 60

_lock = threading.Lock()
_building: dict[tuple[int, Any], threading.Lock] = {}
_caches: weakref.WeakKeyDictionary[Engine, dict[Any, tuple[int, int, Any]]] = (
    weakref.WeakKeyDictionary()
)


def cached(session: Session, now: datetime, key: Any, build: Callable[[Session], Any]) -> Any:
    """``build(session)``'s result for this database, ``key``, generation and minute.

    When the data changed (a new generation) or the clock jumped further than the next minute
    (an idle server, a test clock), the first request builds and the others wait for it. When
    only the minute moved on by one, every request gets the previous result at once and a
    background thread builds the new one with its own session: a status then lags the clock by
    the minute plus one build, never a change of data, and no request waits for a build.
    """
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)
    if not isinstance(engine, Engine):
        return build(session)
    gen = generation.current(session.connection())
    bucket = int(now.timestamp()) // BUCKET_SECONDS
    with _lock:
        store = _caches.setdefault(engine, {})
        hit = store.get(key)
        building = _building.setdefault((id(engine), key), threading.Lock())
    if hit is not None and hit[0] == gen and hit[1] == bucket:
        return hit[2]
    if hit is not None and hit[0] == gen and bucket - hit[1] == 1:
        if building.acquire(blocking=False):
            threading.Thread(
                target=_refresh, args=(engine, store, key, gen, bucket, build, building),
                daemon=True,
            ).start()  # fmt: skip
        return hit[2]
    with building:
        with _lock:
            hit = store.get(key)
        if hit is not None and hit[0] == gen and hit[1] == bucket:
            return hit[2]
        value = build(session)
        with _lock:
            store[key] = (gen, bucket, value)
        return value


def _refresh(
    engine: Engine,
    store: dict[Any, tuple[int, int, Any]],
    key: Any,
    gen: int,
    bucket: int,
    build: Callable[[Session], Any],
    building: threading.Lock,
) -> None:
    """Build the next minute's result off the request path (``building`` is held)."""
    try:
        with Session(engine, expire_on_commit=False) as session:
            value = build(session)
        with _lock:
            current = store.get(key)
            if current is None or current[0] <= gen:
                store[key] = (gen, bucket, value)
    except Exception:  # the previous result stays; the next request tries again
        logger.exception("refreshing cached rows failed")
    finally:
        building.release()
