"""Shared helpers for the dashboard tests: a really scraped database, staff users, login."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import NOW, PRB, STCRT, make_config
from tracker.config import Config, ReviewConfig
from tracker.ingest.pipeline import run_source
from tracker.ops.replay import ReplayServer
from tracker.staff.users import create_user
from tracker.web.app import create_app

STAFF = ("anna", "correct horse battery staple")
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def scraped_config(replay: ReplayServer, engine: Engine, **review: Any) -> Config:
    """Scrape the bundled Staatscourant and Provinciaal blad payloads into the database."""
    config = make_config(replay, {"stcrt": STCRT, "prb": PRB})
    if review:
        config = config.model_copy(update={"review": ReviewConfig(**review)})
    for source_id in config.sources:
        result = run_source(config, engine, source_id, now=NOW)
        assert result.status == "ok", result.error
    return config


# the sources as staff name them in config (titles instead of ids on staff pages)
SOURCE_TITLES = {"stcrt": "Staatscourant (KOOP)", "prb": "Provinciaal blad (KOOP)"}


def titled_staff_config(replay: ReplayServer, engine: Engine) -> Config:
    """``scraped_config`` with source titles and a staff user: the staff pages' setting."""
    scraped = scraped_config(replay, engine)
    sources = {
        sid: src.model_copy(update={"title": SOURCE_TITLES[sid]})
        for sid, src in scraped.sources.items()
    }
    add_staff(engine)
    return scraped.model_copy(update={"sources": sources})


def add_staff(engine: Engine, username: str = STAFF[0], password: str = STAFF[1]) -> None:
    with Session(engine) as session:
        create_user(session, username, password)
        session.commit()


def make_app(config: Config, engine: Engine, *, clock: bool = True) -> FastAPI:
    app = create_app(config, engine)
    if clock:
        app.state.clock = lambda: NOW
    return app


def csrf_from(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str = STAFF[0], password: str = STAFF[1]) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/beheer"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/beheer"


def post_form(client: TestClient, page: str, action: str, data: dict[str, str]) -> Any:
    """Post a form the way a browser would: with the CSRF token from the page."""
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)
