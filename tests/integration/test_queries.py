"""Feed queries stay correct when a narrow filter matches only old events."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import NOW
from tracker.models import Event, Scheme
from tracker.read.queries import BATCH, Filters, recent_events


def test_narrow_region_filter_reaches_past_many_newer_events(engine: Engine) -> None:
    with Session(engine) as s:
        limburg = Scheme(
            slug="li", title="Sprintsubsidie Limburg", level="provincie", regions=["NL-LI"]
        )
        gelderland = Scheme(slug="ge", title="Plafondbesluit", level="provincie", regions=["NL-GE"])
        s.add(limburg)
        s.add(gelderland)
        s.flush()
        for n in range(3):
            s.add(Event(kind="scheme_new", scheme_id=limburg.id, dedupe_key=f"li-{n}",
                        created_at=NOW - timedelta(days=30, minutes=n)))  # fmt: skip
        for n in range(BATCH * 2 + 10):
            s.add(Event(kind="window_changed", scheme_id=gelderland.id, dedupe_key=f"ge-{n}",
                        created_at=NOW - timedelta(minutes=n)))  # fmt: skip
        s.commit()
        rows = recent_events(s, Filters(region="NL-LI"), limit=10)
        assert [e.dedupe_key for e, _s, _w in rows] == ["li-0", "li-1", "li-2"]
        newest = recent_events(s, Filters(region="NL-GE"), limit=5)
        assert [e.dedupe_key for e, _s, _w in newest] == [f"ge-{n}" for n in range(5)]
