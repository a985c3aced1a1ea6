"""HTTP validators for feeds (ETag, Last-Modified, 304, CDN-friendly Cache-Control) and gzip.

ETags are weak (``W/"…"``): the gzip middleware sends the same document compressed or not,
and a weak validator stays true for both (RFC 9110 8.8.1).
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import Request, Response
from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def conditional_response(
    request: Request,
    *,
    etag: str,
    last_modified: datetime,
    media_type: str,
    render: Callable[[], bytes],
    max_age: int,
) -> Response:
    """Answer 304 when the client's ETag matches, else render the body.

    ``If-Modified-Since`` alone never gets a 304 (servers may ignore it, RFC 9110 13.1.3): a
    feed's Last-Modified is its newest item, and a feed changes without a newer item when
    staff hide a scheme or a window's status changes with the clock; only the ETag covers
    those. Feed readers send the ETag they were given."""
    last_modified = last_modified.astimezone(UTC).replace(microsecond=0)
    headers = {
        "ETag": f'W/"{etag}"',
        "Last-Modified": email.utils.format_datetime(last_modified, usegmt=True),
        "Cache-Control": f"public, max-age={max_age}, stale-while-revalidate={max_age}",
        "Vary": "Accept-Encoding",
    }
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        if f'"{etag}"' in tags or "*" in tags:
            return Response(status_code=304, headers=headers)
    return Response(content=render(), media_type=media_type, headers=headers)


class CompressionMiddleware:
    """Starlette's GZipMiddleware, keeping ``Vary`` free of repeats.

    Feeds say ``Vary: Accept-Encoding`` whether or not they end up compressed; the gzip
    middleware adds it again when it compresses.
    """

    def __init__(self, app: ASGIApp, minimum_size: int = 500) -> None:
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_once(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                values = [v.strip() for v in ",".join(headers.getlist("vary")).split(",")]
                if any(values):
                    del headers["vary"]
                    headers["Vary"] = ", ".join(dict.fromkeys(v for v in values if v))
            await send(message)

        await self.gzip(scope, receive, send_once)
