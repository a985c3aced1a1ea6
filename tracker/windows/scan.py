"""Cheap word scans that tell a costly case-insensitive pattern where it cannot match.

Python's `re` loses its fast literal search under IGNORECASE, so a pattern with many
alternatives costs about as much per character as it has alternatives. When every match of a
pattern contains one of a few words, `str.find` on the lower-cased text locates those words
once per text, and the pattern only needs to run on stretches where one of them starts. The
pattern still decides: results are the same, only the runs that cannot match are skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

# Characters that IGNORECASE matches to an ASCII letter but whose str.lower() is not that
# letter ("ſ" is "s" to re, "ı" is "i"): positions in the lower-cased text would lie, so a text
# holding any of them is not scanned (every stretch may match).
_ASCII_RE = re.compile("[a-z]", re.IGNORECASE)
_FOLDS_TO_ASCII = frozenset(
    mt.group(0)
    for mt in _ASCII_RE.finditer("".join(map(chr, range(0x80, 0x10000))))
    if not ("a" <= mt.group(0).lower() <= "z" and len(mt.group(0).lower()) == 1)
)


def lowered(text: str) -> str | None:
    """Return text.lower() when its positions match text's for ASCII words, else None."""
    low = text.lower()
    if len(low) != len(text) or (not text.isascii() and not _FOLDS_TO_ASCII.isdisjoint(text)):
        return None
    return low


class WordHits:
    """Where any of `words` (lower-case ASCII) starts in a text; all of them, overlapping."""

    def __init__(self, low: str | None, words: Iterable[str]) -> None:
        self.starts: list[int] | None = None
        if low is None:
            return
        starts = []
        for word in words:
            at = low.find(word)
            while at >= 0:
                starts.append(at)
                at = low.find(word, at + 1)
        self.starts = sorted(starts)

    def may_match(self, start: int, end: int) -> bool:
        """Say whether one of the words starts in text[start:end] (True when unknown)."""
        if self.starts is None:
            return True
        i = bisect_left(self.starts, start)
        return i < len(self.starts) and self.starts[i] < end


def first_letter_guard(rx: re.Pattern[str], letters: str) -> re.Pattern[str]:
    """Return rx behind a lookahead on the letters every match of it starts with.

    Same matches, found sooner: a position whose letter is not one of them fails one cheap
    test instead of every alternative. tests/windows/test_scan.py checks the letters.
    """
    return re.compile(rf"(?=[{letters}])(?:{rx.pattern})", rx.flags)
