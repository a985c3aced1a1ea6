"""Source health: shrinking listings are degraded, removals need several healthy runs."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import FIXTURES, NOW, find_route, make_config
from tracker.config import DefaultsConfig
from tracker.ingest.pipeline import run_source
from tracker.models import Event, Scheme, Source
from tracker.ops.replay import ReplayServer

LIST = {
    "scraper": "html_list",
    "url": "https://www.rvo.nl/subsidies-financiering",
    "level": "rijk",
    "options": {
        "item": "li.teaser",
        "title": "h3",
        "link": "h3 a",
        "opens": ".opens",
        "closes": ".closes",
        "status": ".badge",
        "next": "a[rel=next]",
    },
}
PAGE1 = (FIXTURES / "html_list" / "constructed_rvo_list.html").read_bytes()


def _without_mit(stamp: str = "") -> bytes:
    """The listing without MIT; a ``stamp`` changes the page (not its items), so a run reads it
    again instead of getting 304 (an unchanged page counts no new absence)."""
    page = re.sub(
        rb'<li class="teaser">\s*<h3><a href="https://www.rvo.nl/subsidies-financiering/mit.*?</li>',
        b"",
        PAGE1,
        flags=re.S,
    )
    return page + f"<!-- {stamp} -->".encode() if stamp else page


def _config(replay: ReplayServer, ratio: float, removal_runs: int = 2):  # type: ignore[no-untyped-def]
    config = make_config(replay, {"rvo": LIST})
    defaults = DefaultsConfig(degraded_ratio=ratio, removal_runs=removal_runs)
    return config.model_copy(update={"defaults": defaults})


def test_item_gone_for_several_healthy_runs_is_removed_once(
    engine: Engine, replay: ReplayServer
) -> None:
    config = _config(replay, ratio=0.5, removal_runs=2)
    assert run_source(config, engine, "rvo", now=NOW).items_found == 4
    find_route(replay, "constructed_rvo_list.html").body = _without_mit()
    first = run_source(config, engine, "rvo", now=NOW + timedelta(days=1))
    assert first.status == "ok" and first.items_found == 3
    with Session(engine) as s:
        assert not s.exec(select(Event).where(Event.kind == "scheme_removed")).all()
    for day in (2, 3):  # the listing changes elsewhere; MIT stays away
        find_route(replay, "constructed_rvo_list.html").body = _without_mit(f"dag {day}")
        assert run_source(config, engine, "rvo", now=NOW + timedelta(days=day)).status == "ok"
    with Session(engine) as s:
        removed = s.exec(select(Event).where(Event.kind == "scheme_removed")).all()
        assert len(removed) == 1
        scheme = s.get(Scheme, removed[0].scheme_id)
        assert scheme is not None and scheme.title.startswith("MIT")
        assert scheme.removed_at is not None


def test_failed_runs_never_remove(engine: Engine, replay: ReplayServer) -> None:
    config = _config(replay, ratio=0.5, removal_runs=1)
    run_source(config, engine, "rvo", now=NOW)
    find_route(replay, "constructed_rvo_list.html").status = 500
    for day in (1, 2, 3):
        assert run_source(config, engine, "rvo", now=NOW + timedelta(days=day)).status == "failed"
    with Session(engine) as s:
        assert not s.exec(select(Event).where(Event.kind == "scheme_removed")).all()
        assert all(x.removed_at is None for x in s.exec(select(Scheme)).all())


def test_sudden_drop_is_degraded_and_flagged_without_removals(
    engine: Engine, replay: ReplayServer
) -> None:
    config = _config(replay, ratio=0.9, removal_runs=1)
    run_source(config, engine, "rvo", now=NOW)
    find_route(replay, "constructed_rvo_list.html").body = _without_mit()
    result = run_source(config, engine, "rvo", now=NOW + timedelta(days=1))
    assert result.status == "degraded"
    assert "sterke daling: 3 items, tegen 4 in gezonde runs" in result.error
    with Session(engine) as s:
        source = s.get(Source, "rvo")
        assert source is not None and source.flagged
        assert not s.exec(select(Event).where(Event.kind == "scheme_removed")).all()
