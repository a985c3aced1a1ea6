"""HTML helpers shared by the page, list and feed scrapers: content, title, labelled fields.

Works on any scheme page without knowing its markup: the main content is found by common
landmarks, labelled fields are read from dt/dd, th/td, "Label: value" lines and Q&A headings,
and the rest is rendered as one line per block. Text only: no HTML leaves this module.
No network here.

Scheme pages are read with lxml's own tree (libxml2's HTML parser, the same one BeautifulSoup
used here, without building a BeautifulSoup tree of the whole page): text is what BeautifulSoup's
``get_text`` gave (no comments, processing instructions, script, style, template or ruby
annotations; one piece per text node). BeautifulSoup is still used for CSS selectors from the
configuration (listing pages, and the optional ``content``/``title`` selectors of a page), and
its encoding detection for a body that is not UTF-8; otherwise it is not even imported (issue
14: bs4, soupsieve and charset_normalizer cost a scrape 3 MB and 40 ms to load).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, cast

from lxml import etree

from scrapers.base import Page, ParseError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

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
_SPACE = re.compile(r"\s+")
_CLASS_TOKEN = re.compile(r"\S+")  # how BeautifulSoup splits a class attribute
# Elements whose strings BeautifulSoup's get_text leaves out (unless asked for that element).
_OWN_STRINGS = ("script", "style", "template", "rt", "rp")
# The landmarks as XPath, in CONTENT_LANDMARKS order; ".content" is checked token-wise below.
# Like CSS selectors (soupsieve), they do not look inside a <template>: its content is inert.
_LANDMARK_XPATHS = tuple(
    etree.XPath(f"descendant-or-self::{step}[not(ancestor::template)]")
    for step in (
        "*[@id='broodtekst']", "main", "article", "*[@role='main']", "*[@id='content']",
        "*[contains(@class, 'content')]",
    )
)  # fmt: skip
_DESCRIPTION_XPATH = etree.XPath("descendant-or-self::meta[@name='description']")
# Dublin Core metadata of official publications (zoek.officielebekendmakingen.nl pages carry
# DC.title and DCTERMS.available): the document's own title and date, before any heading
_DC_TITLE_XPATH = etree.XPath(
    "descendant-or-self::meta[@name='DC.title' or @name='DCTERMS.title']/@content",
    smart_strings=False,
)
_DC_DATE_XPATH = etree.XPath(
    "descendant-or-self::meta[@name='DCTERMS.available' or @name='DCTERMS.issued']/@content",
    smart_strings=False,
)
# A heading that is navigation, not the page's title: the table of contents of an official
# publication (<h1 id="VolledigeInhoudsOpgaveKop">Inhoudsopgave</h1>), menus, breadcrumbs
_NAV_HEADING = re.compile(r"inhoudsopgave|\btoc\b|\bnav|\bmenu|breadcrumb", re.IGNORECASE)
_NAV_TITLES = frozenset({"inhoudsopgave", "inhoud", "menu", "navigatie", "zoeken"})
# Text nodes in document order: the pieces BeautifulSoup's get_text joins (not comments').
# XPath walks the tree in C, without a Python object per element as itertext() makes.
_TEXTS = etree.XPath("descendant::text()", smart_strings=False)
_TEXT_NODES = etree.XPath("descendant::text()")  # with getparent()/is_tail, for _Text.owner
_STRING = etree.XPath("string(.)", smart_strings=False)  # all text below, joined in C
# _LINE_LABEL matches at most 564 characters: a text with more that are not whitespace cannot
_LABEL_LINE_MAX = 600

Element = etree._Element


@dataclass
class SchemePage:
    """What one scheme page says, as text."""

    title: str
    text: str
    summary: str = ""
    status_text: str = ""
    amount_text: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    # the page's publication date as its metadata states it (DCTERMS.available), '' if none
    published: str = ""


def clean(text: str) -> str:
    """Collapse whitespace."""
    return _SPACE.sub(" ", text).strip()


def soup_of(page: Page, encoding: str | None = None) -> BeautifulSoup:
    """Parse an HTML page into BeautifulSoup (for CSS selectors); ParseError when empty."""
    if not page.content.strip():
        raise ParseError(f"{page.url}: empty body, expected HTML")
    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():  # XHTML pages (KOOP) are HTML to us, as to a browser
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        # C parser: far faster than html.parser
        return BeautifulSoup(page.content, "lxml", from_encoding=encoding)


def tree_of(page: Page) -> tuple[Element, str | None]:
    """Parse an HTML page into an lxml tree under a <document> element; ParseError when empty.

    This is the tree BeautifulSoup built, returned with the encoding it was read with (None
    when nothing in the body is an element). The encodings are tried in BeautifulSoup's order
    (byte-order mark, the page's own declaration, a guess, UTF-8, Windows-1252) and libxml2's
    HTML parser is fed the whole body. <document> holds what BeautifulSoup's document did:
    comments around <html> and a second <html> for what follows </html>. Comments stay in
    the tree (text skips them): dropping them while parsing would glue the text around them
    together ("Sub<!-- -->sidie"). The parser never uses the network, loads no DTD or external
    entity and keeps libxml2's limits (no huge_tree). Unlike BeautifulSoup, a <!DOCTYPE> in
    the middle of a text no longer splits it in two, and UTF-8 is not mistaken for another
    encoding.
    """
    if not page.content.strip():
        raise ParseError(f"{page.url}: empty body, expected HTML")
    markup, encodings = _encodings(page.content, _header_charset(page.headers))
    document = etree.Element("document")
    for encoding in encodings:
        try:
            parser = etree.HTMLParser(
                encoding=encoding, recover=True, no_network=True, huge_tree=False,
                remove_comments=False, remove_pis=False,
            )  # fmt: skip
            parser.feed(markup)
            root: Element | None = parser.close()
        except (UnicodeDecodeError, LookupError, ValueError, etree.LxmlError):
            continue  # an unknown or unusable encoding, or the body does not decode with it
        if root is None:
            return document, None  # nothing but comments
        if _nesting(root) >= _DEEP:
            # libxml2 stops building its tree at 256 open elements (without huge_tree) and
            # drops the rest of the page; BeautifulSoup's tree had no such limit.
            return _deep_tree(markup, encoding), encoding
        before = list(root.itersiblings(preceding=True))[::-1]
        document.extend([*before, root, *root.itersiblings()])
        return document, encoding
    return document, None


_DEEP = 250  # open elements at the end of the tree: libxml2's depth limit (256) may have hit


def _nesting(root: Element) -> int:
    """Elements from root to the last node in document order (where a stopped parse ends)."""
    depth, node = 1, root
    while len(node):
        depth, node = depth + 1, node[-1]
    return depth


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NAME = re.compile(r"[A-Za-z_][\w.-]*", re.ASCII)


def _valid(name: str | bytes) -> str:
    """An element or attribute name lxml accepts ("x:y" from the HTML parser is not one)."""
    name = name if isinstance(name, str) else name.decode("utf-8", "replace")
    return name if _NAME.fullmatch(name) else "x-" + re.sub(r"[^\w.-]", "-", name, flags=re.ASCII)


class _DeepTree:
    """Parser target that builds the tree from libxml2's events, as BeautifulSoup did, for
    pages nested deeper than libxml2's own tree allows. Names lxml rejects are made valid
    and characters XML cannot hold are dropped (nothing the reader looks for uses them)."""

    def __init__(self) -> None:
        self.document = etree.Element("document")
        self.open: list[Element] = [self.document]
        self.pending: list[str] = []

    def _flush(self) -> None:
        text = _NOT_XML.sub("", "".join(self.pending))
        self.pending.clear()
        if not text:
            return
        parent = self.open[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    def start(self, tag: str | bytes, attrib: dict[str | bytes, str | bytes]) -> None:
        self._flush()
        element = etree.SubElement(self.open[-1], _valid(tag))
        for key, value in attrib.items():
            name = _valid(key)
            if name == key:  # an attribute lxml cannot hold is left out
                text = value if isinstance(value, str) else value.decode("utf-8", "replace")
                element.set(name, _NOT_XML.sub("", text))
        self.open.append(element)

    def end(self, tag: str | bytes) -> None:
        self._flush()
        # like BeautifulSoup: close up to the most recent open element of that name
        name = _valid(tag)
        if self.open[-1].tag == name and len(self.open) > 1:
            self.open.pop()
            return
        names = [e.tag for e in self.open]
        if name in names[1:]:
            del self.open[len(names) - 1 - names[::-1].index(name) :]

    def data(self, data: str | bytes) -> None:
        self.pending.append(data if isinstance(data, str) else data.decode("utf-8", "replace"))

    def comment(self, text: str | bytes) -> None:
        self._flush()
        self.open[-1].append(etree.Comment())  # only its place counts: text skips comments

    def pi(self, target: str | bytes, data: str | bytes | None = None) -> None:
        self.comment("")

    def close(self) -> Element:
        self._flush()
        return self.document


def _deep_tree(markup: bytes, encoding: str) -> Element:
    parser = etree.HTMLParser(
        encoding=encoding, target=_DeepTree(), recover=True, no_network=True, huge_tree=False,
        remove_comments=False, remove_pis=False,
    )  # fmt: skip
    parser.feed(markup)
    document: Element = parser.close()
    return document


# bs4.dammit's byte-order marks and encoding declarations (EncodingDetector), for UTF-8 bodies
_BOMS = (
    (b"\xfe\xff", "utf-16be"), (b"\xff\xfe", "utf-16le"), (b"\xef\xbb\xbf", "utf-8"),
    (b"\x00\x00\xfe\xff", "utf-32be"), (b"\xff\xfe\x00\x00", "utf-32le"),
)  # fmt: skip
_XML_DECLARED = re.compile(rb"^\s*<\?.*encoding=['\"](.*?)['\"].*\?>", re.I)
_HTML_DECLARED = re.compile(rb"<\s*meta[^>]+charset\s*=\s*[\"']?([^>]*?)[ /;'\">]", re.I)


def _strip_bom(data: bytes) -> tuple[bytes, str | None]:
    """EncodingDetector.strip_byte_order_mark: the body without its BOM, and the BOM's encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if len(bom) == 2 and (len(data) < 4 or data[2:4] == b"\x00\x00"):
                continue  # a UTF-16 mark needs 4 bytes and is not the start of a UTF-32 one
            return data[len(bom) :], encoding
    return data, None


def _declared(markup: bytes) -> str | None:
    """EncodingDetector.find_declared_encoding(markup, is_html=True)."""
    found = _XML_DECLARED.search(markup, endpos=1024) or _HTML_DECLARED.search(
        markup, endpos=max(2048, int(len(markup) * 0.05))
    )
    name = found.group(1).decode("ascii", "replace") if found is not None else ""
    return name.lower() if name else None


def _encodings(content: bytes, header: str | None = None) -> tuple[bytes, list[str]]:
    """The body without a byte-order mark and the encodings to try: the byte-order mark,
    the HTTP header's charset (it overrides the page's own declaration, as in browsers),
    the declaration, a guess, UTF-8, Windows-1252.

    Non-ASCII that decodes as UTF-8 is UTF-8, whatever a header or meta tag claims: such
    byte sequences do not occur in Windows-1252 text ("CoÃ¶rdinatie" came of believing a
    stale latin-1 meta tag)."""
    markup, sniffed = _strip_bom(content)
    if _is_utf8(markup):
        # BeautifulSoup asked charset_normalizer for the guess, which can call short UTF-8
        # text Windows-1250 or CP932 (mojibake); UTF-8 that decodes is UTF-8.
        utf8 = None if markup.isascii() else "utf-8"
        candidates = [sniffed, utf8, header, _declared(markup), "utf-8", "windows-1252"]
        return markup, [e for e in dict.fromkeys(candidates) if e]
    from bs4.dammit import EncodingDetector

    detector = EncodingDetector(content, is_html=True)
    found = [sniffed, header, *detector.encodings]
    return detector.markup, [e for e in dict.fromkeys(found) if e]


# labels browsers read as Windows-1252 (WHATWG Encoding): a server saying latin-1 means it
_WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819", "us-ascii",
                 "ascii", "ansi_x3.4-1968"}  # fmt: skip


