"""Scheme lists filtered, sorted, counted and paged in SQL: the JSON API and the staff list
(issue 14). A request reads one page of schemes, not the whole catalogue.

Status and the next opening and closing are derived at query time from the scheme's shown
windows (``tracker.read.queries.shown_windows``) with ``now`` as a bound parameter, by the
rules of ``tracker.read.status`` and ``tracker.read.schemes.scheme_row``, so they follow the
clock without any stored state. Which windows are shown does not depend on the clock: a
window hidden as a copy of another one of its period (``tracker.detect.windows.periods``) is
found once per data generation (``_suppressed``, cached by ``tracker.read.rowcache``) and
left out by id.

Rows come in the order of ``tracker.read.schemes.sort_rows`` over schemes read by id, so
ties fall back to the id. Text matching and the title order use Python's ``casefold``: on
SQLite through a function registered on the connection, on PostgreSQL ``lower`` (with ß as
ss) and byte order (``COLLATE "C"``, the order of Python's string comparison).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker.detect.windows import periods
from tracker.models import Scheme, Window
from tracker.read import rowcache
from tracker.read.queries import BATCH, Filters, scheme_windows
from tracker.read.schemes import SchemeRow, SortKey
from tracker.read.status import CLOSED, OPEN, UNKNOWN, UPCOMING
from tracker.read.visible import visible_clause

RANK = {OPEN: 1, UPCOMING: 2, CLOSED: 3, UNKNOWN: 4}  # open beats upcoming beats closed
STATUS = {rank: status for status, rank in RANK.items()}
_FUNCTIONS = "tracker.read.schemepage.functions"
_NEAR_DAYS = 1.1  # same local day or moment: less than 25 hours apart (DST included)


@dataclass(frozen=True)
class Page:
    rows: list[SchemeRow]
    total: int | None  # matching schemes, when counted


def page_rows(
    session: Session,
    now: datetime,
    filters: Filters,
    sort: SortKey,
    descending: bool = False,
    *,
    staff: bool = False,
    offset: int = 0,
    limit: int | None = None,
    count: bool = False,
    windows: bool = False,
) -> Page:
    """One page of the rows ``tracker.read.schemes.select_rows`` gives, in the same order.

    Staff see removed schemes (flagged) and, on request, hidden ones. ``count`` adds the
    number of matching schemes; ``windows`` loads each row's shown windows (otherwise
    ``SchemeRow.windows`` is empty).
    """
    dialect = _prepare(session)
    suppressed = rowcache.cached(session, now, ("suppressed",), _suppressed)
    hidden = staff and filters.include_hidden
    conditions = [visible_clause(hidden=hidden, removed=staff), *_conditions(dialect, filters)]
    conn = session.connection()
    # title and updated need no status to sort: page the schemes, derive for the page only
    lazy = sort in ("title", "updated") and not filters.status
    listed: sa.Select[*tuple[Any, ...]]
    if lazy:
        listed = sa.select(
            col(Scheme.id).label("id"),
            col(Scheme.title).label("title"),
            col(Scheme.updated_at).label("updated_at"),
        ).where(*conditions)
    else:
        listed = _derived(dialect, now, suppressed, conditions)
        if filters.status:
            listed = listed.having(_rank(listed) == RANK[filters.status])
    rows = listed.subquery("listed")
    query = sa.select(*rows.c).order_by(*_order(dialect, sort, descending, rows.c))
    counted = count and (filters.status is not None)
    if counted:
        query = query.add_columns(sa.func.count().over().label("total"))
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    found = conn.execute(query).mappings().all()
    total: int | None = None
    if count:
        if counted and found:
            total = int(found[0]["total"])
        elif counted and not offset:
            total = 0
        else:
            matching = sa.select(sa.func.count()).select_from(listed.subquery())
            total = int(conn.execute(matching).scalar_one())
    ids = [int(r["id"]) for r in found]
    if lazy and ids:
        paged = _derived(dialect, now, suppressed, [col(Scheme.id).in_(ids)]).subquery()
        status = {int(r["id"]): r for r in conn.execute(sa.select(*paged.c)).mappings()}
        found = [status[i] for i in ids]
    schemes = _schemes(session, ids)
    shown = scheme_windows(session, ids) if windows else {}
    return Page(
        [
            SchemeRow(
                schemes[i],
                shown.get(i, []),
                STATUS[int(r["rank"])],
                r["next_opens"],
                r["next_closes"],
            )  # fmt: skip
            for i, r in zip(ids, found, strict=True)
        ],
        total,
    )


def facets(session: Session, now: datetime) -> dict[str, list[str]]:
    """The values present among all schemes staff can list (hidden and removed ones too),
    for the filter drop-downs; per data generation (``tracker.read.rowcache``)."""
    return dict(rowcache.cached(session, now, ("facets",), _facets))


def _facets(session: Session) -> dict[str, list[str]]:
    dialect = _prepare(session)
    visible = visible_clause(hidden=True, removed=True)
    conn = session.connection()
    out: dict[str, list[str]] = {}
    for name, column in (("regions", Scheme.regions), ("themes", Scheme.themes)):
        elements = _elements(dialect, col(column))
        query = sa.select(elements.c.value).select_from(Scheme).join(elements, sa.true())
        values = conn.execute(query.where(visible).distinct()).scalars()
        out[name] = sorted(str(v) for v in values if v is not None)
    publishers = sa.select(col(Scheme.publisher)).where(visible, col(Scheme.publisher) != "")
    out["publishers"] = sorted(conn.execute(publishers.distinct()).scalars())
    return out


def _schemes(session: Session, ids: Sequence[int]) -> dict[int, Scheme]:
    found: dict[int, Scheme] = {}
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        for scheme in session.exec(select(Scheme).where(col(Scheme.id).in_(chunk))).all():
            found[scheme.id or 0] = scheme
    return found


# --- derived status per scheme ---------------------------------------------------------------


def _derived(
    dialect: str, now: datetime, suppressed: frozenset[int], conditions: Sequence[Any]
) -> sa.Select[*tuple[Any, ...]]:
    """The matching schemes with their best status rank and next opening and closing.

    The rules of ``tracker.read.status.window_status`` and ``scheme_row``, over live windows
    that are not a hidden copy of another window of their period; a scheme without any is
    unknown.
    """
    opens, closes = col(Window.opens_at), col(Window.closes_at)
    at = sa.bindparam("now", now, type_=Window.__table__.c.opens_at.type)  # type: ignore[attr-defined]
    rank = sa.case(
        (sa.and_(col(Window.budget_exhausted).is_(True), sa.or_(opens.is_(None), opens <= at)),
         RANK[CLOSED]),
        (sa.and_(closes.is_not(None), closes < at), RANK[CLOSED]),
        (sa.and_(opens.is_not(None), opens > at), RANK[UPCOMING]),
        (sa.and_(opens.is_(None), closes.is_(None)),
         sa.case((col(Window.precision) != "day", RANK[UPCOMING]), else_=RANK[UNKNOWN])),
        else_=RANK[OPEN],
    )  # fmt: skip
    live: list[ColumnElement[bool]] = [
        col(Window.scheme_id) == col(Scheme.id),
        col(Window.withdrawn).is_(False),
    ]
    if suppressed:
        live.append(_not_in(dialect, col(Window.id), suppressed))
    return (
        sa.select(
            col(Scheme.id).label("id"),
            col(Scheme.title).label("title"),
            col(Scheme.updated_at).label("updated_at"),
            sa.func.coalesce(sa.func.min(rank), RANK[UNKNOWN]).label("rank"),
            sa.func.min(sa.case((opens > at, opens))).label("next_opens"),
            sa.func.min(sa.case((closes >= at, closes))).label("next_closes"),
        )
        .select_from(Scheme)
        .outerjoin(Window, sa.and_(*live))
        .where(*conditions)
        .group_by(col(Scheme.id))
    )


def _rank(derived: sa.Select[*tuple[Any, ...]]) -> Any:
    """The status rank column of a ``_derived`` select (for HAVING)."""
    return next(c for c in derived.selected_columns if c.name == "rank").element


def _not_in(dialect: str, column: Any, ids: frozenset[int]) -> ColumnElement[bool]:
    """``column`` not among ``ids`` as one bound parameter, however many ids there are."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        values = sa.bindparam("suppressed", sorted(ids), type_=ARRAY(sa.Integer))
        among: ColumnElement[bool] = column == sa.any_(values)
        return sa.not_(among)
    listed = sa.func.json_each(sa.bindparam("suppressed", json.dumps(sorted(ids)))).table_valued(
        "value"
    )
    outside: ColumnElement[bool] = column.not_in(sa.select(listed.c.value))
    return outside


