"""Two topics of one EU call stay two schemes (the call id is no merge identifier).

SQLite and PostgreSQL. Built at test time from the real SEDIA sample
(``../shared/samples/eu_sedia/search_response_horizon_9_results.json``): its row
HORIZON-CL4-2027-04-DIGITAL-EMERGING-10 (call HORIZON-CL4-2027-04), and a copy of that row
relabelled as HORIZON-CL4-2027-04-HUMAN-07, a real topic of the same call (named in the row's
``budgetOverview``, same deadline 2027-03-18). The copy's title is a stand-in: the real one is
not in the sample.
"""

from __future__ import annotations

import copy
import json

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scrapers.base import SourceContext
from scrapers.eu_sedia import EuSediaScraper
from tests.conftest import NOW
from tests.scrapers.conftest import TODAY, page_from_bytes, sample_path
from tracker.config import SourceConfig
from tracker.ingest.normalise import normalise_scheme
from tracker.ingest.store import store_scheme
from tracker.models import Publication, Scheme, Source

API = "http://127.0.0.1:8765/search-api/prod/rest/search?pageNumber=1&pageSize=100"
DIGITAL = "HORIZON-CL4-2027-04-DIGITAL-EMERGING-10"
HUMAN = "HORIZON-CL4-2027-04-HUMAN-07"


def _two_topics_of_one_call() -> bytes:
    data = json.loads(sample_path("eu_sedia/search_response_horizon_9_results.json").read_text())
    (row,) = [r for r in data["results"] if r["metadata"]["identifier"] == [DIGITAL]]
    other = copy.deepcopy(row)
    other["metadata"]["identifier"] = [HUMAN]
    other["metadata"]["title"] = ["Topic HUMAN-07 of call HORIZON-CL4-2027-04"]
    data["results"], data["totalResults"] = [row, other], 2
    return json.dumps(data).encode()


def test_topics_of_one_call_are_separate_schemes(engine: Engine) -> None:
    page = page_from_bytes(_two_topics_of_one_call(), API)
    scraper = EuSediaScraper(EuSediaScraper.Options(), SourceContext(today=TODAY, level="eu"))
    raws = list(scraper.parse(page))
    assert {r.extra["call_identifier"] for r in raws} == {"HORIZON-CL4-2027-04"}
    source = SourceConfig(
        level="eu", url="https://api.tech.ec.europa.eu/search-api/prod/rest/search"
    )
    with Session(engine) as s:
        s.add(Source(id="eu"))
        s.flush()
        outcomes = [
            store_scheme(s, "eu", normalise_scheme(raw, source, page.url, TODAY), NOW)
            for raw in raws
        ]
        assert [o.scheme_new for o in outcomes] == [True, True]
        s.commit()
        assert len(s.exec(select(Scheme)).all()) == 2
        pubs = {p.key: p.scheme_id for p in s.exec(select(Publication)).all()}
        assert pubs[DIGITAL] != pubs[HUMAN]