def _header_charset(headers: Mapping[str, str]) -> str | None:
    """The charset the Content-Type header names, if any."""
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    for part in ctype.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            label = value.strip().strip('"').lower()
            return "windows-1252" if label in _WINDOWS_1252 else label
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_element(node: Element) -> bool:
    return isinstance(node.tag, str)  # not a comment or processing instruction


class _Text:
    """The text of elements of one tree, as BeautifulSoup's get_text gave it.

    get_text joins the page's text nodes (not comments) but leaves out the strings of script,
    style, template, rt and rp elements, unless called on such an element, when it takes only
    strings of its own kind. A string's kind is that of its nearest such ancestor.
    """

    def __init__(self, root: Element) -> None:
        self.root = root
        self._mixed: set[Element] | None = None
        self._owner: dict[Element, str] | None = None

    @property
    def mixed(self) -> set[Element]:
        """Elements whose text is not simply all text below them: with a script, style,
        template, rt or rp element among their ancestors, descendants or themselves."""
        if self._mixed is None:
            self._mixed = set()
            for own in self.root.iter(*_OWN_STRINGS):
                if own not in self._mixed:
                    self._mixed.add(own)
                    self._mixed.update(own.iterancestors())
                    self._mixed.update(own.iterdescendants())
        return self._mixed

    @property
    def owner(self) -> dict[Element, str]:
        """Element -> tag of its nearest script/style/template/rt/rp ancestor-or-self."""
        if self._owner is None:
            self._owner = {}
            for own in self.root.iter(*_OWN_STRINGS):  # outer ones first: inner ones win
                self._owner[own] = str(own.tag)
                self._owner.update((d, str(own.tag)) for d in own.iterdescendants())
        return self._owner

    def strings(self, el: Element) -> list[str]:
        """The text nodes ``el.get_text()`` joins, in document order."""
        if el not in self.mixed:
            return cast("list[str]", _TEXTS(el))  # text() without smart strings: str
        wanted = el.tag if el.tag in _OWN_STRINGS else None
        owner, out = self.owner, []
        for node in cast("list[etree._ElementUnicodeResult]", _TEXT_NODES(el)):
            parent = node.getparent()
            holder = parent.getparent() if node.is_tail and parent is not None else parent
            if owner.get(holder) == wanted:  # type: ignore[arg-type]
                out.append(str(node))
        return out

    def text(self, el: Element) -> str:
        """``clean(el.get_text(" "))``."""
        return clean(" ".join(self.strings(el)))

    def stripped_length(self, el: Element) -> int:
        """``len(el.get_text(" ", strip=True))``."""
        return len(" ".join(s for s in (t.strip() for t in self.strings(el)) if s))

    def too_long_for_a_label_line(self, el: Element) -> bool:
        """Whether el's text is certainly too long for _LINE_LABEL, found cheaply."""
        if el in self.mixed:
            return False
        text = cast(str, _STRING(el))
        return len(text) > _LABEL_LINE_MAX and len("".join(text.split())) > _LABEL_LINE_MAX


