"""Deliver the outbox over SMTP: one run drains the whole outbox over one connection.

Any number of notifiers (cron, ``tracker run`` on several hosts, the web process) may work on
one outbox. A row is claimed for one owner, in a committed transaction, before its message goes
to the server, so no row goes out twice; a notifier holds one claim at a time, the message in
flight. The transaction that records a message's outcome (sent, refused, deferred) also claims
the next row: one short write transaction per message. Candidate rows are read a page at a
time (ids, kind, events and the subscription's address), and each is claimed with a
compare-and-set ``UPDATE`` (pending, claim free or expired), so two notifiers reading the same
page never both get a row. Only a notifier killed between the server's acceptance and its
commit leaves a claimed row behind; that claim expires and the one message is sent again, with
the same Message-ID. A dropped connection or outage ends the run; rows not yet accepted stay
pending for the next run. The claim also checks that the subscription is still active, so an
unsubscribe (or rejection) committed mid-run stops that address's mail at once: its rows are
dropped as they come up; only the message already in flight still goes.

Which refusal is whose fault: only the recipient's address refused for good at RCPT (5.1.x, or
550/551/553 without an enhanced code) rejects the subscription and stops mail to that address.
The sender refused (at MAIL FROM, or at RCPT with a reply naming the sender) is the server's or
the configuration's fault: the run stops and every row waits for the next run. Any other 5xx
(say ``554 5.7.1`` spam at DATA) fails that message only, as temporary refusals (4xx) do: it is
retried up to ``[smtp] max_attempts``. And when ``SAME_REFUSALS`` different subscriptions in a
row are refused with one reply, the server is at fault, not the addresses: the run stops and
none of them is rejected (a refusal's verdict waits for the next message for that reason).

Memory stays flat in the number of subscribers: a page of candidates and the rendered alert of
the events in that page are all that is held.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import smtplib
import socket
import ssl
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from tracker.alerts.mail import EventRow, Letter, Recipient, Renderer, make_env
from tracker.alerts.outbox import build_digests, drop_stale
from tracker.config import Config, SmtpConfig, secret
from tracker.db import serialise, session_scope
from tracker.errors import NotifyError
from tracker.models import Event, OutboxMessage, OutboxStatus, Scheme, Subscription, Window
from tracker.read.visible import is_visible

logger = logging.getLogger(__name__)

CLAIM_TTL = timedelta(minutes=5)
CLAIM_PAGE = 50  # rows read per claim query of ``claim_rows``
PAGE = 200  # candidate rows read at a time by ``notify``; events are read afresh per page
SAME_REFUSALS = 3  # this many different subscriptions refused in a row with one reply: outage

OUTBOX: sa.Table = OutboxMessage.__table__  # type: ignore[attr-defined]
SUBSCRIPTION: sa.Table = Subscription.__table__  # type: ignore[attr-defined]


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


@dataclass
class Candidate:
    """A pending row that may go now, with what its message needs."""

    id: int
    kind: str
    event_ids: tuple[int, ...]
    created_at: datetime
    message_id: str
    subscription_id: int
    recipient: Recipient
    rows: list[EventRow] = field(default_factory=list)
    claimed_until: datetime | None = None


@dataclass
class Outcome:
    """What became of the message of one claimed row; written with the next claim."""

    row: Candidate
    status: str  # the row's new status; "pending" after a temporary failure
    at: datetime  # the run's moment: sent_at, or the subscription's rejected_at
    message_id: str = ""
    last_error: str = ""
    attempted: bool = True  # False: dropped unsent (its events are gone), or released
    stop: bool = False  # the connection is gone, or the server refuses our sender: the run ends
    max_attempts: int = 0  # after a temporary failure: fail the row at this many attempts
    release: bool = False  # give the claim back unsent, no attempt counted (the row waits)
    refusal: str = ""  # a 5xx refusal: its reply, without the address, to compare in a row
    address_refused: bool = False  # the 5xx says the recipient's address is no good


@dataclass
class Refusals:
    """5xx refusals in a row with one reply, not yet recorded: their verdict (address
    rejected, or the server at fault) waits for what the server says next."""

    result: NotifyResult
    max_attempts: int
    held: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> list[Outcome]:
        """Hold ``outcome``; returns the held ones it ends (a different reply), judged."""
        ended: list[Outcome] = []
        if self.held and self.held[-1].refusal != outcome.refusal:
            ended = self.judged()
        self.held.append(outcome)
        return ended

    def outage(self) -> bool:
        """Different subscriptions enough refused in a row with one reply: the server's fault."""
        return len({o.row.subscription_id for o in self.held}) >= SAME_REFUSALS

    def holds(self, subscription_id: int) -> bool:
        return any(o.row.subscription_id == subscription_id for o in self.held)

    def judged(self, *, server_at_fault: bool = False) -> list[Outcome]:
        """The held outcomes, done with: an address refusal rejects its subscription unless
        the server is at fault; every other one is a temporary failure."""
        held, self.held = self.held, []
        for outcome in held:
            if outcome.address_refused and not server_at_fault:
                outcome.status, outcome.max_attempts = OutboxStatus.REJECTED, 0
                self.result.rejected += 1
                logger.warning(
                    "address of subscription %s rejected permanently: %s",
                    outcome.row.subscription_id, outcome.last_error,
                )  # fmt: skip
            else:
                outcome.status, outcome.max_attempts = OutboxStatus.PENDING, self.max_attempts
                self.result.deferred += 1
        return held


