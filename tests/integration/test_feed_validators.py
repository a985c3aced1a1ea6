"""Feed ETags change whenever what a reader sees changes, not only when items come and go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from feeds.publish import PreparedFeed, prepare_calendar, prepare_schemes
from tests.integration._alerts import add_scheme, alert_config
from tracker.models import Scheme, Window
from tracker.read.queries import Filters

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)


def _calendar(engine: Engine, now: datetime) -> PreparedFeed:
    with Session(engine) as s:
        return prepare_calendar(alert_config(), s, Filters(), now)


def _schemes(engine: Engine, now: datetime) -> PreparedFeed:
    with Session(engine) as s:
        return prepare_schemes(alert_config(), s, "atom", Filters(), "http://t/f.atom", now)


def test_a_renamed_scheme_changes_the_calendar(engine: Engine) -> None:
    """An event shows its scheme's name: a rename must not answer 304 with the old one."""
    sid, _ = add_scheme(engine, "Regeling Oude Naam", created=NOW - timedelta(days=2),
                        opens=NOW + timedelta(days=5), closes=NOW + timedelta(days=30))  # fmt: skip
    before = _calendar(engine, NOW)
    with Session(engine) as s:
        scheme = s.get_one(Scheme, sid)
        scheme.title, scheme.updated_at = "Regeling Nieuwe Naam", NOW - timedelta(hours=1)
        s.add(scheme)
        s.commit()
    after = _calendar(engine, NOW)
    assert after.etag != before.etag
    assert b"Regeling Nieuwe Naam" in after.render()


def test_one_of_two_windows_closing_changes_the_schemes_feed(engine: Engine) -> None:
    """The scheme stays open (its other window is), but the closed window reads 'gesloten'."""
    sid, _ = add_scheme(engine, "Regeling Twee Rondes", created=NOW - timedelta(days=9),
                        opens=NOW - timedelta(days=5), closes=NOW + timedelta(hours=1))  # fmt: skip
    with Session(engine) as s:
        s.add(Window(scheme_id=sid, opens_at=NOW - timedelta(days=5),
                     closes_at=NOW + timedelta(days=30), opens_has_time=True,
                     closes_has_time=True, created_at=NOW - timedelta(days=9),
                     updated_at=NOW - timedelta(days=9), source_id="test", ordinal=1))  # fmt: skip
        s.commit()
    before, after = _schemes(engine, NOW), _schemes(engine, NOW + timedelta(hours=2))
    assert after.etag != before.etag
    assert after.render().count(b"gesloten") > before.render().count(b"gesloten")
