"""Declarative listing-page scraper: CSS selectors from config.toml, no Python per site."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from urllib.parse import urljoin

from bs4 import Tag
from pydantic import BaseModel, ConfigDict, Field

from scrapers import _html
from scrapers._names import name_from_heading
from scrapers._url import http_url
from scrapers.base import (
    Page,
    ParseError,
    RawScheme,
    RawWindow,
    Request,
    Scraper,
    SourceContext,
)

logger = logging.getLogger(__name__)


def _text(item: Tag, selector: str | None) -> str:
    if not selector:
        return ""
    found = item.select_one(selector)
    return _html.clean(found.get_text(" ")) if found else ""


class HtmlListScraper(Scraper):
    """A listing page of schemes, described entirely by CSS selectors in the source's options.

    ``item`` selects one element per scheme; inside it ``title`` (default: the link text),
    ``link`` (default ``a``), and optional ``opens``, ``closes``, ``status`` and ``summary``
    selectors give raw strings (opens/closes become a structured window). Fewer than
    ``expect_min`` items (default 1) is a ParseError ("selector … matched 0 items"): a site
    redesign must fail loudly, not look like "all schemes removed". Links are made absolute
    against the page URL and are the key. With ``follow_details`` each link is fetched and read
    like ``html_page``. ``next`` selects the link to the following listing page, capped by
    the source's ``max_pages``. No real markup of RVO/UVB-SZW/DUS-I/province listings was
    available, so selectors must be set from the live page (``tracker check``); the tests use a
    constructed listing.

    Live verification is recorded per source (``verified`` in config.toml, shown by
    ``tracker sources``); none of these requests has been verified against the live service yet.
    """

    name = "html_list"
    # a listing is the set of current schemes: an item gone for several healthy runs is removed
    tracks_removals = True
    title = "Generic listing page (CSS selectors)"

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        item: str
        title: str | None = None
        link: str = "a"
        opens: str | None = None
        closes: str | None = None
        status: str | None = None
        summary: str | None = None
        next: str | None = None
        expect_min: int = Field(1, ge=0)
        follow_details: bool = False
        content: str | None = None

    options: Options

    def __init__(
        self, options: BaseModel | None = None, context: SourceContext | None = None
    ) -> None:
        super().__init__(options, context)
        self._pages = 1  # listing pages requested so far in this run

    def parse(self, page: Page) -> Iterator[RawScheme]:
        opts = self.options
        items = _html.soup_of(page).select(opts.item)
        if len(items) < opts.expect_min:
            raise ParseError(
                f"{page.url}: selector {opts.item!r} matched {len(items)} items, "
                f"expected at least {opts.expect_min}"
            )
        for n, item in enumerate(items, start=1):
            anchor = item.select_one(opts.link)
            href = str(anchor.get("href", "")) if anchor else ""
            url = http_url(href, page.url)
            # a link that is no http(s) URL (mailto:, javascript:) still tells items apart
            key = url or (urljoin(page.url, href) if href else "")
            title = _text(item, opts.title) or (_html.clean(anchor.get_text(" ")) if anchor else "")
            if not title:
                # passed on as suspect, not dropped: the run is then degraded, so the scheme
                # behind it is not counted missing (and removed) while it is still listed
                reason = f"lijstitem {n} zonder titel"
                self.warn(f"{page.url}: {reason}")
                yield RawScheme(key=key or f"{page.url}#{n}", title="", url=url or page.url,
                                suspect=reason)  # fmt: skip
                continue
            opens, closes, status = (_text(item, s) for s in (opts.opens, opts.closes, opts.status))
            windows = [RawWindow(opens_text=opens, closes_text=closes)] if opens or closes else []
            yield RawScheme(
                key=key or title,
                title=title,
                name=name_from_heading(title),
                url=url or page.url,
                summary=_text(item, opts.summary),
                text=_html.clean(item.get_text(" "))[:2000],
                status_text=status,
                publisher=self.context.publisher,
                level=self.context.level,
                regions=list(self.context.regions),
                windows=windows,
                detail_url=url if opts.follow_details and url else "",
            )

    def next_requests(self, page: Page) -> list[Request]:
        cap = self.context.max_pages
        if not self.options.next or self._pages >= cap:
            return []
        anchor = _html.soup_of(page).select_one(self.options.next)
        url = http_url(str(anchor.get("href", "")), page.url) if anchor else ""
        if not url:
            return []
        self._pages += 1
        return [Request(url)]

    def parse_detail(self, page: Page, raw: RawScheme) -> RawScheme:
        read = _html.read_scheme_page(page, content_selector=self.options.content)
        return dataclasses.replace(
            raw,
            text=read.text,
            summary=raw.summary or read.summary,
            status_text=raw.status_text or read.status_text,
            amount_text=read.amount_text,
            extra=raw.extra | {"fields": dict(read.fields)},
        )
