"""Request-scoped dependencies: config, database session, templates, the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from tracker.config import Config


def get_config(request: Request) -> Config:
    config: Config = request.app.state.config
    return config


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


# largest id a path may carry: beyond it SQLite and PostgreSQL integers overflow
MAX_ID = 2**31 - 1


def now_utc(request: Request) -> datetime:
    """The current time; tests inject ``app.state.clock``."""
    clock: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock else datetime.now(UTC)
