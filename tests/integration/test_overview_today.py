"""Overzicht: today is highlighted once, in its own month's calendar.

Found in a QA walkthrough: the second calendar (next month) was built with the 1st of that
month as its "today", so on 29 November 2026 both 29 November and 1 December were marked.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.conftest import NOW, make_config
from tests.e2e.support import add_staff, login, make_app
from tracker.ops.replay import ReplayServer

TODAY_CELL = re.compile(r'<td class="[^"]*\btoday\b[^"]*"><strong>(\d+)</strong>')


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (NOW, "27"),
        # a Monday whose week also opens the December calendar (there it is another month's day)
        (datetime(2026, 11, 30, 9, 0, tzinfo=UTC), "30"),
    ],
)
def test_only_today_is_highlighted(
    engine: Engine, replay: ReplayServer, now: datetime, day: str
) -> None:
    add_staff(engine)
    app = make_app(make_config(replay, {}), engine)
    app.state.clock = lambda: now
    with TestClient(app) as client:
        login(client)
        page = client.get("/beheer").text
    assert "Kalender november 2026" in page and "Kalender december 2026" in page
    assert TODAY_CELL.findall(page) == [day]
