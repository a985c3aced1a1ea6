"""The wire form of alert mail (issue 14): rendered without ``EmailMessage``, a fan-out's
templates once, yet every subscriber gets a well-formed message with their own unsubscribe
link, and scraped text stays escaped in the HTML part."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage

from tracker.alerts.mail import Letter, Recipient, Renderer, make_env
from tracker.config import Config, SmtpConfig, WebConfig
from tracker.models import Event, EventKind, Scheme, Window

NOW = datetime(2027, 3, 1, 8, tzinfo=UTC)
CONFIG = Config(
    smtp=SmtpConfig(from_address="signalen@tracker.test", from_name="Subsidie-tracker"),
    web=WebConfig(base_url="http://testserver/"),
)
TITLE = "Regeling <Vakkracht> & Co: één loket voor scholing en omscholing in Gelderland " * 2


def _rows() -> list[tuple[Event, Scheme, Window | None]]:
    scheme = Scheme(id=7, slug="vakkracht", title=TITLE.strip(), level="provincie",
                    regions=["NL-GE"], publisher="Provincie Gelderland",
                    url="https://example.org/vakkracht?a=1&b=2", created_at=NOW,
                    updated_at=NOW)  # fmt: skip
    window = Window(id=3, scheme_id=7, opens_at=NOW + timedelta(days=20),
                    closes_at=NOW + timedelta(days=50), budget_eur=Decimal("2500000"),
                    created_at=NOW, updated_at=NOW, source_id="test")  # fmt: skip
    event = Event(id=11, kind=EventKind.WINDOW_ANNOUNCED, scheme_id=7, window_id=3,
                  source_id="test", created_at=NOW, dedupe_key="k", published=True)  # fmt: skip
    return [(event, scheme, window)]


def _parse(letter: Letter) -> EmailMessage:
    parsed = email.message_from_bytes(letter.data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _letter(renderer: Renderer, row_id: int, recipient: Recipient) -> Letter:
    return renderer.render(row_id=row_id, created_at=NOW, kind="event", recipient=recipient,
                           rows=_rows())  # fmt: skip


def test_a_fan_out_gives_each_subscriber_their_own_well_formed_message() -> None:
    shared = Renderer(CONFIG, make_env(), NOW)
    people = [Recipient(f"lid{n}@example.org", f"token-{n}&x<y>") for n in range(3)]
    letters = [_letter(shared, 100 + n, who) for n, who in enumerate(people)]
    assert len(shared.shared) == 1 and shared.shared[(11,)] is not None  # rendered once
    for n, (who, letter) in enumerate(zip(people, letters, strict=True)):
        assert all(len(line) <= 998 for line in letter.data.split(b"\r\n"))
        assert letter.data.isascii() and not letter.smtputf8
        msg = _parse(letter)
        assert msg["To"] == who.email == letter.to
        assert (
            msg["Message-ID"]
            == letter.message_id
            == f"<outbox.{100 + n}.20270301080000@tracker.test>"
        )
        assert msg["From"] == "Subsidie-tracker <signalen@tracker.test>"
        assert msg["Subject"].startswith("Aanvraagperiode bekend: Regeling <Vakkracht> & Co: één")
        assert msg["Date"] and msg["Auto-Submitted"] == "auto-generated"
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = f"http://testserver/afmelden/{who.unsubscribe_token}"
        assert msg["List-Unsubscribe"] == f"<{url}>"
        assert msg.get_content_type() == "multipart/alternative"
        plain = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        assert plain is not None and html is not None
        text, markup = plain.get_content(), html.get_content()
        assert f"Afmelden: {url}" in text
        assert f'href="http://testserver/afmelden/token-{n}&amp;x&lt;y&gt;"' in markup
        assert "Regeling <Vakkracht> & Co" in text and "€ 2.500.000" in text
        assert "Regeling &lt;Vakkracht&gt; &amp; Co" in markup and "<Vakkracht>" not in markup
        assert "https://example.org/vakkracht?a=1&amp;b=2" in markup
        for other in people[:n] + people[n + 1 :]:  # nothing of another subscriber
            assert other.unsubscribe_token not in text and other.email not in letter.data.decode()


def test_the_shared_render_equals_a_render_of_its_own() -> None:
    who = Recipient("lid@example.org", "tok")
    warm = Renderer(CONFIG, make_env(), NOW)
    _letter(warm, 1, Recipient("ander@example.org", "other"))  # fills the fan-out cache
    cached, fresh = (
        _parse(_letter(warm, 2, who)),
        _parse(_letter(Renderer(CONFIG, make_env(), NOW), 2, who)),
    )
    for part in ("plain", "html"):
        a, b = cached.get_body((part,)), fresh.get_body((part,))
        assert a is not None and b is not None and a.get_content() == b.get_content()
    assert [(k, str(v)) for k, v in cached.items()][:8] == [(k, str(v)) for k, v in fresh.items()][
        :8
    ]


def test_an_address_beyond_ascii_asks_for_smtputf8() -> None:
    letter = _letter(Renderer(CONFIG, make_env(), NOW), 5, Recipient("josé@example.org", "t"))
    assert letter.smtputf8 and letter.to == "josé@example.org"
    assert "To: josé@example.org\r\n".encode() in letter.data


def test_a_long_subject_shortens_the_name_not_the_dates_or_the_amount() -> None:
    """The name (here ~160 characters) gives way: the subject keeps the whole window phrase."""
    letter = _letter(Renderer(CONFIG, make_env(), NOW), 1, Recipient("a@example.org", "t"))
    subject = str(_parse(letter)["Subject"])
    assert len(subject) <= 200
    assert subject.startswith("Aanvraagperiode bekend: Regeling <Vakkracht> & Co")
    assert " … van 21 maart 2027" in subject
    assert subject.endswith("tot en met 20 april 2027, budget € 2.500.000")


def test_a_stored_link_with_a_newline_reaches_the_mail_as_one_clean_url() -> None:
    [(event, scheme, window)] = _rows()
    scheme.url = "https://evil.test/a\r\nATTACH:x"
    assert window is not None
    window.url = "javascript:alert(1)"
    letter = Renderer(CONFIG, make_env(), NOW).render(
        row_id=1, created_at=NOW, kind="event", recipient=Recipient("a@example.org", "t"),
        rows=[(event, scheme, window)])  # fmt: skip
    msg = _parse(letter)
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert 'href="https://evil.test/aATTACH:x"' in html and "javascript" not in html
    assert not any(line.startswith("ATTACH") for line in text.splitlines())
