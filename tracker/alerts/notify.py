"""Deliver the outbox over SMTP: one connection drains the whole outbox, rows claimed atomically
a page at a time, each marked sent only after the server accepted it, in its own transaction.

Any number of notifiers (cron, ``tracker run`` on several hosts) may work on one outbox: a row
is claimed for one owner before it is sent (``claim_next``), so no row goes out twice. Only a
notifier killed between the server's acceptance and its commit leaves a claimed row behind;
that claim expires and the one message is sent again, with the same Message-ID. A dropped
connection or outage ends the batch; rows not yet accepted stay pending for the next run. A
permanent refusal (5xx) marks the row rejected and stops mail to that address; temporary
refusals (4xx) are retried up to ``[smtp] max_attempts``.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.alerts.mail import EventRow, make_env, render_message
from tracker.alerts.outbox import build_digests, drop_stale
from tracker.config import Config, SmtpConfig, secret
from tracker.db import serialise, session_scope
from tracker.errors import NotifyError
from tracker.models import Event, OutboxMessage, OutboxStatus, Scheme, Subscription, Window

logger = logging.getLogger(__name__)

CLAIM_TTL = timedelta(minutes=5)
CLAIM_PAGE = 50


@dataclass
class NotifyResult:
    sent: int = 0
    rejected: int = 0
    deferred: int = 0
    error: str = ""


def connect_error(cfg: SmtpConfig, exc: Exception) -> str:
    """Why no SMTP connection came about, in Dutch, naming the server tried: an operator
    needs the host and port to tell a wrong setting from a server that is down."""
    if isinstance(exc, ConnectionRefusedError):
        reason = "verbinding geweigerd (draait daar een mailserver?)"
    elif isinstance(exc, socket.gaierror):
        reason = "onbekende hostnaam"
    elif isinstance(exc, TimeoutError):
        reason = f"geen antwoord binnen {cfg.timeout:g} s"
    elif isinstance(exc, ssl.SSLError):
        reason = f"TLS-fout ({getattr(exc, 'reason', None) or exc})"
    elif isinstance(exc, smtplib.SMTPAuthenticationError):
        reason = f"inloggen als {cfg.username} geweigerd ({exc.smtp_code})"
    elif isinstance(exc, NotifyError):
        reason = str(exc)
    else:
        reason = str(exc) or type(exc).__name__
    return f"SMTP-verbinding met {cfg.host}:{cfg.port} mislukt: {reason}"


def open_smtp(cfg: SmtpConfig) -> smtplib.SMTP:
    """Connect (TLS, STARTTLS or plain, as configured) and log in when a user is set."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if cfg.security == "tls":
        smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
    else:
        smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        if cfg.security == "starttls":
            smtp.starttls(context=context)
    if cfg.username:
        password = secret(cfg.password_env)
        if password is None:
            smtp.close()
            raise NotifyError(f"${cfg.password_env} is niet gezet (het SMTP-wachtwoord)")
        smtp.login(cfg.username, password)
    return smtp


