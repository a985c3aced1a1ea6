"""One scheme, many publications: regulation + amendment + agency page end as one scheme."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW, STCRT, make_config
from tracker.detect import distinct_windows
from tracker.ingest.pipeline import run_sources
from tracker.models import Event, Publication, Scheme, Window
from tracker.ops.replay import ReplayServer

BWB = {
    "scraper": "bwb",
    "url": "https://zoekservice.overheid.nl/sru/Search",
    "level": "rijk",
    "options": {"identifiers": ["BWBR0043015"]},
}
UVB = {
    "scraper": "html_page",
    "url": "https://www.uitvoeringvanbeleidszw.nl/subsidies-en-regelingen/slim/aanvragen",
    "level": "rijk",
    "options": {"scheme_title": "SLIM-regeling", "identifiers": ["BWBR0043015"]},
}


def test_regulation_amendment_and_agency_page_are_one_scheme(
    engine: Engine, replay: ReplayServer
) -> None:
    config = make_config(replay, {"bwb": BWB, "stcrt": STCRT, "uvb": UVB})
    # the regulation first, then the Staatscourant (with the amendment), then the agency page
    for source_id in ("bwb", "stcrt", "uvb"):
        (result,) = run_sources(config, engine, [source_id], now=NOW)
        assert result.status == "ok", result.error
    with Session(engine) as s:
        slim = s.exec(select(Scheme).where(Scheme.title == "SLIM-regeling")).all()
        assert len(slim) == 1, [x.title for x in s.exec(select(Scheme)).all()]
        scheme = slim[0]
        pubs = s.exec(select(Publication).where(Publication.scheme_id == scheme.id)).all()
        assert {p.source_id for p in pubs} == {"bwb", "stcrt", "uvb"}
        amendment = next(p for p in pubs if p.key == "stcrt-2026-41208")
        assert "slim regeling" in amendment.merge_reason
        assert "BWBR0043015" in scheme.identifiers
        windows = s.exec(select(Window).where(Window.scheme_id == scheme.id)).all()
        opens = {w.opens_at.date().isoformat() for w in windows if w.opens_at}
        assert "2027-03-01" in opens, opens
        news = s.exec(
            select(Event).where(Event.scheme_id == scheme.id, Event.kind == "scheme_new")
        ).all()
        assert len(news) == 1
        announced = s.exec(
            select(Event).where(Event.scheme_id == scheme.id, Event.kind == "window_announced")
        ).all()
        assert announced, "the tijdvakken were announced on the one scheme"
        # every publication keeps its own windows; a tijdvak stated by regulation, amendment
        # and page is one window to stakeholders and is announced once
        by_pub: dict[int | None, set[tuple[object, object]]] = {}
        for w in windows:
            by_pub.setdefault(w.publication_id, set()).add((w.opens_at, w.closes_at))
        spans = list(by_pub.values())
        shared = [a & b for i, a in enumerate(spans) for b in spans[i + 1 :]]
        assert any(shared), "two publications state the same tijdvak, each keeps its window"
        distinct = {(w.opens_at, w.closes_at) for w in distinct_windows(windows)}
        assert len(distinct_windows(windows)) == len(distinct)
        told = [(e.after or {}).get("opens_at") for e in announced]
        assert len(told) == len(set(told)), "each tijdvak announced once"


def test_amendment_to_an_older_regulation_joins_it(engine: Engine, replay: ReplayServer) -> None:
    config = make_config(replay, {"stcrt": STCRT})
    run_sources(config, engine, now=NOW)
    with Session(engine) as s:
        nl = s.exec(
            select(Scheme).where(
                Scheme.title == "Tijdelijke subsidieregeling NL leert door met inzet van scholing"
            )
        ).one()
        keys = {p.key for p in s.exec(select(Publication).where(Publication.scheme_id == nl.id))}
        assert keys == {"stcrt-2020-46170", "stcrt-2021-34759"}
