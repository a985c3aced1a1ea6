"""Render outbox rows as email messages: Dutch, multipart text + HTML, RFC 8058 unsubscribe.

Pure rendering: no database queries and no network. The HTML part is autoescaped by Jinja2;
the text part is text. Message-IDs are derived from the outbox row, so a retried message keeps
its id and receiving systems can recognise a duplicate.

``Renderer`` turns a row into the bytes that go over the wire (``Letter``), without
``email.message.EmailMessage``: its header parsing and generator cost more than everything
else in a run. The structure is that of ``EmailMessage.set_content`` + ``add_alternative``:
headers folded by ``email.policy.SMTP`` (RFC 2047 for non-ASCII), multipart/alternative with
a text/plain and a text/html part, both UTF-8 in quoted-printable. A fan-out (one event to many
subscribers) renders its templates once: they are rendered with a marker in place of the
subscriber's unsubscribe link, which is then filled in per subscriber (HTML-escaped in the HTML
part), and the first subscriber's message is checked against a full render before the shared
one is used.
"""

from __future__ import annotations

import binascii
import email.policy
import email.utils
import logging
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import EmailPolicy
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.exceptions import UndefinedError
from markupsafe import escape

from scrapers._url import http_url
from tracker.alerts.subscriptions import subscription_choices
from tracker.config import Config
from tracker.models import Event, EventKind, Frequency, OutboxMessage, Scheme, Subscription, Window
from tracker.read.describe import KIND_NL, count_nl, event_lines, event_title
from tracker.read.timefmt import format_moment_nl
from tracker.regions import scheme_region_label

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "email"
EventRow = tuple[Event, Scheme, Window | None]
KIND_ORDER = list(EventKind)
SMTP_POLICY: EmailPolicy[EmailMessage] = email.policy.SMTP
SMTPUTF8_POLICY: EmailPolicy[EmailMessage] = email.policy.SMTP.clone(utf8=True)


@dataclass(frozen=True)
class Item:
    title: str
    lines: list[str]
    link: str


@dataclass(frozen=True)
class Recipient:
    """What a message needs of its subscription (``choices`` only for a confirmation)."""

    email: str
    unsubscribe_token: str
    confirm_token: str = ""
    frequency: str = Frequency.DIRECT
    choices: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, config: Config, sub: Subscription) -> Recipient:
        return cls(sub.email, sub.unsubscribe_token, sub.confirm_token, sub.frequency,
                   tuple(subscription_choices(config, sub)))  # fmt: skip


@dataclass(frozen=True)
class Letter:
    """One rendered message: envelope recipient, Message-ID and the bytes of the message."""

    to: str
    message_id: str
    data: bytes
    smtputf8: bool = False  # the address is not ASCII: the server must offer SMTPUTF8


@dataclass(frozen=True)
class _Shared:
    """The parts of a fan-out message that are the same for every subscriber."""

    subject: bytes  # the folded Subject header
    text: str  # rendered with MARKER where the unsubscribe link goes
    html: str


def make_env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def message_id(config: Config, row: OutboxMessage) -> str:
    assert row.id is not None
    return row_message_id(config, row.id, row.created_at, row.message_id)


def row_message_id(config: Config, row_id: int, created_at: datetime, stored: str = "") -> str:
    domain = config.smtp.from_address.rpartition("@")[2] or "localhost"
    return stored or f"<outbox.{row_id}.{created_at:%Y%m%d%H%M%S}@{domain}>"


def _item(row: EventRow, now: datetime) -> Item:
    event, scheme, window = row
    link = http_url(window.url if window else "") or http_url(scheme.url)
    return Item(event_title(event, scheme, window), event_lines(event, scheme, window, now), link)


def group_rows(
    rows: Sequence[EventRow], now: datetime
) -> list[tuple[str, list[tuple[str, list[Item]]]]]:
    """Digest sections: by region (as the scheme states it), then by event kind."""
    tree: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    ordered = sorted(rows, key=lambda r: (KIND_ORDER.index(EventKind(r[0].kind)), r[1].title))
    for row in ordered:
        kind = KIND_NL.get(EventKind(row[0].kind), row[0].kind)
        tree[scheme_region_label(row[1].regions)][kind].append(_item(row, now))
    regions = sorted(tree, key=lambda r: (r != "Heel Nederland", r))
    return [(region, list(tree[region].items())) for region in regions]


def fold(name: str, value: str, policy: EmailPolicy[EmailMessage] = SMTP_POLICY) -> bytes:
    """One header line as ``EmailMessage`` writes it (folded, RFC 2047 when not ASCII)."""
    plain = value.isascii() and "\r" not in value and "\n" not in value and len(value) < 900
    if plain and (len(name) + len(value) < 76 or " " not in value):  # nothing to fold
        return f"{name}: {value}\r\n".encode("ascii")
    _, parsed = policy.header_store_parse(name, value)  # refuses CR and LF in a value
    folded: str = policy.fold(name, parsed)
    return folded.encode("utf-8" if policy.utf8 else "ascii")


def _qp(text: str) -> bytes:
    """A body part in quoted-printable: CRLF line ends, lines of at most 76 characters."""
    data = b"\r\n".join(text.encode("utf-8").splitlines()) + b"\r\n"
    return binascii.b2a_qp(data, quotetabs=False, istext=True, header=False)


# a subject longer than this is shortened in the scheme's name (``event_title``)
SUBJECT_LIMIT = 200