class Candidates:
    """Sendable rows in id order, read a page at a time; one notifier's view of the outbox."""

    def __init__(
        self, config: Config, engine: Engine, renderer: Renderer, clock: Callable[[], datetime]
    ) -> None:
        self.config, self.engine, self.renderer, self.clock = config, engine, renderer, clock
        self.after = 0
        self.buffer: deque[Candidate] = deque()
        self.exhausted = False

    def refill(self) -> None:
        """Read the next page: confirmations, digests, and alerts whose events are all
        published (an alert held for staff review goes once approved). A row of an address
        that unsubscribes or is rejected after its page was read is dropped when its claim
        is tried (``Claims.advance``)."""
        self.renderer.forget()  # events may have changed since the last page
        events: dict[tuple[str, tuple[int, ...]], list[EventRow] | None] = {}
        query = (
            sa.select(
                OUTBOX.c.id,
                OUTBOX.c.kind,
                OUTBOX.c.event_ids,
                OUTBOX.c.created_at,
                OUTBOX.c.message_id,
                OUTBOX.c.subscription_id,
                SUBSCRIPTION.c.email,
                SUBSCRIPTION.c.unsubscribe_token,
                SUBSCRIPTION.c.confirm_token,
                SUBSCRIPTION.c.frequency,
            )
            .join(SUBSCRIPTION, SUBSCRIPTION.c.id == OUTBOX.c.subscription_id)
            .where(
                OUTBOX.c.status == OutboxStatus.PENDING,
                OUTBOX.c.kind != "item",
                OUTBOX.c.id > self.after,
                _claim_free(self.clock()),
                SUBSCRIPTION.c.unsubscribed_at.is_(None),
                SUBSCRIPTION.c.rejected_at.is_(None),
            )
            .order_by(OUTBOX.c.id)
            .limit(PAGE)
        )
        with Session(self.engine, expire_on_commit=False) as session:
            page = session.execute(query).all()
            for r in page:
                self.after = r.id
                key = tuple(r.event_ids or ())
                if r.kind == "event" and (r.kind, key) not in events:
                    events[r.kind, key] = _event_rows_if_published(session, list(key))
                elif r.kind == "digest" and (r.kind, key) not in events:
                    events[r.kind, key] = event_rows(session, list(key))
                if r.kind == "event" and events[r.kind, key] is None:
                    continue  # held for staff review; goes once approved
                recipient = Recipient(r.email, r.unsubscribe_token, r.confirm_token, r.frequency)
                if r.kind == "confirm":
                    sub = session.get(Subscription, r.subscription_id)
                    assert sub is not None
                    recipient = Recipient.of(self.config, sub)
                self.buffer.append(
                    Candidate(
                        r.id,
                        r.kind,
                        key,
                        r.created_at,
                        r.message_id,
                        r.subscription_id,
                        recipient,
                        events.get((r.kind, key)) or [],
                    )
                )
        self.exhausted = len(page) < PAGE


