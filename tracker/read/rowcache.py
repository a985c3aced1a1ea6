"""Scheme rows kept per database while the data generation and the minute stand still.

Building the rows (every visible scheme with its windows and derived status) is the costly part
of the public list, the staff list and the JSON API at ten thousand schemes; filtering,
sorting and paging the built rows is cheap. Rows are rebuilt when any Session changed schemes,
windows, events or publications (``tracker.generation``), and at least every minute, which
bounds how long a derived status can lag the clock. The rows are shared read-only.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker import generation

BUCKET_SECONDS = 60

_lock = threading.Lock()
_building: dict[tuple[int, Any], threading.Lock] = {}
_caches: weakref.WeakKeyDictionary[Engine, dict[Any, tuple[int, int, Any]]] = (
    weakref.WeakKeyDictionary()
)


def cached(session: Session, now: datetime, key: Any, build: Callable[[], Any]) -> Any:
    """``build()``'s result for this database, ``key``, generation and minute.

    One thread builds at a time. When only the minute moved on (same generation) the others
    keep getting the previous rows meanwhile instead of waiting: a status then lags the clock
    by the minute plus one build, never a change of data.
    """
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)
    if not isinstance(engine, Engine):
        return build()
    gen = generation.current(session.connection())
    bucket = int(now.timestamp()) // BUCKET_SECONDS
    with _lock:
        store = _caches.setdefault(engine, {})
        hit = store.get(key)
        building = _building.setdefault((id(engine), key), threading.Lock())
    if hit is not None and hit[0] == gen and hit[1] == bucket:
        return hit[2]
    if hit is not None and hit[0] == gen and not building.acquire(blocking=False):
        return hit[2]  # another thread is building this minute's rows
    if hit is None or hit[0] != gen:
        building.acquire()
    try:
        with _lock:
            hit = store.get(key)
        if hit is not None and hit[0] == gen and hit[1] == bucket:
            return hit[2]
        value = build()
        with _lock:
            store[key] = (gen, bucket, value)
        return value
    finally:
        building.release()
