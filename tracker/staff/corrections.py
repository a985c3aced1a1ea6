"""Staff edits: correct and add windows, budget exhausted, tags, merge, hide, notes, release.

Every edit writes AuditLog rows (who, when, field, before, after) in the caller's transaction.
A corrected window is staff-locked: scrapes leave it alone (``tracker.ingest.store``) until staff
release it; staff-set themes and regions live in SchemeOverride with the same rule. Edits that
stakeholders should hear about emit ordinary events. No web code here.

Windows are stored per publication, while readers see one window per span. A correction or a
release is therefore about the span: it applies to every copy of it in the scheme (the same
opening and closing moment, ``tracker.staff.review.span_copies``), so no publication's copy
keeps the old dates and shows as a second period, and no later scrape brings them back while
the correction holds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from tracker import detect
from tracker.alerts.events import record_changes
from tracker.detect import WindowState
from tracker.errors import TrackerError
from tracker.ingest.merge import move_keys, normalise_title
from tracker.ingest.store import unique_slug
from tracker.models import (
    AuditLog,
    Event,
    MergeProposal,
    MergeReason,
    ProposalStatus,
    Publication,
    Scheme,
    SchemeOverride,
    StaffNote,
    Window,
)
from tracker.staff import review

logger = logging.getLogger(__name__)

STAFF_SOURCE = "staf"


class CorrectionError(TrackerError):
    """A staff edit is not possible (the message is Dutch, for staff)."""


@dataclass(frozen=True)
class WindowDates:
    opens_at: datetime | None
    closes_at: datetime | None
    opens_has_time: bool = False
    closes_has_time: bool = False

    def check(self) -> None:
        if self.opens_at is None and self.closes_at is None:
            raise CorrectionError("vul een openings- of sluitingsdatum in")
        if self.opens_at and self.closes_at and self.closes_at < self.opens_at:
            raise CorrectionError("de sluitingsdatum ligt vóór de openingsdatum")


def audit(
    session: Session,
    actor: str,
    action: str,
    now: datetime,
    *,
    scheme_id: int | None = None,
    window_id: int | None = None,
    source_id: str = "",
    field: str = "",
    before: object = "",
    after: object = "",
) -> None:
    """Write one AuditLog row; before and after are stored as text."""
    session.add(
        AuditLog(
            actor=actor,
            action=action,
            created_at=now,
            scheme_id=scheme_id,
            window_id=window_id,
            source_id=source_id,
            field=field,
            before="" if before is None else str(before),
            after="" if after is None else str(after),
        )
    )


def _audit_window(
    session: Session,
    window: Window,
    old: dict[str, str | None],
    actor: str,
    action: str,
    now: datetime,
) -> None:
    new = WindowState.of(window).as_json()
    for name in sorted(new):
        if old.get(name) != new[name]:
            audit(
                session,
                actor,
                action,
                now,
                scheme_id=window.scheme_id,
                window_id=window.id,
                field=name,
                before=old.get(name),
                after=new[name],
            )


def _lock(window: Window, actor: str, now: datetime) -> None:
    window.staff_locked, window.locked_by, window.locked_at = True, actor, now
    window.updated_at = now


def correct_window(
    session: Session, window: Window, dates: WindowDates, actor: str, now: datetime
) -> bool:
    """Set the dates of a window's span and lock it; True when anything changed.

    Every copy of the span (other publications stating the same dates) gets the same dates
    and lock, and the verdict in the review queue; the one event is about ``window``.
    """
    dates.check()
    copies = review.span_copies(session, window)
    old = WindowState.of(window)
    befores = {id(copy): WindowState.of(copy).as_json() for copy in copies}
    same = (dates.opens_at, dates.closes_at) == (window.opens_at, window.closes_at)
    for copy in copies:
        copy.opens_at, copy.closes_at = dates.opens_at, dates.closes_at
        copy.opens_has_time, copy.closes_has_time = dates.opens_has_time, dates.closes_has_time
        if not same:  # a form saved unchanged is no change (a vague window kept its month)
            copy.precision = "day"
        _lock(copy, actor, now)
        session.add(copy)
    session.flush()
    review.decide_windows(session, copies, review.Verdict.CORRECTED, actor, now)
    change = detect.window_corrected(window, old, WindowState.of(window), now)
    for copy in copies:
        if change is None:
            audit(session, actor, "vergrendeld", now, scheme_id=copy.scheme_id, window_id=copy.id)
        else:
            _audit_window(session, copy, befores[id(copy)], actor, "datum gecorrigeerd", now)
    if change is None:
        return False
    record_changes(session, [change], now, source_id=STAFF_SOURCE)
    return True


def add_window(
    session: Session, scheme: Scheme, dates: WindowDates, actor: str, now: datetime
) -> Window:
    """Add a staff-entered window (locked, full confidence) and announce it."""
    dates.check()
    assert scheme.id is not None
    ordinal = len(session.exec(select(Window.id).where(Window.scheme_id == scheme.id)).all())
    window = Window(
        scheme_id=scheme.id,
        ordinal=ordinal,
        opens_at=dates.opens_at,
        closes_at=dates.closes_at,
        opens_has_time=dates.opens_has_time,
        closes_has_time=dates.closes_has_time,
        source_id=STAFF_SOURCE,
        url=scheme.url,
        snippet=f"ingevoerd door {actor}",
        created_at=now,
    )
    _lock(window, actor, now)
    session.add(window)
    session.flush()
    _audit_window(session, window, {}, actor, "periode toegevoegd", now)
    if (change := detect.window_announced(window, now)) is not None:
        record_changes(session, [change], now, source_id=STAFF_SOURCE)
    return window


def mark_budget_exhausted(session: Session, window: Window, actor: str, now: datetime) -> None:
    """Record that the budget ceiling is reached; stakeholders get a budget_exhausted event.

    Every copy of the period is marked (one copy left open made the period read both
    'budget op' and 'open'); its dates stay free, so a source extending the deadline still
    reaches it."""
    if window.budget_exhausted:
        return
    for copy in review.span_copies(session, window):
        copy.budget_exhausted, copy.updated_at = True, now
        session.add(copy)
    audit(
        session,
        actor,
        "budget uitgeput",
        now,
        scheme_id=window.scheme_id,
        window_id=window.id,
        field="budget_exhausted",
        before=False,
        after=True,
    )
    if (change := detect.budget_exhausted(window, now)) is not None:
        record_changes(session, [change], now, source_id=STAFF_SOURCE)


def mark_budget_available(session: Session, window: Window, actor: str, now: datetime) -> None:
    """Undo 'budget op': the ceiling was raised, or the flag was a mistake.

    Every copy of the period is cleared and locked like a correction, so a page that still
    says "plafond bereikt" does not flag it again until staff release it; a new budget round
    starts (``budget_rounds``), so running out again is a new alert. Those told that the
    budget ran out hear that it is available again."""
    if not window.budget_exhausted:
        return
    for copy in review.span_copies(session, window):
        copy.budget_exhausted = False
        copy.budget_rounds = (copy.budget_rounds or 0) + 1
        _lock(copy, actor, now)
        session.add(copy)
    audit(
        session,
        actor,
        "budget weer beschikbaar",
        now,
        scheme_id=window.scheme_id,
        window_id=window.id,
        field="budget_exhausted",
        before=True,
        after=False,
    )
    if (change := detect.budget_restored(window, now)) is not None:
        record_changes(session, [change], now, source_id=STAFF_SOURCE)


def release_window(session: Session, window: Window, actor: str, now: datetime) -> None:
    """Let scrapes update the window again, with every locked copy of its span.

    The copies keep the corrected dates until their publication's next scrape restores what
    the source says; the read side shows them once meanwhile (one span).
    """
    if not window.staff_locked:
        return
    for copy in review.span_copies(session, window):
        if not copy.staff_locked:
            continue
        copy.staff_locked, copy.locked_by, copy.locked_at = False, "", None
        copy.updated_at = now
        session.add(copy)
        audit(
            session,
            actor,
            "vrijgegeven",
            now,
            scheme_id=copy.scheme_id,
            window_id=copy.id,
            field="staff_locked",
            before=True,
            after=False,
        )


def _scheme(session: Session, scheme_id: int) -> Scheme:
    scheme = session.get(Scheme, scheme_id)
    if scheme is None:
        raise CorrectionError(f"regeling {scheme_id} bestaat niet")
    return scheme


def set_scheme_tags(
    session: Session,
    scheme: Scheme,
    themes: list[str],
    regions: list[str],
    actor: str,
    now: datetime,
) -> None:
    """Set themes and regions; they stay as staff set them until released."""
    themes = sorted({t.strip().lower() for t in themes if t.strip()})
    regions = sorted({r.strip().upper() for r in regions if r.strip()})
    assert scheme.id is not None
    for name, old, new in (("themes", scheme.themes, themes), ("regions", scheme.regions, regions)):
        if list(old) != new:
            audit(
                session,
                actor,
                "labels gewijzigd",
                now,
                scheme_id=scheme.id,
                field=name,
                before=", ".join(old),
                after=", ".join(new),
            )
    scheme.themes, scheme.regions, scheme.updated_at = themes, regions, now
    override = session.get(SchemeOverride, scheme.id) or SchemeOverride(
        scheme_id=scheme.id, locked_by=actor
    )
    override.themes, override.regions = themes, regions
    override.locked_by, override.locked_at = actor, now
    session.add_all([scheme, override])


def release_scheme_tags(session: Session, scheme: Scheme, actor: str, now: datetime) -> None:
    """Drop the staff override; the next scrape merges in what sources say."""
    override = session.get(SchemeOverride, scheme.id)
    if override is None:
        return
    session.delete(override)
    audit(session, actor, "vrijgegeven", now, scheme_id=scheme.id, field="themes, regions")


def set_hidden(session: Session, scheme: Scheme, hidden: bool, actor: str, now: datetime) -> None:
    """Hide a scheme from feeds, lists and the public API (or show it again)."""
    if scheme.hidden == hidden:
        return
    audit(
        session,
        actor,
        "verborgen" if hidden else "zichtbaar gemaakt",
        now,
        scheme_id=scheme.id,
        field="hidden",
        before=scheme.hidden,
        after=hidden,
    )
    scheme.hidden, scheme.updated_at = hidden, now
    session.add(scheme)


def merge_schemes(
    session: Session, duplicate: Scheme, target: Scheme, actor: str, now: datetime
) -> None:
    """Fold a duplicate into target: its publications and windows move, later scrapes follow."""
    if duplicate.id == target.id:
        raise CorrectionError("een regeling kan niet met zichzelf worden samengevoegd")
    if target.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise CorrectionError("deze regeling is al samengevoegd")
    moved = list(session.exec(select(Publication).where(Publication.scheme_id == duplicate.id)))
    for pub in moved:
        pub.scheme_id = target.id or 0
        # the target keeps its own title: a moved publication is never the primary one
        pub.merge_kind, pub.merge_reason = MergeReason.STAFF, f"samengevoegd door {actor}"
        session.add(pub)
    move_keys(session, [p.id for p in moved if p.id is not None], target.id or 0)
    for window in session.exec(select(Window).where(Window.scheme_id == duplicate.id)):
        window.scheme_id = target.id or 0
        session.add(window)
    # its alerts follow too: queued mail and the alert feed show a merged scheme through its
    # target (they were dropped as the alerts of a scheme no longer shown on its own)
    for event in session.exec(select(Event).where(Event.scheme_id == duplicate.id)):
        event.scheme_id = target.id or 0
        session.add(event)
    for name in ("regions", "identifiers", "themes", "doelgroepen"):
        merged = sorted(set(getattr(target, name)) | set(getattr(duplicate, name)))
        setattr(target, name, merged)
    duplicate.merged_into_id, duplicate.updated_at, target.updated_at = target.id, now, now
    session.add_all([duplicate, target])
    audit(
        session,
        actor,
        "samengevoegd",
        now,
        scheme_id=target.id,
        field="merged",
        before=f"#{duplicate.id} {duplicate.title}",
        after=f"#{target.id}",
    )
    audit(
        session,
        actor,
        "samengevoegd",
        now,
        scheme_id=duplicate.id,
        field="merged_into_id",
        before="",
        after=target.id,
    )


def decide_proposal(
    session: Session, proposal: MergeProposal, accept: bool, actor: str, now: datetime
) -> None:
    """Accept (merge the proposed scheme into its target) or reject a merge proposal."""
    if proposal.status != ProposalStatus.OPEN:
        raise CorrectionError("over dit voorstel is al besloten")
    scheme, target = _scheme(session, proposal.scheme_id), _scheme(session, proposal.target_id)
    if accept:
        merge_schemes(session, scheme, target, actor, now)
    else:
        audit(session, actor, "samenvoegen afgewezen", now, scheme_id=scheme.id,
              field="merge_proposal", before=proposal.reason, after=f"#{target.id}")  # fmt: skip
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at = actor, now
    session.add(proposal)


def detach_publication(
    session: Session, scheme: Scheme, pub: Publication, actor: str, now: datetime
) -> Scheme:
    """Undo a wrong automatic merge: the publication and its windows become their own scheme.

    Later scrapes find the publication by source and key, so it stays detached; its names are
    taken off the old scheme so the next publication with that name does not re-merge.
    """
    if pub.scheme_id != scheme.id:
        raise CorrectionError("deze publicatie hoort niet bij deze regeling")
    if (
        len(session.exec(select(Publication.id).where(Publication.scheme_id == scheme.id)).all())
        < 2
    ):
        raise CorrectionError("de enige publicatie van een regeling kan niet los")
    new = Scheme(
        slug=unique_slug(session, pub.title),
        title=pub.title,
        publisher=pub.publisher,
        level=scheme.level,
        regions=list(scheme.regions),
        url=pub.url,
        identifiers=[pub.key] if pub.key in scheme.identifiers else [],
        aliases=[normalise_title(pub.title)],
        created_at=now,
        updated_at=now,
    )
    session.add(new)
    session.flush()
    scheme.identifiers = [i for i in scheme.identifiers if i != pub.key]
    scheme.aliases = [a for a in scheme.aliases if a != normalise_title(pub.title)]
    scheme.updated_at = now
    for window in session.exec(select(Window).where(Window.publication_id == pub.id)):
        window.scheme_id = new.id or 0
        session.add(window)
    before = pub.merge_reason
    pub.scheme_id = new.id or 0
    pub.merge_kind, pub.merge_reason = MergeReason.DETACHED, f"losgekoppeld door {actor}"
    move_keys(session, [pub.id or 0], new.id or 0)
    session.add_all([scheme, pub])
    audit(session, actor, "publicatie losgekoppeld", now, scheme_id=scheme.id,
          field="publication", before=f"{pub.source_id}:{pub.key} ({before})",
          after=f"#{new.id}")  # fmt: skip
    audit(session, actor, "losgekoppeld van", now, scheme_id=new.id, field="publication",
          before=f"#{scheme.id} {scheme.title}", after=f"{pub.source_id}:{pub.key}")  # fmt: skip
    return new


def add_note(session: Session, scheme: Scheme, body: str, actor: str, now: datetime) -> StaffNote:
    text = body.strip()
    if not text:
        raise CorrectionError("een notitie mag niet leeg zijn")
    assert scheme.id is not None
    note = StaffNote(scheme_id=scheme.id, author=actor, body=text[:5000], created_at=now)
    session.add(note)
    return note
