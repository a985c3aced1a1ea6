"""Staff authentication: server-side sessions, login with throttling, logout.

The cookie is Starlette's SessionMiddleware (itsdangerous-signed, HttpOnly, SameSite=Lax,
Secure when the base URL is https), but it only carries the random id of a ``StaffSession``
row: every request checks that row, so logout (which deletes it) and a password change (which
revokes all of the user's rows, see ``tracker.staff.users.set_password``) end a session at
once, whatever copies of the cookie exist. The cookie also holds a fingerprint of the password
hash, so a password set by any other path ends older sessions too.

The signing key comes from the environment variable ``[web] secret_key_env`` names; without it
a random per-process key is used (sessions then end on restart) and a warning is logged.

Failed logins are throttled per (client address, user name) with a growing delay, never with a
hard lock: after ``[staff] login_attempts`` failures that client waits 1 s, then 2 s, 4 s …
(at most ``login_window_seconds``) before its next try for that name, while the real user on
another address logs in as usual. A client spraying many names is slowed the same way after
four times as many failures. The failures are kept in the database (``LoginFailure``), so
every web process of a deployment (several ``tracker serve`` on one PostgreSQL) counts the
same ones: more instances give an attacker no more tries.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import threading
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.middleware.sessions import SessionMiddleware

from tracker.config import Config, secret
from tracker.ingest.upsert import insert_dialect, upsert
from tracker.models import LoginFailure, StaffSession, User
from tracker.staff.users import verify_user
from tracker.web.csrf import SESSION_KEY, csrf_token, verify_csrf
from tracker.web.deps import get_config, get_session, now_utc

logger = logging.getLogger(__name__)

router = APIRouter()
COOKIE = "tracker_session"
USER_KEY = "user"
SID_KEY = "sid"
PASSWORD_KEY = "pw"
# a client trying many user names is slowed after this many times login_attempts failures
CLIENT_FACTOR = 4


class LoginRequiredError(Exception):
    """Raised by ``require_staff``; HTML requests are redirected, API requests get 401."""


def _delay(count: int, limit: int, max_delay: float) -> float:
    """The wait after ``count`` failures with ``limit`` free ones (0: none yet)."""
    return min(max_delay, 2.0 ** (count - limit)) if count >= limit else 0.0


class LoginThrottle:
    """Failed logins per key with an exponentially growing delay instead of a lock.

    ``attempts`` failures are free; each further failure doubles the wait (1 s, 2 s, 4 s …,
    at most ``max_delay``) before that key may try again. A key is forgotten ``window``
    seconds after its last failure, and at once after a successful login. Times are seconds
    on any clock the caller chooses (the app uses the injectable ``now_utc``).

    The failures are rows in the database (``LoginFailure``), shared by every web process of a
    deployment. A failure is counted in one write transaction (rows locked on PostgreSQL, the
    write lock taken first on SQLite); rows a window past their last failure are deleted as
    failures come in.
    """

    def __init__(
        self, engine: Engine, attempts: int, window: float, max_delay: float | None = None
    ) -> None:
        self.engine, self.attempts, self.window = engine, attempts, window
        self.max_delay = max_delay if max_delay is not None else window

    @staticmethod
    def _hashed(keys: list[str]) -> list[str]:
        return [hashlib.sha256(key.encode()).hexdigest() for key in keys]

    def _live(self, row: LoginFailure, now: float) -> bool:
        return not (now - row.last > self.window and now >= row.not_before)

    def wait(self, keys: list[str], now: float) -> float:
        """Seconds before these keys may try again (0: go ahead)."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(LoginFailure).where(col(LoginFailure.key).in_(self._hashed(keys)))
            )
            waits = [row.not_before - now for row in rows if self._live(row, now)]
        return max([0.0, *waits])

    def failed(self, keys: list[str], now: float, limits: list[int] | None = None) -> None:
        self._count(keys, now, limits, check=False)

    def reserve(self, keys: list[str], now: float, limits: list[int] | None = None) -> float:
        """Count an attempt before its password is checked, in one write transaction with the
        check of the wait: 0 when it may go ahead (then counted), else the seconds to wait.
        Checking first and counting after the password check let every request of a burst
        through before any failure was counted; ``release`` takes a success back."""
        return self._count(keys, now, limits, check=True)

    def _count(
        self, keys: list[str], now: float, limits: list[int] | None, *, check: bool
    ) -> float:
        hashed = self._hashed(keys)
        with Session(self.engine) as session:
            if session.get_bind().dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            else:
                # FOR UPDATE locks only rows that exist: the first attempts of a burst saw no
                # row and each wrote count 1. A row of count 0 is made first (a concurrent
                # insert waits for this transaction), so the select below always locks.
                table = LoginFailure.__table__  # type: ignore[attr-defined]
                session.execute(
                    insert_dialect("postgresql").insert(table).on_conflict_do_nothing(),
                    [{"key": k, "count": 0, "last": now, "not_before": now} for k in hashed],
                )
            query = select(LoginFailure).where(col(LoginFailure.key).in_(hashed))
            known = {row.key: row for row in session.exec(query.with_for_update())}
            if check:
                waits = [r.not_before - now for r in known.values() if self._live(r, now)]
                if max([0.0, *waits]) > 0:
                    return max(waits)
            rows = []
            for key, limit in zip(hashed, limits or [self.attempts] * len(keys), strict=True):
                row = known.get(key)
                count = row.count + 1 if row is not None and self._live(row, now) else 1
                rows.append({"key": key, "count": count, "last": now,
                             "not_before": now + _delay(count, limit, self.max_delay)})  # fmt: skip
            upsert(session, LoginFailure.__table__, rows, "key")  # type: ignore[attr-defined]
            session.execute(
                sa.delete(LoginFailure).where(
                    col(LoginFailure.last) < now - self.window,
                    col(LoginFailure.not_before) <= now,
                )
            )
            session.commit()
        return 0.0

    def release(self, keys: list[str]) -> None:
        """Take back the attempt ``reserve`` counted for each key (it was no failure)."""
        with Session(self.engine) as session:
            session.execute(
                sa.update(LoginFailure)
                .where(col(LoginFailure.key).in_(self._hashed(keys)), col(LoginFailure.count) > 0)
                .values(count=col(LoginFailure.count) - 1)
            )
            session.commit()

    def succeeded(self, keys: list[str]) -> None:
        with Session(self.engine) as session:
            session.execute(
                sa.delete(LoginFailure).where(col(LoginFailure.key).in_(self._hashed(keys)))
            )
            session.commit()


