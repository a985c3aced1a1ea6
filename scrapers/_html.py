"""HTML helpers shared by the page, list and feed scrapers: content, title, labelled fields.

Works on any scheme page without knowing its markup: the main content is found by common
landmarks, labelled fields are read from dt/dd, th/td, "Label: value" lines and Q&A headings,
and the rest is rendered as one line per block. Text only: no HTML leaves this module.
No network here.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning

from scrapers.base import Page, ParseError

logger = logging.getLogger(__name__)

MAX_CHARS = 50_000
# div#broodtekst holds the text of an officielebekendmakingen.nl publication (parlhist's
# staatsblad crawler reads it); those pages wrap everything in <form id="mainForm">.
CONTENT_LANDMARKS = ("#broodtekst", "main", "article", "[role=main]", "#content", ".content")
NOISE = ("nav", "header", "footer", "aside", "script", "style", "noscript", "template", "form")
BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "tr", "blockquote", "div")
# Labels whose value states a window, budget or status (RVO, UVB-SZW, Limburg Q&A wording).
LABELS = (
    "startdatum", "einddatum", "openingsdatum", "sluitingsdatum", "totaal budget", "budget",
    "aanvraagperiode", "aanvraagtermijn", "openstelling", "indieningstermijn", "deadline",
    "wat is de indieningstermijn?", "wat is het subsidieplafond?", "subsidiebedrag?",
    "wat is de looptijd van de subsidieregeling?", "subsidieplafond", "looptijd", "status",
)  # fmt: skip
AMOUNT_LABELS = ("budget", "plafond", "subsidiebedrag")
STATUS_PHRASES = (
    "Open voor aanvragen", "Bijna open", "Deze regeling is gesloten", "Gesloten voor aanvragen",
    "Binnenkort open",
)  # fmt: skip
_LINE_LABEL = re.compile(r"^\s*([A-Za-zÀ-ÿ ?]{3,60}?)\s*:\s+(\S.{0,500})$")


@dataclass
class SchemePage:
    """What one scheme page says, as text."""

    title: str
    text: str
    summary: str = ""
    status_text: str = ""
    amount_text: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)


def clean(text: str) -> str:
    """Collapse whitespace."""
    return re.sub(r"\s+", " ", text).strip()


def soup_of(page: Page) -> BeautifulSoup:
    """Parse an HTML page; ParseError when the body is empty."""
    if not page.content.strip():
        raise ParseError(f"{page.url}: empty body, expected HTML")
    with warnings.catch_warnings():  # XHTML pages (KOOP) are HTML to us, as to a browser
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(page.content, "lxml")  # C parser: far faster than html.parser


def main_content(soup: BeautifulSoup, selector: str | None = None) -> Tag:
    """The page's main content: the selector, a landmark, else body without navigation."""
    if selector:
        found = soup.select_one(selector)
        if found is None:
            raise ParseError(f"content selector {selector!r} matched nothing")
        content = found
    else:
        content = next((t for s in CONTENT_LANDMARKS if (t := soup.select_one(s))), None) or (
            soup.body or soup
        )
    total = len(content.get_text(" ", strip=True))
    for tag in content.find_all(NOISE):
        if tag.decomposed:
            continue
        if tag.name == "form" and len(tag.get_text(" ", strip=True)) * 2 > total:
            tag.unwrap()  # a form around the page (ASP.NET style) is layout, not noise
        else:
            tag.decompose()
    return content


def _is_label(text: str) -> bool:
    return text.strip().lower().rstrip(":") in LABELS or text.strip().endswith("?")


def labelled_fields(content: Tag) -> list[tuple[str, str]]:
    """(label, value) pairs from dt/dd, th/td rows, 'Label: value' lines and Q&A headings."""
    pairs: list[tuple[str, str]] = []
    for dt in content.find_all("dt"):
        dd = dt.find_next_sibling("dd")
        if dd is not None:
            pairs.append((clean(dt.get_text(" ")), clean(dd.get_text(" "))))
    for row in content.find_all("tr"):
        th, td = row.find("th"), row.find("td")
        if th is not None and td is not None:
            pairs.append((clean(th.get_text(" ")), clean(td.get_text(" "))))
    for heading in content.find_all(("h2", "h3", "h4", "h5")):
        label = clean(heading.get_text(" "))
        if _is_label(label):
            values = []
            for sibling in heading.find_next_siblings():
                if sibling.name in ("h1", "h2", "h3", "h4", "h5"):
                    break
                values.append(clean(sibling.get_text(" ")))
            if any(values):
                pairs.append((label, " ".join(v for v in values if v)))
    for block in content.find_all(("p", "li", "div", "span")):
        match = _LINE_LABEL.match(clean(block.get_text(" ")))
        if match and match.group(1).strip().lower() in LABELS:
            pairs.append((match.group(1).strip(), match.group(2).strip()))
    return list(dict.fromkeys((k.rstrip(":"), v) for k, v in pairs if k and v))


def block_text(content: Tag) -> str:
    """One line per innermost block; table rows as 'a | b'."""
    lines: list[str] = []
    for block in content.find_all(BLOCKS):
        if block.name == "tr":
            line = " | ".join(
                c for c in (clean(x.get_text(" ")) for x in block.find_all(("th", "td"))) if c
            )
        elif block.find(BLOCKS) is not None or block.find_parent("tr") is not None:
            continue
        else:
            line = clean(block.get_text(" "))
        if line:
            lines.append(line)
    if not lines:
        lines = [clean(content.get_text(" "))]
    return "\n".join(dict.fromkeys(lines))


def read_scheme_page(
    page: Page, *, content_selector: str | None = None, title_selector: str | None = None,
    max_chars: int = MAX_CHARS,
) -> SchemePage:  # fmt: skip
    """Read one scheme page: title, labelled fields first as 'Label: value', then the text."""
    soup = soup_of(page)
    head_title = clean(soup.title.get_text()) if soup.title else ""
    description = soup.find("meta", attrs={"name": "description"})
    content = main_content(soup, content_selector)
    if title_selector:
        node = soup.select_one(title_selector)
        title = clean(node.get_text(" ")) if node else ""
    else:
        headings = [*content.find_all("h1"), *soup.find_all("h1")]
        title = next((t for h in headings if (t := clean(h.get_text(" ")))), head_title)
    fields = labelled_fields(content)
    body = block_text(content)
    status = next((p for p in STATUS_PHRASES if p.lower() in body.lower()), "")
    amount = next((v for k, v in fields if any(a in k.lower() for a in AMOUNT_LABELS)), "")
    first_p = content.find("p")
    summary = (
        clean(str(description.get("content", "")))
        if isinstance(description, Tag)
        else (clean(first_p.get_text(" ")) if first_p else "")
    )
    if not body.replace(title, "").strip() and not fields:
        raise ParseError(f"{page.url}: page has a title ({title or head_title!r}) but no text")
    lines = [f"{k}: {v}" for k, v in fields]
    text = "\n".join([*lines, body]) if lines else body
    return SchemePage(
        title=title or head_title,
        text=text[:max_chars],
        summary=summary[:1000],
        status_text=status,
        amount_text=amount,
        fields=fields,
    )
