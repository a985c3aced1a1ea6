"""EU Funding & Tenders Portal scraper: call topics from the SEDIA search API."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bs4 import BeautifulSoup
from pydantic import BaseModel, ConfigDict, Field

from scrapers._sru import with_params
from scrapers.base import Page, ParseError, RawScheme, RawWindow, Request, Scraper

logger = logging.getLogger(__name__)

PORTAL = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/"
STATUS = {"31094501": "Forthcoming", "31094502": "Open", "31094503": "Closed"}
_STATUS_JSON = re.compile(r'"status":\{"id":\d+,"abbreviation":"([^"]+)"')
_YEAR_MAP = re.compile(r'"(\d{4})":\s*"?(\d+)"?')


def _first(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key) or [""]
    return str(value[0] if isinstance(value, list) else value)


def _keywords(meta: dict[str, Any]) -> list[str]:
    """Keywords come as a list of strings or as one string holding a JSON array."""
    values = meta.get("keywords") or []
    if len(values) == 1 and str(values[0]).startswith("["):
        try:
            values = json.loads(values[0])
        except ValueError:
            values = []
    return list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))[:30]


def _richness(row: dict[str, Any]) -> tuple[bool, bool, bool, bool]:
    meta = row.get("metadata") or {}
    return (
        _first(meta, "DATASOURCE") == "SEDIA",
        bool(_first(meta, "status")),
        bool(_first(meta, "descriptionByte")),
        bool(_first(meta, "actions")),
    )


def _day(value: str) -> str:
    """The calendar date of an ISO value as written ('2027-04-08T00:00:00.000+0000')."""
    return value[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", value) else ""


def topic_budget(raw: str, identifier: str) -> str:
    """Sum the budgetYearMap of this topic's actions; survives truncated JSON (then regex)."""
    maps: list[str] = []
    try:
        data = json.loads(raw)
        for actions in (data.get("budgetTopicActionMap") or {}).values():
            for action in actions:
                if str(action.get("action", "")).startswith(f"{identifier} "):
                    maps.append(json.dumps(action.get("budgetYearMap") or {}))
    except (ValueError, AttributeError, TypeError):
        pattern = re.escape(f'"action":"{identifier} ') + r'[^{}]*?"budgetYearMap":\{([^{}]*)\}'
        maps = re.findall(pattern, raw)
    total = sum(int(amount) for text in maps for _, amount in _YEAR_MAP.findall(text))
    return f"€ {total}" if total else ""


