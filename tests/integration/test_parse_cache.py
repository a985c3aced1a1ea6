"""Stored parse results (issue 14): an unchanged page is not parsed again, a changed page is
parsed on its own, and what a run stores is exactly the new results."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date, timedelta
from typing import ClassVar

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scrapers.base import Page, RawScheme, RawWindow, Request, Scraper, SourceContext
from scrapers.koop_sru import KoopSruScraper
from tests.conftest import NOW, STCRT, find_route, make_config, recorded_statements
from tracker.ingest.parsecache import ParseCache, Parsed, _dump, _load, parse_key, parse_page
from tracker.ingest.pipeline import run_source
from tracker.models import HttpCacheEntry, ParsedPage
from tracker.ops.replay import ReplayServer


class CountingSruScraper(KoopSruScraper):
    """The real KOOP SRU scraper, counting the listing pages it parses."""

    name = "koop_sru_counting_test"
    parsed: ClassVar[list[str]] = []

    def parse(self, page: Page) -> Iterator[RawScheme]:
        CountingSruScraper.parsed.append(page.url)
        yield from super().parse(page)


# Registered only while a test uses it (monkeypatch), so the registry stays the real one.
Scraper.registry.pop(CountingSruScraper.name)


def _parse_result_reads(engine: Engine) -> AbstractContextManager[list[str]]:
    """The SELECTs of stored parse results the engine runs meanwhile."""
    return recorded_statements(
        engine,
        lambda sql: "FROM parsedpage" in sql and sql.lstrip().upper().startswith("SELECT"),
    )


def _rows(engine: Engine) -> dict[str, tuple[str, object]]:
    with Session(engine) as s:
        return {r.url: (r.parse_key, r.stored_at) for r in s.exec(select(ParsedPage)).all()}


def test_unchanged_listing_is_not_parsed_again(
    engine: Engine, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(Scraper.registry, CountingSruScraper.name, CountingSruScraper)
    CountingSruScraper.parsed.clear()
    config = make_config(replay, {"stcrt": {**STCRT, "scraper": CountingSruScraper.name}})
    assert run_source(config, engine, "stcrt", now=NOW).status == "ok"
    first = list(CountingSruScraper.parsed)
    assert len(first) == 2  # two SRU pages
    stored = _rows(engine)
    assert len(stored) == 2
    # all 304: the stored results give the items and the next page, nothing is parsed or stored
    result = run_source(config, engine, "stcrt", now=NOW + timedelta(hours=6))
    assert result.status == "unchanged"
    assert CountingSruScraper.parsed == first
    assert _rows(engine) == stored
    # the second listing page changes: that page alone is parsed again
    find_route(replay, "stcrt_page2").file = "koop_sru/stcrt_page1.xml"
    run_source(config, engine, "stcrt", now=NOW + timedelta(hours=7))
    again = CountingSruScraper.parsed[len(first) :]
    assert len(again) == 1
    after = _rows(engine)
    assert len([u for u in after if after[u] != stored[u]]) == 1


def test_a_result_depends_on_body_scraper_options_and_run_date() -> None:
    ctx = SourceContext(source_id="s", today=date(2027, 3, 1))
    base = KoopSruScraper(KoopSruScraper.Options(publication="Staatscourant"), ctx)
    key = parse_key(base, "abc")
    assert parse_key(base, "abd") != key
    later = KoopSruScraper(base.options, SourceContext(source_id="s", today=date(2027, 3, 2)))
    assert parse_key(later, "abc") != key
    other = KoopSruScraper(KoopSruScraper.Options(publication="Provinciaal blad"), ctx)
    assert parse_key(other, "abc") != key


def test_results_round_trip_and_odd_ones_are_not_cached() -> None:
    item = RawScheme(key="k", title="Regeling", regions=["NL-GE"],
                     windows=[RawWindow(opens_text="1 maart 2027")], extra={"n": 1})  # fmt: skip
    parsed = Parsed([item], [Request("https://example.org/p2", headers=(("a", "b"),))], ["w"])
    text = _dump(parsed)
    assert text is not None
    assert _load(text) == parsed
    odd = Parsed([RawScheme(key="k", title="t", extra={"d": date(2027, 1, 1)})], [], [])
    assert _dump(odd) is None  # JSON cannot hold a date: parse again instead
    odd = Parsed([RawScheme(key="k", title="t", extra={"t": (1, 2)})], [], [])
    assert _dump(odd) is None  # a tuple would come back as a list
    files = Parsed([], [Request("https://example.org", "POST", files=(("f", "", "", b""),))], [])
    assert _dump(files) is None


def test_parse_page_without_a_body_hash_always_parses() -> None:
    scraper = KoopSruScraper(KoopSruScraper.Options(publication="Staatscourant"))
    cache = ParseCache(None)
    calls: list[int] = []

    def parse() -> tuple[list[RawScheme], list[Request]]:
        calls.append(1)
        scraper.warn("let op")
        return [RawScheme(key="k", title="t")], []

    assert parse_page(scraper, cache, "u", "", parse).items[0].key == "k"
    assert cache.pending == {}
    fresh = KoopSruScraper(scraper.options)
    scraper = fresh
    parse_page(fresh, cache, "u", "sha", parse)
    assert list(cache.pending) == ["u"] and len(calls) == 2
    assert _load(cache.pending["u"][1]).warnings == ["let op"]


def test_an_unchanged_response_refreshes_only_fetched_at(
    engine: Engine, replay: ReplayServer
) -> None:
    config = make_config(replay, {"stcrt": STCRT})
    run_source(config, engine, "stcrt", now=NOW)
    with Session(engine) as s:
        before = {r.url: r.body for r in s.exec(select(HttpCacheEntry)).all()}
    later = NOW + timedelta(hours=6)
    assert run_source(config, engine, "stcrt", now=later).status == "unchanged"
    with Session(engine) as s:
        rows = s.exec(select(HttpCacheEntry)).all()
    assert {r.url: r.body for r in rows} == before
    # retention (tracker.ops.retention) keeps entries by fetched_at: a 304 still counts
    data = [r for r in rows if not r.url.endswith("/robots.txt")]
    assert data and all(r.fetched_at == later for r in data)


def test_a_304_reads_its_stored_body_only_when_the_page_is_parsed(
    engine: Engine, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is loaded without bodies (issue 14: memory): a 304 whose parse result is
    stored reads no body, nor does an unchanged detail page; when the stored results are gone
    (new scraper code) the 304s' listing bodies are read from the database and parsed."""
    import tracker.ingest.pipeline as pipeline

    monkeypatch.setitem(Scraper.registry, CountingSruScraper.name, CountingSruScraper)
    CountingSruScraper.parsed.clear()
    reads: list[str] = []
    real = pipeline._stored_body

    def counting(engine: Engine, url: str) -> bytes | None:
        reads.append(url)
        return real(engine, url)

    monkeypatch.setattr(pipeline, "_stored_body", counting)
    config = make_config(replay, {"stcrt": {**STCRT, "scraper": CountingSruScraper.name}})
    first = run_source(config, engine, "stcrt", now=NOW)
    assert first.status == "ok" and not reads
    assert run_source(config, engine, "stcrt", now=NOW + timedelta(hours=1)).status == "unchanged"
    assert not reads, "a stored parse result needs no body, an unchanged detail none either"
    with Session(engine) as s:
        for row in s.exec(select(ParsedPage)).all():
            s.delete(row)
        s.commit()
    parsed = len(CountingSruScraper.parsed)
    later = run_source(config, engine, "stcrt", now=NOW + timedelta(hours=2))
    assert later.status == "unchanged" and later.items_found == first.items_found
    assert len(reads) == 2 and len(CountingSruScraper.parsed) == parsed + 2
    assert sorted(reads) == sorted(CountingSruScraper.parsed[parsed:])


