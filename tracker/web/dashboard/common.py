"""Shared helpers for the dashboard pages: rendering, flash messages, clock, form dates."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from tracker.read.timefmt import local_moment
from tracker.staff.corrections import CorrectionError
from tracker.web.csrf import csrf_token
from tracker.web.deps import MAX_ID as MAX_ID
from tracker.web.deps import now_utc as now_utc

FLASH_KEY = "flash"


def render(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    """Render a dashboard template with the user, CSRF token, flash and active page."""
    templates = request.app.state.templates
    base = {
        "user": request.session.get("user"),
        "csrf": csrf_token(request),
        "flashes": request.session.pop(FLASH_KEY, []),
        "path": request.url.path,
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status
    )
    return response


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """Queue a message for the next page (after a POST-redirect-GET)."""
    messages = list(request.session.get(FLASH_KEY, []))
    messages.append({"kind": kind, "text": message})
    request.session[FLASH_KEY] = messages[-5:]


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def parse_moment(day: str, clock: str, *, end_of_day: bool) -> tuple[datetime | None, bool]:
    """A form's date (YYYY-MM-DD) and optional time (HH:MM), local → UTC; (None, False) if empty."""
    if not day.strip():
        if clock.strip():  # dropping the time would save an open end, not what staff meant
            raise CorrectionError(f"tijd {clock.strip()} zonder datum: vul ook de datum in")
        return None, False
    try:
        parsed_day = date.fromisoformat(day.strip())
        parsed_time = time.fromisoformat(clock.strip()) if clock.strip() else None
    except ValueError:
        raise CorrectionError(f"ongeldige datum of tijd: {day} {clock}".strip()) from None
    if not 2000 <= parsed_day.year <= 2100:
        raise CorrectionError("jaar buiten bereik (2000–2100)")
    moment = local_moment(parsed_day, parsed_time, end_of_day=end_of_day)
    return moment, parsed_time is not None
