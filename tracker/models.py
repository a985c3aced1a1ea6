"""Database tables (SQLModel).

Every ``*_at`` column is a timezone-aware UTC datetime (stored naive-UTC by ``UTCDateTime`` so
SQLite and PostgreSQL behave alike); ``*_on`` columns are local calendar dates. Status is never
stored as truth: it is derived from windows and the current time (``tracker.read.status``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import JSON, Field, SQLModel


def empty_list() -> list[Any]:
    """A new empty list; a Python function, not ``list``: pydantic inspects a default factory's
    signature on every construction, and a builtin's means parsing its text signature (5% of
    storing a new scheme, issue 14)."""
    return []


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, whatever the backend stores."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused; store aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class RunStatus(StrEnum):
    OK = "ok"
    UNCHANGED = "unchanged"
    DEGRADED = "degraded"
    FAILED = "failed"
    REFUSED = "refused"  # another run held the source's lease (tracker.ingest.lease)


class EventKind(StrEnum):
    SCHEME_NEW = "scheme_new"
    WINDOW_ANNOUNCED = "window_announced"
    WINDOW_CHANGED = "window_changed"
    WINDOW_OPENING_SOON = "window_opening_soon"
    WINDOW_OPENED = "window_opened"
    WINDOW_CLOSING_SOON = "window_closing_soon"
    WINDOW_CLOSED = "window_closed"
    BUDGET_EXHAUSTED = "budget_exhausted"
    BUDGET_RESTORED = "budget_restored"
    SCHEME_REMOVED = "scheme_removed"
    SCHEME_RENAMED = "scheme_renamed"


class MergeReason(StrEnum):
    """Why a publication belongs to its scheme (``Publication.merge_kind``).

    Only strong keys merge automatically; title similarity only proposes a merge to staff
    (``MergeProposal``).
    """

    CREATED = "created"  # the publication started this scheme (it is the primary one)
    PINNED = "pinned"  # [sources.x] scheme = "<slug>" in config
    IDENTIFIER = "identifier"  # a shared BWBR/CVDR/stcrt identifier
    NAMED = "named"  # the regulation it amends or opens is named in the text
    URL = "url"  # another source points at the same official URL
    STAFF = "staff"  # merged by a staff member
    DETACHED = "detached"  # split off by a staff member: primary of its own scheme again


class ProposalStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Source(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=100)
    title: str = ""
    level: str = ""
    consecutive_failures: int = 0
    last_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_ok_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_healthy_items: int | None = None
    flagged: bool = False
    flag_reason: str = ""
    # what the last run that stored its items ran with (config, parsing and normalising code:
    # tracker.ingest.pipeline.source_digest); an unchanged page is stored again when it differs
    config_digest: str = Field(default="", max_length=64)
    # run lease: owner and last heartbeat while a run is in progress; a lease whose heartbeat
    # is older than tracker.ingest.lease.LEASE_TTL belongs to a crashed run and is taken over
    locked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    locked_by: str = ""


class Scheme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True, max_length=200)
    title: str
    publisher: str = ""
    level: str = Field(default="rijk", index=True)
    regions: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    url: str = ""
    summary: str = ""
    themes: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    doelgroepen: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    identifiers: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    # normalised names this scheme is known by (its title, cited regulation titles, acronyms)
    aliases: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    hidden: bool = False
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    merged_into_id: int | None = Field(default=None, foreign_key="scheme.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Publication(SQLModel, table=True):
    """One item of one source (a record, page or feed entry): the provenance of a scheme."""

    __table_args__ = (
        sa.UniqueConstraint("source_id", "key"),
        # the same official URL from another source is a merge key (tracker.ingest.merge). On
        # PostgreSQL, where a B-tree refuses entries beyond about 2,700 bytes, the migration
        # makes it a hash index; ``postgresql_using`` here would import the PostgreSQL dialect
        # at every start, ~16 ms of a SQLite scrape (issue 14). Alembic autogenerate does not
        # compare index methods, so model and migration do not drift.
        sa.Index("ix_publication_url", "url"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="source.id", index=True, max_length=100)
    key: str = Field(max_length=500)
    scheme_id: int = Field(foreign_key="scheme.id", index=True)
    title: str = ""
    url: str = ""
    publisher: str = ""
    published_on: date | None = None
    content_hash: str = ""
    # merge_kind decides (e.g. which publication names the scheme); merge_reason says why to staff
    merge_kind: str = Field(default=MergeReason.CREATED, max_length=20)
    merge_reason: str = ""
    # healthy runs that read a changed listing without this item, and the first of them
    # (tracker.ingest.pipeline._detect_removals); both cleared when the item is seen again
    missing_runs: int = 0
    missing_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Window(SQLModel, table=True):
    """One application window of a scheme, with the provenance of its dates."""

    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", index=True)
    publication_id: int | None = Field(default=None, foreign_key="publication.id")
    ordinal: int = 0
    opens_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opens_has_time: bool = False
    closes_has_time: bool = False
    precision: str = "day"
    budget_eur: Decimal | None = Field(default=None, max_digits=18, decimal_places=2)
    status_text: str = ""
    source_id: str = ""
    url: str = ""
    snippet: str = ""
    confidence: float = 1.0
    budget_exhausted: bool = False
    # times staff said the budget is available again: a later exhaustion is news again
    budget_rounds: int = 0
    withdrawn: bool = False
    staff_locked: bool = False
    locked_by: str = ""
    locked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MergeProposal(SQLModel, table=True):
    """Two schemes that may be one: shown to staff, merged only when staff accept."""

    __table_args__ = (sa.UniqueConstraint("scheme_id", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", index=True)
    target_id: int = Field(foreign_key="scheme.id", index=True)
    reason: str = ""
    score: float = 0.0
    status: str = Field(default=ProposalStatus.OPEN, index=True, max_length=20)
    decided_by: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SchemeKey(SQLModel, table=True):
    """Index of the keys a scheme is found by when a new publication arrives.

    ``kind`` is ``id`` (the publication's own regulation identifier), ``cite`` (an identifier
    it only cites), ``name`` (the publication's own title as a regulation name, year kept),
    ``claim`` (the regulation it says it amends or opens),
    ``acronym`` or ``token`` (a title word, for merge proposals); see
    ``tracker.ingest.merge.publication_keys``. Keys belong to their publication and move
    with it when staff merge or detach.
    """

    # (kind, value, scheme_id): a look-up and the shared-token count read the index only
    __table_args__ = (sa.Index("ix_schemekey_kind_value", "kind", "value", "scheme_id"),)

    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", index=True)
    publication_id: int = Field(foreign_key="publication.id", index=True)
    kind: str = Field(max_length=10)
    value: str = Field(max_length=200)


class ScrapeRun(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(index=True, max_length=100)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = RunStatus.OK
    items_found: int = 0
    items_skipped: int = 0
    schemes_new: int = 0
    windows_new: int = 0
    events_created: int = 0
    requests: int = 0
    not_modified: int = 0
    error: str = ""

    @property
    def duration(self) -> float:
        """Seconds the run took (``tracker.ingest.pipeline`` sets ``finished_at`` at its end)."""
        if self.finished_at is None:
            return 0.0
        return (self.finished_at - self.started_at).total_seconds()


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True, max_length=40)
    scheme_id: int = Field(foreign_key="scheme.id", index=True)
    window_id: int | None = Field(default=None, foreign_key="window.id")
    source_id: str = ""
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    dedupe_key: str = Field(unique=True, max_length=300)
    baseline: bool = False
    published: bool = True


class HttpCacheEntry(SQLModel, table=True):
    """Validators and last body per URL, for conditional requests across runs."""

    url: str = Field(primary_key=True, max_length=2000)
    etag: str = ""
    last_modified: str = ""
    body_sha256: str = ""
    body: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    content_type: str = ""
    fetched_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- staff (issue 6)


class User(SQLModel, table=True):
    """A staff account; the password is stored only as an Argon2id hash."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=100)
    password_hash: str = Field(max_length=300)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StaffNote(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", index=True)
    author: str = Field(max_length=100)
    body: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditLog(SQLModel, table=True):
    """One field changed by staff: who, when, what it was and what it became."""

    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int | None = Field(default=None, foreign_key="scheme.id", index=True)
    window_id: int | None = Field(default=None, foreign_key="window.id")
    source_id: str = Field(default="", max_length=100)
    action: str = Field(max_length=40)
    field: str = Field(default="", max_length=60)
    before: str = ""
    after: str = ""
    actor: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class ReviewDecision(SQLModel, table=True):
    """A staff verdict on a window that waited in the review queue."""

    id: int | None = Field(default=None, primary_key=True)
    window_id: int = Field(foreign_key="window.id", index=True)
    decision: str = Field(max_length=20)
    actor: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SchemeOverride(SQLModel, table=True):
    """Scheme fields set by staff; they win over scrapes until staff release them."""

    scheme_id: int = Field(foreign_key="scheme.id", primary_key=True)
    themes: list[str] | None = Field(default=None, sa_type=JSON)
    regions: list[str] | None = Field(default=None, sa_type=JSON)
    locked_by: str = Field(max_length=100)
    locked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SourceOverride(SQLModel, table=True):
    """A source added or re-pointed by staff (URL checked by tracker.ingest.netguard)."""

    source_id: str = Field(primary_key=True, max_length=100)
    title: str = ""
    url: str = Field(max_length=2000)
    level: str = Field(default="rijk", max_length=20)
    # province codes of a provincial source staff added (its pages name no province)
    regions: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    scraper: str = Field(default="", max_length=100)
    # a new URL for a source of the configuration file: once the file drops that source, the
    # override is not run as a source of its own (with the form's level, not the file's)
    repoints: bool = False
    updated_by: str = Field(max_length=100)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- alerts (issue 5)


class Frequency(StrEnum):
    DIRECT = "direct"
    DAILY = "dagelijks"
    WEEKLY = "wekelijks"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    REJECTED = "rejected"  # permanent (5xx) refusal: never retried
    FAILED = "failed"  # gave up after too many temporary failures
    DROPPED = "dropped"  # nothing to send any more (event withdrawn, unsubscribed)
    BATCHED = "batched"  # a digest item, taken into a digest message


class Subscription(SQLModel, table=True):
    """An email subscription; nothing is sent before ``confirmed_at`` is set (double opt-in).

    ``regions`` holds province codes, with groups already expanded at subscribe time, so
    matching needs no configuration; ``region_labels`` keeps what the subscriber chose.
    """

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, max_length=320)
    regions: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    region_labels: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    levels: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    themes: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    doelgroepen: list[str] = Field(default_factory=empty_list, sa_type=JSON)
    frequency: str = Field(default=Frequency.DIRECT, max_length=20)
    confirm_token: str = Field(unique=True, max_length=100)
    unsubscribe_token: str = Field(unique=True, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unsubscribed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    digest_through_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    client: str = Field(default="", max_length=100)


class OutboxMessage(SQLModel, table=True):
    """One message to one subscription: a direct alert, a digest or a confirmation.

    ``key`` is ``event:<id>`` (a direct alert, or an item waiting for a digest),
    ``digest:<period end>`` or ``confirm``; the unique (subscription, key) pair is what makes
    enqueueing idempotent. Rows are written in the transaction that creates the event.
    """

    __table_args__ = (sa.UniqueConstraint("subscription_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscription.id", index=True)
    key: str = Field(max_length=100)
    kind: str = Field(max_length=20)  # event | item (for a digest) | digest | confirm
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    event_ids: list[int] = Field(default_factory=empty_list, sa_type=JSON)
    status: str = Field(default=OutboxStatus.PENDING, index=True, max_length=20)
    message_id: str = Field(default="", max_length=300)
    attempts: int = 0
    last_error: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # the notifier sending this row now, and until when its claim holds (issue 13)
    claimed_by: str = Field(default="", max_length=100)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


# --- operations (issue 13)


class Heartbeat(SQLModel, table=True):
    """The last sign of life of a long-running part (``scheduler``, ``tick``)."""

    name: str = Field(primary_key=True, max_length=100)
    owner: str = Field(default="", max_length=200)
    beat_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StaffSession(SQLModel, table=True):
    """A staff login, revocable server-side: the cookie only carries its random token."""

    token: str = Field(primary_key=True, max_length=100)
    username: str = Field(index=True, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginFailure(SQLModel, table=True):
    """Failed staff logins of one throttle key (``tracker.web.auth``), shared by every web
    process of a deployment. The key is a SHA-256 of client address and user name, so typed
    names are not kept; times are seconds on the app's clock."""

    key: str = Field(primary_key=True, max_length=64)
    count: int = 0
    last: float = 0.0
    not_before: float = 0.0


# --- read-side caches (issue 14)


class DataGeneration(SQLModel, table=True):
    """A counter bumped by every transaction that changes what feeds and lists show
    (``tracker.generation``): a cached rendering is valid while the counter stands still."""

    name: str = Field(primary_key=True, max_length=40)
    value: int = 0


class ParsedPage(SQLModel, table=True):
    """What a scraper made of a response body last time (tracker.ingest.parsecache): a 304 or
    an unchanged body with the same scraper, options and run date reuses it without parsing."""

    url: str = Field(primary_key=True, max_length=2000)  # the fetch cache key of the request
    parse_key: str = Field(max_length=64)
    payload: str = ""  # JSON: items, next requests, warnings
    stored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