class EuSediaScraper(Scraper):
    """EU Funding & Tenders Portal – call topics via the SEDIA search API (unofficial).

    Endpoint: ``POST https://api.tech.ec.europa.eu/search-api/prod/rest/search`` (the source url)
    with URL params ``apiKey=SEDIA&text=***&pageSize&pageNumber`` and multipart *file* parts
    ``query`` (a ``bool/must/terms`` filter on type, status and frameworkProgramme) and
    ``languages``, each named "blob" with type application/json; sent as plain form fields the
    API answers 500. Pages by ``pageNumber`` (1-based) until a short page or ``totalResults``.

    Every metadata value is a list. The topic ``identifier`` is the key and the one identifier;
    the ``callIdentifier`` is kept in ``extra["call_identifier"]`` only, because one call holds
    unrelated topics (HORIZON-CL4-2027-04 has DIGITAL-EMERGING-04/-10 and HUMAN-07) that must
    not merge into one scheme. Rows are deduplicated on ``identifier`` (the same topic can
    appear twice); of two rows the one with the current ``SEDIA`` datasource, a status, a
    description and actions wins over a bare legacy copy.

    ``deadlineDate`` is **Brussels wall time written with a +0000 label**, not a UTC instant:
    the legacy rows of the real sample say ``2024-02-07T17:00:00.000+0000`` for calls whose
    portal deadline reads "17:00:00 Brussels time" (read as UTC it would be 18:00 in Brussels).
    Current rows carry only the date (``T00:00:00.000+0000``); the portal's standard deadline
    time ``deadline_time`` (17:00) is then applied. Both become a local time
    ``YYYY-MM-DDTHH:MM`` that the normaliser reads in Europe/Amsterdam — the same zone as
    Brussels — so a deadline is shown to the minute. ``startDate`` is a calendar date.

    ``actions`` and ``budgetOverview`` are JSON inside strings and may be cut off;
    the budget then comes from a regex over the fragment, or is left empty. Windows are
    structured: **one window from startDate to the first deadline**, because a two-stage call
    only admits new proposals until stage 1 (later stage deadlines are noted in the snippet);
    "multiple cut-off" topics get one window per cut-off. The portal status (Forthcoming/Open)
    is passed as ``status_text`` only: legacy ``SEDIA_PRD_CENTRICITY`` rows still say Forthcoming
    years after their deadline, so status must come from the dates.

    Backed by the real 9-row Horizon Europe response in shared/samples/eu_sedia (its long fields
    were trimmed by the fixture's author). The standard 17:00 for date-only rows is the portal's
    documented default, not read from each row: check a topic page with ``tracker check``.

    Live verification is recorded per source (``verified`` in config.toml, shown by
    ``tracker sources``); none of these requests has been verified against the live service yet.
    """

    name = "eu_sedia"
    title = "EU Funding & Tenders Portal (SEDIA search API)"
    may_be_empty = True

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        framework_programmes: list[str] = Field(default_factory=list)
        statuses: list[str] = Field(default_factory=lambda: ["31094501", "31094502"])
        types: list[str] = Field(default_factory=lambda: ["1"])
        languages: list[str] = Field(default_factory=lambda: ["en"])
        page_size: int = Field(100, ge=1, le=1000)
        # the portal's standard closing time, used when a deadline carries no clock time
        deadline_time: str = Field("17:00", pattern=r"^\d{2}:\d{2}$")

    options: Options

    def _request(self, url: str, number: int) -> Request:
        opts = self.options
        must: list[dict[str, Any]] = [
            {"terms": {"type": opts.types}},
            {"terms": {"status": opts.statuses}},
        ]
        if opts.framework_programmes:
            must.append({"terms": {"frameworkProgramme": opts.framework_programmes}})
        query = json.dumps({"bool": {"must": must}}).encode()
        params = {"apiKey": "SEDIA", "text": "***", "pageSize": str(opts.page_size)}
        return Request(
            with_params(url, params | {"pageNumber": str(number)}),
            method="POST",
            files=(
                ("query", "blob", "application/json", query),
                ("languages", "blob", "application/json", json.dumps(opts.languages).encode()),
            ),
        )

    def start_requests(self, url: str) -> list[Request]:
        return [self._request(url, 1)]

    def next_requests(self, page: Page) -> list[Request]:
        data = self._envelope(page)
        query = dict(parse_qsl(urlsplit(page.url).query))
        number = int(data.get("pageNumber") or query.get("pageNumber") or 1)
        size = int(data.get("pageSize") or query.get("pageSize") or self.options.page_size)
        total = int(data.get("totalResults") or 0)
        short = len(data["results"]) < size
        if short or number * size >= total or number >= self.context.max_pages:
            return []
        base = page.url.split("?", 1)[0]
        return [self._request(base, number + 1)]

    def _envelope(self, page: Page) -> dict[str, Any]:
        data = page.json()
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise ParseError(f"{page.url}: SEDIA answer without a results list")
        if "totalResults" not in data:
            raise ParseError(f"{page.url}: SEDIA answer without totalResults")
        return data

    def parse(self, page: Page) -> Iterator[RawScheme]:
        best: dict[str, dict[str, Any]] = {}
        for row in self._envelope(page)["results"]:
            meta = row.get("metadata") if isinstance(row, dict) else None
            identifier = _first(meta, "identifier") if isinstance(meta, dict) else ""
            if not identifier:
                logger.warning("%s: SEDIA row without identifier skipped", page.url)
                continue
            # the same topic can come twice (a legacy copy beside the current row): keep the
            # row that says most — current datasource, a status, a description, actions
            if identifier not in best or _richness(row) > _richness(best[identifier]):
                best[identifier] = row
        for identifier, row in best.items():
            yield self._parse_topic(identifier, row, row["metadata"])

    def _deadline(self, value: str) -> str:
        """A deadline as Brussels wall time 'YYYY-MM-DDTHH:MM' (see the class docstring)."""
        day = _day(value)
        clock = value[11:16] if len(value) >= 16 and value[10] == "T" else ""
        if not day:
            return value
        if not clock or clock == "00:00":
            clock = self.options.deadline_time
        return f"{day}T{clock}"

    def _parse_topic(self, identifier: str, row: dict[str, Any], meta: dict[str, Any]) -> RawScheme:
        start = _day(_first(meta, "startDate"))
        deadlines = [self._deadline(str(d)) for d in meta.get("deadlineDate") or []]
        model = _first(meta, "deadlineModel")
        actions = _first(meta, "actions")
        found = _STATUS_JSON.search(actions)
        status = found.group(1) if found else STATUS.get(_first(meta, "status"), "")
        budget = topic_budget(_first(meta, "budgetOverview"), identifier)
        if "cut-off" in model and len(deadlines) > 1:
            bounds = list(zip([start, *deadlines[:-1]], deadlines, strict=True))
        else:
            bounds = [(start, deadlines[0] if deadlines else "")]
        later = (
            f"{model}; later stage deadlines: {', '.join(deadlines[1:])}"
            if len(bounds) == 1 and len(deadlines) > 1
            else model
        )
        windows = [
            RawWindow(
                opens_text=o, closes_text=c, budget_text=budget, status_text=status, snippet=later
            )
            for o, c in bounds
        ]
        html = _first(meta, "descriptionByte")
        text = BeautifulSoup(html, "html.parser").get_text(" ", strip=True) if html else ""
        call = _first(meta, "callIdentifier")
        title = _first(meta, "title") or str(row.get("summary", "")) or identifier
        return RawScheme(
            key=identifier,
            title=title,
            name=title,  # a topic's title is its name: no heading, no site suffix
            url=PORTAL + identifier,
            publisher="European Commission",
            summary=_first(meta, "callTitle"),
            text=text[:20_000],
            status_text=status,
            amount_text=budget,
            level="eu",
            windows=windows,
            # the topic is the scheme: the call groups unrelated topics, so its id is no
            # identifier (a shared identifier merges automatically) and stays in extra
            identifiers=[identifier],
            extra={
                "call_identifier": call,
                "framework_programme": _first(meta, "frameworkProgramme"),
                "deadline_model": model,
                "datasource": _first(meta, "DATASOURCE"),
                "types_of_action": list(meta.get("typesOfAction") or []),
                "keywords": _keywords(meta),
            },
        )
