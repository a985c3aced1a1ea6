"""Request-scoped dependencies: config, database session, templates."""

from __future__ import annotations

from collections.abc import Iterator

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