class Renderer:
    """Renders rows of one run (one moment ``now``); ``forget`` drops the fan-out cache."""

    def __init__(self, config: Config, env: Environment, now: datetime) -> None:
        self.config, self.env, self.now = config, env, now
        self.base = config.web.base_url.rstrip("/")
        self.now_text = format_moment_nl(now, True)
        self.marker = f"\x00afmelden-{secrets.token_hex(8)}\x00"
        smtp = config.smtp
        self.head = (
            fold("From", email.utils.formataddr((smtp.from_name, smtp.from_address))),
            fold("Date", email.utils.format_datetime(now)),
        )
        self.tail = (
            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            b"Auto-Submitted: auto-generated\r\n"
            b"MIME-Version: 1.0\r\n"
        )
        self.shared: dict[tuple[int, ...], _Shared | None] = {}

    def forget(self) -> None:
        """Events may have changed (withdrawn, corrected): render them afresh from now on."""
        self.shared.clear()

    def render(
        self,
        *,
        row_id: int,
        created_at: datetime,
        kind: str,
        recipient: Recipient,
        rows: Sequence[EventRow],
        stored_message_id: str = "",
    ) -> Letter:
        """The message for one outbox row (kind event, digest or confirm)."""
        mid = row_message_id(self.config, row_id, created_at, stored_message_id)
        unsubscribe_url = f"{self.base}/afmelden/{recipient.unsubscribe_token}"
        if kind == "event":
            key = tuple(event.id or 0 for event, _s, _w in rows)
            if key not in self.shared:
                self.shared[key] = self._share(recipient, rows, unsubscribe_url)
            shared = self.shared[key]
            if shared is not None:
                text = shared.text.replace(self.marker, unsubscribe_url)
                html = shared.html.replace(self.marker, str(escape(unsubscribe_url)))
                return self._letter(mid, recipient, shared.subject, unsubscribe_url, text, html)
        subject, name, context = self._context(kind, recipient, rows, unsubscribe_url)
        text, html = self._templates(name, context)
        return self._letter(mid, recipient, fold("Subject", subject), unsubscribe_url, text, html)

    def _context(
        self, kind: str, recipient: Recipient, rows: Sequence[EventRow], unsubscribe_url: str
    ) -> tuple[str, str, dict[str, Any]]:
        """(subject, template name, template context); nothing else reaches the templates."""
        context: dict[str, Any] = {
            "unsubscribe_url": unsubscribe_url,
            "feeds_url": f"{self.base}/feeds",
            "now_text": self.now_text,
        }
        if kind == "confirm":
            name, subject = "confirm", "Bevestig uw aanmelding voor subsidiesignalen"
            context["choices"] = list(recipient.choices)
            context["confirm_url"] = f"{self.base}/bevestigen/{recipient.confirm_token}"
            context["subscribe_url"] = f"{self.base}/abonneren"
        elif kind == "digest":
            name = "digest"
            label = "Dagelijks" if recipient.frequency == Frequency.DAILY else "Wekelijks"
            subject = f"{label} overzicht subsidieregelingen: " + count_nl(
                len(rows), "signaal", "signalen"
            )
            context["sections"] = group_rows(rows, self.now)
            context["label"] = label
        else:
            name = "alert"
            item = _item(rows[0], self.now)
            subject = event_title(*rows[0], limit=SUBJECT_LIMIT)
            context["item"] = item
        return " ".join(subject.split())[:SUBJECT_LIMIT], name, context

    def _templates(self, name: str, context: dict[str, Any]) -> tuple[str, str]:
        text = self.env.get_template(f"{name}.txt").render(context)
        return text, self.env.get_template(f"{name}.html").render(context)

    def _share(
        self, recipient: Recipient, rows: Sequence[EventRow], unsubscribe_url: str
    ) -> _Shared | None:
        """The alert rendered once for all its subscribers; None when it is not shareable
        (a template uses something per subscriber besides the unsubscribe link)."""
        subject, name, context = self._context("event", recipient, rows, self.marker)
        try:
            text, html = self._templates(name, context)
        except UndefinedError:
            return None
        shared = _Shared(fold("Subject", subject), text, html)
        context["unsubscribe_url"] = unsubscribe_url
        if self._templates(name, context) != (
            text.replace(self.marker, unsubscribe_url),
            html.replace(self.marker, str(escape(unsubscribe_url))),
        ):
            logger.warning("alert templates not shareable between subscribers; rendering each")
            return None
        return shared

    def _letter(
        self, mid: str, recipient: Recipient, subject: bytes, unsubscribe_url: str,
        text: str, html: str,
    ) -> Letter:  # fmt: skip
        utf8 = not recipient.email.isascii()
        boundary = f"=={secrets.token_hex(12)}=="  # "==" never occurs in quoted-printable
        parts = [
            subject,
            self.head[0],
            fold("To", recipient.email, SMTPUTF8_POLICY if utf8 else SMTP_POLICY),
            self.head[1],
            fold("Message-ID", mid),
            fold("List-Unsubscribe", f"<{unsubscribe_url}>"),
            self.tail,
            f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n\r\n'.encode(),
        ]
        for subtype, body in (("plain", text), ("html", html)):
            parts.append(
                f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
                "Content-Transfer-Encoding: quoted-printable\r\n\r\n".encode()
            )
            parts.append(_qp(body))
        parts.append(f"--{boundary}--\r\n".encode())
        return Letter(recipient.email, mid, b"".join(parts), utf8)


def render_message(
    config: Config,
    env: Environment,
    row: OutboxMessage,
    sub: Subscription,
    rows: Sequence[EventRow],
    now: datetime,
) -> EmailMessage:
    """The email for one outbox row, parsed (for tests and tools; notify sends the bytes)."""
    assert row.id is not None
    letter = Renderer(config, env, now).render(
        row_id=row.id, created_at=row.created_at, kind=row.kind,
        recipient=Recipient.of(config, sub), rows=rows, stored_message_id=row.message_id,
    )  # fmt: skip
    parsed = email.message_from_bytes(letter.data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed
