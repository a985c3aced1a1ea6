"""CSRF protection: one random token per session, sent back in a hidden form field.

Every state-changing form posts ``csrf_token``; ``verify_csrf`` compares it with the session's
token in constant time. The session cookie is SameSite=Lax as a second line of defence.
"""

from __future__ import annotations

import hmac
import logging
import secrets

from fastapi import HTTPException, Request

logger = logging.getLogger(__name__)

FIELD = "csrf_token"
SESSION_KEY = "csrf"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


async def verify_csrf(request: Request) -> None:
    """Dependency for POST routes: refuse the request unless the form carries the token."""
    expected = request.session.get(SESSION_KEY)
    form = await request.form()
    sent = form.get(FIELD)
    if (
        not isinstance(expected, str)
        or not isinstance(sent, str)
        or not hmac.compare_digest(expected.encode(), sent.encode())
    ):
        logger.warning("CSRF-controle mislukt voor %s %s", request.method, request.url.path)
        raise HTTPException(status_code=403, detail="CSRF-controle mislukt; laad de pagina opnieuw")
