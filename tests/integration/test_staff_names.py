"""Staff pages name provinces, sources and counts in Dutch, not by code (QA walkthrough):
no 'Provincie (NL-GE)', 'Regio's NL-GE', 'regio's: NL-GE', '1 abonnementen' or a source id
in a review reason."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import NOW
from tests.e2e.support import (
    SOURCE_TITLES,
    login,
    make_app,
    titled_staff_config,
)
from tracker.config import Config
from tracker.models import Scheme, Subscription, Window
from tracker.ops.replay import ReplayServer
from tracker.web.dashboard.wording import review_reason

TITLES = SOURCE_TITLES


@pytest.fixture
def config(engine: Engine, replay: ReplayServer) -> Config:
    return titled_staff_config(replay, engine)


@pytest.fixture
def client(config: Config, engine: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(config, engine)) as c:
        login(c)
        yield c


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _gelderland_scheme(engine: Engine) -> int:
    """A scraped scheme made Gelderland's, as the QA walkthrough saw it."""
    with Session(engine) as s:
        scheme = s.exec(select(Scheme).order_by(col(Scheme.id))).first()
        assert scheme is not None and scheme.id is not None
        scheme.level, scheme.regions, scheme.publisher = "provincie", ["NL-GE"], "Gelderland"
        s.add(scheme)
        s.commit()
        return scheme.id


def test_scheme_list_and_detail_name_the_province(client: TestClient, engine: Engine) -> None:
    scheme_id = _gelderland_scheme(engine)
    listing = client.get("/beheer/regelingen").text
    row = next(r for r in listing.split("<tr>") if f'/beheer/regelingen/{scheme_id}"' in r)
    assert 'Provincie <span class="muted">(Gelderland)</span>' in row
    assert "provincie Gelderland" in row  # the publisher, as the public pages show it
    assert '<option value="NL-GE">Gelderland</option>' in listing  # the region filter
    assert "NL-GE" not in _text(listing)
    detail = client.get(f"/beheer/regelingen/{scheme_id}").text
    assert "<tr><th>Regio's</th><td>Gelderland</td></tr>" in detail
    assert "<tr><th>Uitgever</th><td>provincie Gelderland</td></tr>" in detail
    # only the editing field keeps the codes staff type
    assert _text(detail).count("NL-GE") == 1 and 'value="NL-GE"' in detail


def test_eu_publisher_is_shown_in_dutch(client: TestClient, engine: Engine) -> None:
    with Session(engine) as s:
        scheme = s.exec(select(Scheme).order_by(col(Scheme.id).desc())).first()
        assert scheme is not None and scheme.id is not None
        scheme.level, scheme.regions, scheme.publisher = "eu", [], "European Commission"
        s.add(scheme)
        s.commit()
        scheme_id = scheme.id
    detail = client.get(f"/beheer/regelingen/{scheme_id}").text
    assert "<tr><th>Uitgever</th><td>Europese Commissie</td></tr>" in detail
    assert "Europese Commissie" in client.get("/regelingen").text
    assert "European Commission" not in _text(client.get("/regelingen").text)
    with Session(engine) as s:  # stored as the source gave it
        stored = s.get(Scheme, scheme_id)
        assert stored is not None and stored.publisher == "European Commission"


def test_subscribers_name_regions_and_count_in_dutch(client: TestClient, engine: Engine) -> None:
    with Session(engine) as s:
        s.add(
            Subscription(
                email="jan@example.org",
                regions=["NL-GE"],
                region_labels=["NL-GE"],
                levels=["provincie"],
                confirm_token="c1",
                unsubscribe_token="u1",
                created_at=NOW,
            )
        )
        s.commit()
    page = client.get("/beheer/abonnees").text
    assert "1 abonnement." in page and "1 abonnementen" not in page
    assert "regio&#39;s:</span> Gelderland</div>" in page
    assert "niveaus:</span> Provincie</div>" in page
    assert "NL-GE" not in page
    with Session(engine) as s:
        s.add(Subscription(email="piet@example.org", confirm_token="c2", unsubscribe_token="u2",
                           created_at=NOW))  # fmt: skip
        s.commit()
    assert "2 abonnementen." in client.get("/beheer/abonnees").text


def test_review_reasons_name_the_source_not_its_id(
    client: TestClient, engine: Engine, config: Config
) -> None:
    with Session(engine) as s:
        window = s.exec(
            select(Window).where(
                Window.source_id == "stcrt",
                col(Window.opens_at).is_not(None),
                col(Window.closes_at).is_not(None),
            )
        ).first()
        assert window is not None and window.opens_at and window.closes_at
        other = Window(  # another source's period for it, a day earlier and a week longer
            scheme_id=window.scheme_id,
            opens_at=window.opens_at - timedelta(days=1),
            closes_at=window.closes_at + timedelta(days=7),
            source_id="prb",
            confidence=0.99,
            created_at=NOW,
            updated_at=NOW,
        )
        s.add(other)
        s.commit()
        scheme_id = window.scheme_id
    queue = client.get("/beheer/beoordelen").text
    assert "afwijkende datums in andere publicatie (Provinciaal blad (KOOP))" in queue
    assert "(prb)" not in queue and "(stcrt)" not in queue
    detail = client.get(f"/beheer/regelingen/{scheme_id}").text
    assert "Ter beoordeling: afwijkende datums in andere publicatie (Provinciaal blad" in detail
    assert "(prb)" not in detail


def test_review_reason_wording(config: Config) -> None:
    assert review_reason(config, "afwijkende datums in andere publicatie (prb, staf)") == (
        "afwijkende datums in andere publicatie (Provinciaal blad (KOOP), medewerker)"
    )
    low = "lage zekerheid (0,30; drempel 0,60)"
    assert review_reason(config, low) == low
    assert review_reason(config, "x (nl_onbekend)") == "x (nl_onbekend)"
    assert review_reason(config, "zonder bronnen") == "zonder bronnen"