def _suppressed(session: Session) -> frozenset[int]:
    """Live windows hidden as a copy of another window of their period (``periods``).

    Only a scheme with two live dated windows whose opening or closing moments lie within a
    day of each other can have one (the same span, or a half window repeating a bound of a
    full one to the moment or the local day); those schemes' windows are read and ``periods``
    decides, so the choice is exactly the one every other display makes.
    """
    dialect = _prepare(session)
    a, b = aliased(Window), aliased(Window)

    def near(x: Any, y: Any) -> ColumnElement[bool]:
        if dialect == "postgresql":
            seconds: ColumnElement[bool] = (
                sa.func.abs(sa.extract("epoch", x - y)) < _NEAR_DAYS * 86400
            )
            return seconds
        days: ColumnElement[bool] = (
            sa.func.abs(sa.func.julianday(x) - sa.func.julianday(y)) < _NEAR_DAYS
        )
        return days

    pairs = (
        sa.select(col(a.scheme_id))
        .join(b, sa.and_(col(b.scheme_id) == col(a.scheme_id), col(b.id) > col(a.id)))
        .where(
            col(a.withdrawn).is_(False),
            col(b.withdrawn).is_(False),
            sa.or_(near(a.opens_at, b.opens_at), near(a.closes_at, b.closes_at)),
        )
        .distinct()
    )
    scheme_ids = [int(i) for i in session.connection().execute(pairs).scalars()]
    hidden: set[int] = set()
    for start in range(0, len(scheme_ids), BATCH):
        chunk = scheme_ids[start : start + BATCH]
        query = select(Window).where(
            col(Window.scheme_id).in_(chunk), col(Window.withdrawn).is_(False)
        )
        stored = session.exec(query).all()
        shown = {p.shown.id for p in periods(stored)}
        hidden.update(w.id for w in stored if w.id is not None and w.id not in shown)
    return frozenset(hidden)


