"""SRU searchRetrieve base shared by the KOOP, BWB and CVDR scrapers.

``SruScraper`` owns the skeleton the three repeat: the first request (CQL query, optional
``sortBy`` so the newest records come first and a capped run never drops them), envelope checks
(1.2 and 2.0 look alike by local name), diagnostics, and paging by ``nextRecordPosition`` or
``startRecord +=`` the records received (a server may serve fewer than ``maximumRecords``) up
to ``SourceContext.max_pages``. A subclass says how to
build its query and how to read one record. No network here.

Diagnostics: an HTTP-200 ``<diagnostics>`` answer is a ParseError, except a diagnostic saying
part of the query was ignored (a sort key or an index the server does not support): that one
still comes with results, so it is recorded as a warning (the pipeline marks such a run
degraded) and the records are read. When the ignored part is one of the scraper's
``filter_indexes`` (the validity date, the publication, the look-back date), the results are
unfiltered, so that diagnostic is a ParseError as well.
"""

from __future__ import annotations

import logging
import re
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from typing import ClassVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from lxml import etree

from scrapers import _xml
from scrapers.base import Page, ParseError, RawScheme, Request, Scraper

logger = logging.getLogger(__name__)

# "query part ignored" / "… is ignored" / "genegeerd": the server answered without that part
_IGNORED = re.compile(r"\bignored\b|genegeerd", re.IGNORECASE)
# a diagnostic about the sortBy clause ("sortBy dt.modified/sort.descending", "sort key")
_SORT = re.compile(r"\bsort(?:by|\b|\.)", re.IGNORECASE)


def _names_filter(detail: str, index: str) -> bool:
    """Whether a diagnostic names ``index`` as a query clause (not as the sortBy key)."""
    if _SORT.search(detail):
        return False
    return re.search(rf"(?<![\w.-]){re.escape(index)}(?![\w/-]|\.\w)", detail, re.I) is not None


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


def sru_diagnostics(root: etree._Element) -> list[str]:
    """Each diagnostic of an envelope as 'message (uri)' text."""
    found = []
    for diagnostic in _xml.find_all(root, "diagnostic"):
        message = _xml.first_text(diagnostic, "message", "details")
        uri = _xml.first_text(diagnostic, "uri")
        found.append(f"{message} ({uri})" if message and uri else message or uri)
    return found


def sru_envelope(
    page: Page, filter_indexes: Iterable[str] = ()
) -> tuple[etree._Element, int, list[str]]:
    """Parse an SRU searchRetrieveResponse: (root, numberOfRecords, warnings).

    A diagnostic is a ParseError unless it says part of the query was ignored, and even then
    when the ignored part names one of ``filter_indexes`` (the results would be unfiltered).
    """
    root = _xml.parse_xml(page.content, page.url)
    if _xml.local(root) != "searchRetrieveResponse":
        raise ParseError(f"{page.url}: root <{_xml.local(root)}> is not searchRetrieveResponse")
    warnings = []
    for detail in sru_diagnostics(root):
        if not _IGNORED.search(detail):
            raise ParseError(f"{page.url}: SRU diagnostic: {detail}")
        for index in filter_indexes:
            if _names_filter(detail, index):
                raise ParseError(
                    f"{page.url}: SRU server ignored the filter {index}, "
                    f"results unfiltered ({detail})"
                )
        warnings.append(f"SRU-waarschuwing: {detail}")
    count = _xml.text_of(_xml.find_first(root, "numberOfRecords"))
    if not count.isdigit():
        raise ParseError(f"{page.url}: numberOfRecords {count!r} is not a number")
    return root, int(count), warnings


def sru_next_request(page: Page, total: int, root: etree._Element, max_pages: int) -> list[Request]:
    """Next searchRetrieve page: nextRecordPosition, else startRecord + the records received.

    A server may return fewer records than ``maximumRecords`` asked for (its own cap): the
    next page then starts right after the last record received, so none is skipped. A page
    without records ends the paging (no endless loop on an empty page).
    """
    query = dict(parse_qsl(urlsplit(page.url).query))
    start = int(query.get("startRecord", "1") or 1)
    asked = int(query.get("maximumRecords", "0") or 0)
    received = len(list(_xml.find_all(root, "record")))
    following = _xml.first_text(root, "nextRecordPosition")
    nxt = int(following) if following.isdigit() else start + received
    # pages so far, counted in the size the server actually serves
    size = min(asked, received) if asked and received else asked or received
    if received <= 0 or nxt <= start or nxt > total or (start - 1) // size + 1 >= max_pages:
        return []
    return [Request(with_params(page.url, {"startRecord": str(nxt)}))]


def cql_string(value: str) -> str:
    """``value`` as a quoted CQL string: a ``"`` or ``\\`` in configured text is escaped, so
    it can neither end the string early nor break the query (CQL 1.2). The masking characters
    ``*`` and ``?`` keep their meaning: a configured term may truncate on purpose."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class SruScraper(Scraper):
    """Base of the SRU scrapers: subclasses give ``build_query`` and ``parse_records``.

    Options of a subclass must define ``page_size`` and ``sort_by`` ('' for no sortBy).
    """

    sru_version: ClassVar[str] = "2.0"
    sru_params: ClassVar[dict[str, str]] = {}
    # indexes of the query's filter clauses: a server ignoring one answers unfiltered results
    filter_indexes: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def build_query(self) -> str:
        """The CQL query of this run, without sortBy."""

    @abstractmethod
    def parse_records(self, records: list[etree._Element], url: str) -> Iterable[RawScheme]:
        """Turn the <record> elements of one page into schemes."""

    def full_query(self) -> str:
        """``build_query()`` plus the configured ``sortBy`` clause."""
        sort_by = str(getattr(self.options, "sort_by", "") or "")
        query = self.build_query()
        return f"{query} sortBy {sort_by}" if sort_by else query

    def start_requests(self, url: str) -> list[Request]:
        size = int(getattr(self.options, "page_size", 100))
        query = self.full_query()
        extra = dict(self.sru_params)
        return [sru_search(url, query, version=self.sru_version, page_size=size, extra=extra)]

    def next_requests(self, page: Page) -> list[Request]:
        root, total, _warnings = sru_envelope(page, self.filter_indexes)
        return sru_next_request(page, total, root, self.context.max_pages)

    def parse(self, page: Page) -> Iterator[RawScheme]:
        root, total, warnings = sru_envelope(page, self.filter_indexes)
        for warning in warnings:
            self.warn(warning)
        records = list(_xml.find_all(root, "record"))
        if total and not records:
            raise ParseError(f"{page.url}: numberOfRecords={total} but no <record> on this page")
        yield from self.parse_records(records, page.url)
