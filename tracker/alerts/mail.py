"""Render outbox rows as email messages: Dutch, multipart text + HTML, RFC 8058 unsubscribe.

Pure rendering: no database queries and no network. The HTML part is autoescaped by Jinja2;
the text part is text. Message-IDs are derived from the outbox row, so a retried message keeps
its id and receiving systems can recognise a duplicate.
"""

from __future__ import annotations

import email.utils
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tracker.alerts.subscriptions import subscription_choices
from tracker.config import Config
from tracker.models import Event, EventKind, Frequency, OutboxMessage, Scheme, Subscription, Window
from tracker.read.describe import KIND_NL, event_lines, event_title
from tracker.read.timefmt import format_moment_nl
from tracker.regions import scheme_region_label

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "email"
EventRow = tuple[Event, Scheme, Window | None]
KIND_ORDER = list(EventKind)


@dataclass(frozen=True)
class Item:
    title: str
    lines: list[str]
    link: str


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
    domain = config.smtp.from_address.rpartition("@")[2] or "localhost"
    return row.message_id or f"<outbox.{row.id}.{row.created_at:%Y%m%d%H%M%S}@{domain}>"


def _item(row: EventRow, now: datetime) -> Item:
    event, scheme, window = row
    link = (window.url if window and window.url else "") or scheme.url
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


def render_message(
    config: Config,
    env: Environment,
    row: OutboxMessage,
    sub: Subscription,
    rows: Sequence[EventRow],
    now: datetime,
) -> EmailMessage:
    """The email for one outbox row (kind event, digest or confirm)."""
    base = config.web.base_url.rstrip("/")
    context: dict[str, Any] = {
        "sub": sub,
        "unsubscribe_url": f"{base}/afmelden/{sub.unsubscribe_token}",
        "confirm_url": f"{base}/bevestigen/{sub.confirm_token}",
        "feeds_url": f"{base}/feeds",
        "now_text": format_moment_nl(now, True),
    }
    if row.kind == "confirm":
        name, subject = "confirm", "Bevestig uw aanmelding voor subsidiesignalen"
        context["choices"] = subscription_choices(config, sub)
        context["subscribe_url"] = f"{base}/abonneren"
    elif row.kind == "digest":
        name = "digest"
        label = "Dagelijks" if sub.frequency == Frequency.DAILY else "Wekelijks"
        subject = f"{label} overzicht subsidieregelingen: {len(rows)} signalen"
        context["sections"] = group_rows(rows, now)
        context["label"] = label
    else:
        name = "alert"
        item = _item(rows[0], now)
        subject = item.title
        context["item"] = item
    msg = EmailMessage()
    msg["Subject"] = " ".join(subject.split())[:200]
    msg["From"] = email.utils.formataddr((config.smtp.from_name, config.smtp.from_address))
    msg["To"] = sub.email
    msg["Date"] = email.utils.format_datetime(now)
    msg["Message-ID"] = message_id(config, row)
    msg["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(env.get_template(f"{name}.txt").render(context))
    msg.add_alternative(env.get_template(f"{name}.html").render(context), subtype="html")
    return msg