# --- filters and order -------------------------------------------------------------------------


def _conditions(dialect: str, filters: Filters) -> list[ColumnElement[bool]]:
    """``tracker.read.queries.scheme_matches`` as SQL (status is applied by the caller)."""
    out: list[ColumnElement[bool]] = []
    if filters.level:
        out.append(col(Scheme.level) == filters.level)
    for column, value in ((Scheme.themes, filters.theme), (Scheme.doelgroepen, filters.doelgroep)):
        if value:
            elements = _elements(dialect, col(column))
            out.append(
                sa.exists(sa.select(1).select_from(elements).where(elements.c.value == value))
            )
    if filters.publisher:
        folded = _casefold(dialect, col(Scheme.publisher))
        out.append(_contains(dialect, folded, filters.publisher.casefold()))
    if filters.q:
        haystack = _haystack(dialect)
        out.extend(_contains(dialect, haystack, word) for word in filters.q.casefold().split())
    codes = set(filters.region_codes or ((filters.region,) if filters.region else ()))
    if codes:
        regions = _elements(dialect, col(Scheme.regions))
        out.append(
            sa.or_(
                sa.func.coalesce(sa.func.json_array_length(col(Scheme.regions)), 0) == 0,
                sa.exists(
                    sa.select(1).select_from(regions).where(regions.c.value.in_(sorted(codes)))
                ),
            )
        )
    return out