def install_auth(app: FastAPI, config: Config) -> None:
    """Add the session middleware, the login redirect and the throttle to the app."""
    key = secret(config.web.secret_key_env)
    if not key:
        logger.warning(
            "$%s is niet gezet: een willekeurige sessiesleutel wordt gebruikt; medewerkers "
            "moeten na een herstart opnieuw inloggen",
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
        app.state.engine, config.staff.login_attempts, config.staff.login_window_seconds
    )
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.include_router(router)


async def _login_required(request: Request, _exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": "inloggen vereist"}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the stored hash: it changes whenever the password does."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def session_user(request: Request, db: Session) -> str | None:
    """The user of this request's server-side session, if it is live; else None."""
    name, sid = request.session.get(USER_KEY), request.session.get(SID_KEY)
    if not isinstance(name, str) or not name or not isinstance(sid, str) or not sid:
        return None
    row = db.get(StaffSession, sid)
    hours = request.app.state.config.staff.session_hours
    if (
        row is None
        or row.revoked_at is not None
        or row.username != name
        or row.created_at + timedelta(hours=hours) <= now_utc(request)
    ):
        return None
    user = db.exec(select(User).where(User.username == name)).first()
    if user is None or not user.active:
        return None
    if request.session.get(PASSWORD_KEY) != password_fingerprint(user.password_hash):
        return None
    return name


def current_user(request: Request) -> str | None:
    """The logged-in staff user name, checked against the session table, or None."""
    if not isinstance(request.session.get(SID_KEY), str):
        return None
    with Session(request.app.state.engine) as db:
        return session_user(request, db)


def require_staff(request: Request, session: Annotated[Session, Depends(get_session)]) -> str:
    """Dependency: the logged-in, still active staff user name."""
    name = session_user(request, session)
    if name is None:
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


# Argon2 verifications at one time: each takes tens of milliseconds of CPU and memory and
# holds a database connection; a burst of logins waits here instead of exhausting the pool
ARGON2_SLOTS = threading.BoundedSemaphore(4)
ARGON2_WAIT = 10.0  # seconds a login waits for a slot before it is answered 503


@router.post("/login", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    config: Annotated[Config, Depends(get_config)],
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/beheer",
) -> Response:
    throttle: LoginThrottle = request.app.state.login_throttle
    client = request.client.host if request.client else "?"
    name = username.strip().lower()
    keys = [f"pair:{client}\n{name}", f"client:{client}"]
    limits = [config.staff.login_attempts, config.staff.login_attempts * CLIENT_FACTOR]
    moment = now_utc(request)
    now = moment.timestamp()
    # a login uses one connection at a time (the throttle's short transactions, then the
    # user's), and only ARGON2_SLOTS logins run at once: a burst waits here, not for the pool
    if not ARGON2_SLOTS.acquire(timeout=ARGON2_WAIT):
        logger.warning("inloggen te druk: geen wachtwoordcontrole vrij voor %s", client)
        msg = "Het is nu te druk om in te loggen. Probeer het over een minuut opnieuw."
        response = _render_login(request, _safe_next(next), error=msg, status=503)
        response.headers["Retry-After"] = "60"
        return response
    try:
        wait = throttle.reserve(keys, now, limits)
        user = None
        if wait <= 0:
            with Session(request.app.state.engine, expire_on_commit=False) as session:
                user = verify_user(session, username, password, now=moment)
                if user is not None:
                    hours = config.staff.session_hours
                    sid = _start_session(session, user.username, moment, hours)
                    session.commit()
            if user is not None:
                throttle.succeeded(keys[:1])
                throttle.release(keys[1:])
    finally:
        ARGON2_SLOTS.release()
    if wait > 0:
        logger.warning("inloggen afgeremd voor %s / %s (%.0f s)", client, username[:50], wait)
        msg = "Te veel mislukte pogingen. Wacht even en probeer het dan opnieuw."
        response = _render_login(request, _safe_next(next), error=msg, status=429)
        response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return response
    if user is None:
        logger.info("mislukte inlogpoging als %r vanaf %s", username[:50], client)
        msg = "Onbekende gebruikersnaam of onjuist wachtwoord."
        return _render_login(request, _safe_next(next), error=msg, status=401)
    request.session.clear()  # a fresh session (and CSRF token) after login
    request.session[USER_KEY] = user.username
    request.session[SID_KEY] = sid
    request.session[PASSWORD_KEY] = password_fingerprint(user.password_hash)
    csrf_token(request)
    logger.info("%s is ingelogd", user.username)
    return RedirectResponse(_safe_next(next), status_code=303)


def _start_session(db: Session, username: str, now: datetime, hours: int) -> str:
    """A new server-side session row; expired rows of anyone are removed on the way."""
    db.execute(
        sa.delete(StaffSession).where(col(StaffSession.created_at) < now - timedelta(hours=hours))
    )
    sid = secrets.token_urlsafe(32)
    db.add(StaffSession(token=sid, username=username, created_at=now))
    return sid


@router.post("/logout", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def logout(request: Request, session: Annotated[Session, Depends(get_session)]) -> Response:
    sid = request.session.get(SID_KEY)
    if isinstance(sid, str) and sid:
        session.execute(sa.delete(StaffSession).where(col(StaffSession.token) == sid))
        session.commit()
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
