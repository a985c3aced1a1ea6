"""Themes and target groups (doelgroepen) recognised from scheme text by keyword lists.

Keywords come from config ([themes], [doelgroepen]). They are matched case- and
accent-insensitively inside words, because Dutch compounds ("omscholingsbudget") carry the
meaning. Staff overrides (``SchemeOverride.themes``) always win over automatic tags. No
database writes beyond the scheme passed in.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tracker.config import Config
from tracker.models import Scheme

logger = logging.getLogger(__name__)


def fold(text: str) -> str:
    """Lowercase, accents stripped, whitespace collapsed."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", plain.lower())


@dataclass(frozen=True)
class Tagger:
    """Keyword lists by tag name, folded once."""

    themes: Mapping[str, tuple[str, ...]]
    doelgroepen: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_config(cls, config: Config) -> Tagger:
        """The tagger of the config's keyword lists; the last one is kept (the pipeline asks
        once per source, and folding every keyword again cost more than tagging, issue 14)."""
        themes = {k: tuple(v) for k, v in config.themes.items()}
        doelgroepen = {k: tuple(v) for k, v in config.doelgroepen.items()}
        memo = _last
        if memo is not None and memo[0] == themes and memo[1] == doelgroepen:
            return memo[2]
        tagger = cls(
            themes={k: tuple(fold(w) for w in v) for k, v in themes.items()},
            doelgroepen={k: tuple(fold(w) for w in v) for k, v in doelgroepen.items()},
        )
        _remember(themes, doelgroepen, tagger)
        return tagger

    def themes_of(self, texts: Iterable[str]) -> list[str]:
        return match_keywords(texts, self.themes)

    def doelgroepen_of(self, texts: Iterable[str]) -> list[str]:
        return match_keywords(texts, self.doelgroepen)


_Lists = dict[str, tuple[str, ...]]
_last: tuple[_Lists, _Lists, Tagger] | None = None


def _remember(themes: _Lists, doelgroepen: _Lists, tagger: Tagger) -> None:
    global _last
    _last = (themes, doelgroepen, tagger)


def match_keywords(texts: Iterable[str], keywords: Mapping[str, Sequence[str]]) -> list[str]:
    """Sorted names whose keyword list has a hit in any of the texts."""
    return _matches(_haystack(texts), keywords)


def _haystack(texts: Iterable[str]) -> str:
    return " ".join(fold(t) for t in texts if t)


def _matches(haystack: str, keywords: Mapping[str, Sequence[str]]) -> list[str]:
    return sorted(name for name, words in keywords.items() if any(w in haystack for w in words))


def tag_scheme(
    scheme: Scheme, tagger: Tagger, texts: Iterable[str], *, locked_themes: bool = False
) -> None:
    """Add recognised themes and doelgroepen to the scheme (tags are never removed here)."""
    haystack = _haystack(texts)  # folded once for both lists
    if not locked_themes:
        scheme.themes = sorted(set(scheme.themes) | set(_matches(haystack, tagger.themes)))
    scheme.doelgroepen = sorted(
        set(scheme.doelgroepen) | set(_matches(haystack, tagger.doelgroepen))
    )


def retag_scheme(scheme: Scheme, *, themes: Sequence[str], doelgroepen: Sequence[str]) -> None:
    """Replace the tags with a staff member's choice."""
    scheme.themes = sorted(set(themes))
    scheme.doelgroepen = sorted(set(doelgroepen))