def notify(
    config: Config, engine: Engine, *, now: datetime | None = None, owner: str = ""
) -> NotifyResult:
    """Build due digests, then drain the outbox over one connection, one claim at a time."""
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
    margin = timedelta(seconds=2 * config.smtp.timeout)
    renderer = Renderer(config, make_env(), moment)
    with engine.connect() as conn:
        claims = Claims(conn, Candidates(config, engine, renderer, clock), owner, clock, ttl)
        row = claims.advance(None)
        if row is None:
            return result
        try:
            smtp = open_smtp(config.smtp)
        except (OSError, smtplib.SMTPException, NotifyError) as exc:
            release_claims(engine, [row.id], owner)
            result.error = connect_error(config.smtp, exc)
            result.deferred = _count_pending(engine, config.smtp.batch_size)
            return result
        refusals = Refusals(result, config.smtp.max_attempts)
        try:
            while row is not None:
                assert row.claimed_until is not None
                if clock() + margin > row.claimed_until and not claims.extend(row):
                    row = claims.advance(None)
                    continue  # slow server: the claim ran out and another notifier took it
                if refusals.holds(row.subscription_id):
                    # its address was just refused: this row waits for the verdict (dropped
                    # with the subscription's other rows if it is rejected)
                    row = claims.advance(Outcome(row, OutboxStatus.PENDING, moment,
                                                 attempted=False, release=True))  # fmt: skip
                    continue
                outcome = _send(smtp, config, renderer, row, moment, result)
                done: list[Outcome]
                if outcome.refusal:
                    done = refusals.add(outcome)
                    if refusals.outage():
                        result.error = _outage_error(config.smtp, refusals.held)
                        done += refusals.judged(server_at_fault=True)
                        outcome.stop = True
                elif outcome.stop:  # the server's fault: no verdict on the held refusals
                    done = [*refusals.judged(server_at_fault=True), outcome]
                else:  # the server took (or put off) this message: the refusals were real
                    done = [*refusals.judged(), outcome]
                if outcome.stop:
                    claims.advance(done, claim=False)
                    result.deferred = _count_pending(engine, config.smtp.batch_size)
                    return result
                row = claims.advance(done)
            if refusals.held:
                claims.advance(refusals.judged(), claim=False)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    return result


def _claim_free(now: datetime | sa.BindParameter[datetime]) -> sa.ColumnElement[bool]:
    return sa.or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now)


