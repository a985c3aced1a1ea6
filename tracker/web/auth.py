"""Staff authentication: signed session cookies, login with throttling, logout.

Sessions are Starlette's SessionMiddleware (itsdangerous-signed, HttpOnly, SameSite=Lax,
Secure when the base URL is https). The signing key comes from the environment variable
``[web] secret_key_env`` names; without it a random per-process key is used (sessions then
end on restart) and a warning is logged. Passwords are checked by ``tracker.staff.users``.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import deque
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session, select
from starlette.middleware.sessions import SessionMiddleware

from tracker.config import Config, secret
from tracker.models import User
from tracker.staff.users import verify_user
from tracker.web.csrf import SESSION_KEY, csrf_token, verify_csrf
from tracker.web.deps import get_config, get_session

logger = logging.getLogger(__name__)

router = APIRouter()
COOKIE = "tracker_session"
USER_KEY = "user"


class LoginRequiredError(Exception):
    """Raised by ``require_staff``; HTML requests are redirected, API requests get 401."""


class LoginThrottle:
    """Failed logins per client address and per user name within a sliding window."""

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts, self.window = attempts, window
        self._failures: dict[str, deque[float]] = {}

    def blocked(self, keys: list[str], now: float) -> bool:
        return any(len(self._recent(key, now)) >= self.attempts for key in keys)

    def failed(self, keys: list[str], now: float) -> None:
        for key in keys:
            self._recent(key, now).append(now)

    def _recent(self, key: str, now: float) -> deque[float]:
        queue = self._failures.setdefault(key, deque())
        while queue and queue[0] <= now - self.window:
            queue.popleft()
        return queue


def install_auth(app: FastAPI, config: Config) -> None:
    """Add the session middleware, the login redirect and the throttle to the app."""
    key = secret(config.web.secret_key_env)
    if not key:
        logger.warning(
            "$%s is not set: using a random session key; staff must log in again after restart",
            config.web.secret_key_env,
        )
        key = secrets.token_urlsafe(48)
    app.add_middleware(
        SessionMiddleware,
        secret_key=key,
        session_cookie=COOKIE,
        max_age=config.staff.session_hours * 3600,
        same_site="lax",
        https_only=config.web.base_url.startswith("https://"),
    )
    app.state.login_throttle = LoginThrottle(
        config.staff.login_attempts, config.staff.login_window_seconds
    )
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.include_router(router)


async def _login_required(request: Request, _exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": "inloggen vereist"}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def current_user(request: Request) -> str | None:
    user = request.session.get(USER_KEY)
    return user if isinstance(user, str) and user else None


def require_staff(request: Request, session: Annotated[Session, Depends(get_session)]) -> str:
    """Dependency: the logged-in, still active staff user name."""
    name = current_user(request)
    if name is None:
        raise LoginRequiredError()
    user = session.exec(select(User).where(User.username == name)).first()
    if user is None or not user.active:
        request.session.clear()
        raise LoginRequiredError()
    return name


Staff = Annotated[str, Depends(require_staff)]


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/beheer"
    return target


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> Response:
    return _render_login(request, _safe_next(next), error="")


@router.post("/login", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    config: Annotated[Config, Depends(get_config)],
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/beheer",
) -> Response:
    throttle: LoginThrottle = request.app.state.login_throttle
    client = request.client.host if request.client else "?"
    keys = [f"ip:{client}", f"user:{username.strip().lower()}"]
    now = time.monotonic()
    if throttle.blocked(keys, now):
        logger.warning("login throttled for %s / %s", client, username[:50])
        msg = "Te veel mislukte pogingen. Probeer het over enkele minuten opnieuw."
        return _render_login(request, _safe_next(next), error=msg, status=429)
    user = verify_user(session, username, password)
    if user is None:
        throttle.failed(keys, now)
        logger.info("failed login for %r from %s", username[:50], client)
        msg = "Onbekende gebruikersnaam of onjuist wachtwoord."
        return _render_login(request, _safe_next(next), error=msg, status=401)
    session.commit()
    request.session.clear()  # a fresh session (and CSRF token) after login
    request.session[USER_KEY] = user.username
    csrf_token(request)
    logger.info("%s logged in", user.username)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def logout(request: Request) -> Response:
    request.session.pop(USER_KEY, None)
    request.session.pop(SESSION_KEY, None)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _render_login(request: Request, target: str, *, error: str, status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "dashboard/login.html",
        {
            "next": target,
            "error": error,
            "user": None,
            "csrf": csrf_token(request),
            "flashes": [],
            "path": "/login",
        },
        status_code=status,
    )