def test_first_requests_results_are_read_in_one_query(engine: Engine, replay: ReplayServer) -> None:
    """An all-304 cycle reads the stored results of every source's first requests in one
    query (issue 14); a later page (the SRU listing's second page) is read on its own."""
    config = make_config(replay, {"stcrt": STCRT})
    assert run_source(config, engine, "stcrt", now=NOW).status == "ok"
    with _parse_result_reads(engine) as reads:
        result = run_source(config, engine, "stcrt", now=NOW + timedelta(hours=1))
    assert result.status == "unchanged"
    assert len(reads) == 2, reads
    assert " IN " in reads[0].upper()


def test_a_first_run_does_not_look_up_results_it_knows_are_not_stored(
    engine: Engine, replay: ReplayServer
) -> None:
    """The preload query also says which first requests have no stored result: a first run
    asks once, not once more per page (issue 14: a tenth of a first cycle's parsing time);
    the SRU listing's second page, not preloaded, is looked up on its own."""
    config = make_config(replay, {"stcrt": STCRT})
    with _parse_result_reads(engine) as reads:
        assert run_source(config, engine, "stcrt", now=NOW).status == "ok"
    assert len(reads) == 2, reads
    assert " IN " in reads[0].upper() and " IN " not in reads[1].upper()
    assert len(_rows(engine)) == 2, "both pages were parsed and their results stored"
