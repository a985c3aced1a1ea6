"""create_app(config, engine) → FastAPI application with server-rendered Jinja2 pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine

from tracker.config import Config
from tracker.read.describe import (
    LEVEL_NL,
    count_nl,
    format_money,
    moment_phrase,
    publisher_label,
    region_names,
    window_phrase,
)
from tracker.read.status import LABELS_NL
from tracker.read.timefmt import format_moment_nl
from tracker.web.caching import CompressionMiddleware
from tracker.web.feedcache import FeedFastPath
from tracker.web.limits import BodyLimit

logger = logging.getLogger(__name__)

# shown on /docs above the endpoints (user-facing, so Dutch)
API_DESCRIPTION = (
    "JSON-API van de subsidie-tracker: regelingen met hun aanvraagperiodes en status, en de "
    "signalen die abonnees krijgen. Regelingen, periodes en gepubliceerde signalen zijn "
    "openbaar; verborgen regelingen, signalen die op beoordeling wachten en de bronnen vragen "
    "een ingelogde medewerker. Tijden zijn in UTC (ISO 8601)."
)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.autoescape = True
    env.globals.update(status_label=LABELS_NL, window_phrase=window_phrase,
                       publisher_label=publisher_label, region_names=region_names,
                       level_nl=LEVEL_NL, count_nl=count_nl)  # fmt: skip
    env.filters["moment_auto"] = moment_phrase
    env.filters["moment"] = format_moment_nl
    env.filters["money"] = format_money
    return templates


def favicon() -> FileResponse:
    """The site icon at the address browsers try without a link (an SVG: every current
    browser reads one, and it stays a few hundred bytes)."""
    return FileResponse(
        STATIC / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def create_app(config: Config, engine: Engine) -> FastAPI:
    from tracker.web import feed_routes, ops_routes, public_routes, subscribe_routes
    from tracker.web.dashboard import install_staff

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warmer = None
        if config.web.warm_interval > 0:
            from tracker.read.rowcache import RowWarmer
            from tracker.read.schemes import prebuild

            def clock() -> datetime:  # the same clock as requests (tests set app.state.clock)
                injected = getattr(app.state, "clock", None)
                return injected() if injected else datetime.now(UTC)

            warmer = RowWarmer(engine, clock, config.web.warm_interval, prebuild).start()
        app.state.row_warmer = warmer
        try:
            yield
        finally:
            if warmer is not None:
                warmer.stop()

    # /docs is served offline by tracker.web.dashboard.api_docs (the default uses a CDN)
    app = FastAPI(
        title="Subsidie-tracker",
        description=API_DESCRIPTION,
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.engine = engine
    app.state.templates = make_templates()
    app.include_router(feed_routes.router)
    app.include_router(public_routes.router)
    app.include_router(subscribe_routes.router)
    app.add_exception_handler(feed_routes.FilterError, feed_routes.filter_error_response)
    # script files for the public pages: the CSP allows scripts from 'self' only
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/favicon.ico", favicon, include_in_schema=False)  # asked by browsers
    install_staff(app, config)  # login, dashboard, /api (issue 6)
    ops_routes.install_ops(app)  # /readyz, /metrics (issue 13)
    app.add_middleware(CompressionMiddleware, minimum_size=500)
    app.add_middleware(FeedFastPath)  # cached feeds answer 304 before the app runs (issue 14)
    # outermost: feed metrics count the answers of the cache above too
    app.add_middleware(ops_routes.FeedCounter, counters=app.state.feed_counters)
    # outermost of all: a body larger than any form of the site is refused before it is read
    app.add_middleware(BodyLimit)
    return app
