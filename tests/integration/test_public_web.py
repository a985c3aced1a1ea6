"""The public side: start page, /feeds, HEAD and gzip on feeds, HTML feed bodies with names
instead of codes, and the confirmation mail sent by the web process itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW
from tests.e2e.support import make_app
from tests.integration._alerts import (
    Recorder,
    add_scheme,
    alert_config,
    post_subscribe,
    smtp_server,
)
from tracker.alerts.events import emit_event
from tracker.models import EventKind, OutboxMessage, OutboxStatus, Scheme, Window


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    schemes = [  # title, regions, level, theme, publisher, url, opens in days, closes in days
        ("Vakkracht <script>alert(1)</script>", ("NL-GE",), "provincie", "scholing",
         "Gelderland", "https://www.gelderland.nl/vakkracht", 5, 40),
        ("Energiefonds Limburg", ("NL-LI",), "provincie", "energie",
         "Provincie Limburg", "https://www.limburg.nl/energie", 20, 50),
        ("SDE++ 2026", (), "rijk", "energie", "", "https://www.rvo.nl/subsidies/sde", -3, 10),
        ("Later Fonds", (), "rijk", "scholing", "", "https://example.org/later", 200, 260),
    ]  # fmt: skip
    for title, regions, level, theme, publisher, url, opens, closes in schemes:
        sid, wid = add_scheme(engine, title, created=NOW - timedelta(days=30), level=level,
                              regions=regions, themes=(theme,), budget=Decimal("2500000"),
                              opens=NOW + timedelta(days=opens),
                              closes=NOW + timedelta(days=closes))  # fmt: skip
        with Session(engine) as s:
            scheme, window = s.get(Scheme, sid), s.get(Window, wid)
            assert scheme is not None and window is not None
            scheme.publisher, scheme.url = publisher, url
            s.add(scheme)
            emit_event(s, kind=EventKind.WINDOW_ANNOUNCED, scheme=scheme, window=window,
                       dedupe_key=f"ann:{wid}", now=NOW - timedelta(days=30))  # fmt: skip
            s.commit()
    with TestClient(make_app(alert_config(), engine)) as c:
        yield c


def test_start_page_is_public_with_soon_opening_and_closing(client: TestClient) -> None:
    page = client.get("/", follow_redirects=False)
    assert page.status_code == 200
    text = page.text
    assert "Subsidieregelingen op tijd in beeld" in text
    opening = text[text.index('id="opent"') : text.index('id="sluit"')]
    closing = text[text.index('id="sluit"') : text.index("Blijf op de hoogte")]
    assert "Vakkracht" in opening and "Energiefonds" in opening and "SDE++" not in opening
    assert "SDE++" in closing and "Later Fonds" not in text.split("Blijf op de hoogte")[0]
    assert closing.index("SDE++") < closing.index("Vakkracht"), "soonest deadline first"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text
    assert "provincie Gelderland" in text and "Rijksdienst voor Ondernemend Nederland" in text
    for href in ('href="/feeds"', 'href="/abonneren"', 'href="/calendar.ics"'):
        assert href in text
    assert "/beheer" not in text and "/login" not in text, "staff links stay in the staff menu"


def test_favicon_is_served_and_linked(client: TestClient) -> None:
    """QA walkthrough: /favicon.ico answered 404, an error in every browser console."""
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert icon.content.startswith(b"<svg") and len(icon.content) < 2000
    assert client.get("/static/favicon.svg").content == icon.content
    link = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    for path in ("/", "/feeds", "/abonneren", "/login"):
        assert link in client.get(path).text, path


def test_start_page_filters_and_links_the_matching_feeds(client: TestClient) -> None:
    page = client.get("/", params={"region": "NL-LI", "theme": "energie"}).text
    assert "Energiefonds" in page and "SDE++" in page and "Vakkracht" not in page
    assert 'href="/calendar.ics?region=NL-LI&amp;theme=energie"' in page
    assert 'value="NL-LI" selected' in page
    rijk = client.get("/", params={"level": "rijk"}).text
    assert "SDE++" in rijk and "Energiefonds" not in rijk
    bad = client.get("/?level=foo", headers={"Accept": "text/html"})
    assert bad.status_code == 400 and "Onbekend niveau" in bad.text and "foo" not in bad.text


def test_public_list_shows_names_not_codes(client: TestClient) -> None:
    page = client.get("/regelingen").text
    assert "Provincie (Gelderland)" in page and "(NL-GE)" not in page
    assert "Rijk (heel Nederland)" in page


def test_public_list_pages_by_title(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten thousand rows on one page took half a second to render: the list comes in pages."""
    from tracker.web import public_routes

    monkeypatch.setattr(public_routes, "PAGE_SIZE", 3)
    first = client.get("/regelingen").text
    assert "4 regelingen, pagina 1 van 2" in first
    assert first.index("Energiefonds") < first.index("Later Fonds") < first.index("SDE++")
    assert "Vakkracht" not in first and 'rel="next" href="?page=2"' in first
    second = client.get("/regelingen?page=2").text
    assert "pagina 2 van 2" in second and "Vakkracht" in second and "SDE++" not in second
    assert 'rel="prev" href="?page=1"' in second and 'rel="next"' not in second
    assert "pagina 2 van 2" in client.get("/regelingen?page=9").text  # past the end: the last
    assert client.get("/regelingen?page=0").status_code == 422


