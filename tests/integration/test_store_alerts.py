"""Store-time alert parts: tagging from config keywords, budget exhaustion, outbox rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW, STCRT, make_config
from tests.integration._alerts import add_subscription
from tracker.alerts.events import record_changes
from tracker.config import Config
from tracker.db import session_scope
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.pipeline import run_source
from tracker.ingest.store import StoreOutcome, store_scheme
from tracker.ingest.tagging import Tagger
from tracker.models import Event, OutboxMessage, Scheme, Source, Window
from tracker.ops.replay import ReplayServer

OPENS = datetime(2027, 3, 1, 8, tzinfo=UTC)


def _data(key: str, title: str, summary: str = "", status_text: str = "") -> SchemeData:
    """Two publications of one provincial regulation (they share its CVDR id)."""
    window = WindowData(OPENS, OPENS + timedelta(days=30), True, True, "day", None, "", 1.0,
                        status_text)  # fmt: skip
    return SchemeData(key=key, title=title, url="https://example.org/r", publisher="Provincie",
                      summary=summary, level="provincie", regions=("NL-GE",),
                      published_on=date(2027, 3, 2), identifiers=("CVDR700001",), cited_titles=(),
                      windows=(window,), status="open")  # fmt: skip


def _store(s: Session, data: SchemeData, now: datetime, tagger: Tagger) -> StoreOutcome:
    outcome = store_scheme(s, "src", data, now, tagger=tagger)
    record_changes(s, outcome.changes, now, source_id="src")
    return outcome


def test_pipeline_tags_schemes_with_configured_keywords(
    engine: Engine, replay: ReplayServer
) -> None:
    config = make_config(replay, {"stcrt": STCRT})
    assert run_source(config, engine, "stcrt", now=NOW).status == "ok"
    with Session(engine) as s:
        slim = [x for x in s.exec(select(Scheme)).all() if "SLIM" in x.title.upper()]
        assert slim, [x.title for x in s.exec(select(Scheme)).all()]
        assert "mkb" in slim[0].doelgroepen
        assert "arbeidsmarkt" in slim[0].themes


def test_budget_exhausted_statement_closes_the_open_window_once(engine: Engine) -> None:
    tagger = Tagger.from_config(Config())
    now = OPENS + timedelta(days=2)
    add_subscription(engine, "x@example.org", now - timedelta(days=1))
    exhausted_title = "Subsidieplafond bereikt omscholing werkgevers"
    with session_scope(engine) as s:
        s.add(Source(id="src", level="provincie"))
    with session_scope(engine) as s:
        _store(s, _data("a", "Subsidie omscholing werkgevers"), now, tagger)
    with session_scope(engine) as s:
        outcome = _store(s, _data("b", exhausted_title), now + timedelta(hours=1), tagger)
        assert [c.kind for c in outcome.changes] == ["budget_exhausted"]
        assert outcome.scheme.themes == ["scholing"]
        assert outcome.scheme.doelgroepen == ["werkgevers"]
    with Session(engine) as s:
        exhausted = s.exec(select(Event).where(Event.kind == "budget_exhausted")).all()
        assert len(exhausted) == 1
        window = s.get(Window, exhausted[0].window_id)
        assert window is not None and window.budget_exhausted
        queued = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "event")).all()
        assert len(queued) == len(s.exec(select(Event)).all()), "every new event is queued"
    with session_scope(engine) as s:
        _store(s, _data("b", exhausted_title), now + timedelta(hours=2), tagger)
    with Session(engine) as s:
        assert len(s.exec(select(Event).where(Event.kind == "budget_exhausted")).all()) == 1