def notify(
    config: Config, engine: Engine, *, now: datetime | None = None, owner: str = ""
) -> NotifyResult:
    """Build due digests, then drain the outbox: claim a page, send it, repeat, one connection."""
    moment = now or datetime.now(UTC)
    started = time.monotonic()

    def clock() -> datetime:
        return moment + timedelta(seconds=time.monotonic() - started)

    with session_scope(engine) as session:
        serialise(session, "outbox-digests")  # two notifiers never build one digest twice
        build_digests(session, config.alerts, moment)
        drop_stale(session, moment)
    result = NotifyResult()
    owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    ttl = max(CLAIM_TTL, timedelta(seconds=4 * config.smtp.timeout))
    page = 1  # one row per claim: a killed notifier holds back only the message in flight
    claimed_at = clock()
    ids = claim_rows(engine, owner, claimed_at, ttl, limit=page)
    if not ids:
        return result
    try:
        smtp = open_smtp(config.smtp)
    except (OSError, smtplib.SMTPException, NotifyError) as exc:
        release_claims(engine, ids, owner)
        result.error = connect_error(config.smtp, exc)
        result.deferred = _count_pending(engine, config.smtp.batch_size)
        return result
    env = make_env()
    margin = timedelta(seconds=2 * config.smtp.timeout)
    after = 0
    try:
        # drain the whole outbox over one connection, claiming a page of rows at a time
        cache: dict[tuple[int, ...], list[EventRow]] = {}
        published: dict[tuple[int, ...], bool] = {}
        while ids:
            if result.sent % CLAIM_PAGE == 0:
                # read events afresh now and then: a withdrawn one stops going out
                cache, published = {}, {}
            for position, row_id in enumerate(ids):
                if clock() + margin > claimed_at + ttl:  # slow server: claim afresh
                    release_claims(engine, ids[position:], owner)
                    break
                if not _send_one(config, engine, smtp, env, row_id, owner, moment, result, cache):
                    release_claims(engine, ids[position + 1 :], owner)
                    result.deferred = _count_pending(engine, config.smtp.batch_size)
                    return result
                after = row_id
            claimed_at = clock()
            ids = claim_rows(
                engine, owner, claimed_at, ttl, after=after, limit=page, published=published
            )
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return result


def claim_next(
    engine: Engine, owner: str, now: datetime, ttl: timedelta, *, after: int = 0
) -> int | None:
    """Claim the next sendable row after ``after`` for ``owner``; None when there is none."""
    ids = claim_rows(engine, owner, now, ttl, after=after, limit=1)
    return ids[0] if ids else None


def claim_rows(
    engine: Engine,
    owner: str,
    now: datetime,
    ttl: timedelta,
    *,
    after: int = 0,
    limit: int,
    published: dict[tuple[int, ...], bool] | None = None,
) -> list[int]:
    """Claim up to ``limit`` sendable rows after ``after`` for ``owner``, in id order.

    The claim is committed at once: on PostgreSQL the candidate rows are locked with
    ``FOR UPDATE SKIP LOCKED`` while claiming, on SQLite the claim holds the write lock; a
    claim expires after ``ttl`` (its notifier died), and then the row is sent again with the
    same Message-ID. ``published`` remembers per event set whether it may go (one look-up
    per event, not per recipient).
    """
    known = published if published is not None else {}
    claimed: list[int] = []
    while True:
        with session_scope(engine) as session:
            if engine.dialect.name == "sqlite":
                serialise(session, "outbox-claim")  # SQLite has no SKIP LOCKED: one claimer
            rows = session.exec(
                select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.event_ids)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.kind != "item",
                    col(OutboxMessage.id) > after,
                    sa.or_(
                        col(OutboxMessage.claimed_until).is_(None),
                        col(OutboxMessage.claimed_until) < now,
                    ),
                )
                .order_by(col(OutboxMessage.id))
                .limit(CLAIM_PAGE)
                .with_for_update(skip_locked=True)
            ).all()
            for row_id, kind, event_ids in rows:
                assert row_id is not None
                after = row_id
                if kind == "event":
                    key = tuple(event_ids)
                    if key not in known:
                        known[key] = _published(session, list(key))
                    if not known[key]:
                        continue  # held for staff review; goes once approved
                claimed.append(row_id)
                if len(claimed) >= limit:
                    break
            if claimed:
                session.execute(
                    sa.update(OutboxMessage)
                    .where(col(OutboxMessage.id).in_(claimed))
                    .values(claimed_by=owner, claimed_until=now + ttl)
                )
                return claimed
        if len(rows) < CLAIM_PAGE:
            return claimed


def release_claim(engine: Engine, row_id: int, owner: str) -> None:
    """Give a claimed, unsent row back to any notifier."""
    release_claims(engine, [row_id], owner)


def release_claims(engine: Engine, row_ids: list[int], owner: str) -> None:
    """Give claimed, unsent rows back to any notifier."""
    if not row_ids:
        return
    with engine.begin() as conn:
        conn.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(row_ids), col(OutboxMessage.claimed_by) == owner)
            .values(claimed_until=None)
        )


def _count_pending(engine: Engine, limit: int) -> int:
    with Session(engine) as session:
        return len(pending_ids(session, limit))