def _order(dialect: str, sort: SortKey, descending: bool, c: Any) -> list[Any]:
    """The order of ``tracker.read.schemes.sort_rows`` over rows read by id."""
    title, scheme_id = c.title, c.id.asc()
    if sort == "title":
        folded = _bytewise(dialect, _casefold(dialect, title))
        return [folded.desc() if descending else folded.asc(), scheme_id]
    if sort == "updated":
        return [c.updated_at.asc() if descending else c.updated_at.desc(), scheme_id]
    moment = c.next_opens if sort == "opens" else c.next_closes
    undated = moment.is_(None)
    # dated rows by (moment, title) in the chosen direction, then undated ones by folded title
    raw = _bytewise(dialect, sa.case((sa.not_(undated), title)))
    folded = _bytewise(dialect, sa.case((undated, _casefold(dialect, title))))
    return [
        sa.case((undated, 1), else_=0).asc(),
        moment.desc() if descending else moment.asc(),
        raw.desc() if descending else raw.asc(),
        folded.asc(),
        scheme_id,
    ]


def _elements(dialect: str, column: Any) -> Any:
    """The elements of a JSON list column as a table with a ``value`` column."""
    if dialect == "postgresql":
        return sa.func.json_array_elements_text(column).table_valued("value")
    return sa.func.json_each(column).table_valued("value")


def _casefold(dialect: str, expr: Any) -> Any:
    if dialect == "postgresql":
        return sa.func.replace(sa.func.lower(expr), "ß", "ss")
    return sa.func.tracker_casefold(expr, type_=sa.String)


def _haystack(dialect: str) -> Any:
    """``tracker.read.queries._text_matches``'s folded title, summary, publisher and ids."""
    title, summary, publisher = col(Scheme.title), col(Scheme.summary), col(Scheme.publisher)
    identifiers = col(Scheme.identifiers)
    if dialect == "postgresql":
        elements = _elements(dialect, identifiers)
        ids = sa.select(sa.func.string_agg(elements.c.value, " ")).scalar_subquery()
        return _casefold(dialect, sa.func.concat_ws(" ", title, summary, publisher, ids))
    return sa.func.tracker_haystack(title, summary, publisher, identifiers, type_=sa.String)


def _contains(dialect: str, haystack: Any, needle: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return sa.func.strpos(haystack, needle) > 0
    return sa.func.instr(haystack, needle) > 0


def _bytewise(dialect: str, expr: Any) -> Any:
    """Text ordered like Python compares strings (by code point)."""
    return expr.collate("C") if dialect == "postgresql" else expr


# --- SQLite functions --------------------------------------------------------------------------


def _prepare(session: Session) -> str:
    """The dialect name; on SQLite, this module's functions registered on the connection."""
    conn = session.connection()
    dialect = conn.dialect.name
    if dialect == "sqlite":
        pooled = conn.connection
        if not pooled.info.get(_FUNCTIONS):
            raw: Any = pooled.driver_connection
            raw.create_function("tracker_casefold", 1, _sql_casefold, deterministic=True)
            raw.create_function("tracker_haystack", 4, _sql_haystack, deterministic=True)
            pooled.info[_FUNCTIONS] = True
    return dialect


def _sql_casefold(text: str | None) -> str | None:
    return text.casefold() if text is not None else None


def _sql_haystack(title: str, summary: str, publisher: str, identifiers: str | None) -> str:
    try:
        ids = json.loads(identifiers) if identifiers else []
    except ValueError:
        ids = []
    listed = [str(i) for i in ids] if isinstance(ids, list) else []
    return " ".join((title or "", summary or "", publisher or "", *listed)).casefold()
