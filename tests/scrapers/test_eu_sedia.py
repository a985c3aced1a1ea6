from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from scrapers.base import ParseError, SourceContext
from scrapers.eu_sedia import EuSediaScraper, topic_budget
from tests.scrapers.conftest import page_from_bytes, page_from_fixture, page_from_sample

API = "http://127.0.0.1:8765/search-api/prod/rest/search"
SAMPLE = "eu_sedia/search_response_horizon_9_results.json"


def make(**options: object) -> EuSediaScraper:
    return EuSediaScraper(
        EuSediaScraper.Options(**options),  # type: ignore[arg-type]
        SourceContext(max_pages=5),
    )


def test_start_request_is_multipart_post() -> None:
    (request,) = make(framework_programmes=["43108390"], page_size=50).start_requests(API)
    assert request.method == "POST"
    params = parse_qs(urlsplit(request.url).query)
    assert params == {"apiKey": ["SEDIA"], "text": ["***"], "pageSize": ["50"], "pageNumber": ["1"]}
    parts = {
        name: (filename, ctype, json.loads(body)) for name, filename, ctype, body in request.files
    }
    assert parts["languages"] == ("blob", "application/json", ["en"])
    assert parts["query"][:2] == ("blob", "application/json")
    assert parts["query"][2] == {
        "bool": {
            "must": [
                {"terms": {"type": ["1"]}},
                {"terms": {"status": ["31094501", "31094502"]}},
                {"terms": {"frameworkProgramme": ["43108390"]}},
            ]
        }
    }


def test_real_sample_deduplicated_with_concrete_fields() -> None:
    schemes = list(make().parse(page_from_sample(SAMPLE, API)))
    assert len(schemes) == 8  # 9 rows, the EOSC topic twice
    by_key = {s.key: s for s in schemes}
    assert list(by_key)[0] == "HORIZON-MISS-2027-05-SOIL-01-two-stage"
    assert "HORIZON-INFRA-2024-EOSC-01-03" in by_key
    soil = by_key["HORIZON-MISS-2027-05-SOIL-01-two-stage"]
    assert soil.level == "eu"
    assert soil.url.endswith("/topic-details/HORIZON-MISS-2027-05-SOIL-01-two-stage")
    # the call id is no merge identifier (one call holds unrelated topics)
    assert soil.identifiers == ["HORIZON-MISS-2027-05-SOIL-01-two-stage"]
    assert soil.extra["call_identifier"] == "HORIZON-MISS-2027-05-two-stage"
    assert soil.summary == "Supporting the implementation of the Soil Deal for Europe Mission"
    (window,) = soil.windows
    assert window.opens_text == "2027-02-04"
    # a date-only deadline gets the portal's standard 17:00 Brussels time; stage 1 only
    assert window.closes_text == "2027-04-08T17:00"
    assert "2027-09-14" in window.snippet
    assert soil.status_text == "Forthcoming"
    eccc = by_key["HORIZON-CL3-2026-02-CS-ECCC-01"]
    assert eccc.status_text == "Open"
    assert eccc.amount_text == "€ 20000000" == eccc.windows[0].budget_text
    assert by_key["HORIZON-CL6-2026-04-GOVERNANCE-01"].amount_text == "€ 60000000"
    legacy = by_key["HORIZON-CL2-2024-TRANSFORMATIONS-01-08"]
    # "17:00 … +0000" is Brussels wall time with a UTC label, not 18:00 Brussels
    assert legacy.windows[0].closes_text == "2024-02-07T17:00"
    assert legacy.status_text == "Forthcoming"  # as the portal says; the lead derives status
    assert "Gender research" in legacy.extra["keywords"]  # JSON-string keywords shape
    assert legacy.extra["datasource"] == "SEDIA_PRD_CENTRICITY"
    assert "<p" not in soil.text and "Expected Outcome:" in soil.text


