"""Deliver the outbox over SMTP: one connection per batch, each row marked sent only after
the server accepted it, in its own transaction.

A dropped connection or outage ends the batch; rows not yet accepted stay pending for the next
run, and accepted ones are already marked, so nothing is lost and nothing is sent twice. A
permanent refusal (5xx) marks the row rejected and stops mail to that address; temporary
refusals (4xx) are retried up to ``[smtp] max_attempts``.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.alerts.mail import EventRow, make_env, render_message
from tracker.alerts.outbox import build_digests, drop_stale
from tracker.config import Config, SmtpConfig, secret
from tracker.db import session_scope
from tracker.errors import NotifyError
from tracker.models import Event, OutboxMessage, OutboxStatus, Scheme, Subscription, Window

logger = logging.getLogger(__name__)


@dataclass
class NotifyResult:
    sent: int = 0
    rejected: int = 0
    deferred: int = 0
    error: str = ""


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
            raise NotifyError(f"${cfg.password_env} is not set (SMTP password)")
        smtp.login(cfg.username, password)
    return smtp


def notify(config: Config, engine: Engine, *, now: datetime | None = None) -> NotifyResult:
    """Build due digests, then send pending messages in one SMTP session."""
    moment = now or datetime.now(UTC)
    with session_scope(engine) as session:
        build_digests(session, config.alerts, moment)
        drop_stale(session, moment)
        ids = pending_ids(session, config.smtp.batch_size)
    result = NotifyResult()
    if not ids:
        return result
    try:
        smtp = open_smtp(config.smtp)
    except (OSError, smtplib.SMTPException) as exc:
        result.error = f"SMTP-verbinding mislukt: {exc}"
        result.deferred = len(ids)
        return result
    try:
        _send_batch(config, engine, smtp, ids, moment, result)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return result


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


def _send_batch(
    config: Config,
    engine: Engine,
    smtp: smtplib.SMTP,
    ids: list[int],
    now: datetime,
    result: NotifyResult,
) -> None:
    env = make_env()
    for position, row_id in enumerate(ids):
        with session_scope(engine) as session:
            row = session.get(OutboxMessage, row_id)
            if row is None or row.status != OutboxStatus.PENDING:
                continue
            sub = session.get(Subscription, row.subscription_id)
            assert sub is not None
            rows = event_rows(session, row.event_ids)
            if row.kind != "confirm" and not rows:
                row.status = OutboxStatus.DROPPED
                session.add(row)
                continue
            message = render_message(config, env, row, sub, rows, now)
            row.message_id = message["Message-ID"]
            if not _deliver(smtp, message, row, sub, config.smtp.max_attempts, now, result):
                result.deferred += len(ids) - position - 1
                return


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
        result.deferred += 1
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
