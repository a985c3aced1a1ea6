"""Schemes are named by their short name; publications keep their full heading (issue 15).

SQLite and PostgreSQL. The source run uses the koop_sru fixtures on the loopback replay server.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scrapers._names import is_heading, is_poor_name
from tests.conftest import NOW, STCRT, make_config
from tracker.ingest.normalise import SchemeData
from tracker.ingest.pipeline import run_source
from tracker.ingest.store import scheme_title, store_scheme
from tracker.models import Publication, Scheme, Source
from tracker.ops.replay import ReplayServer
from tracker.staff.corrections import detach_publication

HEADING = (
    "Regeling van de Minister van Sociale Zaken en Werkgelegenheid van 4 november 2026, nr. "
    "2026-0000231877, tot wijziging van de SLIM-regeling in verband met de aanvraagtijdvakken"
)


def test_source_run_names_schemes_and_keeps_headings(engine: Engine, replay: ReplayServer) -> None:
    config = make_config(replay, {"stcrt": STCRT})
    assert run_source(config, engine, "stcrt", now=NOW).status == "ok"
    with Session(engine) as s:
        pubs = {p.key: p for p in s.exec(select(Publication)).all()}
        sde = pubs["stcrt-2026-30567"]
        assert sde.title.startswith("Regeling van de Minister van Klimaat en Groene Groei van 17")
        scheme = s.get(Scheme, sde.scheme_id)
        assert scheme is not None
        assert scheme.title == "Stimulering duurzame energieproductie en klimaattransitie in 2026"
        assert scheme.slug.startswith("stimulering-duurzame-energieproductie")
        slim = s.get(Scheme, pubs["stcrt-2026-41208"].scheme_id)
        assert slim is not None and slim.title == "SLIM-regeling"
        assert is_heading(pubs["stcrt-2026-41208"].title)
        titles = [x.title for x in s.exec(select(Scheme)).all()]
        assert titles and not [t for t in titles if is_poor_name(t)], titles


def _data(key: str, title: str, name: str, identifiers: tuple[str, ...]) -> SchemeData:
    return SchemeData(key=key, title=title, url=f"https://example.org/{key}", publisher="SZW",
                      summary="", level="rijk", regions=(), published_on=None,
                      identifiers=identifiers, cited_titles=(), windows=(), status="unknown",
                      name=name)  # fmt: skip


def test_scheme_title_prefers_the_name_then_the_claim_then_the_cleaned_title() -> None:
    assert scheme_title(_data("a", HEADING, "SLIM-regeling", ())) == "SLIM-regeling"
    claimed = SchemeData(**{**_data("a", HEADING, "", ()).__dict__,
                            "cited_titles": ("SLIM-regeling",)})  # fmt: skip
    assert scheme_title(claimed) == "SLIM-regeling"
    assert scheme_title(_data("b", "SDE++ aanvragen | RVO.nl", "", ())) == "SDE++"


def test_a_later_name_replaces_a_heading_but_not_a_name(engine: Engine) -> None:
    with Session(engine) as s:
        s.add_all([Source(id="stcrt"), Source(id="bwb"), Source(id="page")])
        s.flush()
        first = store_scheme(s, "stcrt", _data("stcrt-1", HEADING, "", ("stcrt-1",)), NOW)
        scheme = first.scheme
        # a scheme stored before names existed (or detached by staff) still has the heading
        scheme.title = HEADING
        s.add(scheme)
        s.flush()
        regulation = _data("BWBR0043015", "SLIM-regeling", "SLIM-regeling",
                           ("BWBR0043015", "stcrt-1"))  # fmt: skip
        later = store_scheme(s, "bwb", regulation, NOW + timedelta(hours=1))
        assert later.scheme.id == scheme.id and later.publication.merge_kind == "identifier"
        assert scheme.title == "SLIM-regeling"
        assert later.publication.title == "SLIM-regeling"
        assert s.exec(select(Publication).where(Publication.key == "stcrt-1")).one().title == (
            HEADING
        )
        # another publication's name does not replace a real name
        page = _data("https://uvb.example/slim", "SLIM aanvragen | UVB", "SLIM",
                     ("BWBR0043015",))  # fmt: skip
        store_scheme(s, "page", page, NOW + timedelta(hours=2))
        assert scheme.title == "SLIM-regeling"
        # the creating publication offering only a heading keeps the real name
        poor = _data("stcrt-1", HEADING, HEADING, ("stcrt-1",))
        store_scheme(s, "stcrt", poor, NOW + timedelta(hours=3))
        assert scheme.title == "SLIM-regeling"
        s.commit()


def test_detached_publication_gets_its_name_on_the_next_scrape(engine: Engine) -> None:
    with Session(engine) as s:
        s.add_all([Source(id="bwb"), Source(id="stcrt")])
        s.flush()
        regulation = _data("BWBR0043015", "SLIM-regeling", "SLIM-regeling", ("BWBR0043015",))
        base = store_scheme(s, "bwb", regulation, NOW).scheme
        amendment = _data("stcrt-2", HEADING, "SLIM-regeling", ("stcrt-2", "BWBR0043015"))
        pub = store_scheme(s, "stcrt", amendment, NOW).publication
        assert pub.scheme_id == base.id and pub.title == HEADING
        new = detach_publication(s, base, pub, "staf", NOW + timedelta(hours=1))
        store_scheme(s, "stcrt", amendment, NOW + timedelta(hours=2))
        assert new.title == "SLIM-regeling" and pub.title == HEADING
        s.commit()
