"""Plain text from scheme pages: tags stripped, entities decoded, line structure kept."""

from __future__ import annotations

import html
import re

from tracker.windows.model import MAX_CHARS

_I = re.IGNORECASE

_DROP_BLOCK_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", _I | re.DOTALL)
_BLOCK_TAG_RE = re.compile(
    r"<br\s*/?>|</?(?:p|div|li|tr|h[1-6]|ul|ol|table|section|article|dt|dd|header|footer)\b[^>]*>",
    _I,
)
_CELL_TAG_RE = re.compile(r"</?t[dh]\b[^>]*>", _I)
_TAG_RE = re.compile(r"<[a-zA-Z/!][^>]*>")
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u2007\u202f\u2009]+")
_INVISIBLE_RE = re.compile(r"[\u00ad\u200b\u200c\u200d\ufeff]")


def clean_text(text: str) -> str:
    """Strip tags, unescape entities and collapse spaces, keeping line structure."""
    text = text[:MAX_CHARS]
    if "<" in text:
        text = _DROP_BLOCK_RE.sub(" ", text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _CELL_TAG_RE.sub(" | ", text)
        text = _TAG_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = _INVISIBLE_RE.sub("", text)
    lines = (_SPACE_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
