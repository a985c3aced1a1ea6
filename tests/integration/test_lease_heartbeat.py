"""The lease heartbeat renews a long run's leases in the background and stops when asked
(also under the suite's faketime run, where a thread waiting on an Event timeout never woke)."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import NOW
from tracker.ingest.lease import LeaseKeeper, acquire_lease, new_owner
from tracker.models import Source


def _locked_at(engine: Engine) -> object:
    with Session(engine) as s:
        source = s.get(Source, "bron")
        assert source is not None
        return source.locked_at


def test_the_heartbeat_renews_the_lease_until_stopped(engine: Engine) -> None:
    with Session(engine) as s:
        s.add(Source(id="bron", title="Bron"))
        s.commit()
    owner = new_owner()
    assert acquire_lease(engine, "bron", NOW, owner)
    keeper = LeaseKeeper(engine, ["bron"], owner, NOW, interval=timedelta(seconds=0.05))
    keeper.start()
    try:
        deadline = time.monotonic() + 20
        while _locked_at(engine) == NOW:
            assert time.monotonic() < deadline, "the heartbeat never renewed the lease"
            time.sleep(0.02)
    finally:
        asked = time.monotonic()
        keeper.stop()
    assert time.monotonic() - asked < 5
    renewed = _locked_at(engine)
    assert isinstance(renewed, type(NOW)) and renewed > NOW
    time.sleep(0.2)
    assert _locked_at(engine) == renewed  # stopped: no beat after stop()