def _begin_write(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock first: no upgrade race


def _param(name: str, column: str) -> sa.BindParameter[Any]:
    return sa.bindparam(name, type_=OUTBOX.c[column].type)


# The statements of a run, built once (SQLAlchemy then reuses their compiled form).
# SKIP LOCKED: a claim never waits for another notifier's transaction, so a transaction that
# records an outcome first and claims second can never deadlock on PostgreSQL.
# The subscription is checked in the claim, not only when the page of candidates was read:
# once an unsubscribe (or a rejection) is committed, no notifier claims that address's rows.
_ACTIVE = (
    sa.select(SUBSCRIPTION.c.id)
    .where(
        SUBSCRIPTION.c.id == OUTBOX.c.subscription_id,
        SUBSCRIPTION.c.unsubscribed_at.is_(None),
        SUBSCRIPTION.c.rejected_at.is_(None),
    )
    .exists()
)


def _claimable(active: bool) -> sa.ScalarSelect[Any]:
    """The row, if pending, free, not locked by another notifier, and its subscription is
    (``active``) or is no longer (not ``active``) active."""
    return (
        sa.select(OUTBOX.c.id)
        .where(
            OUTBOX.c.id == _param("row", "id"),
            OUTBOX.c.status == OutboxStatus.PENDING.value,
            _claim_free(_param("now", "claimed_until")),
            _ACTIVE if active else ~_ACTIVE,
        )
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )


_CLAIM = (
    sa.update(OUTBOX)
    .where(OUTBOX.c.id == _claimable(True))
    .values(
        claimed_by=_param("owner", "claimed_by"), claimed_until=_param("until", "claimed_until")
    )
)
# A candidate whose subscription ended after its page was read: nothing to send any more.
_DROP_ENDED = (
    sa.update(OUTBOX)
    .where(OUTBOX.c.id == _claimable(False))
    .values(status=OutboxStatus.DROPPED.value)
)
_EXTEND = (
    sa.update(OUTBOX)
    .where(
        OUTBOX.c.id == _param("row", "id"),
        OUTBOX.c.status == OutboxStatus.PENDING.value,
        OUTBOX.c.claimed_by == _param("owner", "claimed_by"),
        OUTBOX.c.claimed_until > _param("now", "claimed_until"),
    )
    .values(claimed_until=_param("until", "claimed_until"))
)
_FAIL_AT = sa.bindparam("fail_at", type_=sa.Integer)
_RECORD = (
    sa.update(OUTBOX)
    .where(OUTBOX.c.id == _param("row", "id"), OUTBOX.c.claimed_by == _param("owner", "claimed_by"))
    .values(
        # fail_at > 0: a temporary refusal, the row fails once it had that many attempts
        status=sa.case(
            (
                sa.and_(_FAIL_AT > 0, OUTBOX.c.attempts + 1 >= _FAIL_AT),
                OutboxStatus.FAILED.value,
            ),
            else_=_param("status", "status"),
        ),
        attempts=OUTBOX.c.attempts + 1,
        message_id=_param("message_id", "message_id"),
        last_error=_param("last_error", "last_error"),
        sent_at=_param("sent_at", "sent_at"),
        claimed_until=None,
    )
)
_DROP = (
    sa.update(OUTBOX)
    .where(OUTBOX.c.id == _param("row", "id"), OUTBOX.c.claimed_by == _param("owner", "claimed_by"))
    .values(status=OutboxStatus.DROPPED.value, claimed_until=None)
)
_RELEASE = (
    sa.update(OUTBOX)
    .where(
        OUTBOX.c.id == _param("row", "id"),
        OUTBOX.c.claimed_by == _param("owner", "claimed_by"),
        OUTBOX.c.status == OutboxStatus.PENDING.value,
    )
    .values(claimed_until=None)
)
_REJECT = (
    sa.update(SUBSCRIPTION)
    .where(SUBSCRIPTION.c.id == sa.bindparam("subscription", type_=sa.Integer))
    .values(rejected_at=sa.bindparam("at", type_=SUBSCRIPTION.c.rejected_at.type))
)


class Claims:
    """One notifier's claims, one row at a time, over one database connection."""

    def __init__(
        self,
        conn: Connection,
        candidates: Candidates,
        owner: str,
        clock: Callable[[], datetime],
        ttl: timedelta,
    ) -> None:
        self.conn, self.candidates, self.owner, self.clock, self.ttl = (
            conn, candidates, owner, clock, ttl,
        )  # fmt: skip

    def advance(
        self, outcomes: Outcome | Sequence[Outcome] | None, *, claim: bool = True
    ) -> Candidate | None:
        """Record ``outcomes`` and claim the next sendable row, in one transaction.

        None when no row is left (or ``claim`` is False); the outcomes are recorded all the
        same. A row whose subscription ended meanwhile (unsubscribed, rejected) is not
        claimed but dropped."""
        candidates = self.candidates
        pending = [outcomes] if isinstance(outcomes, Outcome) else list(outcomes or ())
        while True:
            if claim and not candidates.buffer and not candidates.exhausted:
                candidates.refill()
            with self.conn.begin():
                _begin_write(self.conn)
                for outcome in pending:
                    self._record(outcome)
                pending = []
                now = self.clock()
                while claim and candidates.buffer:
                    row = candidates.buffer.popleft()
                    taken = self.conn.execute(_CLAIM, {
                        "row": row.id, "now": now, "owner": self.owner, "until": now + self.ttl,
                    })  # fmt: skip
                    if taken.rowcount == 1:
                        row.claimed_until = now + self.ttl
                        return row
                    self.conn.execute(_DROP_ENDED, {"row": row.id, "now": now})
            if not claim or candidates.exhausted:
                return None

    def extend(self, row: Candidate) -> bool:
        """Renew a claim about to run out; False when it ran out and went to another."""
        now = self.clock()
        with self.conn.begin():
            _begin_write(self.conn)
            renewed = self.conn.execute(_EXTEND, {
                "row": row.id, "owner": self.owner, "now": now, "until": now + self.ttl,
            })  # fmt: skip
        row.claimed_until = now + self.ttl
        return renewed.rowcount == 1

    def _record(self, outcome: Outcome) -> None:
        """Write the outcome of one claimed row and end its claim (only while it is ours)."""
        row = outcome.row
        if outcome.release:
            self.conn.execute(_RELEASE, {"row": row.id, "owner": self.owner})
            return
        if not outcome.attempted:
            self.conn.execute(_DROP, {"row": row.id, "owner": self.owner})
            return
        sent = outcome.status == OutboxStatus.SENT
        recorded = self.conn.execute(_RECORD, {
            "row": row.id, "owner": self.owner, "status": outcome.status,
            "fail_at": outcome.max_attempts, "message_id": outcome.message_id,
            "last_error": outcome.last_error[:500], "sent_at": outcome.at if sent else None,
        })  # fmt: skip
        if outcome.status == OutboxStatus.REJECTED and recorded.rowcount == 1:
            self.conn.execute(_REJECT, {"subscription": row.subscription_id, "at": outcome.at})


def _send(
    smtp: smtplib.SMTP,
    config: Config,
    renderer: Renderer,
    row: Candidate,
    now: datetime,
    result: NotifyResult,
) -> Outcome:
    """Send the message of one claimed row; what became of it, to record with the next claim."""
    if row.kind != "confirm" and not row.rows:
        return Outcome(row, OutboxStatus.DROPPED, now, attempted=False)
    letter: Letter = renderer.render(
        row_id=row.id, created_at=row.created_at, kind=row.kind, recipient=row.recipient,
        rows=row.rows, stored_message_id=row.message_id,
    )  # fmt: skip
    outcome = Outcome(row, OutboxStatus.SENT, now, letter.message_id)
    options: Sequence[str] = ("SMTPUTF8", "BODY=8BITMIME") if letter.smtputf8 else ()
    smtp_cfg = config.smtp
    try:
        smtp.sendmail(smtp_cfg.from_address, [letter.to], letter.data, mail_options=options)
    except smtplib.SMTPSenderRefused as exc:
        return _sender_refused(outcome, smtp_cfg, exc.smtp_code, exc.smtp_error, result)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        if smtp_cfg.from_address.lower() in _text(text).lower():
            # checked at RCPT (Postfix does so by default), but about our sender
            return _sender_refused(outcome, smtp_cfg, code, text, result)
        return _refused(outcome, code, text, smtp_cfg.max_attempts, result,
                        address=letter.to)  # fmt: skip
    except smtplib.SMTPDataError as exc:
        return _refused(outcome, exc.smtp_code, exc.smtp_error, smtp_cfg.max_attempts, result)
    except smtplib.SMTPResponseException as exc:  # HELO refused, or the like: not the message
        return _sender_refused(outcome, smtp_cfg, exc.smtp_code, exc.smtp_error, result,
                               sender=False)  # fmt: skip
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        outcome.status, outcome.stop = OutboxStatus.PENDING, True
        outcome.last_error = result.error = f"verbinding verbroken: {exc}"[:500]
        return outcome
    result.sent += 1
    return outcome


def _text(text: bytes | str) -> str:
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


_ENHANCED = re.compile(r"\s*([245])\.(\d{1,3})\.(\d{1,3})\b")


def address_refused(code: int, text: str) -> bool:
    """Does a 5xx refusal at RCPT say the recipient's address is no good (RFC 3463: 5.1.x,
    but for 5.1.7 and 5.1.8, which are about the sender; without an enhanced status code,
    550, 551 or 553)? Policy, relaying, a full mailbox or a system fault are not."""
    if not 500 <= code < 600:
        return False
    enhanced = _ENHANCED.match(text)
    if enhanced is None:
        return code in (550, 551, 553)
    cls, subject, detail = enhanced.groups()
    return cls == "5" and subject == "1" and detail not in ("7", "8")


def _refused(
    outcome: Outcome,
    code: int,
    text: bytes | str,
    max_attempts: int,
    result: NotifyResult,
    *,
    address: str = "",
) -> Outcome:
    """A refusal of the message (at RCPT when ``address`` is given, else at DATA): a 4xx is
    retried later; a 5xx is held for its verdict (``Refusals``)."""
    detail = _text(text)
    outcome.last_error = f"{code} {detail}"[:500]
    outcome.status, outcome.max_attempts = OutboxStatus.PENDING, max_attempts
    if 500 <= code < 600:
        reply = f"{code} {detail}"
        if address:  # servers name the address in the reply: compare replies without it
            reply = re.sub(re.escape(address), "<adres>", reply, flags=re.IGNORECASE)
        outcome.refusal = " ".join(reply.lower().split())
        outcome.address_refused = bool(address) and address_refused(code, detail)
    else:
        result.deferred += 1
    return outcome


def _sender_refused(
    outcome: Outcome,
    cfg: SmtpConfig,
    code: int,
    text: bytes | str,
    result: NotifyResult,
    *,
    sender: bool = True,
) -> Outcome:
    """The server will not take mail from our sender address (or not at all, ``sender``
    False): every message would fail the same way, so the run stops and the row waits, no
    attempt counted."""
    detail = " ".join(_text(text).split())
    outcome.status, outcome.stop, outcome.release = OutboxStatus.PENDING, True, True
    outcome.last_error = f"{code} {detail}"[:500]
    server = f"De SMTP-server {cfg.host}:{cfg.port}"
    if sender:
        result.error = (
            f"{server} weigert het afzenderadres {cfg.from_address} ({code} {detail}); "
            "gestopt, de mail blijft wachten. Controleer [smtp] from_address en of de server "
            "mail van dat adres doorlaat."
        )
    else:
        result.error = (
            f"{server} weigert de verzending ({code} {detail}); gestopt, de mail blijft "
            "wachten. Controleer de [smtp]-instellingen."
        )
    return outcome


def _outage_error(cfg: SmtpConfig, held: Sequence[Outcome]) -> str:
    """Several different addresses refused in a row with one reply: the server's fault."""
    first = " ".join(held[0].last_error.split())
    count = len({o.row.subscription_id for o in held})
    return (
        f"Gestopt: {count} verschillende adressen op rij geweigerd met hetzelfde antwoord "
        f"({first}); dat wijst op een storing of instelling van de SMTP-server "
        f"{cfg.host}:{cfg.port}, niet op de adressen. Er is geen abonnement afgewezen; de mail "
        "blijft wachten tot de volgende run."
    )


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
) -> list[int]:
    """Claim up to ``limit`` sendable rows after ``after`` for ``owner``, in id order (for
    tools and tests; ``notify`` claims one row at a time).

    The claim is committed at once: on PostgreSQL the candidate rows are locked with
    ``FOR UPDATE SKIP LOCKED`` while claiming, on SQLite the claim holds the write lock; a
    claim expires after ``ttl`` (its notifier died), and then the row is sent again with the
    same Message-ID.
    """
    known: dict[tuple[int, ...], bool] = {}
    claimed: list[int] = []
    while True:
        with engine.connect() as conn, conn.begin():
            _begin_write(conn)
            rows = conn.execute(
                sa.select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.event_ids)
                .where(
                    OUTBOX.c.status == OutboxStatus.PENDING,
                    OUTBOX.c.kind != "item",
                    OUTBOX.c.id > after,
                    _claim_free(now),
                )
                .order_by(OUTBOX.c.id)
                .limit(CLAIM_PAGE)
                .with_for_update(skip_locked=True)
            ).all()
            with Session(bind=conn) as session:
                _take_sendable(session, rows, known, claimed, limit)
            after = rows[-1][0] if rows else after
            if claimed:
                conn.execute(
                    sa.update(OUTBOX)
                    .where(OUTBOX.c.id.in_(claimed))
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
            sa.update(OUTBOX)
            .where(OUTBOX.c.id.in_(row_ids), OUTBOX.c.claimed_by == owner)
            .values(claimed_until=None)
        )