def pending_ids(session: Session, limit: int) -> list[int]:
    """Pending rows that may go now: confirmations, and alerts whose events are published."""
    query = (
        select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.event_ids)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.kind != "item")
        .order_by(col(OutboxMessage.id))
    )
    ids: list[int] = []
    for row_id, kind, event_ids in session.exec(query).all():
        if kind == "event" and not _published(session, list(event_ids)):
            continue  # held for staff review; goes once approved
        assert row_id is not None
        ids.append(row_id)
        if len(ids) >= limit:
            break
    return ids


def _published(session: Session, event_ids: list[int]) -> bool:
    events = session.exec(select(Event).where(col(Event.id).in_(event_ids))).all()
    return bool(events) and all(e.published and not e.baseline for e in events)


def _send_one(
    config: Config,
    engine: Engine,
    smtp: smtplib.SMTP,
    env: Environment,
    row_id: int,
    owner: str,
    now: datetime,
    result: NotifyResult,
    cache: dict[tuple[int, ...], list[EventRow]] | None = None,
) -> bool:
    """Send one claimed row and commit its outcome; False when the connection is gone.

    ``cache`` keeps the event rows of one claimed page: a fan-out reads its event once."""
    with session_scope(engine) as session:
        row = session.get(OutboxMessage, row_id)
        if row is None or row.status != OutboxStatus.PENDING or row.claimed_by != owner:
            return True  # another notifier took over an expired claim
        sub = session.get(Subscription, row.subscription_id)
        assert sub is not None
        key = tuple(row.event_ids)
        rows = cache.get(key) if cache is not None else None
        if rows is None:
            rows = event_rows(session, row.event_ids)
            if cache is not None:
                cache[key] = rows
        if row.kind != "confirm" and not rows:
            row.status = OutboxStatus.DROPPED
            session.add(row)
            return True
        message = render_message(config, env, row, sub, rows, now)
        row.message_id = message["Message-ID"]
        row.claimed_until = None  # sent, refused or given back: the claim ends with this commit
        session.add(row)
        return _deliver(smtp, message, row, sub, config.smtp.max_attempts, now, result)


def _deliver(
    smtp: smtplib.SMTP,
    message: EmailMessage,
    row: OutboxMessage,
    sub: Subscription,
    max_attempts: int,
    now: datetime,
    result: NotifyResult,
) -> bool:
    """Send one message and record the outcome on its row; False when the batch must stop."""
    row.attempts += 1
    try:
        smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        return _refused(row, sub, code, text, max_attempts, now, result)
    except smtplib.SMTPResponseException as exc:
        return _refused(row, sub, exc.smtp_code, exc.smtp_error, max_attempts, now, result)
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        row.last_error = f"verbinding verbroken: {exc}"[:500]
        result.error = row.last_error
        return False
    row.status, row.sent_at, row.last_error = OutboxStatus.SENT, now, ""
    result.sent += 1
    return True


def _refused(
    row: OutboxMessage,
    sub: Subscription,
    code: int,
    text: bytes | str,
    max_attempts: int,
    now: datetime,
    result: NotifyResult,
) -> bool:
    detail = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    row.last_error = f"{code} {detail}"[:500]
    if 500 <= code < 600:
        row.status = OutboxStatus.REJECTED
        sub.rejected_at = now
        result.rejected += 1
        logger.warning("address of subscription %s rejected permanently: %s", sub.id, detail)
    elif row.attempts >= max_attempts:
        row.status = OutboxStatus.FAILED
        result.deferred += 1
    else:
        result.deferred += 1
    return True


def event_rows(session: Session, event_ids: list[int]) -> list[EventRow]:
    """Published, non-baseline events with their scheme and window, oldest first."""
    rows: list[EventRow] = []
    events = session.exec(
        select(Event).where(col(Event.id).in_(event_ids)).order_by(col(Event.created_at))
    ).all()
    for event in events:
        scheme = session.get(Scheme, event.scheme_id)
        if scheme is None or not event.published or event.baseline:
            continue
        window = session.get(Window, event.window_id) if event.window_id else None
        rows.append((event, scheme, window))
    return rows
