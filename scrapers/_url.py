"""One rule for links taken from scraped pages and for links written into feeds and mail.

A link is an absolute http(s) URL with a host and no control character or space in it. Like a
browser, the reader drops tab, CR and LF anywhere in an href and C0 controls and spaces at its
ends; a control character or space left in the path, query or fragment is percent-encoded, and
one in the host makes the link unusable. ``urljoin`` returns a link with another scheme than
the page's unchanged and ``urlsplit`` skips tab/CR/LF, so without this a scraped
"https://x.test/a\\nATTACH:…" was stored as is and broke every calendar it appeared in.
Standard library only: scrapers, the pipeline and the feed writers all use it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

_ENDS = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def _encode(part: str) -> str:
    return _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", part)


def http_url(href: str, base: str = "") -> str:
    """``href`` resolved against ``base`` as a clean absolute http(s) URL, or '' if it is none."""
    text = _TAB_NEWLINE.sub("", (href or "").strip(_ENDS))
    if not text:
        return ""
    try:
        parts = urlsplit(urljoin(_TAB_NEWLINE.sub("", base or ""), text))
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    if _CONTROL.search(parts.netloc) or "\\" in parts.netloc:
        return ""
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            _encode(parts.path),
            _encode(parts.query),
            _encode(parts.fragment),
        )
    )