def _xpath(el: Element, xpath: etree.XPath) -> list[Element]:
    return cast("list[Element]", xpath(el))  # expressions that select elements


def _landmark(root: Element) -> Element | None:
    """The first of CONTENT_LANDMARKS that matches, as BeautifulSoup's select_one found it."""
    for xpath in _LANDMARK_XPATHS[:-1]:
        if found := _xpath(root, xpath):
            return found[0]
    candidates = _xpath(root, _LANDMARK_XPATHS[-1])
    return next(
        (e for e in candidates if "content" in _CLASS_TOKEN.findall(e.get("class", ""))), None
    )


def _drop(el: Element) -> None:
    """Remove el and its subtree; a marker keeps the text after it a separate text node."""
    parent = el.getparent()
    assert parent is not None
    marker = etree.Comment()
    marker.tail = el.tail
    parent.replace(el, marker)


def _unwrap(el: Element) -> None:
    """Replace el by its children; markers keep its text and tail separate text nodes."""
    parent = el.getparent()
    assert parent is not None
    start, end = etree.Comment(), etree.Comment()
    start.tail, end.tail = el.text, el.tail
    at = parent.index(el)
    parent[at : at + 1] = [start, *el, end]


def _noise_plan(content: Element, reader: _Text) -> list[tuple[bool, Element]]:
    """(unwrap?, element) for each navigation/script/form element of content, in order.

    A form around most of the content (ASP.NET style) is layout and is unwrapped; every other
    form and all other noise is removed, with what it holds.
    """
    plan: list[tuple[bool, Element]] = []
    removed: set[Element] = set()
    total: int | None = None
    for el in list(content.iterdescendants(*NOISE)):
        if any(a in removed for a in el.iterancestors()):
            continue
        if el.tag == "form":
            if total is None:
                total = reader.stripped_length(content)
            if reader.stripped_length(el) * 2 > total:
                plan.append((True, el))
                continue
        plan.append((False, el))
        removed.add(el)
    return plan


