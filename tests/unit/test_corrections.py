"""Staff edits and the review queue on a small hand-built database (SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.alerts.events import hold_for_review
from tracker.config import ReviewConfig
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.store import store_scheme
from tracker.models import (
    AuditLog,
    Event,
    Publication,
    Scheme,
    SchemeOverride,
    Source,
    Window,
)
from tracker.staff import corrections, review

NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
MARCH = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
APRIL = datetime(2027, 4, 1, 21, 59, 59, tzinfo=UTC)


def _scheme(session: Session, title: str = "SLIM-regeling") -> Scheme:
    scheme = Scheme(slug=title.lower(), title=title, created_at=NOW, updated_at=NOW)
    session.add(scheme)
    session.flush()
    return scheme


def _window(session: Session, scheme: Scheme, **kw: object) -> Window:
    fields: dict[str, object] = {"opens_at": MARCH, "closes_at": APRIL, "source_id": "a"}
    window = Window.model_validate(
        {"scheme_id": scheme.id or 0, "created_at": NOW, "updated_at": NOW, **fields, **kw}
    )
    session.add(window)
    session.flush()
    return window


def _data(regions: tuple[str, ...] = ()) -> SchemeData:
    window = WindowData(MARCH, APRIL, False, False, "day", None, "1 maart tot 1 april", 0.9)
    return SchemeData(
        key="k1",
        title="SLIM",
        url="https://x.nl/slim",
        publisher="SZW",
        summary="",
        level="provincie" if regions else "rijk",
        regions=regions,
        published_on=None,
        identifiers=(),
        cited_titles=(),
        windows=(window,),
        status="",
    )


def test_correct_window_locks_audits_and_emits(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        scheme = _scheme(s)
        window = _window(s, scheme)
        new_close = APRIL + timedelta(days=14)
        dates = corrections.WindowDates(MARCH, new_close, closes_has_time=True)
        assert corrections.correct_window(s, window, dates, "anna", NOW)
        s.commit()
        assert window.staff_locked and window.locked_by == "anna" and window.locked_at == NOW
        logs = s.exec(select(AuditLog)).all()
        assert [(a.field, a.actor) for a in logs] == [("closes_at", "anna")]
        assert logs[0].before == APRIL.isoformat() and logs[0].after == new_close.isoformat()
        event = s.exec(select(Event)).one()
        assert event.kind == "window_changed" and event.published and event.source_id == "staf"
        assert event.after and event.after["closes_at"] == new_close.isoformat()


def test_correction_rejects_reversed_dates(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        window = _window(s, _scheme(s))
        with pytest.raises(corrections.CorrectionError, match="vóór"):
            corrections.correct_window(s, window, corrections.WindowDates(APRIL, MARCH), "a", NOW)
        with pytest.raises(corrections.CorrectionError, match="vul een"):
            corrections.correct_window(s, window, corrections.WindowDates(None, None), "a", NOW)


def test_locked_window_survives_a_scrape_until_released(sqlite_engine: Engine) -> None:
    data = _data()
    with Session(sqlite_engine) as s:
        s.add(Source(id="a"))
        store_scheme(s, "a", data, NOW)
        window = s.exec(select(Window)).one()
        fixed = corrections.WindowDates(MARCH, APRIL + timedelta(days=30))
        corrections.correct_window(s, window, fixed, "anna", NOW)
        later = data
        store_scheme(s, "a", later, NOW + timedelta(days=1))
        assert window.closes_at == APRIL + timedelta(days=30), "the staff correction wins"
        corrections.release_window(s, window, "anna", NOW + timedelta(days=2))
        store_scheme(s, "a", later, NOW + timedelta(days=3))
        assert window.closes_at == APRIL, "after release the scrape applies again"
        actions = [a.action for a in s.exec(select(AuditLog).order_by(col(AuditLog.id))).all()]
        assert actions == ["datum gecorrigeerd", "vrijgegeven"]


def test_staff_tags_win_over_scrapes(sqlite_engine: Engine) -> None:
    data = _data(("NL-GE",))
    with Session(sqlite_engine) as s:
        s.add(Source(id="a"))
        scheme = store_scheme(s, "a", data, NOW).scheme
        corrections.set_scheme_tags(s, scheme, ["Energie ", "energie"], ["nl-li"], "bo", NOW)
        assert s.get(SchemeOverride, scheme.id) is not None
        store_scheme(s, "a", data, NOW + timedelta(hours=1))
        assert scheme.regions == ["NL-LI"] and scheme.themes == ["energie"]
        corrections.release_scheme_tags(s, scheme, "bo", NOW)
        s.flush()
        store_scheme(s, "a", data, NOW + timedelta(hours=2))
        assert scheme.regions == ["NL-GE", "NL-LI"]


def test_merge_moves_windows_and_publications(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        s.add(Source(id="a"))
        target, dup = _scheme(s, "Regeling A"), _scheme(s, "Regeling A (kopie)")
        dup.regions = ["NL-UT"]
        pub = Publication(source_id="a", key="x", scheme_id=dup.id or 0)
        s.add(pub)
        window = _window(s, dup)
        corrections.merge_schemes(s, dup, target, "anna", NOW)
        assert dup.merged_into_id == target.id
        assert window.scheme_id == target.id and pub.scheme_id == target.id
        assert pub.merge_reason == "samengevoegd door anna" and pub.merge_kind == "staff"
        assert target.regions == ["NL-UT"]
        with pytest.raises(corrections.CorrectionError):
            corrections.merge_schemes(s, target, target, "anna", NOW)


def test_hide_budget_and_note(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        scheme = _scheme(s)
        window = _window(s, scheme)
        corrections.set_hidden(s, scheme, True, "anna", NOW)
        corrections.mark_budget_exhausted(s, window, "anna", NOW)
        corrections.mark_budget_exhausted(s, window, "anna", NOW)  # idempotent
        note = corrections.add_note(s, scheme, "  Navragen bij RVO  ", "anna", NOW)
        assert scheme.hidden and window.budget_exhausted and note.body == "Navragen bij RVO"
        kinds = [e.kind for e in s.exec(select(Event)).all()]
        assert kinds == ["budget_exhausted"]
        with pytest.raises(corrections.CorrectionError):
            corrections.add_note(s, scheme, "   ", "anna", NOW)


def test_review_queue_low_confidence_and_conflicts(sqlite_engine: Engine) -> None:
    config = ReviewConfig(confidence_threshold=0.6, hold_low_confidence=True)
    with Session(sqlite_engine) as s:
        s.add(Source(id="a"))
        one, two = _scheme(s, "Een"), _scheme(s, "Twee")
        s.add_all([Publication(source_id="a", key=k, scheme_id=two.id or 0) for k in ("p", "q")])
        s.flush()
        pubs = s.exec(select(Publication).order_by(col(Publication.key))).all()
        vague = _window(s, one, confidence=0.3)
        sure = _window(s, two, publication_id=pubs[0].id)
        other = _window(s, two, publication_id=pubs[1].id)
        other.closes_at = APRIL + timedelta(days=7)
        s.flush()
        queue = {item.window.id: item.reasons for item in review.review_queue(s, config)}
        assert set(queue) == {vague.id, sure.id, other.id}
        assert "lage zekerheid" in queue[vague.id][0]
        assert "afwijkende datums" in queue[sure.id][0]
        held = Event(
            kind="window_announced", scheme_id=one.id or 0, window_id=vague.id, dedupe_key="k"
        )
        s.add(held)
        s.flush()
        assert hold_for_review(s, config, [held]) == 1 and not held.published
        assert (
            review.decide(s, vague, review.Verdict.APPROVED, "anna", NOW + timedelta(days=1)) == 1
        )
        assert held.published
        remaining = {item.window.id for item in review.review_queue(s, config)}
        assert remaining == {sure.id, other.id}


def test_hold_can_be_switched_off(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        scheme = _scheme(s)
        window = _window(s, scheme, confidence=0.1)
        event = Event(
            kind="window_announced", scheme_id=scheme.id or 0, window_id=window.id, dedupe_key="k"
        )
        s.add(event)
        off = ReviewConfig(hold_low_confidence=False)
        assert hold_for_review(s, off, [event]) == 0 and event.published


def test_an_approved_window_s_later_alerts_are_not_held_again(sqlite_engine: Engine) -> None:
    """Approved in Beoordelen: its opening and closing alerts go out (they were held again
    at every tick, out of the queue, until dropped as stale)."""
    from tracker.alerts.events import record_changes
    from tracker.detect.change import Change
    from tracker.models import EventKind

    config = ReviewConfig(confidence_threshold=0.6, hold_low_confidence=True)
    with Session(sqlite_engine) as s:
        scheme = _scheme(s)
        vague = _window(s, scheme, confidence=0.3)
        assert vague.id is not None and scheme.id is not None

        def told(kind: EventKind, key: str) -> Event:
            change = Change(kind, scheme.id or 0, vague.id, occurrence=key)
            [event] = record_changes(s, [change], NOW, source_id="a", review=config)
            return event

        assert not told(EventKind.WINDOW_OPENING_SOON, "before").published
        review.decide(s, vague, review.Verdict.APPROVED, "anna", NOW + timedelta(hours=1))
        assert told(EventKind.WINDOW_OPENED, "after").published
        audits = s.exec(select(AuditLog).where(AuditLog.field == "review")).all()
        assert [(a.actor, a.action) for a in audits] == [("anna", "beoordeling: goedgekeurd")]


def test_reject_then_correct_publishes_no_rejected_alert(sqlite_engine: Engine) -> None:
    config = ReviewConfig(confidence_threshold=0.6, hold_low_confidence=True)
    with Session(sqlite_engine) as s:
        scheme = _scheme(s)
        vague = _window(s, scheme, confidence=0.3)
        held = Event(kind="window_announced", scheme_id=scheme.id or 0, window_id=vague.id,
                     dedupe_key="wrong-dates")  # fmt: skip
        s.add(held)
        s.flush()
        hold_for_review(s, config, [held])
        review.decide(s, vague, review.Verdict.REJECTED, "anna", NOW)
        dates = corrections.WindowDates(MARCH + timedelta(days=31), APRIL + timedelta(days=30))
        corrections.correct_window(s, vague, dates, "anna", NOW + timedelta(hours=1))
        assert not held.published, "the rejected dates stay unsent"
        sent = s.exec(select(Event).where(col(Event.published).is_(True))).all()
        assert [e.kind for e in sent] == ["window_changed"]


def test_a_correction_reaches_every_copy_of_the_period(sqlite_engine: Engine) -> None:
    """One source gives 1 March-1 April, another only 'tot en met 1 april' at 17:00: shown as
    one period, corrected as one (the copy kept the old deadline as a second period)."""
    with Session(sqlite_engine) as s:
        scheme = _scheme(s)
        full = _window(s, scheme)
        half = _window(s, scheme, opens_at=None, closes_has_time=True,
                       closes_at=datetime(2027, 4, 1, 15, tzinfo=UTC))  # fmt: skip
        later = APRIL + timedelta(days=27)
        corrections.correct_window(s, full, corrections.WindowDates(MARCH, later), "anna", NOW)
        assert half.closes_at == later and half.staff_locked


def test_budget_exhausted_marks_every_copy_and_leaves_dates_free(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        scheme = _scheme(s)
        one, other = _window(s, scheme), _window(s, scheme, source_id="b")
        corrections.mark_budget_exhausted(s, one, "anna", NOW)
        assert one.budget_exhausted and other.budget_exhausted
        assert not one.staff_locked and not other.staff_locked, "a later deadline still lands"


def test_budget_available_again_undoes_budget_op_and_tells_it(sqlite_engine: Engine) -> None:
    """'Budget weer beschikbaar' clears every copy, locks them (a page still saying "plafond
    bereikt" does not flag them again until released) and sends its own alert; running out
    again afterwards is a new alert, told once however often it is detected."""
    from tracker import detect

    with Session(sqlite_engine) as s:
        scheme = _scheme(s)
        one, other = _window(s, scheme), _window(s, scheme, source_id="b")
        corrections.mark_budget_exhausted(s, one, "anna", NOW)
        corrections.mark_budget_available(s, one, "bert", NOW + timedelta(hours=1))
        assert not one.budget_exhausted and not other.budget_exhausted
        assert one.staff_locked and other.staff_locked
        assert detect.exhausted_windows([one, other], ["Het subsidieplafond is bereikt"],
                                        NOW) == []  # fmt: skip
        corrections.mark_budget_available(s, one, "bert", NOW + timedelta(hours=2))  # no-op
        corrections.release_window(s, one, "bert", NOW + timedelta(days=1))
        corrections.mark_budget_exhausted(s, one, "anna", NOW + timedelta(days=2))
        again = detect.budget_exhausted(one, NOW + timedelta(days=3))
        s.commit()
        events = s.exec(select(Event).order_by(col(Event.id))).all()
        assert [e.kind for e in events] == ["budget_exhausted", "budget_restored",
                                            "budget_exhausted"]  # fmt: skip
        assert again is not None and again.dedupe_key == events[-1].dedupe_key
        actions = s.exec(select(AuditLog.action).where(AuditLog.actor == "bert")).all()
        assert "budget weer beschikbaar" in actions


def test_saving_a_correction_form_unchanged_sends_no_alert(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        scheme = _scheme(s)
        vague = _window(s, scheme, precision="month")
        dates = corrections.WindowDates(vague.opens_at, vague.closes_at)
        assert corrections.correct_window(s, vague, dates, "anna", NOW) is False
        assert vague.staff_locked and vague.precision == "month"
        assert s.exec(select(Event)).all() == []


def test_merged_scheme_s_alerts_follow_it(sqlite_engine: Engine) -> None:
    """Queued mail and the alert feed show a merged scheme's alerts through its target."""
    with Session(sqlite_engine) as s:
        target, dup = _scheme(s, "Regeling A"), _scheme(s, "Regeling A (kopie)")
        event = Event(kind="window_announced", scheme_id=dup.id or 0, dedupe_key="dup")
        s.add(event)
        s.flush()
        corrections.merge_schemes(s, dup, target, "anna", NOW)
        assert event.scheme_id == target.id
