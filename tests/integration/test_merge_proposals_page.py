"""Beoordelen shows merge proposals with their reason; staff merge or keep them apart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW
from tests.e2e.support import add_staff, login, make_app, post_form
from tracker.config import Config
from tracker.db import session_scope
from tracker.ingest.normalise import SchemeData
from tracker.ingest.store import store_scheme
from tracker.models import MergeProposal, Scheme, Source

PAGE = "/beheer/beoordelen"


def _data(key: str, title: str) -> SchemeData:
    # two provincial pages of one programme, written slightly differently (no shared id or URL)
    return SchemeData(key=key, title=title, url=f"https://www.gelderland.nl/{key}", publisher="",
                      summary="", level="provincie", regions=("NL-GE",), published_on=None,
                      identifiers=(), cited_titles=(), windows=(), status="unknown")  # fmt: skip


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    add_staff(engine)
    with session_scope(engine) as s:
        s.add(Source(id="ge"))
        s.flush()
        store_scheme(s, "ge", _data("a", "Subsidieregeling vitale dorpen Gelderland"), NOW)
        store_scheme(s, "ge", _data("b", "Subsidieregeling vitale dorpjes Gelderland"),
                     NOW + timedelta(minutes=1))  # fmt: skip
    with TestClient(make_app(Config(), engine)) as c:
        login(c)
        yield c


def _proposal(engine: Engine) -> MergeProposal:
    with Session(engine) as s:
        return s.exec(select(MergeProposal)).one()


def test_proposal_is_shown_and_accepting_merges(client: TestClient, engine: Engine) -> None:
    page = client.get(PAGE).text
    assert "Samenvoegen?" in page and "titel lijkt" in page
    assert "vitale dorpjes Gelderland" in page
    proposal = _proposal(engine)
    response = post_form(client, PAGE, f"{PAGE}/voorstel/{proposal.id}", {"decision": "accept"})
    assert response.status_code == 303
    with Session(engine) as s:
        merged = s.get(Scheme, proposal.scheme_id)
        assert merged is not None and merged.merged_into_id == proposal.target_id
    assert _proposal(engine).status == "accepted"
    assert "Geen voorstellen." in client.get(PAGE).text
    again = post_form(client, PAGE, f"{PAGE}/voorstel/{proposal.id}", {"decision": "accept"})
    assert again.status_code == 303 and "al besloten" in client.get(PAGE).text


def test_rejecting_keeps_them_apart(client: TestClient, engine: Engine) -> None:
    proposal = _proposal(engine)
    response = post_form(client, PAGE, f"{PAGE}/voorstel/{proposal.id}", {"decision": "reject"})
    assert response.status_code == 303
    with Session(engine) as s:
        assert all(x.merged_into_id is None for x in s.exec(select(Scheme)).all())
    assert _proposal(engine).status == "rejected"
    missing = post_form(client, PAGE, f"{PAGE}/voorstel/999", {"decision": "reject"})
    assert missing.status_code == 404
