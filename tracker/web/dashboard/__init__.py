"""The staff dashboard: server-rendered pages behind the staff login."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request, Response

from tracker.config import Config
from tracker.web.dashboard import (
    overview,
    review_page,
    scheme_edit,
    schemes,
    sources,
    subscribers,
)

router = APIRouter(include_in_schema=False)
for module in (overview, schemes, scheme_edit, review_page, sources, subscribers):
    router.include_router(module.router)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# inline <style> is used by the templates; no inline or third-party script is
DASHBOARD_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def install_staff(app: FastAPI, config: Config) -> None:
    """Add login, sessions, the dashboard pages, the JSON API and security headers."""
    from tracker.web import api_routes, auth
    from tracker.web.dashboard.api_docs import install_api_docs
    from tracker.web.dashboard.filters import configure_templates
    from tracker.web.dashboard.wording import install_wording

    configure_templates(app.state.templates)
    install_wording(app.state.templates)
    auth.install_auth(app, config)
    app.include_router(router)
    app.include_router(api_routes.router)
    install_api_docs(app)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", DASHBOARD_CSP)
        if _private(request):
            # staff pages and what a staff session sees of the API (unpublished alerts, hidden
            # schemes) stay out of shared caches and the browser's back-button history
            response.headers["Cache-Control"] = "no-store"
        return response


def _private(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/beheer", "/login", "/logout")):
        return True
    from tracker.web.auth import COOKIE

    return path.startswith("/api") and COOKIE in request.cookies