def main_content(root: Element) -> Element:
    """The page's main content: a landmark, else body, else the whole page."""
    content = _landmark(root)
    return content if content is not None else next(root.iter("body"), root)


def _apply(plan: list[tuple[bool, Element]]) -> None:
    for unwrap, el in plan:
        if unwrap:
            _unwrap(el)
        else:
            _drop(el)


def _is_label(text: str) -> bool:
    return text.strip().lower().rstrip(":") in LABELS or text.strip().endswith("?")


def labelled_fields(content: Element, reader: _Text) -> list[tuple[str, str]]:
    """(label, value) pairs from dt/dd, th/td rows, 'Label: value' lines and Q&A headings."""
    pairs: list[tuple[str, str]] = []
    for dt in content.iterdescendants("dt"):
        dd = next(dt.itersiblings("dd"), None)
        if dd is not None:
            pairs.append((reader.text(dt), reader.text(dd)))
    for row in content.iterdescendants("tr"):
        th, td = next(row.iterdescendants("th"), None), next(row.iterdescendants("td"), None)
        if th is not None and td is not None:
            pairs.append((reader.text(th), reader.text(td)))
    for heading in content.iterdescendants("h2", "h3", "h4", "h5"):
        label = reader.text(heading)
        if _is_label(label):
            values = []
            for sibling in heading.itersiblings():
                if not _is_element(sibling):
                    continue
                if sibling.tag in ("h1", "h2", "h3", "h4", "h5"):
                    break
                values.append(reader.text(sibling))
            if any(values):
                pairs.append((label, " ".join(v for v in values if v)))
    for block in content.iterdescendants("p", "li", "div", "span"):
        if reader.too_long_for_a_label_line(block):
            continue
        match = _LINE_LABEL.match(reader.text(block))
        if match and match.group(1).strip().lower() in LABELS:
            pairs.append((match.group(1).strip(), match.group(2).strip()))
    return list(dict.fromkeys((k.rstrip(":"), v) for k, v in pairs if k and v))