def test_paging_stops_on_total_results() -> None:
    page = page_from_sample(SAMPLE, API + "?apiKey=SEDIA&text=***&pageSize=100&pageNumber=1")
    assert make().next_requests(page) == []


def test_paging_requests_next_page_number() -> None:
    data = json.loads(page_from_sample(SAMPLE).content)
    data.update(totalResults=20, pageSize=9)
    page = page_from_bytes(json.dumps(data).encode(), API + "?pageSize=9&pageNumber=1")
    (nxt,) = make(page_size=9).next_requests(page)
    assert parse_qs(urlsplit(nxt.url).query)["pageNumber"] == ["2"]
    assert nxt.method == "POST" and nxt.files


def test_erasmus_fixture() -> None:
    schemes = list(make().parse(page_from_fixture("eu_sedia/search_erasmus.json", API)))
    assert [s.key for s in schemes] == [
        "ERASMUS-EDU-2027-PEX-COVE",
        "ERASMUS-EDU-2027-PI-ALL-INNO-EDU-ENTERP",
        "ERASMUS-EDU-2026-PCOOP-ENGO",
    ]
    cove, alliances, closed = schemes
    assert cove.windows[0].closes_text == "2027-02-26T17:00"
    assert cove.amount_text == "€ 68000000"
    assert alliances.status_text == "Forthcoming"
    assert closed.amount_text == "€ 15000000"  # from the cut-off budgetOverview


def test_truncated_budget_without_topic_action_is_empty() -> None:
    assert topic_budget('{"budgetTopicActionMap":{"1":[{"action":"OTHER - x","budg', "T-1") == ""
    assert topic_budget("", "T-1") == ""


def test_multiple_cut_off_gives_one_window_per_cut_off() -> None:
    data = json.loads(page_from_fixture("eu_sedia/search_erasmus.json").content)
    meta = data["results"][0]["metadata"]
    meta["deadlineModel"] = ["multiple cut-off"]
    meta["deadlineDate"] = ["2027-01-10T17:00:00.000+0100", "2027-02-26T17:00:00.000+0100"]
    (first, *_) = make().parse(page_from_bytes(json.dumps(data).encode(), API))
    assert [(w.opens_text[:10], w.closes_text[:10]) for w in first.windows] == [
        ("2026-11-13", "2027-01-10"),
        ("2027-01-10", "2027-02-26"),
    ]


@pytest.mark.parametrize("body", [b"", b"{not json", b'{"results": 3}', b'{"results": []}'])
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        list(make().parse(page_from_bytes(body, API)))


def test_zero_results_is_empty() -> None:
    body = b'{"totalResults": 0, "pageNumber": 1, "pageSize": 100, "results": []}'
    assert list(make().parse(page_from_bytes(body, API))) == []


def test_duplicate_prefers_the_row_with_status_and_description() -> None:
    data = json.loads(page_from_sample(SAMPLE).content)
    rows = data["results"]
    current = next(
        r for r in rows if r["metadata"]["identifier"] == ["HORIZON-CL3-2026-02-CS-ECCC-01"]
    )
    bare = json.loads(json.dumps(current))
    bare["metadata"] = {
        k: v
        for k, v in bare["metadata"].items()
        if k not in {"status", "descriptionByte", "actions", "DATASOURCE"}
    }
    data["results"] = [bare, current]  # the bare copy comes first
    page = page_from_bytes(json.dumps(data).encode(), API)
    (topic,) = make().parse(page)
    assert topic.status_text == "Open" and topic.text


def test_deadline_time_option() -> None:
    schemes = {s.key: s for s in make(deadline_time="12:00").parse(page_from_sample(SAMPLE, API))}
    assert schemes["HORIZON-CL3-2026-02-CS-ECCC-01"].windows[0].closes_text == "2026-09-15T12:00"
    # a stated clock time is kept as written
    assert (
        schemes["HORIZON-CL2-2024-TRANSFORMATIONS-01-08"].windows[0].closes_text.endswith("17:00")
    )
