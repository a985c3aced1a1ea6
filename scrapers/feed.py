"""RSS/Atom feed scraper, including the officielebekendmakingen search feed."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
from bs4 import BeautifulSoup
from pydantic import BaseModel, ConfigDict, Field

from scrapers import _html
from scrapers._cite import find_cited_titles
from scrapers._names import name_from_heading
from scrapers._regions import region_for
from scrapers.base import Page, ParseError, RawScheme, Scraper

logger = logging.getLogger(__name__)

# KOOP item titles read "<id> : <creator>", e.g. "prb-2026-6286 : Limburg".
KOOP_TITLE = re.compile(r"^([a-z]+-(?:\d{4}-)?\d+(?:-[\w.]+)?)\s*:\s*(.+)$")
KOOP_LEVEL = {"stcrt": "rijk", "prb": "provincie"}


def _plain(text: str) -> str:
    if "<" in text:
        text = BeautifulSoup(text, "html.parser").get_text(" ")
    return _html.clean(text)


def published_date(value: str) -> str:
    """RFC 822 or ISO date-time → 'YYYY-MM-DD' in the value's own offset; '' if unreadable."""
    value = value.strip()
    if not value:
        return ""
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        logger.info("unreadable feed date %r", value)
        return ""


class FeedScraper(Scraper):
    """Any RSS 2.0 or Atom feed, parsed with feedparser.

    Built for ``https://zoek.officielebekendmakingen.nl/rss?q=<CQL>`` (same CQL as SRU; short
    history only, so use ``koop_sru`` for backfill). KOOP items have ``title`` "<id> : <creator>"
    (split on the last colon: key = id, publisher = creator), ``description`` = the document
    title (our title), RFC-822 ``pubDate`` (kept raw) and ``category`` = publication type. Level
    and region follow from the id prefix (stcrt → rijk, prb → provincie + creator's province).
    Other feeds: key = entry id or link, title and summary as given (HTML stripped). The name
    is the regulation the title names, or the title without site suffixes.

    ``keywords`` keeps only items whose title or description contains one of the terms
    (case-insensitive); an empty result is then normal (``may_be_empty``). ``publications``
    keeps only KOOP items whose id prefix names one of those journals (``stcrt``, ``prb``), so
    Gemeenteblad and Waterschapsblad items never land as national schemes. ``pubDate`` is RFC
    822 with a local offset ("Mon, 02 May 2022 00:00:00 +0200"); it is handed on as the ISO
    date *in that offset* (2022-05-02), not converted to UTC (which would give the day
    before). With ``detail`` each item link is fetched and read like ``html_page``. Backed by
    the real 150-item Kamerstukken feed in shared/samples/koop.

    Live verification is recorded per source (``verified`` in config.toml, shown by
    ``tracker sources``); none of these requests has been verified against the live service yet.
    """

    name = "feed"
    regions_from_items = True
    title = "RSS/Atom feed"
    may_be_empty = True

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        keywords: list[str] = Field(default_factory=list)
        publications: list[str] = Field(default_factory=list)
        detail: bool = False

    options: Options

    def parse(self, page: Page) -> Iterator[RawScheme]:
        parsed: Any = feedparser.parse(page.content)
        if not parsed.get("version") and not parsed.entries:
            reason = parsed.get("bozo_exception", "no RSS/Atom feed found")
            raise ParseError(f"{page.url}: not a feed ({reason})")
        terms = [t.casefold() for t in self.options.keywords]
        for entry in parsed.entries:
            raw = self._parse_entry(entry)
            prefix = raw.key.split("-", 1)[0] if KOOP_TITLE.match(raw.extra["feed_title"]) else ""
            if self.options.publications and prefix not in self.options.publications:
                continue
            haystack = f"{raw.title} {raw.summary} {raw.extra.get('feed_title', '')}".casefold()
            if raw.key and (not terms or any(t in haystack for t in terms)):
                yield raw

    def _parse_entry(self, entry: Any) -> RawScheme:
        feed_title = _plain(str(entry.get("title", "")))
        description = _plain(str(entry.get("summary", "")))
        link = str(entry.get("link", ""))
        match = KOOP_TITLE.match(feed_title)
        category = ", ".join(str(t.get("term", "")) for t in entry.get("tags", []) if t.get("term"))
        if match:
            key, creator = match.group(1), match.group(2).strip()
            level = KOOP_LEVEL.get(key.split("-")[0], self.context.level)
            region = region_for(creator) if level == "provincie" else None
            title, summary, ids = description or key, "", [key]
        else:
            key, creator = str(entry.get("id") or link), ""
            level, region = self.context.level, None
            title, summary, ids = feed_title or description, description, []
        regions = [region] if region else list(self.context.regions)
        return RawScheme(
            key=key,
            title=title,
            name=name_from_heading(title),
            url=link,
            publisher=creator,
            summary=summary,
            published_text=published_date(
                str(entry.get("published") or entry.get("updated") or "")
            ),
            level=level,
            regions=[] if level == "rijk" else regions,
            detail_url=link if self.options.detail else "",
            identifiers=ids,
            cited_titles=find_cited_titles(title),
            extra={"category": category, "feed_title": feed_title},
        )

    def parse_detail(self, page: Page, raw: RawScheme) -> RawScheme:
        read = _html.read_scheme_page(page)
        return dataclasses.replace(raw, text=read.text, status_text=read.status_text)