def block_text(content: Element, reader: _Text) -> str:
    """One line per innermost block; table rows as 'a | b'."""
    lines: list[str] = []
    for block in content.iterdescendants(*BLOCKS):
        if block.tag == "tr":
            cells = (reader.text(x) for x in block.iterdescendants("th", "td"))
            line = " | ".join(c for c in cells if c)
        elif (
            next(block.iterdescendants(*BLOCKS), None) is not None
            or next(block.iterancestors("tr"), None) is not None
        ):
            continue
        else:
            line = reader.text(block)
        if line:
            lines.append(line)
    if not lines:
        lines = [reader.text(content)]
    return "\n".join(dict.fromkeys(lines))


# -- configured CSS selectors: BeautifulSoup (soupsieve) selects, the lxml twin is read --------


def _soup_path(tag: Tag) -> list[tuple[int, str]]:
    """(index among element siblings, name) from the document down to tag."""
    from bs4 import Tag

    path: list[tuple[int, str]] = []
    node: Tag = tag
    while node.parent is not None:
        path.append((sum(isinstance(s, Tag) for s in node.previous_siblings), node.name))
        node = node.parent
    return path[::-1]


def _tree_path(el: Element) -> list[tuple[int, str]]:
    path: list[tuple[int, str]] = []
    node, parent = el, el.getparent()
    while parent is not None:
        index = sum(_is_element(s) for s in node.itersiblings(preceding=True))
        path.append((index, _valid(node.tag)))
        node, parent = parent, parent.getparent()
    return path[::-1]


