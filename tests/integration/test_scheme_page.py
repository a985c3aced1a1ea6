"""The JSON API and the staff list filter, sort, count and page in SQL (issue 14); their rows
must be the rows the Python derivation gives (``tracker.read.schemes``: every visible scheme
read by id, status from its shown windows and the clock, ``sort_rows``, ``row_matches``),
on both databases and as the clock passes.

The data mixes open, closed, upcoming, budget-exhausted, withdrawn, undated and windowless
schemes, removed, hidden and merged ones, a scheme with staff overrides, copies of one
period (the same span twice; a date-only half window beside a timed full one, which only
the full one speaks for), accented and differently cased titles, and ties in every sort key.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import NOW
from tracker.models import Scheme, SchemeOverride, Window
from tracker.read.queries import Filters, scheme_windows
from tracker.read.schemepage import facets, page_rows
from tracker.read.schemes import SchemeRow, SortKey, row_matches, scheme_row, sort_rows
from tracker.read.status import relevant_window
from tracker.read.timefmt import local_moment
from tracker.read.visible import visible_clause
from tracker.web.dashboard.listing import facets as python_facets

TITLES = ["Subsidie energie", "subsidie Energie", "Élan cultuurfonds", "élan cultuurfonds",
          "Ëffe proberen", "Zorg en welzijn", "Straße fonds", "strasse fonds", "Aanpak MKB",
          "aanpak mkb", "Regeling 10", "Regeling 9", "Ω-fonds"]  # fmt: skip
THEMES = ["energie", "cultuur", "zorg", "innovatie"]
GROUPS = ["mkb", "gemeenten", "particulieren"]
PROVINCES = ["NL-GE", "NL-UT", "NL-LI", "NL-ZH"]
SORTS: list[SortKey] = ["closes", "opens", "title", "updated"]
FILTERS = [
    Filters(),
    Filters(level="provincie"),
    Filters(status="open"),
    Filters(status="upcoming"),
    Filters(status="closed"),
    Filters(status="unknown"),
    Filters(theme="energie"),
    Filters(doelgroep="mkb"),
    Filters(publisher="PROVINCIE"),
    Filters(publisher="straße"),
    Filters(q="élan FONDS"),
    Filters(q="bwbr0000007"),
    Filters(q="   "),
    Filters(region="NL-GE"),
    Filters(region="NL-UT", region_codes=("NL-UT", "NL-LI")),
    Filters(level="provincie", status="open", theme="zorg"),
    Filters(include_hidden=True),
    Filters(include_hidden=True, status="closed", q="regeling"),
]


def _window(
    scheme: Scheme, opens: datetime | None, closes: datetime | None, **kw: object
) -> Window:
    assert scheme.id is not None
    return Window(scheme_id=scheme.id, opens_at=opens, closes_at=closes, **kw)  # type: ignore[arg-type]


def _fill(session: Session) -> dict[str, int]:
    """The mixed catalogue; returns the ids of the hand-made schemes by name."""
    rng = random.Random(14)
    day = timedelta(days=1)
    same_update = NOW - timedelta(days=3)
    made: list[Scheme] = []
    for i in range(90):
        level = ("rijk", "provincie", "eu")[i % 3]
        scheme = Scheme(
            slug=f"r-{i}",
            title=rng.choice(TITLES) if i % 4 else f"Regeling {i % 11}",
            publisher=rng.choice(["Provincie Gelderland", "RVO", "", "Straße-Amt"]),
            level=level,
            regions=rng.sample(PROVINCES, rng.randrange(3)) if level == "provincie" else [],
            summary=rng.choice(["", "Bijdrage voor het MKB", "élan vital"]),
            themes=rng.sample(THEMES, rng.randrange(3)),
            doelgroepen=rng.sample(GROUPS, rng.randrange(2)),
            identifiers=[f"BWBR{i:07d}"] if i % 2 else [],
            hidden=i % 17 == 5,
            removed_at=NOW - 2 * day if i % 13 == 4 else None,
            created_at=NOW - timedelta(days=100),
            updated_at=same_update if i % 5 == 0 else NOW - timedelta(hours=rng.randrange(500)),
        )
        session.add(scheme)
        made.append(scheme)
    session.flush()
    moments = [
        NOW - 40 * day,
        NOW - 20 * day,
        NOW - 5 * day,
        NOW,
        NOW + 2 * day,
        NOW + 9 * day,
        NOW + 30 * day,
    ]
    for i, scheme in enumerate(made):
        for n in range(i % 4):  # 0 to 3 windows; the same moments recur for ties
            opens = rng.choice([None, *moments])
            closes = rng.choice([None, *(m for m in moments if opens is None or m > opens)])
            session.add(
                _window(
                    scheme, opens, closes, ordinal=n,
                    precision=rng.choice(["day", "day", "month"]),
                    budget_exhausted=rng.random() < 0.1,
                    withdrawn=rng.random() < 0.1,
                    staff_locked=rng.random() < 0.1,
                )
            )  # fmt: skip
    made[7].merged_into_id = made[8].id
    special = {
        "copies": Scheme(slug="copies", title="Kopieën", updated_at=same_update),
        "half": Scheme(slug="half", title="Halve periode", updated_at=same_update),
        "override": Scheme(
            slug="override",
            title="Met overrides",
            themes=["zorg"],
            regions=["NL-GE"],
            level="provincie",
        ),  # fmt: skip
        "none": Scheme(slug="none", title="Zonder periodes"),
    }
    session.add_all(special.values())
    session.flush()
    copies, half, override = special["copies"], special["half"], special["override"]
    # the same span twice: the staff-locked copy speaks for it, and its budget is exhausted
    session.add(_window(copies, NOW - 5 * day, NOW + 9 * day))
    session.add(_window(copies, NOW - 5 * day, NOW + 9 * day, staff_locked=True,
                        budget_exhausted=True))  # fmt: skip
    # a date-only half window repeating the opening day of a timed full one: only the full
    # one is shown, so the scheme opens later today rather than being open already
    today = NOW.date()
    session.add(_window(half, local_moment(today, None), None))
    session.add(
        _window(
            half,
            NOW + timedelta(hours=1),
            NOW + 30 * day,
            opens_has_time=True,
            closes_has_time=True,
        )  # fmt: skip
    )
    session.add(_window(override, NOW - day, NOW + 2 * day, staff_locked=True))
    assert override.id is not None
    session.add(SchemeOverride(scheme_id=override.id, themes=["zorg"], regions=["NL-GE"],
                               locked_by="tester"))  # fmt: skip
    session.commit()
    return {name: s.id or 0 for name, s in special.items()}


def _python_rows(
    session: Session, now: datetime, filters: Filters, sort: SortKey, desc: bool, staff: bool
) -> list[SchemeRow]:
    """The previous derivation: every visible scheme by id, sorted and filtered in Python."""
    hidden = staff and filters.include_hidden
    query = select(Scheme).where(visible_clause(hidden=hidden, removed=staff))
    schemes = session.exec(query.order_by(col(Scheme.id))).all()
    windows = scheme_windows(session, [s.id or 0 for s in schemes])
    rows = [scheme_row(s, windows[s.id or 0], now) for s in schemes]
    return [r for r in sort_rows(rows, sort, desc) if row_matches(r, filters)]


def _key(row: SchemeRow) -> tuple[int, str, datetime | None, datetime | None]:
    return row.scheme.id or 0, row.status, row.next_opens, row.next_closes


@pytest.mark.parametrize("staff", [False, True])
def test_sql_pages_are_the_python_rows(engine: Engine, staff: bool) -> None:
    with Session(engine) as s:
        ids = _fill(s)
        status = {
            r.scheme.id: r.status for r in _python_rows(s, NOW, Filters(), "title", False, False)
        }
        assert [status[ids[name]] for name in ("copies", "half", "none")] == [
            "closed", "upcoming", "unknown"]  # fmt: skip
        for now in (NOW, NOW + timedelta(hours=2), NOW + timedelta(days=10)):
            for filters in FILTERS:
                for sort in SORTS:
                    for desc in (False, True):
                        want = [_key(r) for r in _python_rows(s, now, filters, sort, desc, staff)]
                        got = page_rows(s, now, filters, sort, desc, staff=staff, count=True)
                        label = (now, filters, sort, desc)
                        assert [_key(r) for r in got.rows] == want, label
                        assert got.total == len(want), label
                        for offset, limit in ((0, 7), (5, 7), (len(want) - 3, 7)):
                            offset = max(offset, 0)
                            page = page_rows(s, now, filters, sort, desc, staff=staff,
                                             offset=offset, limit=limit, count=True)  # fmt: skip
                            assert [_key(r) for r in page.rows] == want[offset : offset + limit]
                            assert page.total == len(want), label


def test_beyond_the_last_page_counts_and_windows_load(engine: Engine) -> None:
    with Session(engine) as s:
        _fill(s)
        want = _python_rows(s, NOW, Filters(), "closes", False, True)
        past = page_rows(s, NOW, Filters(), "closes", staff=True, offset=10_000, limit=5,
                         count=True)  # fmt: skip
        assert past.rows == [] and past.total == len(want)
        got = page_rows(s, NOW, Filters(), "closes", staff=True, windows=True)
        assert [[w.id for w in r.windows] for r in got.rows] == [
            [w.id for w in r.windows] for r in want
        ]
        assert [relevant_window(r.windows, NOW) for r in got.rows] == [
            relevant_window(r.windows, NOW) for r in want
        ]


def test_facets_are_those_of_every_listable_scheme(engine: Engine) -> None:
    with Session(engine) as s:
        _fill(s)
        schemes = s.exec(select(Scheme).where(visible_clause(hidden=True, removed=True))).all()
        rows = [SchemeRow(x, [], "unknown", None, None) for x in schemes]
        assert facets(s, NOW) == python_facets(rows)
