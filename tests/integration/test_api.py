"""The JSON API: public and staff access, and schemathesis over the generated OpenAPI schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.e2e.support import add_staff, login, make_app, scraped_config
from tracker.models import Event, Scheme
from tracker.ops.replay import ReplayServer


@pytest.fixture
def app(engine: Engine, replay: ReplayServer) -> FastAPI:
    add_staff(engine)
    return make_app(scraped_config(replay, engine), engine)


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def staff(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        login(client)
        yield client


def test_public_schemes_and_filters(anonymous: TestClient) -> None:
    schemes = anonymous.get("/api/schemes").json()
    assert len(schemes) == 9
    overijssel = next(s for s in schemes if s["title"].startswith("Uitvoeringsbesluit subsidies"))
    assert overijssel["status"] == "upcoming"
    assert overijssel["next_opens_at"].startswith("2027-01-31T23:00")  # 1 February, local
    slim = next(s for s in schemes if s["title"] == "SLIM-regeling")
    # one filter model with the feeds: a region includes the schemes that apply everywhere
    gelderland = anonymous.get("/api/schemes", params={"region": "NL-GE"}).json()
    assert "SLIM-regeling" in [s["title"] for s in gelderland]
    assert all(s["regions"] in ([], ["NL-GE"]) for s in gelderland)
    provincial = {"region": "NL-GE", "level": "provincie"}
    gelderland = anonymous.get("/api/schemes", params=provincial).json()
    assert [s["title"] for s in gelderland] == ["Algemeen Plafondbesluit 2027"]
    page = anonymous.get("/api/schemes", params={"limit": 2, "offset": 1, "sort": "title"}).json()
    titles = sorted(s["title"].casefold() for s in schemes)
    assert [s["title"].casefold() for s in page] == titles[1:3]
    detail = anonymous.get(f"/api/schemes/{slim['id']}").json()
    # SLIM's sources state its periods beside decision dates and other rounds: every
    # extraction has two doubts or more, so its periods wait for staff review and are not
    # public before that (tests/integration/test_review_hold.py)
    assert slim["status"] == "unknown" and slim["next_opens_at"] is None
    assert detail["windows"] == []
    assert anonymous.get("/api/schemes/999999").status_code == 404
    assert anonymous.get("/api/schemes", params={"region": "Gelderland"}).status_code == 422
    # the shape of a code but no province: refused, not an empty list
    assert anonymous.get("/api/schemes", params={"region": "NL-GL"}).status_code == 422
    typo = anonymous.get("/api/schemes", params={"theme": "scholng"})
    assert typo.status_code == 422
    assert typo.json()["detail"].startswith("onbekend thema; kies uit scholing, techniek")
    assert anonymous.get("/api/schemes", params={"theme": "scholing"}).status_code == 200
    # doelgroep filters as in the feeds (it was ignored: every scheme came back)
    mkb = anonymous.get("/api/schemes", params={"doelgroep": "mkb"}).json()
    assert 0 < len(mkb) < len(schemes) and all("mkb" in s["doelgroepen"] for s in mkb)
    assert anonymous.get("/api/schemes", params={"doelgroep": "zzp"}).status_code == 422
    # an event kind that does not exist is refused, not answered with no events
    assert anonymous.get("/api/events", params={"kind": "closing_soon"}).status_code == 422
    opened = anonymous.get("/api/events", params={"kind": "window_announced"}).json()
    assert opened and all(e["kind"] == "window_announced" for e in opened)
    # a scheme that does not exist is 404, as /api/schemes/{id}, not an empty list
    for path in ("/api/windows", "/api/events"):
        assert anonymous.get(path, params={"scheme_id": 999_999}).status_code == 404
        assert anonymous.get(path, params={"scheme_id": slim["id"]}).status_code == 200


def test_hidden_and_unpublished_data_need_staff(
    anonymous: TestClient, staff: TestClient, engine: Engine
) -> None:
    with Session(engine) as s:
        scheme = s.exec(select(Scheme).where(Scheme.title == "SLIM-regeling")).one()
        scheme.hidden = True
        event = s.exec(select(Event).where(Event.scheme_id != scheme.id)).first()
        assert event is not None
        event.published = False
        s.add_all([scheme, event])
        s.commit()
        hidden_id, held_id = scheme.id, event.id
    assert anonymous.get(f"/api/schemes/{hidden_id}").status_code == 404
    assert all(s["id"] != hidden_id for s in anonymous.get("/api/schemes").json())
    assert anonymous.get("/api/schemes", params={"include_hidden": True}).status_code == 401
    assert staff.get(f"/api/schemes/{hidden_id}").json()["hidden"] is True
    public_events = {e["id"] for e in anonymous.get("/api/events", params={"limit": 500}).json()}
    assert held_id not in public_events
    assert anonymous.get("/api/events", params={"include_unpublished": True}).status_code == 401
    staff_events = staff.get("/api/events", params={"include_unpublished": True, "limit": 500})
    assert held_id in {e["id"] for e in staff_events.json()}
    windows = anonymous.get("/api/windows", params={"limit": 500}).json()
    assert windows and all(w["scheme_id"] != hidden_id for w in windows)


def test_sources_are_staff_only(anonymous: TestClient, staff: TestClient) -> None:
    assert anonymous.get("/api/sources").status_code == 401
    sources = {s["id"]: s for s in staff.get("/api/sources").json()}
    assert sources["stcrt"]["last_status"] == "ok" and sources["stcrt"]["items_found"] == 5
    assert sources["prb"]["flagged"] is False


def test_openapi_lists_the_api_but_not_the_dashboard(anonymous: TestClient) -> None:
    paths = anonymous.get("/openapi.json").json()["paths"]
    assert {
        "/api/schemes",
        "/api/schemes/{scheme_id}",
        "/api/windows",
        "/api/events",
        "/api/sources",
    } <= set(paths)
    assert not any(p.startswith("/beheer") for p in paths) and "/login" not in paths


def _cookie(app: FastAPI) -> dict[str, str]:
    with TestClient(app) as client:
        login(client)
        return {"tracker_session": client.cookies["tracker_session"]}


@pytest.mark.parametrize("as_staff", [False, True], ids=["anonymous", "staff"])
def test_no_server_errors_on_generated_input(app: FastAPI, as_staff: bool) -> None:
    """schemathesis: every operation in the OpenAPI schema, bounded and derandomised."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    cookies = _cookie(app) if as_staff else {}
    checked, statuses = [], []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call(cookies=cookies)
            statuses.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} {case.query}: {response.status_code}"
            )

        run()
        checked.append(operation.label)
    assert any("/api/schemes" in label for label in checked), checked
    assert len(statuses) >= 5 * len(checked) and 200 in statuses