def _count_pending(engine: Engine, limit: int) -> int:
    with Session(engine) as session:
        return len(pending_ids(session, limit))


def pending_ids(session: Session, limit: int) -> list[int]:
    """Pending rows that may go now: confirmations, and alerts whose events are published.

    Read a page at a time, so that a large outbox is never held in memory."""
    ids: list[int] = []
    known: dict[tuple[int, ...], bool] = {}
    after = 0
    while len(ids) < limit:
        page = session.execute(
            sa.select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.event_ids)
            .where(
                OUTBOX.c.status == OutboxStatus.PENDING,
                OUTBOX.c.kind != "item",
                OUTBOX.c.id > after,
            )
            .order_by(OUTBOX.c.id)
            .limit(PAGE)
        ).all()
        _take_sendable(session, page, known, ids, limit)
        after = page[-1][0] if page else after
        if len(page) < PAGE:
            break
    return ids


def _take_sendable(
    session: Session,
    rows: Sequence[Any],
    known: dict[tuple[int, ...], bool],
    into: list[int],
    limit: int,
) -> None:
    """Add to ``into`` (up to ``limit``) the ids of ``rows`` (id, kind, event ids) that may go
    now: confirmations, and alerts whose events are all published; ``known`` keeps the
    verdict per set of events across pages."""
    for row_id, kind, event_ids in rows:
        if kind == "event":
            key = tuple(event_ids)
            if key not in known:
                known[key] = _published(session, list(key))
            if not known[key]:
                continue  # held for staff review; goes once approved
        into.append(row_id)
        if len(into) >= limit:
            return


