"""Generic scraper for one scheme page (RVO, UVB-SZW, DUS-i, provinces, ESF+/EFRO pages)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from scrapers import _html
from scrapers._names import name_from_heading
from scrapers.base import Page, ParseError, RawScheme, Scraper

logger = logging.getLogger(__name__)

# What a parked domain or a relaunched site says instead of the scheme page.
PARKING_PHRASES = (
    "dit domein is te koop", "deze domeinnaam is te koop", "this domain is for sale",
    "domain is for sale", "welkom op onze nieuwe website", "welkom op de nieuwe website",
    "onze website is vernieuwd", "deze website is verhuisd", "pagina niet gevonden",
    "page not found", "website in aanbouw", "under construction",
)  # fmt: skip
# Titles of a maintenance or outage page (checked in the title only: a real scheme page may
# well say that its application portal is briefly unavailable)
UNAVAILABLE_TITLES = (
    "tijdelijk niet beschikbaar", "onderhoud", "storing", "temporarily unavailable",
    "maintenance", "service unavailable",
)  # fmt: skip
# Wording any real scheme page has: how and when to apply, or what is subsidised.
WINDOW_WORDS = re.compile(
    r"aanvra|indien|openstelling|tijdvak|deadline|sluit|subsidie|regeling|budget|plafond"
)


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
    ``max_chars``. The name is ``scheme_title`` where configured, else the title without
    site and page suffixes ("SDE++ aanvragen | RVO.nl" → "SDE++"). ``key`` defaults to the
    configured URL; ``scheme_title`` and ``identifiers`` pin the page to a regulation for
    merging; ``publisher`` comes from the source's config.

    A page with a title but no text is a ParseError. A parking page ("Dit domein is te koop"),
    a relaunched site ("Welkom op onze nieuwe website"), a maintenance page (by its title), a
    redirect to another host or to a section above the page (an overview), or a page with
    neither window wording nor the scheme's name is marked ``suspect``: the pipeline then
    stores nothing of it (no title, no alias) and marks the run degraded. Selectors are unknown
    for every site (constructed fixtures only); verify each source with ``tracker check``.

    Live verification is recorded per source (``verified`` in config.toml, shown by
    ``tracker sources``); none of these requests has been verified against the live service yet.
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
        suspect = self.suspect_reason(page, read)
        if suspect:
            self.warn(f"{page.url}: {suspect}")
        title = read.title or opts.scheme_title or page.url
        yield RawScheme(
            key=opts.key or self.context.url or page.url,
            title=title,
            name=opts.scheme_title or name_from_heading(read.title),
            url=page.url,
            publisher=self.context.publisher,
            summary=read.summary,
            text=read.text,
            status_text=read.status_text,
            published_text=read.published,
            amount_text=read.amount_text,
            level=self.context.level,
            regions=list(self.context.regions),
            identifiers=list(opts.identifiers),
            cited_titles=[opts.scheme_title] if opts.scheme_title else [],
            suspect=suspect,
            extra={"fields": dict(read.fields)},
        )

    def suspect_reason(self, page: Page, read: _html.SchemePage) -> str:
        """Why this page looks like a parking page or a redesign rather than the scheme page.

        A parked domain or a new site still answers 200 with a title, so it would pass as a
        healthy page and teach the scheme a new alias. Signals: a parking or relaunch phrase,
        a redirect to another host, or neither window wording nor the scheme's name.
        """
        lowered = f"{read.title}\n{read.text}".casefold()
        phrase = next((p for p in PARKING_PHRASES if p in lowered), "")
        if phrase:
            return f"pagina lijkt geparkeerd of vernieuwd ('{phrase}')"
        if phrase := next((p for p in UNAVAILABLE_TITLES if p in read.title.casefold()), ""):
            return f"pagina tijdelijk niet beschikbaar ('{phrase}' in de titel)"
        wanted = urlsplit(self.context.url) if self.context.url else None
        got = urlsplit(page.url)
        configured, final = (wanted.hostname if wanted else None), got.hostname
        if configured and final and _site(configured) != _site(final):
            return f"doorverwezen naar een andere host ({final} in plaats van {configured})"
        if wanted is not None and _above(got.path, wanted.path):
            # a removed page sent to its section or the home page: an overview, whose dates
            # belong to other schemes
            return f"doorverwezen naar een overzichtspagina ({got.path or '/'})"
        name = (self.options.scheme_title or "").casefold()
        if not WINDOW_WORDS.search(lowered) and not (name and name in lowered):
            return "geen aanvraagperiode-woorden en geen regelingnaam op de pagina"
        return ""


def _above(final: str, configured: str) -> bool:
    """Whether ``final`` is a section above ``configured`` (or the home page)."""
    final, configured = final.rstrip("/"), configured.rstrip("/")
    return final != configured and configured.startswith(final + "/")


def _site(host: str) -> str:
    return host.casefold().removeprefix("www.")
