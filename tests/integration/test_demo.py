"""`tracker demo --no-serve`: every source type, three levels, all 12 provinces, windows that
match their text."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import icalendar
from fastapi.testclient import TestClient
from rich.console import Console
from sqlmodel import Session, select

from tests.e2e.support import make_app
from tracker.cli.demo import run_demo
from tracker.config import load_config
from tracker.db import make_engine
from tracker.models import Publication, Scheme, ScrapeRun, Window
from tracker.read.timefmt import MONTHS_NL, to_local
from tracker.staff.review import review_queue

REPO = Path(__file__).resolve().parents[2]
PROVINCES = (
    "NL-GR", "NL-FR", "NL-DR", "NL-OV", "NL-FL", "NL-GE",
    "NL-UT", "NL-NH", "NL-ZH", "NL-ZE", "NL-NB", "NL-LI",
)  # fmt: skip


def _mentions(snippet: str, moment: object) -> bool:
    local = to_local(moment)  # type: ignore[arg-type]
    day, month, year = local.day, local.month, local.year
    text = snippet.lower()
    written = rf"\b0?{day}(e|ste|de)?\s+{MONTHS_NL[month - 1][:3]}"
    numeric = rf"\b0?{day}[-/.]0?{month}\b|{year}-{month:02d}-{day:02d}"
    return bool(re.search(written, text) or re.search(numeric, text))


def test_demo_scrapes_every_source_type(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    config = load_config(REPO / "config.toml")
    console = Console(width=200, record=True)
    code = run_demo(config, port=0, serve=False, database=database, console=console)
    assert code == 0
    engine = make_engine(f"sqlite:///{database}")
    # the summary says how much waits for staff before any stakeholder hears of it
    waiting = re.search(r"ter beoordeling \(Beoordelen\)\D*(\d+)", console.export_text())
    assert waiting is not None
    with Session(engine) as s:
        assert int(waiting.group(1)) == len(review_queue(s, config.review)) > 0
        runs = s.exec(select(ScrapeRun)).all()
        assert runs and all(r.status == "ok" for r in runs), [(r.source_id, r.error) for r in runs]
        scrapers_used = {config.scraper_name(r.source_id) for r in runs}
        assert scrapers_used >= {
            "koop_sru",
            "bwb",
            "cvdr",
            "eu_sedia",
            "feed",
            "html_page",
            "html_list",
        }
        schemes = s.exec(select(Scheme)).all()
        assert {x.level for x in schemes} == {"rijk", "provincie", "eu"}
        provincial = {r for x in schemes if x.level == "provincie" for r in x.regions}
        missing = [code for code in PROVINCES if code not in provincial]
        assert not missing, f"no provincial scheme for {missing}"
        assert len(s.exec(select(Publication)).all()) > len(schemes), "publications were merged"
        windows = s.exec(select(Window)).all()
        assert len(windows) >= 20
        dated = [
            w
            for w in windows
            if w.closes_at is not None and w.source_id != "eu_sedia_erasmus_horizon"
        ]
        mismatched = [
            (w.snippet, w.closes_at) for w in dated if not _mentions(w.snippet, w.closes_at)
        ]
        assert not mismatched, mismatched
        # schemes are named by their short name, publications keep the heading (issue 15)
        poor = [
            x.title
            for x in schemes
            if x.title.startswith(("Regeling van de Minister", "Besluit van Gedeputeerde Staten"))
            or x.title.endswith((": aanvragen", "| RVO.nl", " - RVO.nl"))
        ]
        assert not poor, poor
        headings = [p.title for p in s.exec(select(Publication)).all()]
        assert any(t.startswith("Regeling van de Minister") for t in headings)
    # one period per scheme in the calendar: a half window repeating a day of a full one
    # (Gelderland's CVDR deadline next to its Provinciaal blad period) is not a second event
    with TestClient(make_app(config, engine)) as client:
        calendar = icalendar.Calendar.from_ical(client.get("/calendar.ics").text)
    events = Counter(_event_key(e) for e in calendar.walk("VEVENT"))
    assert events and not [k for k, n in events.items() if n > 1], events


def _event_key(event: icalendar.cal.Component) -> tuple[str, object]:
    """Scheme and kind (the summary names both) and the local day of a calendar event."""
    start = event.decoded("DTSTART")
    return str(event["SUMMARY"]), to_local(start).date() if isinstance(start, datetime) else start
