"""A new publication is written as plain rows and its events in one statement (issue 14):
what the ORM path gave must hold still. The data generation is bumped by such a write, the
returned outcome and events are rows of the session, and a key recorded twice (also by two
sessions) is one event. Both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker import generation
from tracker.alerts.events import record_changes
from tracker.config import ReviewConfig
from tracker.db import session_scope
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.store import store_scheme
from tracker.models import Event, Publication, Scheme, Source, Window

NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)
OPENS = datetime(2027, 3, 1, 8, tzinfo=UTC)


def _data(key: str, title: str, *, confidence: float = 1.0, status_text: str = "") -> SchemeData:
    window = WindowData(OPENS, OPENS + timedelta(days=30), True, True, "day", None, "",
                        confidence, status_text)  # fmt: skip
    return SchemeData(key=key, title=title, url=f"https://example.org/{key}",
                      publisher="Provincie Gelderland", summary="", level="provincie",
                      regions=("NL-GE",), published_on=None, identifiers=(), cited_titles=(),
                      windows=(window,), status="upcoming")  # fmt: skip


def test_a_new_scheme_written_as_rows_bumps_the_generation_once(engine: Engine) -> None:
    with session_scope(engine) as s:
        s.add(Source(id="a"))
    before = generation.current(engine)
    with session_scope(engine) as s:
        for n in range(3):
            outcome = store_scheme(s, "a", _data(f"k{n}", f"Regeling dorpshuizen {n}"), NOW)
            record_changes(s, outcome.changes, NOW, source_id="a", baseline=True)
    assert generation.current(engine) == before + 1
    with session_scope(engine) as s:  # a transaction that writes nothing leaves it
        s.exec(select(Scheme)).all()
    assert generation.current(engine) == before + 1


def test_the_outcome_of_a_new_publication_reads_its_rows(engine: Engine) -> None:
    with Session(engine) as s:
        s.add(Source(id="a"))
        data = _data("k", "Regeling dorpshuizen", status_text="budget is op")
        outcome = store_scheme(s, "a", data, NOW)
        assert outcome.scheme_new and outcome.publication_new and outcome.windows_new == 1
        assert outcome.scheme.title == "Regeling dorpshuizen"
        assert outcome.publication.scheme_id == outcome.scheme.id
        assert outcome.publication.merge_kind == "created"
        [window] = outcome.windows
        assert window.publication_id == outcome.publication.id and window.budget_exhausted
        assert window.created_at == NOW and window.ordinal == 0
        assert [c.kind for c in outcome.changes] == [
            "scheme_new", "window_announced", "budget_exhausted"
        ]  # fmt: skip
        # the scheme is an object of the session: a change to it is written
        outcome.scheme.summary = "gewijzigd"
        s.commit()
    with Session(engine) as s:
        assert s.exec(select(Scheme.summary)).one() == "gewijzigd"
        assert s.exec(select(Publication.content_hash)).one() != ""


def test_events_are_rows_of_the_session_and_a_key_is_recorded_once(engine: Engine) -> None:
    review = ReviewConfig(hold_low_confidence=True, confidence_threshold=0.5)
    with Session(engine) as s:
        s.add(Source(id="a"))
        outcome = store_scheme(s, "a", _data("k", "Regeling dorpshuizen", confidence=0.2), NOW)
        events = record_changes(s, outcome.changes, NOW, source_id="a", review=review)
        assert [(e.kind, e.published) for e in events] == [
            ("scheme_new", True), ("window_announced", False)
        ]  # fmt: skip
        assert all(e.id is not None and e in s for e in events)
        assert record_changes(s, outcome.changes, NOW, source_id="a") == []
        events[0].published = False  # tracked like any loaded row
        s.commit()
        changes = outcome.changes
    with Session(engine) as s:  # another session: the keys are taken
        assert record_changes(s, changes, NOW + timedelta(hours=1), source_id="a") == []
        s.commit()
        stored = s.exec(select(Event).order_by(col(Event.id))).all()
        assert [(e.kind, e.published) for e in stored] == [
            ("scheme_new", False), ("window_announced", False)
        ]  # fmt: skip
        assert s.exec(select(Window.confidence)).one() == 0.2
