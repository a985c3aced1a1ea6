"""Generic scraper for one scheme page (RVO, UVB-SZW, DUS-i, provinces, ESF+/EFRO pages)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from scrapers import _html
from scrapers.base import Page, ParseError, RawScheme, Scraper

logger = logging.getLogger(__name__)


class HtmlPageScraper(Scraper):
    """One scheme page on any site – generic and structure-tolerant.

    For agencies without an API: RVO.nl (``/subsidies-financiering/{slug}``), Uitvoering van
    Beleid SZW, DUS-I, the provinces and the Dutch ESF+/EFRO/JTF pages. **No real HTML of any of
    these sites was available** (see SOURCES.md §4 and §7), so this scraper assumes no markup:
    the content is the ``content`` selector, else ``main``/``article``/``[role=main]``/
    ``#content``/``.content``, else ``<body>`` minus nav/header/footer/aside/script/style. The
    title is the ``title`` selector, else the first ``<h1>``, else ``<title>``.

    Labelled fields are read wherever they appear — ``dt/dd``, ``th/td`` rows, "Label: value"
    lines and Q&A headings followed by paragraphs (Limburg's "Wat is de indieningstermijn?") —
    for labels such as Startdatum, Einddatum, Totaal budget, Aanvraagperiode, Openstelling,
    Wat is het subsidieplafond?, Subsidiebedrag?. They are put first in ``text`` as
    "Label: value" lines, followed by the page text, so the window extractor sees them; the
    budget-like value becomes ``amount_text``. Status badges ("Open voor aanvragen", "Bijna
    open", "Deze regeling is gesloten") become ``status_text``. Text is capped at
    ``max_chars``. ``key`` defaults to the page URL; ``scheme_title`` and ``identifiers`` pin the
    page to a regulation for merging. Last verified 2026-11-27 (constructed fixtures only).
    """

    name = "html_page"
    title = "Generic scheme page"

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        content: str | None = None
        title: str | None = None
        key: str | None = None
        scheme_title: str | None = None
        identifiers: list[str] = Field(default_factory=list)
        max_chars: int = Field(_html.MAX_CHARS, ge=1000, le=500_000)

    options: Options

    def parse(self, page: Page) -> Iterator[RawScheme]:
        opts = self.options
        read = _html.read_scheme_page(
            page, content_selector=opts.content, title_selector=opts.title, max_chars=opts.max_chars
        )
        if not read.title and not read.text:
            raise ParseError(f"{page.url}: page has neither a title nor text")
        yield RawScheme(
            key=opts.key or page.url,
            title=read.title or opts.scheme_title or page.url,
            url=page.url,
            publisher=str(self.context.get("publisher", "")),
            summary=read.summary,
            text=read.text,
            status_text=read.status_text,
            amount_text=read.amount_text,
            level=str(self.context.get("level", "")),
            regions=list(self.context.get("regions") or []),
            identifiers=list(opts.identifiers),
            cited_titles=[opts.scheme_title] if opts.scheme_title else [],
            extra={"fields": dict(read.fields)},
        )
