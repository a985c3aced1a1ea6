"""Events and schemes → RSS 2.0 / Atom with feedgen.

Ids are permanent tag: URIs derived from the event's dedupe key, so readers never see an item
twice. An entry's body is HTML built here from escaped text lines (RSS ``description`` and
``content:encoded``, Atom ``content type="html"``), with the plain lines as the Atom summary;
feedgen escapes both for XML.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from datetime import datetime

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from scrapers._url import http_url
from tracker.models import Event, Scheme, Window
from tracker.read.describe import event_lines, event_title, scheme_lines
from tracker.read.status import LABELS_NL, scheme_status

logger = logging.getLogger(__name__)

TAG_AUTHORITY = "subsidie-tracker"


def event_id(event: Event) -> str:
    return f"tag:{TAG_AUTHORITY},2026:event/{event.dedupe_key}"


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (scraped text may contain them)."""
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r"
        or (" " <= ch <= "\ud7ff")
        or ("\ue000" <= ch <= "\ufffd")
        or ch >= "\U00010000"
    )


def lines_html(lines: Sequence[str]) -> str:
    """Plain text lines → HTML paragraphs; every character of scraped text is escaped and a
    line ending in an http(s) URL links it."""
    parts = []
    for line in lines:
        label, sep, rest = line.rpartition(": ")
        if sep and rest.startswith(("https://", "http://")) and " " not in rest:
            url = html.escape(_xml_safe(rest), quote=True)
            text = f'{html.escape(_xml_safe(label))}: <a href="{url}">{url}</a>'
        else:
            text = html.escape(_xml_safe(line))
        parts.append(f"<p>{text}</p>")
    return "\n".join(parts)


def _new_feed(
    title: str, self_url: str, site_url: str, description: str, updated: datetime
) -> FeedGenerator:
    """Feed-level metadata shared by every feed; its id is derived from its own URL."""
    fg = FeedGenerator()
    fg.id(f"tag:{TAG_AUTHORITY},2026:{self_url.split('://', 1)[-1]}")
    fg.title(_xml_safe(title))
    # self first: feedgen writes the last link it was given as the RSS channel's <link>,
    # which must be the site a reader's "visit website" opens, not the feed's XML
    fg.link(href=self_url, rel="self")
    fg.link(href=site_url, rel="alternate")
    fg.description(description)
    fg.language("nl")
    fg.updated(updated)
    fg.lastBuildDate(updated)
    return fg


def build_event_feed(
    *,
    title: str,
    self_url: str,
    site_url: str,
    rows: Sequence[tuple[Event, Scheme, Window | None]],
    now: datetime,
    updated: datetime,
) -> FeedGenerator:
    """A feed of events, newest first."""
    fg = _new_feed(
        title,
        self_url,
        site_url,
        "Signalen over subsidieregelingen: nieuwe regelingen en aanvraagperiodes.",
        updated,
    )
    for event, scheme, window in rows:
        link = http_url(window.url if window else "") or http_url(scheme.url) or site_url
        _add_entry(fg, event_id(event), event_title(event, scheme, window), link,
                   event_lines(event, scheme, window, now), scheme,
                   published=event.created_at, updated=event.created_at)  # fmt: skip
    return fg


def scheme_id(scheme: Scheme) -> str:
    return f"tag:{TAG_AUTHORITY},2026:scheme/{scheme.id}"


def build_scheme_feed(
    *,
    title: str,
    self_url: str,
    site_url: str,
    rows: Sequence[tuple[Scheme, Sequence[Window], datetime]],
    now: datetime,
    updated: datetime,
) -> FeedGenerator:
    """One entry per scheme (newest change first); its id stays, its ``updated`` moves."""
    fg = _new_feed(
        title,
        self_url,
        site_url,
        "Subsidieregelingen met hun aanvraagperiodes, budget en actuele status.",
        updated,
    )
    for scheme, windows, changed in rows:
        status = LABELS_NL[scheme_status(windows, now)]
        link = http_url(scheme.url) or site_url
        entry = _add_entry(fg, scheme_id(scheme), f"{scheme.title} ({status})",
                           link, scheme_lines(scheme, windows, now), scheme,
                           published=scheme.created_at, updated=changed)  # fmt: skip
        for tag in (*scheme.themes, *scheme.doelgroepen):
            entry.category(term=tag)
    return fg


def _add_entry(
    fg: FeedGenerator,
    ident: str,
    title: str,
    link: str,
    lines: Sequence[str],
    scheme: Scheme,
    *,
    published: datetime,
    updated: datetime,
) -> FeedEntry:
    """One entry; all scraped text goes through ``_xml_safe`` and feedgen escapes it."""
    entry = fg.add_entry(order="append")
    entry.id(ident)
    entry.guid(ident, permalink=False)
    entry.title(_xml_safe(title))
    entry.link(href=link)
    body = lines_html(lines)
    entry.description(body)
    entry.content(body, type="html")
    entry.summary(_xml_safe("\n".join(lines)))
    entry.published(published)
    entry.updated(updated)
    if scheme.publisher:
        entry.author(name=_xml_safe(scheme.publisher))
    entry.category(term=scheme.level)
    return entry
