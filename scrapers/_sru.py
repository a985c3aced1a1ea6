"""SRU searchRetrieve helpers shared by the KOOP, BWB and CVDR scrapers.

Envelope checks (1.2 and 2.0 look alike by local name), diagnostics as ParseError, and paging by
``nextRecordPosition`` or ``startRecord += maximumRecords``. No network here.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from lxml import etree

from scrapers import _xml
from scrapers.base import Page, ParseError, Request

logger = logging.getLogger(__name__)


def with_params(url: str, params: dict[str, str]) -> str:
    """Return ``url`` with ``params`` set in its query string (existing keys replaced)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True)) | params
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def sru_search(
    url: str, query: str, *, version: str, page_size: int, extra: dict[str, str] | None = None
) -> Request:
    """The first searchRetrieve request of a run (SRU paging starts at record 1)."""
    params = {"operation": "searchRetrieve", "version": version, **(extra or {})}
    params |= {"query": query, "startRecord": "1", "maximumRecords": str(page_size)}
    return Request(with_params(url, params))


def sru_envelope(page: Page) -> tuple[etree._Element, int]:
    """Parse an SRU searchRetrieveResponse; (root, numberOfRecords). Diagnostics → ParseError."""
    root = _xml.parse_xml(page.content, page.url)
    if _xml.local(root) != "searchRetrieveResponse":
        raise ParseError(f"{page.url}: root <{_xml.local(root)}> is not searchRetrieveResponse")
    diagnostic = _xml.find_first(root, "diagnostics", "diagnostic")
    if diagnostic is not None:
        detail = _xml.first_text(diagnostic, "message", "details", "uri")
        raise ParseError(f"{page.url}: SRU diagnostic: {detail}")
    count = _xml.text_of(_xml.one(root, "numberOfRecords", what=page.url))
    if not count.isdigit():
        raise ParseError(f"{page.url}: numberOfRecords {count!r} is not a number")
    return root, int(count)


def sru_next_request(page: Page, total: int, root: etree._Element, max_pages: int) -> list[Request]:
    """Next searchRetrieve page: nextRecordPosition, else startRecord += maximumRecords."""
    query = dict(parse_qsl(urlsplit(page.url).query))
    start = int(query.get("startRecord", "1") or 1)
    size = int(query.get("maximumRecords", "0") or 0) or len(list(_xml.find_all(root, "record")))
    following = _xml.first_text(root, "nextRecordPosition")
    nxt = int(following) if following.isdigit() else start + size
    if size <= 0 or nxt <= start or nxt > total or (start - 1) // size + 1 >= max_pages:
        return []
    return [Request(with_params(page.url, {"startRecord": str(nxt)}))]


def sru_records(page: Page) -> list[etree._Element]:
    """The <record> elements of a valid envelope; ParseError when a page that should hold some
    holds none. numberOfRecords 0 is a legitimately empty answer."""
    root, total = sru_envelope(page)
    records = list(_xml.find_all(root, "record"))
    if total and not records:
        raise ParseError(f"{page.url}: numberOfRecords={total} but no <record> on this page")
    return records
