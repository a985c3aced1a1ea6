"""Storing a scheme costs the same at any size (issue 14): a fixed number of statements, each
served by an index, however many schemes share its title words.

Counted, not timed: the statements ``store_scheme`` sends for one more new scheme, one more
publication of a known scheme (same CVDR number, same official URL) and one more look-alike
are the same after 40 and after 160 stored schemes that share the title words. On SQLite the
plan of every SELECT it sends is read: no table is scanned. bench/store.py shows the time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.alerts.events import record_changes
from tracker.db import session_scope
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.store import StoreOutcome, store_scheme
from tracker.models import MergeProposal, MergeReason, Publication, Source

NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)
TOPICS = ["scholing", "praktijkleren", "dorpshuizen", "cultureel erfgoed"]


def _data(key: str, title: str, *, identifiers: tuple[str, ...] = (), url: str = "",
          day: int = 0) -> SchemeData:  # fmt: skip
    opens = datetime(2027, 3, 1, 8, tzinfo=UTC) + timedelta(days=day)
    window = WindowData(opens, opens + timedelta(days=30), False, False, "day", None, "", 1.0)
    return SchemeData(key=key, title=title, url=url or f"https://example.org/{key}",
                      publisher="Provincie Gelderland", summary="", level="provincie",
                      regions=("NL-GE",), published_on=None, identifiers=identifiers,
                      cited_titles=(), windows=(window,), status="open")  # fmt: skip


def _scheme(i: int) -> SchemeData:
    """A new scheme whose title words it shares with a quarter of all the others."""
    return _data(f"r{i}", f"Subsidie {TOPICS[i % 4]} Gelderland nummer {1000 + i}",
                 identifiers=(f"CVDR{700000 + i}",), day=i % 50)  # fmt: skip


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    sent: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
        sent.append((statement, params))

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def _fill(engine: Engine, start: int, stop: int) -> None:
    with session_scope(engine) as s:
        for i in range(start, stop):
            outcome = store_scheme(s, "bulk", _scheme(i), NOW)
            record_changes(s, outcome.changes, NOW, source_id="bulk")


def _probe(engine: Engine, n: int) -> tuple[dict[str, int], list[tuple[str, Any]]]:
    """Statements store_scheme sends for four new items after ``n`` schemes."""
    items = {
        "new": _scheme(n),
        "identifier": _data(
            f"o{n}", f"Openstelling {TOPICS[1]} {n}", identifiers=(f"CVDR{700000 + n - 3}",)
        ),  # fmt: skip
        "url": _data(f"u{n}", f"Pagina {n}", url=f"https://example.org/r{n - 5}"),
        "look-alike": _data(
            f"l{n}", f"Subsidies {TOPICS[n % 4]} Gelderland nummer {1000 + n}", day=80
        ),  # fmt: skip
    }
    counts: dict[str, int] = {}
    sent_all: list[tuple[str, Any]] = []
    outcomes: dict[str, StoreOutcome] = {}
    with session_scope(engine) as s:
        for name, data in items.items():
            with _statements(engine) as sent:
                outcomes[name] = store_scheme(s, "probe", data, NOW)
            counts[name] = len(sent)
            sent_all += sent
        kinds = {name: o.publication.merge_kind for name, o in outcomes.items()}
        assert kinds == {"new": MergeReason.CREATED, "identifier": MergeReason.IDENTIFIER,
                         "url": MergeReason.URL, "look-alike": MergeReason.CREATED}  # fmt: skip
        scheme_of = {p.key: p.scheme_id for p in s.exec(select(Publication))}
        assert outcomes["identifier"].scheme.id == scheme_of[f"r{n - 3}"]
        assert outcomes["url"].scheme.id == scheme_of[f"r{n - 5}"]
        proposal = s.exec(
            select(MergeProposal).where(MergeProposal.scheme_id == outcomes["look-alike"].scheme.id)
        ).one()
        assert proposal.target_id == outcomes["new"].scheme.id
        assert proposal.reason.startswith("titel lijkt ")
    return counts, sent_all


@pytest.fixture
def filled(engine: Engine) -> Engine:
    with session_scope(engine) as s:
        s.add_all([Source(id="bulk"), Source(id="probe")])
    return engine


def test_statements_per_stored_scheme_do_not_grow_with_the_schemes(filled: Engine) -> None:
    _fill(filled, 0, 40)
    small, _sent = _probe(filled, 40)
    _fill(filled, 44, 160)
    large, _sent = _probe(filled, 160)
    assert small == large, (small, large)
    # a new scheme: its publication, keys, url and shared words, candidates, slug, and the
    # inserts of scheme, publication, keys and window; never one read per candidate
    assert small["new"] <= 11 and small["look-alike"] <= 13, small


def test_every_read_of_store_scheme_uses_an_index(sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as s:
        s.add_all([Source(id="bulk"), Source(id="probe")])
    _fill(sqlite_engine, 0, 60)
    _counts, sent = _probe(sqlite_engine, 60)
    selects = [(sql, params) for sql, params in sent if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) >= 10
    with sqlite_engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        for sql, params in selects:
            plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
            scans = [step for step in plan if step.startswith("SCAN")]
            assert not scans, (sql, plan)


def test_a_look_alike_is_compared_with_the_scheme_that_survived_a_merge(
    sqlite_engine: Engine,
) -> None:
    """Candidates follow staff merges, as ``live_scheme`` does, also when read as columns."""
    with Session(sqlite_engine) as s:
        s.add(Source(id="bulk"))
        s.flush()
        old = store_scheme(s, "bulk", _data("a", "Regeling vitale kernen Gelderland"), NOW)
        kept = store_scheme(s, "bulk", _data("b", "Subsidie leefbaarheid kernen Gelderland"), NOW)
        old.scheme.merged_into_id = kept.scheme.id
        s.add(old.scheme)
        s.commit()
        old_id, kept_id = old.scheme.id, kept.scheme.id
    with Session(sqlite_engine) as s:
        # like the merged scheme's title, not like the survivor's: nothing to propose
        alike = store_scheme(s, "bulk", _data("c", "Regelingen vitale kernen Gelderland"), NOW)
        assert alike.scheme.id not in (old_id, kept_id)
        proposals = s.exec(select(MergeProposal)).all()
        assert proposals == []
        same = store_scheme(s, "bulk", _data("d", "Subsidies leefbaarheid kernen Gelderland"),
                            NOW)  # fmt: skip
        proposal = s.exec(select(MergeProposal)).one()
        assert (proposal.scheme_id, proposal.target_id) == (same.scheme.id, kept_id)
