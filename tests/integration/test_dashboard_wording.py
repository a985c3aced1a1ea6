"""Dashboard wording (issue 15): decimal commas, source titles instead of ids, no config syntax,
date-only moments without a clock time, and a staff correction listed once in the history."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.e2e.support import (
    SOURCE_TITLES,
    login,
    make_app,
    post_form,
    titled_staff_config,
)
from tracker.config import Config
from tracker.models import Scheme, Window
from tracker.ops.replay import ReplayServer
from tracker.web.dashboard.filters import readable_value
from tracker.web.dashboard.wording import decimal_nl, source_title

TITLES = SOURCE_TITLES


@pytest.fixture
def config(engine: Engine, replay: ReplayServer) -> Config:
    return titled_staff_config(replay, engine)


@pytest.fixture
def client(config: Config, engine: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(config, engine)) as c:
        login(c)
        yield c


def _slim(engine: Engine) -> tuple[int, int]:
    with Session(engine) as s:
        scheme = s.exec(select(Scheme).where(Scheme.title == "SLIM-regeling")).one()
        window = s.exec(select(Window).where(Window.scheme_id == scheme.id)).first()
        assert scheme.id is not None and window is not None and window.id is not None
        return scheme.id, window.id


def _history(html: str) -> list[str]:
    table = html[html.index('id="history"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


def test_numbers_use_a_decimal_comma_and_sources_their_title(
    client: TestClient, engine: Engine
) -> None:
    scheme_id, _ = _slim(engine)
    page = client.get(f"/beheer/regelingen/{scheme_id}").text
    assert re.search(r"zekerheid \d,\d\d", page)
    assert not re.search(r"zekerheid \d\.\d", page)
    assert "Bron: Staatscourant (KOOP)" in page
    assert "<td>Staatscourant (KOOP)</td>" in page  # publications and history
    assert "Bron: stcrt" not in page and "<td>stcrt</td>" not in page
    review = client.get("/beheer/beoordelen").text
    assert re.search(r"zekerheid onder \d,\d\d", review)
    for path in ("/beheer/bronnen", "/beheer/beoordelen"):
        text = client.get(path).text
        assert "<code>" not in text and "allow_private_hosts" not in text
        assert "hold_low_confidence" not in text
    sources = client.get("/beheer/bronnen").text
    assert "Staatscourant (KOOP)" in sources
    assert re.search(r"\d,\d s</td>", sources)


def test_a_correction_is_one_history_row_without_clock_for_a_date(
    client: TestClient, engine: Engine
) -> None:
    scheme_id, window_id = _slim(engine)
    page = f"/beheer/regelingen/{scheme_id}"
    before = len(_history(client.get(page).text))
    response = post_form(
        client,
        page,
        f"{page}/periodes/{window_id}/corrigeren",
        {"opens_on": "2027-03-01", "opens_time": "09:00", "closes_on": "2027-04-15"},
    )
    assert response.status_code == 303
    rows = _history(client.get(page).text)
    assert len(rows) == before + 1, rows
    newest = rows[0]
    assert "Aanvraagperiode gewijzigd" in newest and "anna" in newest
    assert "sluit: 31 maart 2027 17:00 → 15 april 2027" in newest
    assert "23:59" not in newest and "00:00" not in newest
    assert not any("datum gecorrigeerd" in row for row in rows)

    post_form(client, page, f"{page}/periodes/{window_id}/budget-op", {})
    rows = _history(client.get(page).text)
    assert len(rows) == before + 2
    assert "Subsidieplafond bereikt" in rows[0] and "anna" in rows[0]
    assert re.search(r"budget uitgeput: (nee → )?ja", rows[0])

    # and undone: the page offers 'Budget weer beschikbaar' instead, and the history tells it
    assert f"{page}/periodes/{window_id}/budget-beschikbaar" in client.get(page).text
    post_form(client, page, f"{page}/periodes/{window_id}/budget-beschikbaar", {})
    shown = client.get(page).text
    rows = _history(shown)
    assert "Budget weer beschikbaar" in rows[0] and re.search(
        r"budget uitgeput: (ja → )?nee", rows[0]
    )
    assert f"{page}/periodes/{window_id}/budget-op" in shown


def test_readable_values() -> None:
    assert readable_value("2027-04-15T21:59:59+00:00", "closes_at") == "15 april 2027"
    assert readable_value("2027-03-01T00:00:00+01:00", "opens_at") == "1 maart 2027"
    assert readable_value("2027-03-01T08:00:00+00:00", "opens_at") == "1 maart 2027 09:00"
    assert readable_value("8000000.50", "budget_eur") == "€ 8.000.000,50"
    assert readable_value("veel", "budget_eur") == "veel"
    assert readable_value(None) == "leeg" and readable_value("True") == "ja"
    assert decimal_nl(0.95) == "0,95" and decimal_nl(12.345, 1) == "12,3"
    assert decimal_nl(None) == "—"


def test_source_title_falls_back_to_the_id(config: Config) -> None:
    assert source_title(config, "stcrt") == "Staatscourant (KOOP)"
    assert source_title(config, "staf") == "medewerker"
    assert source_title(config, "nl_unknown") == "nl_unknown"
    assert source_title(config, "") == "—"
