"""Engine, sessions, schema migrations (Alembic) and the locks that make concurrent writers safe.

``make_engine`` is the one place that knows about backends. SQLite databases are upgraded
automatically on open, under a file lock so that two processes starting on a fresh database
cannot race; PostgreSQL deployments run ``tracker db upgrade`` explicitly (several instances
must not race to migrate) and ``open_database`` says so in one line when the schema is behind.

``serialise(session, name)`` makes one transaction the only writer of its kind at a time:
``pg_advisory_xact_lock`` on PostgreSQL, ``BEGIN IMMEDIATE`` (the database's single write lock)
on SQLite. The pipeline takes ``scheme_merge_lock`` around merge-and-store, so concurrent scrapes
of sources that publish about the same scheme give the result of a serial run.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from tracker.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEME_MERGE = "scheme-merge"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for other backends and in-memory databases."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[1] if "///" in url else ""
    path = path.split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def make_engine(
    url: str, *, upgrade: bool | None = None, page_cache_kib: int | None = None
) -> Engine:
    """Create the engine; upgrade the schema (default: SQLite only).

    ``page_cache_kib``: SQLite's page cache per connection (default 2,000 KiB), for a process
    that keeps its memory small, such as ``tracker scrape``.
    """
    url = normalise_url(url)
    kwargs: dict[str, Any] = {}
    path = sqlite_path(url)
    if url.startswith("sqlite"):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = sa.create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", partial(_sqlite_pragmas, page_cache_kib=page_cache_kib))
    if upgrade if upgrade is not None else url.startswith("sqlite"):
        if _is_current(engine):
            return engine  # nothing to migrate: Alembic is not even imported
        if path is not None:
            with _file_lock(path.with_name(path.name + ".migrate-lock")):
                upgrade_schema(engine)
        else:
            upgrade_schema(engine)
    return engine


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` held by this process (released when it exits)."""
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _sqlite_pragmas(
    dbapi_connection: Any, _record: Any, *, page_cache_kib: int | None = None
) -> None:
    cursor = dbapi_connection.cursor()
    if page_cache_kib is not None:
        cursor.execute(f"PRAGMA cache_size=-{int(page_cache_kib)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: no fsync per commit (the WAL stays consistent; a power cut may lose the
    # last commits, which every writer here already tolerates: claims expire, runs repeat)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config(engine: Engine) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


_REVISION_RE = re.compile(r"^revision(?:\s*:[^=\n]*)?\s*=\s*[\"']([^\"']+)[\"']\s*$", re.M)
_DOWN_RE = re.compile(r"^down_revision(?:\s*:[^=\n]*)?\s*=\s*(.+)$", re.M)
_QUOTED_RE = re.compile(r"[\"']([^\"']+)[\"']")


@cache
def _head_from_files() -> str | None:
    """The single newest revision, read from the migration files without importing Alembic.

    Alembic takes ~0.1 s to import and load its script directory, which every command paid on
    every start only to learn that nothing needs migrating. None when the files do not give
    exactly one head plainly (then Alembic decides); tests check this agrees with Alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION_RE.search(text), _DOWN_RE.search(text)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parents.update(_QUOTED_RE.findall(down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _head_revision(engine: Engine) -> str | None:
    head = _head_from_files()
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def _current_revision(conn: Connection) -> str | None:
    """The database's revision (None before the first migration), as Alembic records it."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    if len(versions) > 1:  # several branches: let Alembic say what it makes of that
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()
    return str(versions[0]) if versions else None


def _is_current(engine: Engine) -> bool:
    """True when the schema is at the newest revision (False also when that cannot be read)."""
    head = _head_from_files()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            return _current_revision(conn) == head
    except sa.exc.SQLAlchemyError:
        return False  # the upgrade will report it


def schema_revisions(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's migration revision, the newest revision this code knows)."""
    head = _head_revision(engine)
    with engine.connect() as conn:
        current = _current_revision(conn)
    return current, head


def check_database(engine: Engine, *, writable: bool = True) -> None:
    """Raise DatabaseError (one line) unless the database answers, is current and writable."""
    try:
        current, head = schema_revisions(engine)
        if current != head:
            raise DatabaseError(
                f"het databaseschema is niet bijgewerkt (revisie {current or 'geen'}, "
                f"nodig {head}): voer `tracker db upgrade` uit"
            )
        if writable:
            _check_writable(engine)
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(describe_error(exc, engine.url.render_as_string())) from None


def _check_writable(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.exec_driver_sql("ROLLBACK")
            return
        read_only = conn.exec_driver_sql("SHOW transaction_read_only").scalar()
        if read_only == "on":
            raise DatabaseError("de database is alleen-lezen (transaction_read_only = on)")


def open_database(url: str, *, writable: bool = True, page_cache_kib: int | None = None) -> Engine:
    """The engine for the configured database, checked; DatabaseError (one line) otherwise."""
    try:
        engine = make_engine(url, page_cache_kib=page_cache_kib)
    except DatabaseError:
        raise
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        raise DatabaseError(describe_error(exc, url)) from None
    check_database(engine, writable=writable)
    return engine


def backup_sqlite(url: str, target: Path) -> int:
    """Copy a SQLite database to ``target`` with SQLite's online backup API; the page count.

    The copy is one consistent snapshot even while other processes write: it is taken in a
    single step under a read transaction, written to a temporary file next to ``target`` and
    renamed into place, so ``target`` is never half-written. DatabaseError for other backends.
    """
    path = sqlite_path(normalise_url(url))
    if path is None:
        raise DatabaseError(
            "tracker backup kan alleen een SQLite-bestand kopiëren; maak van PostgreSQL een "
            "back-up met pg_dump, bijvoorbeeld: pg_dump --format=custom --file=tracker.dump "
            f"{mask_url(url)}"
        )
    if not path.exists():
        raise DatabaseError(f"database {path} bestaat niet")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(path, timeout=30)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)  # pages=-1: everything in one step, one snapshot
                pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                copy.close()
        finally:
            source.close()
        partial.replace(target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"back-up van {path} naar {target} mislukt: {exc}") from None
    return pages


def describe_error(exc: BaseException, url: str) -> str:
    """One line for the operator: which database (password masked) and the driver's reason."""
    reason = str(getattr(exc, "orig", None) or exc).strip()
    reason = next((line.strip() for line in reason.splitlines() if line.strip()), "")
    reason = re.sub(r"\s*\(Background on this error at: [^)]*\)", "", reason)
    return f"database {mask_url(url)} niet bruikbaar: {reason or type(exc).__name__}"


def mask_url(url: str) -> str:
    return re.sub(r"://([^:/@]+):([^@]+)@", r"://\1:***@", url)


def serialise(session: Session, name: str) -> None:
    """Make the session's transaction the only one holding ``name`` until it ends.

    Call it before anything else in the transaction: on SQLite ``BEGIN IMMEDIATE`` takes the
    database's write lock, which must be the transaction's first statement.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif bind.dialect.name == "sqlite":
        session.execute(sa.text("BEGIN IMMEDIATE"))


def scheme_merge_lock(session: Session) -> None:
    """Serialise merge-and-store: concurrent scrapes then never split one scheme in two."""
    serialise(session, SCHEME_MERGE)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