def test_feed_bodies_are_escaped_html_with_a_plain_summary(client: TestClient) -> None:
    rss = client.get("/feeds/alerts.rss").text
    # the HTML body is escaped once for XML; the scraped tag is escaped once more inside it
    assert "&lt;p&gt;Regeling: Vakkracht &amp;lt;script&amp;gt;" in rss
    assert "<script>" not in rss
    item = next(e for e in feedparser.parse(rss).entries if "Vakkracht" in e.title)
    assert "<p>Uitgever: provincie Gelderland</p>" in item.description
    assert "<p>Niveau: Provincie (Gelderland)</p>" in item.description
    assert '<a href="https://example.org/vakkracht-&lt;script&gt;' in item.description
    atom = feedparser.parse(client.get("/feeds/alerts.atom").content)
    entry = next(e for e in atom.entries if "SDE" in e.title)
    assert entry.content[0].type == "text/html" and "<p>" in entry.content[0].value
    assert "Uitgever: Rijksdienst voor Ondernemend Nederland" in entry.summary
    assert "<p>" not in entry.summary and "\n" in entry.summary
    assert feedparser.parse(client.get("/feeds/schemes.rss").content).bozo == 0


@pytest.mark.parametrize("path", ["/feeds/alerts.rss", "/feeds/schemes.atom", "/calendar.ics"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-type"] == get.headers["content-type"]
    assert client.head(path, headers={"If-None-Match": get.headers["etag"]}).status_code == 304


def test_feeds_are_gzipped_and_validators_still_work(client: TestClient) -> None:
    plain = client.get("/feeds/alerts.atom", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    raw = client.get("/feeds/alerts.atom", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.headers["vary"] == "Accept-Encoding"
    assert raw.content == plain.content  # httpx decodes what came gzipped
    assert raw.headers["etag"] == plain.headers["etag"] and raw.headers["etag"].startswith('W/"')
    validators = {"Accept-Encoding": "gzip", "If-None-Match": raw.headers["etag"]}
    again = client.get("/feeds/alerts.atom", headers=validators)
    assert again.status_code == 304 and again.content == b""


def test_feeds_page_has_no_inline_script_and_calendar_links_per_group(client: TestClient) -> None:
    page = client.get("/feeds")
    assert "onclick" not in page.text and "<script>" not in page.text
    assert '<script src="/static/copy.js" defer></script>' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    section = page.text[page.text.index("Per doelgroep") :]
    assert 'value="http://testserver/calendar.ics?doelgroep=werkgevers"' in section
    assert 'value="http://testserver/feeds/alerts.rss?doelgroep=werkgevers"' in section
    script = client.get("/static/copy.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert 'querySelectorAll("input.copy")' in script.text


def test_confirmation_mail_is_sent_at_once_and_repeats_the_choices(engine: Engine) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port, TestClient(make_app(alert_config(port), engine)) as c:
        form = {"email": "c@example.org", "regions": ["oost", "NL-LI"], "themes": ["energie"],
                "levels": ["provincie"], "frequency": "dagelijks"}  # fmt: skip
        page = post_subscribe(c, form)
        assert "We sturen u nu een bevestigingsmail" in page.text
    [message] = recorder.messages
    assert message["To"] == "c@example.org"
    text = message.get_body(("plain",)).get_content()
    assert "Regio's: Limburg; oost (Overijssel, Flevoland, Gelderland)" in text
    assert "Thema's: energie" in text and "Niveau: Provincie" in text
    assert "Doelgroepen: alle" in text and "Hoe vaak: dagelijks" in text
    html = message.get_body(("html",)).get_content()
    assert "<li>Thema&#39;s: energie</li>" in html
    assert re.search(r"http://testserver/bevestigen/\S+", text)
    with Session(engine) as s:
        [row] = s.exec(select(OutboxMessage)).all()
        assert row.kind == "confirm" and row.status == OutboxStatus.SENT


def test_confirmation_waits_for_notify_when_smtp_is_down(engine: Engine) -> None:
    from tests.integration._alerts import free_port

    with TestClient(make_app(alert_config(free_port()), engine)) as c:
        assert post_subscribe(c, {"email": "d@example.org"}).status_code == 200
    with Session(engine) as s:
        [row] = s.exec(select(OutboxMessage)).all()
        assert row.status == OutboxStatus.PENDING
