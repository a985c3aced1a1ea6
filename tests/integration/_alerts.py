"""Helpers for the alert tests: schemes and windows in the database, a real SMTP server."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.config import Config, SmtpConfig, WebConfig
from tracker.models import Scheme, Subscription, Window


def alert_config(port: int = 25, **extra: Any) -> Config:
    return Config(
        smtp=SmtpConfig(
            host="127.0.0.1",
            port=port,
            security="none",
            timeout=5,
            from_address="signalen@tracker.test",
        ),  # fmt: skip
        web=WebConfig(base_url="http://testserver"),
        **extra,
    )


def add_scheme(
    engine: Engine,
    title: str,
    *,
    created: datetime,
    opens: datetime | None = None,
    closes: datetime | None = None,
    level: str = "provincie",
    regions: tuple[str, ...] = ("NL-GE",),
    themes: tuple[str, ...] = (),
    doelgroepen: tuple[str, ...] = (),
    budget: Decimal | None = None,
) -> tuple[int, int]:
    """A scheme with one window; returns (scheme id, window id)."""
    with Session(engine, expire_on_commit=False) as s:
        slug = title.lower().replace(" ", "-")
        scheme = Scheme(slug=slug, title=title, level=level, regions=list(regions),
                        themes=list(themes), doelgroepen=list(doelgroepen),
                        publisher="Provincie Gelderland", url=f"https://example.org/{slug}",
                        created_at=created, updated_at=created)  # fmt: skip
        s.add(scheme)
        s.flush()
        assert scheme.id is not None
        window = Window(scheme_id=scheme.id, opens_at=opens, closes_at=closes,
                        opens_has_time=True, closes_has_time=True, budget_eur=budget,
                        created_at=created, updated_at=created, source_id="test",
                        url=f"https://example.org/{slug}#tijdvak")  # fmt: skip
        s.add(window)
        s.commit()
        assert window.id is not None
        return scheme.id, window.id


def add_subscription(engine: Engine, email_address: str, confirmed: datetime, **kw: Any) -> int:
    with Session(engine, expire_on_commit=False) as s:
        sub = Subscription(email=email_address, confirm_token=f"c-{email_address}",
                           unsubscribe_token=f"u-{email_address}", created_at=confirmed,
                           confirmed_at=confirmed, digest_through_at=confirmed, **kw)  # fmt: skip
        s.add(sub)
        s.commit()
        assert sub.id is not None
        return sub.id


@dataclass
class Recorder:
    """aiosmtpd handler: keeps what arrived; can refuse addresses and drop the connection."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    drop_after: int | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:  # fmt: skip
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            # accept this message, then hang up before the next one
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def smtp_server(recorder: Recorder) -> Iterator[int]:
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def post_subscribe(client: TestClient, data: dict[str, Any]) -> Any:
    """Submit /abonneren like a browser: with the CSRF token of the form page."""
    page = client.get("/abonneren").text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "subscribe form has no CSRF token"
    return client.post("/abonneren", data={**data, "csrf_token": match.group(1)})
