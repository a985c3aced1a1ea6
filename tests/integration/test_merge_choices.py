"""A scheme's page offers the likeliest merge targets first, a bounded list, and takes any
other scheme by its number (issue 14: the page listed all 10,000 schemes, 0.7 s and 750 KB)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import NOW
from tests.e2e.support import add_staff, login, make_app, post_form
from tests.integration._alerts import add_scheme, alert_config
from tracker.models import Scheme
from tracker.web.dashboard import schemes as scheme_pages

TITLES = [
    "Subsidieregeling energiebesparing Gelderland",
    "Aardgasvrije wijken Utrecht",
    "Energiebesparing mkb Limburg",
    "Vakkracht scholing Gelderland",
]


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    created = NOW - timedelta(days=3)
    return {title: add_scheme(engine, title, created=created)[0] for title in TITLES}


@pytest.fixture
def client(engine: Engine, ids: dict[str, int]) -> Iterator[TestClient]:
    add_staff(engine)
    with TestClient(make_app(alert_config(), engine)) as c:
        login(c)
        yield c


def _options(page: str) -> list[str]:
    select = page.split('name="target_id"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="\d+">([^<(]+?) \(#', select)


def test_schemes_sharing_title_words_come_first_then_the_rest_by_title(
    client: TestClient, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = f"/beheer/regelingen/{ids[TITLES[0]]}"
    # shares 'energiebesparing' and 'gelderland' with neither, one and two of them
    assert _options(client.get(page).text) == [
        "Energiebesparing mkb Limburg",
        "Vakkracht scholing Gelderland",
        "Aardgasvrije wijken Utrecht",
    ]
    monkeypatch.setattr(scheme_pages, "MERGE_CHOICES", 1)
    assert _options(client.get(page).text) == ["Energiebesparing mkb Limburg"]


def test_any_scheme_can_be_chosen_by_its_number(
    client: TestClient, engine: Engine, ids: dict[str, int]
) -> None:
    duplicate, kept = ids[TITLES[1]], ids[TITLES[3]]
    page = f"/beheer/regelingen/{duplicate}"
    for typed, message in (
        ("", "Kies de regeling die blijft, of vul haar nummer in."),
        ("abc", "‘abc’ is geen regelingnummer."),
    ):
        refused = post_form(client, page, f"{page}/samenvoegen", {"target_number": typed})
        assert refused.headers["location"] == page
        assert message in client.get(page).text
    merged = post_form(client, page, f"{page}/samenvoegen", {"target_number": f"#{kept}"})
    assert merged.headers["location"] == f"/beheer/regelingen/{kept}"
    with Session(engine) as s:
        scheme = s.get(Scheme, duplicate)
        assert scheme is not None and scheme.merged_into_id == kept
