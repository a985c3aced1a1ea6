"""A changed or shrinking listing never removes schemes in a hurry (SQLite and PostgreSQL).

A listing of two pages (10 schemes each) on the loopback replay server. A redesign that drops
the link to page 2 halves the listing: that run is degraded against the source's healthy
baseline, the baseline stays, and back-to-back runs (changed or answering 304) remove
nothing. A scheme really gone is removed once it was absent from ``removal_runs`` healthy
runs that read the listing and ``removal_days`` have passed since its first absence.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import FIXTURES, NOW, make_config
from tracker.config import Config, DefaultsConfig
from tracker.ingest.pipeline import run_source
from tracker.models import Event, Publication, Scheme, Source
from tracker.ops.replay import ReplayServer, Route

PAGE1 = "https://www.example-regelingen.nl/lijst"
PAGE2 = "https://www.example-regelingen.nl/lijst2"
LIST = {
    "scraper": "html_list",
    "url": PAGE1,
    "level": "rijk",
    "options": {"item": "li.teaser", "title": "h3", "link": "h3 a", "closes": ".closes",
                "next": "a[rel=next]"},
}  # fmt: skip


def _listing(numbers: range | list[int], *, next_page: bool = False, stamp: str = "") -> bytes:
    items = "".join(
        f'<li class="teaser"><h3><a href="/regeling/{i}">Subsidieregeling Test {i}</a></h3>'
        f'<span class="closes">Aanvragen tot en met 31 december 2099</span></li>'
        for i in numbers
    )
    more = '<a rel="next" href="/lijst2">volgende</a>' if next_page else ""
    # the stamp changes the page (a new ETag) without changing an item
    return f"<html><body><ul>{items}</ul>{more}<p>{stamp}</p></body></html>".encode()


class _Site:
    def __init__(self) -> None:
        self.first = Route(url=PAGE1, content_type="text/html; charset=utf-8",
                           body=_listing(range(1, 11), next_page=True))  # fmt: skip
        self.second = Route(url=PAGE2, content_type="text/html; charset=utf-8",
                            body=_listing(range(11, 21)))  # fmt: skip
        self.server = ReplayServer(FIXTURES, [self.first, self.second]).start()

    def config(self) -> Config:
        config = make_config(self.server, {"lijst": LIST})
        # the shipped defaults: degraded_ratio 0.5, removal_runs 3, removal_days 2,
        # baseline_days 14
        return config.model_copy(update={"defaults": DefaultsConfig()})


@pytest.fixture
def site() -> Iterator[_Site]:
    made = _Site()
    yield made
    made.server.stop()


def _removed(engine: Engine) -> tuple[list[str], int]:
    """Titles of removed schemes, and the number of scheme_removed events."""
    with Session(engine) as s:
        titles = sorted(
            x.title for x in s.exec(select(Scheme).where(col(Scheme.removed_at).is_not(None)))
        )
        events = s.exec(select(Event).where(Event.kind == "scheme_removed")).all()
        return titles, len(events)


def _source(engine: Engine) -> Source:
    with Session(engine) as s:
        source = s.get(Source, "lijst")
        assert source is not None
        return source


def _missing(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        pubs = s.exec(select(Publication).where(col(Publication.missing_runs) > 0)).all()
        return {p.title: p.missing_runs for p in pubs}


@pytest.mark.parametrize("step", [timedelta(minutes=1), timedelta(days=1)])
def test_lost_pagination_removes_nothing_and_keeps_the_source_flagged(
    engine: Engine, site: _Site, step: timedelta
) -> None:
    """The reviewer's case: the 'next' link disappears and three runs follow (in minutes, or
    a day apart): every one is degraded, no scheme is removed, the baseline stays 20."""
    config = site.config()
    first = run_source(config, engine, "lijst", now=NOW)
    assert (first.status, first.items_found) == ("ok", 20)
    site.first.body = _listing(range(1, 11))  # the redesign drops the pagination link
    runs = [run_source(config, engine, "lijst", now=NOW + step * n) for n in (1, 2, 3)]
    assert [r.status for r in runs] == ["degraded"] * 3, [(r.status, r.error) for r in runs]
    assert runs[1].not_modified == runs[1].requests > 0, "the later runs were answered 304"
    assert "10 items" in runs[0].error and "20" in runs[0].error
    assert all(r.items_found == 10 for r in runs)
    assert _removed(engine) == ([], 0)
    assert _missing(engine) == {}, "a degraded run is no absence"
    source = _source(engine)
    assert source.flagged and "20" in source.flag_reason
    assert source.last_healthy_items == 20


def test_a_scheme_really_gone_is_removed_after_runs_and_days(engine: Engine, site: _Site) -> None:
    """Absent from three changed listings within the hour: still there. Two days after its
    first absence, a further healthy run removes it, once."""
    config = site.config()
    assert run_source(config, engine, "lijst", now=NOW).items_found == 20
    times = [NOW + timedelta(minutes=m) for m in (10, 20, 30)]
    for n, at in enumerate(times):
        site.second.body = _listing(range(11, 20), stamp=f"bijgewerkt {n}")
        result = run_source(config, engine, "lijst", now=at)
        assert (result.status, result.items_found) == ("ok", 19), result.error
    assert _missing(engine) == {"Subsidieregeling Test 20": 3}
    assert _removed(engine) == ([], 0), "three runs in half an hour remove nothing"
    site.second.body = _listing(range(11, 20), stamp="bijgewerkt 3")
    later = run_source(config, engine, "lijst", now=times[0] + timedelta(days=2))
    assert later.status == "ok"
    assert _removed(engine) == (["Subsidieregeling Test 20"], 1)
    site.second.body = _listing(range(11, 20), stamp="bijgewerkt 4")
    run_source(config, engine, "lijst", now=times[0] + timedelta(days=3))
    assert _removed(engine) == (["Subsidieregeling Test 20"], 1), "removed once"


def test_unchanged_runs_count_an_absence_once_a_day(engine: Engine, site: _Site) -> None:
    """Once counted absent, a listing answering 304 says nothing new: runs minutes apart count
    nothing, but a further day without the item counts once more, so an item dropped from a
    listing that never changes again is removed after ``removal_runs`` absences and
    ``removal_days``, not never."""
    config = site.config()
    run_source(config, engine, "lijst", now=NOW)
    site.second.body = _listing(range(11, 20))
    day, minute = timedelta(days=1), timedelta(minutes=1)
    assert run_source(config, engine, "lijst", now=NOW + day).status == "ok"
    for n in (5, 10, 15):  # a cron every five minutes
        assert run_source(config, engine, "lijst", now=NOW + day + n * minute).status == "unchanged"
    assert _missing(engine) == {"Subsidieregeling Test 20": 1}
    assert run_source(config, engine, "lijst", now=NOW + 2 * day).status == "unchanged"
    assert run_source(config, engine, "lijst", now=NOW + 2 * day + 5 * minute).status == "unchanged"
    assert _missing(engine) == {"Subsidieregeling Test 20": 2}
    assert _removed(engine) == ([], 0)
    assert run_source(config, engine, "lijst", now=NOW + 3 * day).status == "unchanged"
    assert _removed(engine) == (["Subsidieregeling Test 20"], 1)
    run_source(config, engine, "lijst", now=NOW + 4 * day)
    assert _removed(engine) == (["Subsidieregeling Test 20"], 1), "removed once"


def test_the_baseline_does_not_shrink_with_the_listing(engine: Engine, site: _Site) -> None:
    """20, then 14 (a healthy run: six counted absent), then 10: against the baseline of 20
    that is half, so degraded, although it is more than half of the 14 just before."""
    config = site.config()
    run_source(config, engine, "lijst", now=NOW)
    site.second.body = _listing(range(11, 15))
    fewer = run_source(config, engine, "lijst", now=NOW + timedelta(days=1))
    assert (fewer.status, fewer.items_found) == ("ok", 14)
    assert _source(engine).last_healthy_items == 20, "one lower run does not move the baseline"
    site.first.body = _listing(range(1, 11))
    half = run_source(config, engine, "lijst", now=NOW + timedelta(days=2))
    assert half.status == "degraded", half.error
    assert _source(engine).last_healthy_items == 20
    assert set(_missing(engine)) == {f"Subsidieregeling Test {i}" for i in range(15, 21)}


def test_a_lower_count_held_for_baseline_days_becomes_the_baseline(
    engine: Engine, site: _Site
) -> None:
    """A listing halved for good: degraded (and nothing removed) for ``baseline_days``; then
    the lower count is the baseline, the run is healthy, and removal takes its own runs and
    days from there."""
    config = site.config()
    run_source(config, engine, "lijst", now=NOW)
    statuses: dict[int, str] = {}
    for day in range(1, 18):
        site.first.body = _listing(range(1, 11), stamp=f"dag {day}")  # a page 2 no more
        statuses[day] = run_source(config, engine, "lijst", now=NOW + timedelta(days=day)).status
        if day < 17:
            assert _removed(engine) == ([], 0), f"day {day}"
    assert {statuses[d] for d in range(1, 15)} == {"degraded"}
    assert [statuses[d] for d in (15, 16, 17)] == ["ok", "ok", "ok"]
    assert _source(engine).last_healthy_items == 10
    titles, events = _removed(engine)
    assert events == 10 and titles == sorted(f"Subsidieregeling Test {i}" for i in range(11, 21))
