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

    Every metadata value is a list. Rows are deduplicated on ``identifier`` (the same topic can
    appear twice). ``actions`` and ``budgetOverview`` are JSON inside strings and may be cut off;
    the budget then comes from a regex over the fragment, or is left empty. Windows are
    structured: **one window from startDate to the first deadline**, because a two-stage call
    only admits new proposals until stage 1 (later stage deadlines are noted in the snippet);
    "multiple cut-off" topics get one window per cut-off. The portal status (Forthcoming/Open)
    is passed as ``status_text`` only: legacy ``SEDIA_PRD_CENTRICITY`` rows still say Forthcoming
    years after their deadline, so status must come from the dates.

    Backed by the real 9-row Horizon Europe response in shared/samples/eu_sedia (its long fields
    were trimmed by the fixture's author). Last verified 2026-11-27.
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
        if short or number * size >= total or number >= int(self.context.get("max_pages", 10)):
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
        seen: set[str] = set()
        for row in self._envelope(page)["results"]:
            meta = row.get("metadata") if isinstance(row, dict) else None
            identifier = _first(meta, "identifier") if isinstance(meta, dict) else ""
            if not identifier:
                logger.warning("%s: SEDIA row without identifier skipped", page.url)
                continue
            if identifier not in seen:
                seen.add(identifier)
                yield self._parse_topic(identifier, row, meta)  # type: ignore[arg-type]

    def _parse_topic(self, identifier: str, row: dict[str, Any], meta: dict[str, Any]) -> RawScheme:
        start = _first(meta, "startDate")
        deadlines = [str(d) for d in meta.get("deadlineDate") or []]
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
        return RawScheme(
            key=identifier,
            title=_first(meta, "title") or str(row.get("summary", "")) or identifier,
            url=PORTAL + identifier,
            publisher="European Commission",
            summary=_first(meta, "callTitle"),
            text=text[:20_000],
            status_text=status,
            amount_text=budget,
            level="eu",
            windows=windows,
            identifiers=[i for i in (identifier, call) if i],
            extra={
                "call_identifier": call,
                "framework_programme": _first(meta, "frameworkProgramme"),
                "deadline_model": model,
                "datasource": _first(meta, "DATASOURCE"),
                "types_of_action": list(meta.get("typesOfAction") or []),
                "keywords": _keywords(meta),
            },
        )
