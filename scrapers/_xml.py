"""XML helpers for scrapers: safe parsing, lookup by local name, and text rendering.

Official Dutch XML comes both namespaced (``sru:record``, ``dcterms:title``) and with the
namespaces stripped by intermediaries (WetSuite's saved records), so every lookup here goes by
*local* name. The parser never resolves entities, never touches the network and refuses huge
trees. No network, no clock here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator

from lxml import etree

from scrapers.base import ParseError

logger = logging.getLogger(__name__)

MAX_TEXT = 200_000
# Block-level elements of the KOOP/BWB/CVDR schemas: each becomes one line of text.
BLOCKS = frozenset(
    {
        "al", "titel", "subtitel", "kop", "tussenkop", "li", "lid", "row", "definitie-item",
        "intitule", "citeertitel", "wie", "considerans.al", "p", "h1", "h2", "h3", "dt", "dd",
        "opschrift", "slotformulering", "naam", "functie", "dagtekening", "plaats",
    }
)  # fmt: skip
# Inline markup joins its neighbours without a space ("Bergen, 2"+"3" → "Bergen, 23").
INLINE = frozenset(
    {"nadruk", "cursief", "vet", "onderstreept", "intref", "extref", "sup", "sub", "noot",
     "a", "b", "i", "em", "strong", "span", "abbr", "small", "u"}
)  # fmt: skip
SKIP = frozenset({"meta-data", "metadata", "meta", "bwb-inputbestand", "bwb-wijzigingen"})
_SPACE = re.compile(r"\s+")


def parse_xml(content: bytes, url: str = "") -> etree._Element:
    """Parse ``content`` safely; ParseError when it is empty or not well-formed XML."""
    if not content.strip():
        raise ParseError(f"{url}: empty body, expected XML")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, recover=False
    )
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{url}: not well-formed XML ({exc})") from exc
    if root is None:
        raise ParseError(f"{url}: no XML root element")
    return root


def local(el: etree._Element) -> str:
    """Return the local name of ``el`` ('' for comments and processing instructions)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].split(":")[-1]


def children(el: etree._Element, name: str) -> list[etree._Element]:
    """Direct children of ``el`` with local name ``name``."""
    return [child for child in el if local(child) == name]


def find_all(el: etree._Element, name: str) -> Iterator[etree._Element]:
    """Descendants of ``el`` (document order) with local name ``name``."""
    for node in el.iter():
        if node is not el and local(node) == name:
            yield node


def find_first(el: etree._Element, *path: str) -> etree._Element | None:
    """Follow ``path`` of local names through descendants; the first match or None."""
    node: etree._Element | None = el
    for name in path:
        if node is None:
            return None
        node = next(find_all(node, name), None)
    return node


def one(el: etree._Element, name: str, *, what: str = "") -> etree._Element:
    """The single descendant named ``name``; ParseError when there are none or several."""
    found = list(find_all(el, name))
    if len(found) != 1:
        raise ParseError(f"{what or local(el)}: expected exactly one <{name}>, found {len(found)}")
    return found[0]


def many(el: etree._Element, name: str, *, min: int = 1, what: str = "") -> list[etree._Element]:
    """All descendants named ``name``; ParseError when fewer than ``min``."""
    found = list(find_all(el, name))
    if len(found) < min:
        raise ParseError(
            f"{what or local(el)}: expected at least {min} <{name}>, found {len(found)}"
        )
    return found


def clean(text: str) -> str:
    """Collapse whitespace."""
    return _SPACE.sub(" ", text).strip()


def inline_text(el: etree._Element, skip: Iterable[str] = SKIP) -> str:
    """Text of ``el`` and its descendants, skipping ``skip`` subtrees but keeping their tails."""
    skipped = frozenset(skip)
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        for child in node:
            if local(child) not in skipped:
                walk(child)
                parts.append("" if local(child) in INLINE else " ")
            if child.tail and not _splits_number(child, parts):
                parts.append(child.tail)

    walk(el)
    return clean("".join(parts))


def _splits_number(child: etree._Element, parts: list[str]) -> bool:
    """True when ``child``'s tail is layout whitespace inside a number split over inline
    elements: ``<nadruk>Bergen, 2</nadruk>⏎<nadruk>3</nadruk>`` is "23", not "2 3" (the real
    Staatscourant XML stcrt-2015-47076 writes its date so)."""
    tail = child.tail or ""
    following = child.getnext()
    if tail.strip() or "\n" not in tail or following is None or local(child) not in INLINE:
        return False
    if local(following) not in INLINE:
        return False
    before = parts[-2] if len(parts) >= 2 and not parts[-1] else (parts[-1] if parts else "")
    return before[-1:].isdigit() and inline_text(following)[:1].isdigit()


def text_of(el: etree._Element | None) -> str:
    """Whitespace-collapsed text of ``el``; '' for None."""
    return "" if el is None else inline_text(el)


def first_text(el: etree._Element, *names: str) -> str:
    """Text of the first descendant having any of ``names`` (in that order of preference)."""
    for name in names:
        text = text_of(next(find_all(el, name), None))
        if text:
            return text
    return ""


def render_text(el: etree._Element, *, skip: Iterable[str] = SKIP, cap: int = MAX_TEXT) -> str:
    """Render a legal document as lines: one per paragraph, table rows as 'a | b | c'."""
    skipped = frozenset(skip)
    lines: list[str] = []

    def walk(node: etree._Element) -> None:
        name = local(node)
        if name in skipped or not name:
            return
        if name == "row" or name == "tr":
            cells = [inline_text(c, skipped) for c in node if local(c) in {"entry", "td", "th"}]
            line = " | ".join(c for c in cells if c)
        elif name in BLOCKS:
            line = inline_text(node, skipped)
        else:
            for child in node:
                walk(child)
            return
        if line:
            lines.append(line)

    walk(el)
    text = "\n".join(lines)
    if len(text) > cap:
        logger.info("text capped at %d characters", cap)
        text = text[:cap]
    return text
