"""Feed builders without a database: calendar events, scheme entries, scheduler jobs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import feedparser
import icalendar
import pytest

from feeds.build import build_scheme_feed
from feeds.ical import build_calendar
from tracker.config import Config, SourceConfig
from tracker.models import Scheme, Window

NOW = datetime(2027, 2, 1, tzinfo=UTC)
SCHEME = Scheme(
    id=7,
    slug="s",
    title="Regeling <A> & B",
    publisher="RVO",
    url="https://e.org/a",
    themes=["scholing"],
    doelgroepen=["mkb"],
    created_at=NOW,
    updated_at=NOW,
)


def test_calendar_uses_all_day_events_without_a_time_and_tzid_with_one() -> None:
    window = Window(id=3, scheme_id=7, opens_at=datetime(2027, 3, 1, 8, tzinfo=UTC),
                    opens_has_time=True, closes_at=datetime(2027, 3, 31, 21, 59, 59, tzinfo=UTC),
                    closes_has_time=False, updated_at=NOW)  # fmt: skip
    cal = icalendar.Calendar.from_ical(build_calendar(title="t", rows=[(SCHEME, window)],
                                                      now=NOW).to_ical())  # fmt: skip
    opening, closing = sorted(cal.walk("VEVENT"), key=lambda e: str(e["UID"]))[::-1]
    assert str(opening["UID"]) == "window-3-opens@subsidie-tracker"
    start = opening.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo)) == (9, "Europe/Amsterdam")
    assert closing.decoded("DTSTART") == date(2027, 3, 31)
    assert "Regeling <A> & B" in str(opening["DESCRIPTION"])


def test_calendar_timezone_has_no_english_comment_and_covers_late_dates() -> None:
    """QA walkthrough: the VTIMEZONE said 'This timezone only works from 1970-01-01 to
    2038-01-01'; it now says nothing and reaches a year past the last event."""
    late = Window(id=4, scheme_id=7, opens_at=datetime(2040, 4, 2, 8, tzinfo=UTC),
                  opens_has_time=True, updated_at=NOW)  # fmt: skip
    text = build_calendar(title="t", rows=[(SCHEME, late)], now=NOW).to_ical().decode()
    assert "COMMENT" not in text and "This timezone" not in text
    cal = icalendar.Calendar.from_ical(text)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Amsterdam"
    (event,) = cal.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo)) == (10, "Europe/Amsterdam")  # summer time in 2040
    assert "20400325T030000" in text.replace("\r\n ", "")  # the 2040 change to summer time
    assert "BEGIN:VEVENT" not in build_calendar(title="t", rows=[], now=NOW).to_ical().decode()


def test_calendar_deadlines_keep_their_half_hour_across_clock_changes() -> None:
    """03:15 on 28 March 2027 (clocks went forward at 02:00) and on 31 October 2027."""
    spring = Window(id=5, scheme_id=7, closes_at=datetime(2027, 3, 28, 1, 15, tzinfo=UTC),
                    closes_has_time=True, updated_at=NOW)  # fmt: skip
    autumn = Window(id=6, scheme_id=7, closes_at=datetime(2027, 10, 31, 2, 15, tzinfo=UTC),
                    closes_has_time=True, updated_at=NOW)  # fmt: skip
    rows = [(SCHEME, spring), (SCHEME, autumn)]
    cal = icalendar.Calendar.from_ical(build_calendar(title="t", rows=rows, now=NOW).to_ical())
    for event in cal.walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        # (Python subtracts two times of one zone on the wall clock: compare in UTC)
        assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=30), str(
            event["UID"]
        )


def test_a_calendar_without_events_still_has_a_component() -> None:
    """RFC 5545 asks for one; clients refuse an empty VCALENDAR (a filter matching none)."""
    text = build_calendar(title="t", rows=[], now=NOW).to_ical().decode()
    cal = icalendar.Calendar.from_ical(text)
    assert not cal.walk("VEVENT") and [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == [
        "Europe/Amsterdam"
    ]
    assert "COMMENT" not in text


def test_scheme_feed_shows_derived_status_and_tags() -> None:
    window = Window(id=1, scheme_id=7, opens_at=datetime(2027, 1, 1, tzinfo=UTC),
                    closes_at=datetime(2027, 3, 1, tzinfo=UTC), updated_at=NOW)  # fmt: skip
    fg = build_scheme_feed(title="t", self_url="http://x/feeds/schemes.atom", site_url="http://x/",
                           rows=[(SCHEME, [window], NOW)], now=NOW, updated=NOW)  # fmt: skip
    feed = feedparser.parse(fg.atom_str())
    assert feed.bozo == 0
    [entry] = feed.entries
    assert entry.title == "Regeling <A> & B (open)"
    assert {t.term for t in entry.tags} >= {"scholing", "mkb"}
    later = build_scheme_feed(title="t", self_url="http://x/f", site_url="http://x/",
                              rows=[(SCHEME, [window], NOW)], now=datetime(2027, 4, 1, tzinfo=UTC),
                              updated=NOW)  # fmt: skip
    assert feedparser.parse(later.atom_str()).entries[0].title.endswith("(gesloten)")


def test_scheduler_has_a_job_per_enabled_source_plus_tick_and_notify(tmp_path: Path) -> None:
    from tracker.db import make_engine
    from tracker.ops.schedule import build_scheduler

    sources = {
        "a": SourceConfig(url="https://a", level="rijk", schedule="15 6 * * 1-5"),
        "b": SourceConfig(url="https://b", level="rijk", enabled=False),
        "c": SourceConfig(url="https://c", level="rijk"),
    }
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    scheduler = build_scheduler(Config(sources=sources), engine)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"source:a", "source:c", "tick", "notify", "heartbeat", "retention",
                         "staff-sources"}  # fmt: skip
    friday = datetime(2027, 3, 5, 12, tzinfo=UTC)
    assert jobs["source:a"].trigger.get_next_fire_time(None, friday).strftime("%a %H:%M") == (
        "Mon 06:15"
    )
    engine.dispose()


