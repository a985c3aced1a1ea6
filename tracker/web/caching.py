"""HTTP validators for feeds: ETag, Last-Modified, 304 and CDN-friendly Cache-Control."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import Request, Response


def conditional_response(
    request: Request,
    *,
    etag: str,
    last_modified: datetime,
    media_type: str,
    render: Callable[[], bytes],
    max_age: int,
) -> Response:
    """Answer 304 when the client's validators match, else render the body."""
    last_modified = last_modified.astimezone(UTC).replace(microsecond=0)
    headers = {
        "ETag": f'"{etag}"',
        "Last-Modified": email.utils.format_datetime(last_modified, usegmt=True),
        "Cache-Control": f"public, max-age={max_age}, stale-while-revalidate={max_age}",
        "Vary": "Accept-Encoding",
    }
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        if f'"{etag}"' in tags or "*" in tags:
            return Response(status_code=304, headers=headers)
    elif ims := request.headers.get("if-modified-since"):
        try:
            since = email.utils.parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            since = None
        if since is not None and since.tzinfo is not None and last_modified <= since:
            return Response(status_code=304, headers=headers)
    return Response(content=render(), media_type=media_type, headers=headers)
