"""Feed titles name their filters in words a feed reader shows (QA walkthrough: the Gelderland
feed was titled 'Subsidieregelingen: signalen (NL-GE)')."""

from __future__ import annotations

from feeds.publish import feed_title
from tracker.config import Config
from tracker.read.queries import Filters

BASE = "Subsidieregelingen: signalen"


def test_codes_become_names() -> None:
    filters = Filters(region="NL-GE", level="eu", kind="window_opened", theme="energie")
    assert feed_title(Config(), BASE, filters) == f"{BASE} (Gelderland, EU, energie, Nu open)"


def test_groups_and_search_words_stay_readable() -> None:
    assert (
        feed_title(Config(), BASE, Filters(region="oost", q="warmte")) == f"{BASE} (oost, “warmte”)"
    )
    assert feed_title(Config(), BASE, Filters()) == BASE
