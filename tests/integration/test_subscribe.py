"""The public subscribe flow: validation, double opt-in, single-purpose tokens, rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration._alerts import alert_config, post_subscribe
from tracker.alerts.subscriptions import confirm_subscription
from tracker.config import AlertsConfig
from tracker.models import OutboxMessage, Subscription
from tracker.read.describe import LEVEL_NL
from tracker.web.app import create_app


def _client(engine: Engine, **alerts: int) -> TestClient:
    return TestClient(create_app(alert_config(alerts=AlertsConfig(**alerts)), engine))


def _subs(engine: Engine) -> list[Subscription]:
    with Session(engine) as s:
        return list(s.exec(select(Subscription)).all())


def test_form_shows_regions_themes_and_groups(engine: Engine) -> None:
    page = _client(engine).get("/abonneren")
    assert page.status_code == 200
    for value in ("NL-GR", "oost", "scholing", "onderwijsinstellingen", "wekelijks"):
        assert f'value="{value}"' in page.text


def test_level_labels_are_the_start_pages(engine: Engine) -> None:
    """QA walkthrough: the Niveau boxes read 'rijk provincie eu' next to the start page's
    'Rijk', 'Provincie', 'EU'; both use ``LEVEL_NL`` now, and a refused form keeps the choice."""
    client = _client(engine)
    form = client.get("/abonneren").text
    start = client.get("/").text
    for value, label in LEVEL_NL.items():
        assert f'value="{value}"> {label}</label>' in form
        assert f'<option value="{value}">{label}</option>' in start
    refused = post_subscribe(client, {"email": "geen-adres", "levels": ["eu"]}).text
    assert 'value="eu" checked> EU</label>' in refused


def test_invalid_address_gets_a_dutch_error_not_a_500(engine: Engine) -> None:
    response = post_subscribe(_client(engine), {"email": "geen-adres"})
    assert response.status_code == 400
    assert "Dit e-mailadres is ongeldig" in response.text
    unknown = post_subscribe(_client(engine), {"email": "a@example.org", "themes": "x"})
    assert unknown.status_code == 400 and "Onbekende keuze voor thema" in unknown.text
    assert _subs(engine) == []


def test_subscription_waits_for_confirmation_with_single_purpose_tokens(engine: Engine) -> None:
    client = _client(engine)
    form = {"email": "b@example.org", "regions": ["noord", "NL-LI"], "themes": ["energie"],
            "frequency": "wekelijks"}  # fmt: skip
    assert "Controleer uw e-mail" in post_subscribe(client, form).text
    [sub] = _subs(engine)
    assert sub.confirmed_at is None
    assert sub.regions == ["NL-DR", "NL-FR", "NL-GR", "NL-LI"]
    assert sub.region_labels == ["NL-LI", "noord"] and sub.frequency == "wekelijks"
    assert len(sub.confirm_token) >= 40 and sub.confirm_token != sub.unsubscribe_token
    with Session(engine) as s:
        assert [r.kind for r in s.exec(select(OutboxMessage)).all()] == ["confirm"]
    assert client.get(f"/bevestigen/{sub.confirm_token}").status_code == 200
    assert _subs(engine)[0].confirmed_at is None, "GET (a link scanner) confirms nothing"
    assert client.post(f"/bevestigen/{sub.unsubscribe_token}").status_code == 404
    assert client.post(f"/afmelden/{sub.confirm_token}").status_code == 404
    assert client.post("/bevestigen/guess").status_code == 404
    assert client.post(f"/bevestigen/{sub.confirm_token}").status_code == 200
    assert _subs(engine)[0].confirmed_at is not None


def test_confirmation_expires_and_replaces_the_old_subscription(engine: Engine) -> None:
    client = _client(engine)
    for frequency in ("direct", "dagelijks"):
        post_subscribe(client, {"email": "c@example.org", "frequency": frequency})
    old, new = sorted(_subs(engine), key=lambda s: s.id or 0)
    client.post(f"/bevestigen/{old.confirm_token}")
    client.post(f"/bevestigen/{new.confirm_token}")
    old, new = sorted(_subs(engine), key=lambda s: s.id or 0)
    assert old.unsubscribed_at is not None and new.unsubscribed_at is None
    # the same address written with capitals is the same subscriber: it replaces, not adds
    post_subscribe(client, {"email": "C@Example.ORG", "frequency": "wekelijks"})
    capitals = max(_subs(engine), key=lambda s: s.id or 0)
    client.post(f"/bevestigen/{capitals.confirm_token}")
    active = [sub.email for sub in _subs(engine) if sub.unsubscribed_at is None]
    assert active == ["C@example.org"]
    late = datetime.now(UTC) + timedelta(days=8)
    with Session(engine) as s:
        expired = Subscription(email="d@example.org", confirm_token="t1", unsubscribe_token="t2",
                               created_at=datetime.now(UTC) - timedelta(days=1))  # fmt: skip
        s.add(expired)
        s.commit()
        assert confirm_subscription(s, "t1", late, valid_days=7) is None


def test_rate_limits_per_address_and_per_client(engine: Engine) -> None:
    client = _client(engine, subscribe_per_address=2, subscribe_per_client=3)
    codes = [post_subscribe(client, {"email": "e@example.org"}).status_code
             for _ in range(3)]  # fmt: skip
    assert codes == [200, 200, 429]
    assert post_subscribe(client, {"email": "E@example.org"}).status_code == 429
    assert post_subscribe(client, {"email": "f@example.org"}).status_code == 200
    blocked = post_subscribe(client, {"email": "g@example.org"})
    assert blocked.status_code == 429 and "Te veel aanmeldingen" in blocked.text
    assert len(_subs(engine)) == 3


def test_unsubscribe_page_asks_before_acting(engine: Engine) -> None:
    client = _client(engine)
    post_subscribe(client, {"email": "h@example.org"})
    [sub] = _subs(engine)
    page = client.get(f"/afmelden/{sub.unsubscribe_token}")
    assert page.status_code == 200 and "Ja, meld mij af" in page.text
    assert _subs(engine)[0].unsubscribed_at is None
    assert "afgemeld" in client.post(f"/afmelden/{sub.unsubscribe_token}").text
    assert _subs(engine)[0].unsubscribed_at is not None


def test_subscribe_without_the_form_token_is_refused(engine: Engine) -> None:
    response = _client(engine).post("/abonneren", data={"email": "x@example.org"})
    assert response.status_code == 403
    assert _subs(engine) == []


def test_a_large_body_is_refused_before_it_is_read_or_echoed(engine: Engine) -> None:
    """POST /abonneren with many 1 MB values was parsed whole (Starlette caps a field and the
    number of fields, not the total) and every unknown value was echoed back: 300 MB out."""
    client = _client(engine)
    big = post_subscribe(client, {"email": "a@example.org", "themes": ["Z" * 40_000] * 3})
    assert big.status_code == 413 and big.text == "Het verzoek is te groot (maximaal 64 kB)."
    many = post_subscribe(client, {"email": "a@example.org", "themes": ["x"] * 101})
    long = post_subscribe(client, {"email": "a@example.org", "themes": "Y" * 101})
    assert (many.status_code, long.status_code) == (422, 422)
    echoed = post_subscribe(client, {"email": "a@example.org", "themes": ["Q" * 100] * 50})
    assert echoed.status_code == 400 and len(echoed.content) < 20_000
    assert "Q" * 41 not in echoed.text and "Q" * 40 + "… en 47 meer" in echoed.text
    regions = post_subscribe(client, {"email": "a@example.org", "regions": "<b>R</b>" * 12})
    assert "Onbekende keuze voor regio: &lt;b&gt;R&lt;/b&gt;" in regions.text
    assert "<b>" not in regions.text
    assert _subs(engine) == []


def test_the_body_limit_stops_reading_an_endless_body() -> None:
    """A body without Content-Length (chunked) is read up to the limit and no further."""
    import asyncio

    from tracker.web.limits import MAX_BODY, BodyLimit

    called, read, sent = [], [0], []

    async def app(*_args: object) -> None:
        called.append(True)

    async def receive() -> dict[str, object]:
        read[0] += 1024
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/abonneren", "headers": []}
    asyncio.run(BodyLimit(app)(scope, receive, send))  # type: ignore[arg-type]
    assert called == [] and sent[0]["status"] == 413
    assert MAX_BODY < read[0] <= MAX_BODY + 1024
    lying = {**scope, "headers": [(b"content-length", b"99999999")]}
    read[0] = 0
    asyncio.run(BodyLimit(app)(lying, receive, send))  # type: ignore[arg-type]
    assert called == [] and read[0] == 0