def _published(session: Session, event_ids: list[int]) -> bool:
    events = session.exec(select(Event).where(col(Event.id).in_(event_ids))).all()
    return bool(events) and all(e.published and not e.baseline for e in events)


def _event_rows_if_published(session: Session, event_ids: list[int]) -> list[EventRow] | None:
    """The rows of a message whose events are all published; None while one is held, or
    while staff hide its scheme (it goes if they show it again, else it ages out)."""
    if not _published(session, event_ids):
        return None
    for event in session.exec(select(Event).where(col(Event.id).in_(event_ids))).all():
        scheme = _live(session, event.scheme_id)
        if scheme is not None and scheme.hidden:
            return None
    return event_rows(session, event_ids)


def _live(session: Session, scheme_id: int) -> Scheme | None:
    """The scheme an alert is about now: a scheme staff merged speaks through its target."""
    scheme = session.get(Scheme, scheme_id)
    for _ in range(20):  # merges do not chain far; a loop would be a bug, not a hang
        if scheme is None or scheme.merged_into_id is None:
            break
        scheme = session.get(Scheme, scheme.merged_into_id)
    return scheme


def event_rows(session: Session, event_ids: list[int]) -> list[EventRow]:
    """Published, non-baseline events with their scheme and window, oldest first.

    The feeds' rule applies at sending time too: a scheme staff hid after its alert was
    queued is left out of a digest (a direct alert waits, ``_event_rows_if_published``), a
    removed one stays, a merged one is shown as the scheme it was merged into."""
    rows: list[EventRow] = []
    events = session.exec(
        select(Event).where(col(Event.id).in_(event_ids)).order_by(col(Event.created_at))
    ).all()
    for event in events:
        scheme = _live(session, event.scheme_id)
        if scheme is None or not event.published or event.baseline:
            continue
        if not is_visible(scheme, removed=True):
            continue
        window = session.get(Window, event.window_id) if event.window_id else None
        rows.append((event, scheme, window))
    return rows