def _tree_twin(root: Element, tag: Tag) -> Element:
    """The lxml element at tag's place (both trees come from the same parser events)."""
    node = root
    for index, name in _soup_path(tag):
        children = [c for c in node if _is_element(c)]
        if index >= len(children) or _valid(children[index].tag) != _valid(name):
            raise ParseError(f"element <{tag.name}> not found in the page tree")
        node = children[index]
    return node


def _soup_twin(soup: BeautifulSoup, el: Element) -> Tag:
    from bs4 import Tag

    node: Tag = soup
    for index, name in _tree_path(el):
        children = [c for c in node.contents if isinstance(c, Tag)]
        if index >= len(children) or _valid(children[index].name) != name:
            raise ParseError(f"element <{el.tag}> not found in the page soup")
        node = children[index]
    return node


def read_scheme_page(
    page: Page, *, content_selector: str | None = None, title_selector: str | None = None,
    max_chars: int = MAX_CHARS,
) -> SchemePage:  # fmt: skip
    """Read one scheme page: title, labelled fields first as 'Label: value', then the text."""
    root, encoding = tree_of(page)
    soup = soup_of(page, encoding) if content_selector or title_selector else None
    head = next(root.iter("title"), None)
    reader = _Text(root)
    head_title = clean("".join(reader.strings(head))) if head is not None else ""
    description = next(iter(_xpath(root, _DESCRIPTION_XPATH)), None)
    if soup is not None and content_selector:
        found = soup.select_one(content_selector)
        if found is None:
            raise ParseError(f"content selector {content_selector!r} matched nothing")
        content = _tree_twin(root, found)
    else:
        content = main_content(root)
    plan = _noise_plan(content, reader)
    if soup is not None and title_selector:
        # the selector sees the page without the noise: do to the soup what is done to the tree
        for unwrap, tag in [(unwrap, _soup_twin(soup, el)) for unwrap, el in plan]:
            if unwrap:
                tag.unwrap()
            else:
                tag.decompose()
    _apply(plan)
    reader = _Text(root)  # anew: the noise (scripts above all) is gone
    if soup is not None and title_selector:
        node = soup.select_one(title_selector)
        title = clean(node.get_text(" ")) if node else ""
    else:
        headings = chain(content.iterdescendants("h1"), root.iter("h1"))
        meta_title = _first_value(root, _DC_TITLE_XPATH)
        title = meta_title or next(
            (t for h in headings if (t := reader.text(h)) and not _navigation(h, t)), head_title
        )
    fields = labelled_fields(content, reader)
    body = block_text(content, reader)
    status = next((p for p in STATUS_PHRASES if p.lower() in body.lower()), "")
    amount = next((v for k, v in fields if any(a in k.lower() for a in AMOUNT_LABELS)), "")
    first_p = next(content.iterdescendants("p"), None)
    summary = (
        clean(description.get("content", ""))
        if description is not None
        else (reader.text(first_p) if first_p is not None else "")
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
        published=_first_value(root, _DC_DATE_XPATH),
    )


def _first_value(root: Element, xpath: etree.XPath) -> str:
    """The first non-empty attribute value an expression selecting attributes finds."""
    values = cast("list[str]", xpath(root))
    return next((text for value in values if (text := clean(str(value)))), "")


def _navigation(heading: Element, text: str) -> bool:
    """Whether a heading is a table of contents or navigation rather than the page's title."""
    marks = f"{heading.get('id', '')} {heading.get('class', '')}"
    return text.casefold() in _NAV_TITLES or bool(_NAV_HEADING.search(marks))