def test_scheduler_runs_sources_staff_add_and_remove_without_a_restart(tmp_path: Path) -> None:
    from sqlmodel import Session

    from tracker.db import make_engine
    from tracker.models import SourceOverride
    from tracker.ops.batch import SourceBatcher
    from tracker.ops.schedule import build_scheduler, sync_staff_sources

    config = Config(
        sources={"a": SourceConfig(url="https://a", level="rijk", schedule="15 6 * * 1-5")}
    )
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    with Session(engine) as s:
        # a re-pointed file source keeps its own job and schedule; a new one gets the default
        s.add(SourceOverride(source_id="a", url="https://a.example/", updated_by="t"))
        s.add(SourceOverride(source_id="nl_staff", url="https://b.example/", updated_by="t"))
        s.commit()
    batcher = SourceBatcher(config, engine)
    scheduler = build_scheduler(config, engine, batcher)
    sources = {job.id for job in scheduler.get_jobs() if job.id.startswith("source:")}
    assert sources == {"source:a", "source:nl_staff"}
    with Session(engine) as s:
        s.add(SourceOverride(source_id="nl_later", url="https://c.example/", updated_by="t"))
        s.delete(s.get_one(SourceOverride, "nl_staff"))
        s.commit()
    sync_staff_sources(scheduler, config, engine, batcher)  # what the staff-sources job does
    jobs = {job.id: job for job in scheduler.get_jobs() if job.id.startswith("source:")}
    assert set(jobs) == {"source:a", "source:nl_later"}
    friday = datetime(2027, 3, 5, 12, tzinfo=UTC)
    assert (
        jobs["source:nl_later"].trigger.get_next_fire_time(None, friday).strftime("%a %H:%M")
        == "Sat 06:00"
    )  # [defaults] schedule "0 6 * * *"
    assert jobs["source:a"].trigger.get_next_fire_time(None, friday).strftime("%a %H:%M") == (
        "Mon 06:15"
    )
    engine.dispose()


@pytest.mark.parametrize(
    ("cron", "days"),
    [("1-5", "Mon Tue Wed Thu Fri"), ("0,6", "Sat Sun"), ("7", "Sun"), ("*/2", "Tue Thu Sat Sun"),
     ("mon-fri", "Mon Tue Wed Thu Fri"), ("*", "Mon Tue Wed Thu Fri Sat Sun")],
)  # fmt: skip
def test_crontab_weekdays_keep_their_crontab_meaning(cron: str, days: str) -> None:
    from datetime import timedelta

    from tracker.ops.schedule import cron_trigger

    trigger = cron_trigger(f"0 6 * * {cron}")
    monday = datetime(2027, 3, 1, tzinfo=UTC)
    fired = set()
    for n in range(7):
        moment = trigger.get_next_fire_time(None, monday + timedelta(days=n))
        fired.add(moment.strftime("%a"))
    order = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert " ".join(sorted(fired, key=order.index)) == days


def test_an_rss_reader_links_to_the_site_not_to_the_feed() -> None:
    from feeds.build import build_event_feed

    fg = build_event_feed(title="t", self_url="http://x/feeds/alerts.rss", site_url="http://x/",
                          rows=[], now=NOW, updated=NOW)  # fmt: skip
    for document in (fg.rss_str(), fg.atom_str()):
        feed = feedparser.parse(document).feed
        assert feed.link == "http://x/"
        assert {(link.rel, link.href) for link in feed.links} >= {
            ("alternate", "http://x/"), ("self", "http://x/feeds/alerts.rss")}  # fmt: skip


def test_a_stored_link_with_a_newline_breaks_neither_the_calendar_nor_the_feed() -> None:
    """Rows stored before links were cleaned: icalendar refused the whole calendar (a 500 for
    every subscriber) over one URL with a line break; each event's link is cleaned instead."""
    bad = SCHEME.model_copy(update={"url": "https://evil.test/a\nATTACH:https://evil.test/x"})
    window = Window(id=4, scheme_id=7, opens_at=datetime(2027, 3, 1, 8, tzinfo=UTC),
                    url="javascript:alert(1)\n", updated_at=NOW)  # fmt: skip
    other = Window(id=5, scheme_id=7, closes_at=datetime(2027, 3, 9, tzinfo=UTC),
                   url="https://e.org/b", updated_at=NOW)  # fmt: skip
    text = build_calendar(title="t", rows=[(bad, window), (SCHEME, other)], now=NOW).to_ical()
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert sorted(str(e["URL"]) for e in events) == [
        "https://e.org/b", "https://evil.test/aATTACH:https://evil.test/x"]  # fmt: skip
    assert b"\nATTACH" not in text
    fg = build_scheme_feed(title="t", self_url="http://x/f", site_url="http://x/",
                           rows=[(bad, [window], NOW)], now=NOW, updated=NOW)  # fmt: skip
    [entry] = feedparser.parse(fg.atom_str()).entries
    assert entry.link == "https://evil.test/aATTACH:https://evil.test/x"
