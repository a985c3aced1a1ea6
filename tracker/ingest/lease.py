"""Run leases: at most one run per source at a time, and a crashed run's lease heals itself.

A lease is the source row's ``locked_by`` (owner: host, process and a random part) and
``locked_at`` (its last heartbeat). While a run works, ``LeaseKeeper`` renews the heartbeat every
``HEARTBEAT``; a lease whose heartbeat is older than ``LEASE_TTL`` belongs to a run that died
(kill -9, power loss) and the next run takes it over. A run refused because a live lease exists
is recorded as a ScrapeRun with status ``refused``, so the Bronnen page and ``tracker sources``
show it. Times come from the run's clock (``now`` plus elapsed monotonic time), never from the
wall clock directly, so tests with a fixed clock stay deterministic.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from tracker.models import RunStatus, ScrapeRun, Source
from tracker.pause import pause

logger = logging.getLogger(__name__)

LEASE_TTL = timedelta(minutes=3)
HEARTBEAT = timedelta(seconds=30)
# ids per statement: well under the bound-parameter limits of SQLite and PostgreSQL
_CHUNK = 500


def new_owner() -> str:
    """A lease owner naming this host and process, unique per run."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def acquire_lease(engine: Engine, source_id: str, now: datetime, owner: str) -> bool:
    """Take the source's lease; False when another run holds a live one."""
    with engine.begin() as conn:
        done = conn.execute(
            sa.update(Source)
            .where(col(Source.id) == source_id)
            .where(
                sa.or_(
                    col(Source.locked_at).is_(None),
                    col(Source.locked_at) < now - LEASE_TTL,
                    col(Source.locked_by) == owner,
                )
            )
            .values(locked_at=now, locked_by=owner)
        )
        return bool(done.rowcount)


def acquire_leases(session: Session, ids: Sequence[str], now: datetime, owner: str) -> set[str]:
    """Take the leases of ``ids`` in the session's transaction; the ids now held by ``owner``.

    One statement per chunk instead of a transaction per source (issue 14: 500 sources paid
    500 transactions). Each row's condition is checked atomically, as in ``acquire_lease``.
    """
    held: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        session.execute(
            sa.update(Source)
            .where(col(Source.id).in_(chunk))
            .where(
                sa.or_(
                    col(Source.locked_at).is_(None),
                    col(Source.locked_at) < now - LEASE_TTL,
                    col(Source.locked_by) == owner,
                )
            )
            .values(locked_at=now, locked_by=owner)
            .execution_options(synchronize_session=False)
        )
        held.update(
            session.execute(
                sa.select(col(Source.id)).where(
                    col(Source.id).in_(chunk), col(Source.locked_by) == owner
                )
            ).scalars()
        )
    return held


def record_refused(engine: Engine, source_id: str, now: datetime) -> str:
    """Store a refused run with who holds the lease; return the (Dutch) reason."""
    with engine.begin() as conn:
        holder = conn.execute(
            sa.select(col(Source.locked_by), col(Source.locked_at)).where(
                col(Source.id) == source_id
            )
        ).first()
        owner, beat = holder if holder else ("?", None)
        expires = f", verloopt {(beat + LEASE_TTL):%Y-%m-%d %H:%M:%S} UTC" if beat else ""
        reason = f"overgeslagen: er loopt al een run voor deze bron ({owner}{expires})"
        conn.execute(
            sa.insert(ScrapeRun).values(
                source_id=source_id,
                started_at=now,
                finished_at=now,
                status=RunStatus.REFUSED,
                items_found=0,
                items_skipped=0,
                schemes_new=0,
                windows_new=0,
                events_created=0,
                requests=0,
                not_modified=0,
                error=reason,
            )
        )
    logger.warning("%s: %s", source_id, reason)
    return reason


def release_leases(engine: Engine, ids: Sequence[str], owner: str) -> None:
    if not ids:
        return
    with engine.begin() as conn:
        conn.execute(
            sa.update(Source)
            .where(col(Source.id).in_(ids), col(Source.locked_by) == owner)
            .values(locked_at=None, locked_by="")
        )


class LeaseKeeper:
    """Renew the heartbeat of ``ids`` every ``interval`` in a daemon thread, start to stop."""

    def __init__(
        self,
        engine: Engine,
        ids: Sequence[str],
        owner: str,
        now: datetime,
        interval: timedelta = HEARTBEAT,
    ) -> None:
        self.engine, self.ids, self.owner = engine, list(ids), owner
        self.began, self.interval = now, interval.total_seconds()
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lease-heartbeat", daemon=True)

    def start(self) -> LeaseKeeper:
        if self.ids:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def beat(self) -> None:
        """Renew the heartbeat of every lease this run still holds."""
        moment = self.began + timedelta(seconds=time.monotonic() - self._started)
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(Source)
                .where(col(Source.id).in_(self.ids), col(Source.locked_by) == self.owner)
                .values(locked_at=moment)
            )

    def _loop(self) -> None:
        while pause(self._stop, self.interval):
            try:
                self.beat()
            except sa.exc.SQLAlchemyError as exc:  # a lost heartbeat only risks a takeover
                logger.warning("lease heartbeat failed: %s", exc)
