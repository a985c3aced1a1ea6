"""The staff dashboard through TestClient over a really scraped database (SQLite, PostgreSQL)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import NOW, find_route
from tests.e2e.support import (
    add_staff,
    csrf_from,
    login,
    make_app,
    post_form,
    scraped_config,
)
from tracker.config import Config
from tracker.ingest.pipeline import run_source
from tracker.models import (
    AuditLog,
    Event,
    Publication,
    Scheme,
    ScrapeRun,
    SourceOverride,
    StaffNote,
    Subscription,
    Window,
)
from tracker.ops.replay import ReplayServer
from tracker.read.timefmt import AMSTERDAM


@pytest.fixture
def config(engine: Engine, replay: ReplayServer) -> Config:
    add_staff(engine)
    return scraped_config(replay, engine)


@pytest.fixture
def client(config: Config, engine: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(config, engine)) as c:
        login(c)
        yield c


def _scheme(engine: Engine, title: str) -> Scheme:
    with Session(engine) as s:
        scheme = s.exec(select(Scheme).where(col(Scheme.title).startswith(title))).first()
        assert scheme is not None, title
        return scheme


@pytest.mark.parametrize(
    "path",
    ["/beheer", "/beheer/regelingen", "/beheer/bronnen", "/beheer/beoordelen", "/beheer/abonnees"],
)
def test_pages_require_login(config: Config, engine: Engine, path: str) -> None:
    anonymous = TestClient(make_app(config, engine))
    response = anonymous.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_overview_counts_and_calendar(client: TestClient) -> None:
    page = client.get("/beheer")
    assert page.status_code == 200
    # on 27 November 2026: praktijkleren and three provincial schemes are open
    assert 'data-count="open"><div class="n">4</div>' in page.text
    assert "Kalender november 2026" in page.text and "Kalender december 2026" in page.text
    assert "Laatste signalen" in page.text and "Nieuwe regeling" in page.text
    assert "Alle bronnen gezond." in page.text
    assert page.headers["x-frame-options"] == "DENY"
    # staff pages and a staff session's API answers stay out of shared caches; public ones not
    assert page.headers["cache-control"] == "no-store"
    assert client.get("/api/schemes").headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/regelingen").headers.get("cache-control", "")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_list_filters_sorts_and_exports(client: TestClient) -> None:
    rows = client.get("/beheer/regelingen", params={"level": "provincie"}).text
    assert "Sprintsubsidie Limburg" in rows and "SLIM-regeling" not in rows
    found = client.get("/beheer/regelingen", params={"q": "slim"}).text
    assert "SLIM-regeling" in found and "Sprintsubsidie" not in found
    region = client.get("/beheer/regelingen", params={"region": "NL-GR"}).text
    assert "amateurkunst" in region and "Sprintsubsidie" not in region
    by_open = client.get("/beheer/regelingen", params={"sort": "opens"}).text
    assert by_open.index("Sprintsubsidie") > by_open.index("amateurkunst")  # 2026 before none
    export = client.get("/beheer/regelingen.csv", params={"level": "rijk"})
    assert export.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff")), delimiter=";"))
    assert table[0][:3] == ["id", "titel", "uitgever"]
    assert {r[3] for r in table[1:]} == {"rijk"} and len(table) == 5


def test_correct_window_records_history_and_feed(
    client: TestClient, engine: Engine, config: Config
) -> None:
    slim = _scheme(engine, "SLIM-regeling")
    page = f"/beheer/regelingen/{slim.id}"
    detail = client.get(page).text
    assert "Voor mkb-ondernemingen kunnen subsidieaanvragen" in detail  # provenance snippet
    with Session(engine) as s:
        window = s.exec(select(Window).where(Window.scheme_id == slim.id)).first()
    assert window is not None
    response = post_form(
        client,
        page,
        f"{page}/periodes/{window.id}/corrigeren",
        {
            "opens_on": "2027-03-01",
            "opens_time": "09:00",
            "closes_on": "2027-04-15",
            "closes_time": "17:00",
        },
    )
    assert response.status_code == 303
    after = client.get(page).text
    assert "Periode gecorrigeerd en vergrendeld." in after
    assert "vergrendeld door anna" in after
    assert "15 april 2027 17:00" in after  # the readable diff in the history
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.field == "closes_at")).one()
        assert audit.actor == "anna" and audit.after.startswith("2027-04-15T15:00")
    feed = client.get("/feeds/alerts.rss").text
    assert "SLIM-regeling" in feed and "15 april 2027" in feed
    # a later scrape does not undo the correction
    find_route_reset = run_source(config, engine, "stcrt", now=NOW + timedelta(days=1))
    assert find_route_reset.status in ("ok", "unchanged")
    with Session(engine) as s:
        kept = s.get(Window, window.id)
        assert kept is not None and kept.closes_at is not None
        assert kept.closes_at.isoformat().startswith("2027-04-15T15:00")


def test_bad_dates_are_refused_with_a_message(client: TestClient, engine: Engine) -> None:
    slim = _scheme(engine, "SLIM-regeling")
    page = f"/beheer/regelingen/{slim.id}"
    response = post_form(
        client,
        page,
        f"{page}/periodes/nieuw",
        {
            "opens_on": "2027-05-01",
            "closes_on": "2027-04-01",
        },
    )
    assert response.status_code == 303
    assert "de sluitingsdatum ligt vóór de openingsdatum" in client.get(page).text
    # a time without its date was dropped: the period was saved open-ended
    timeless = {"opens_on": "2027-10-01", "closes_time": "17:00"}
    post_form(client, page, f"{page}/periodes/nieuw", timeless)
    assert "tijd 17:00 zonder datum: vul ook de datum in" in client.get(page).text
    past = (NOW - timedelta(days=40)).date().isoformat()
    post_form(client, page, f"{page}/periodes/nieuw", {"closes_on": past})
    assert "let op: die is al gesloten, er gaat geen signaal uit" in client.get(page).text
    ok = post_form(client, page, f"{page}/periodes/nieuw", {"opens_on": "2027-10-01"})
    assert ok.status_code == 303
    with Session(engine) as s:
        staff = s.exec(
            select(Window).where(Window.source_id == "staf", col(Window.opens_at).is_not(None))
        ).one()
        assert staff.staff_locked and staff.scheme_id == slim.id


def test_forms_without_csrf_token_are_refused(client: TestClient, engine: Engine) -> None:
    slim = _scheme(engine, "SLIM-regeling")
    response = client.post(f"/beheer/regelingen/{slim.id}/notities", data={"body": "x"})
    assert response.status_code == 403
    wrong = client.post(
        f"/beheer/regelingen/{slim.id}/notities", data={"body": "x", "csrf_token": "forged"}
    )
    assert wrong.status_code == 403
    with Session(engine) as s:
        assert s.exec(select(StaffNote)).all() == []


def test_notes_tags_hide_and_merge(client: TestClient, engine: Engine) -> None:
    slim, nl = _scheme(engine, "SLIM-regeling"), _scheme(engine, "Tijdelijke subsidieregeling NL")
    page = f"/beheer/regelingen/{slim.id}"
    post_form(client, page, f"{page}/notities", {"body": "Navragen bij <b>SZW</b>"})
    post_form(client, page, f"{page}/labels", {"themes": "scholing, techniek", "regions": "NL-GE"})
    text = client.get(page).text
    assert "Navragen bij &lt;b&gt;SZW&lt;/b&gt;" in text
    assert "scholing, techniek" in text
    post_form(client, page, f"{page}/verbergen", {"hidden": "true"})
    assert "SLIM-regeling" not in client.get("/beheer/regelingen").text
    assert "SLIM-regeling" in client.get("/beheer/regelingen", params={"verborgen": "true"}).text
    merged = post_form(client, page, f"{page}/samenvoegen", {"target_id": str(nl.id)})
    assert merged.headers["location"] == f"/beheer/regelingen/{nl.id}"
    with Session(engine) as s:
        moved = s.exec(select(Window).where(Window.scheme_id == nl.id)).all()
        assert len(moved) == 3  # its own window and SLIM's two
        actions = {a.action for a in s.exec(select(AuditLog)).all()}
    assert {"labels gewijzigd", "verborgen", "samengevoegd"} <= actions


def test_labels_take_province_codes_and_names_and_refuse_typos(
    client: TestClient, engine: Engine
) -> None:
    slim = _scheme(engine, "SLIM-regeling")
    page = f"/beheer/regelingen/{slim.id}"
    post_form(client, page, f"{page}/labels", {"themes": "", "regions": "Gelderland; nl-ut"})
    with Session(engine) as s:
        assert s.get_one(Scheme, slim.id).regions == ["NL-GE", "NL-UT"]
    # NL-GL has a code's shape but is no province: nothing changes, staff are told why
    refused = post_form(client, page, f"{page}/labels", {"themes": "", "regions": "NL-GL"})
    assert refused.status_code == 303
    text = client.get(page).text
    assert "onbekende provincie &#39;NL-GL&#39;" in text
    with Session(engine) as s:
        assert s.get_one(Scheme, slim.id).regions == ["NL-GE", "NL-UT"]
    # so is a theme no feed offers
    post_form(client, page, f"{page}/labels", {"themes": "Scholing, scholng", "regions": ""})
    assert "onbekend thema &#39;scholng&#39;; kies uit scholing, techniek" in client.get(page).text
    with Session(engine) as s:
        assert s.get_one(Scheme, slim.id).themes == []


def test_scraped_markup_is_escaped(client: TestClient, engine: Engine) -> None:
    with Session(engine) as s:
        scheme = s.exec(select(Scheme).where(Scheme.title == "SLIM-regeling")).one()
        scheme.title = "<script>alert('x')</script> SLIM"
        s.add(scheme)
        s.commit()
        scheme_id = scheme.id
    for path in ("/beheer", "/beheer/regelingen", f"/beheer/regelingen/{scheme_id}"):
        body = client.get(path).text
        assert "<script>alert" not in body, path
    detail = client.get(f"/beheer/regelingen/{scheme_id}").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; SLIM" in detail
    assert "<script>alert" not in client.get("/feeds/alerts.rss").text


def test_review_queue_holds_and_publishes(engine: Engine, replay: ReplayServer) -> None:
    add_staff(engine)
    config = scraped_config(replay, engine, confidence_threshold=0.8, hold_low_confidence=True)
    with Session(engine) as s:
        held = s.exec(select(Event).where(col(Event.published).is_(False))).all()
    assert held, "windows extracted with confidence 0.7 wait for review"
    with TestClient(make_app(config, engine)) as client:
        login(client)
        queue = client.get("/beheer/beoordelen").text
        assert "lage zekerheid (0,70; drempel 0,80)" in queue
        waiting = re.findall(r"<div>(\d+) (signaal wacht|signalen wachten)</div>", queue)
        assert waiting and all((n == "1") == (w == "signaal wacht") for n, w in waiting)
        window_id = held[0].window_id
        done = post_form(
            client,
            "/beheer/beoordelen",
            f"/beheer/beoordelen/{window_id}",
            {"decision": "approved"},
        )
        assert done.status_code == 303
        assert "signalen gepubliceerd" in client.get("/beheer/beoordelen").text
    with Session(engine) as s:
        event = s.get(Event, held[0].id)
        assert event is not None and event.published


def test_sources_page_flags_failures_and_runs_now(
    client: TestClient, engine: Engine, config: Config, replay: ReplayServer
) -> None:
    find_route(replay, "stcrt_page1").status = 503
    find_route(replay, "stcrt_page1").body = b"down"
    for day in range(1, 4):
        run_source(config, engine, "stcrt", now=NOW + timedelta(days=day))
    page = client.get("/beheer/bronnen").text
    assert "3 mislukte runs op rij" in page
    assert "Alle bronnen gezond." not in client.get("/beheer").text
    find_route(replay, "stcrt_page1").status = 200
    find_route(replay, "stcrt_page1").body = None
    before = _runs(engine)
    response = post_form(client, "/beheer/bronnen", "/beheer/bronnen/prb/run", {})
    assert response.status_code == 303
    assert "Run van prb gestart" in client.get("/beheer/bronnen").text
    _wait_for(lambda: _runs(engine) > before)


def _runs(engine: Engine) -> int:
    with Session(engine) as s:
        return len(s.exec(select(ScrapeRun)).all())


def _wait_for(condition: object, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_source_override_refuses_internal_urls(client: TestClient, engine: Engine) -> None:
    for url in (
        "http://127.0.0.1:5432/",
        "file:///etc/passwd",
        "http://[::1]/",
        "http://10.0.0.8/",
    ):
        post_form(
            client,
            "/beheer/bronnen",
            "/beheer/bronnen",
            {"source_id": "nl_test", "url": url, "level": "rijk"},
        )
        assert "URL geweigerd" in client.get("/beheer/bronnen").text
    post_form(
        client,
        "/beheer/bronnen",
        "/beheer/bronnen",
        {"source_id": "nl_test", "url": "https://145.21.1.10/sru", "title": "Test"},
    )
    with Session(engine) as s:
        override = s.get(SourceOverride, "nl_test")
        assert override is not None and override.url == "https://145.21.1.10/sru"
        assert override.updated_by == "anna"


def test_subscribers_page_hides_tokens(client: TestClient, engine: Engine) -> None:
    with Session(engine) as s:
        s.add(
            Subscription(
                email="jan@example.org",
                regions=["NL-GE"],
                levels=["provincie"],
                confirm_token="SECRET-CONFIRM",
                unsubscribe_token="SECRET-UNSUB",
                confirmed_at=NOW,
                rejected_at=NOW,
            )
        )
        s.commit()
    page = client.get("/beheer/abonnees").text
    assert "jan@example.org" in page and "bounce" in page and "Gelderland" in page
    assert "SECRET" not in page


def test_login_failures_are_throttled_and_logout_ends_session(
    config: Config, engine: Engine
) -> None:
    with TestClient(make_app(config, engine)) as c:
        statuses = []
        for _ in range(config.staff.login_attempts + 1):
            token = csrf_from(c.get("/login").text)
            r = c.post(
                "/login", data={"username": "anna", "password": "wrong", "csrf_token": token}
            )
            statuses.append(r.status_code)
        assert statuses[:-1] == [401] * config.staff.login_attempts and statuses[-1] == 429
    # another web process of the deployment counts the same failures (they are kept in the
    # database): the same client is still slowed there, the real user elsewhere is not
    with TestClient(make_app(config, engine)) as c:
        token = csrf_from(c.get("/login").text)
        again = c.post("/login", data={"username": "anna", "password": "", "csrf_token": token})
        assert again.status_code == 429
    with TestClient(make_app(config, engine), client=("198.51.100.7", 40001)) as c:
        login(c)
        assert c.get("/beheer", follow_redirects=False).status_code == 200
        cookie = c.cookies.get("tracker_session")
        assert cookie
        token = csrf_from(c.get("/beheer").text)
        assert (
            c.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
        )
        assert c.get("/beheer", follow_redirects=False).status_code == 303


def test_login_redirect_stays_on_site(config: Config, engine: Engine) -> None:
    with TestClient(make_app(config, engine)) as c:
        token = csrf_from(c.get("/login").text)
        r = c.post(
            "/login",
            follow_redirects=False,
            data={
                "username": "anna",
                "password": "correct horse battery staple",
                "csrf_token": token,
                "next": "//evil.example/",
            },
        )
        assert r.status_code == 303 and r.headers["location"] == "/beheer"
        assert "httponly" in r.headers["set-cookie"].lower()
        assert "samesite=lax" in r.headers["set-cookie"].lower()


def test_wrong_merge_is_undone_by_detaching_a_publication(
    client: TestClient, engine: Engine, config: Config
) -> None:
    nl = _scheme(engine, "Tijdelijke subsidieregeling NL leert door met inzet van scholing")
    with Session(engine) as s:
        pubs = s.exec(select(Publication).where(Publication.scheme_id == nl.id)).all()
        amendment = next(p for p in pubs if p.key == "stcrt-2021-34759")
        moved = [w.id for w in s.exec(select(Window).where(Window.publication_id == amendment.id))]
    page = f"/beheer/regelingen/{nl.id}"
    assert "zelfde regelingsnaam" in client.get(page).text
    response = post_form(client, page, f"{page}/publicaties/{amendment.id}/loskoppelen", {})
    assert response.status_code == 303
    with Session(engine) as s:
        pub = s.get(Publication, amendment.id)
        assert pub is not None and pub.scheme_id != nl.id
        assert response.headers["location"] == f"/beheer/regelingen/{pub.scheme_id}"
        assert all(s.get(Window, w).scheme_id == pub.scheme_id for w in moved)  # type: ignore[union-attr]
        logged = s.exec(select(AuditLog).where(AuditLog.action == "publicatie losgekoppeld")).all()
        assert logged and logged[0].actor == "anna"
    # the next scrape keeps it apart
    run_source(config, engine, "stcrt", now=NOW + timedelta(days=1))
    with Session(engine) as s:
        again = s.get(Publication, amendment.id)
        assert again is not None and again.scheme_id == pub.scheme_id


def test_staff_list_filters_like_the_feeds(client: TestClient, engine: Engine) -> None:
    """A region group stands for its provinces; a typo is an error, not a short CSV."""
    everything = client.get("/beheer/regelingen.csv").text
    east = client.get("/beheer/regelingen.csv", params={"region": "oost"}).text
    gelderland = client.get("/beheer/regelingen.csv", params={"region": "nl-ge"}).text
    assert east.count("\n") >= gelderland.count("\n") > 1
    assert east.count("\n") <= everything.count("\n")
    for bad in ({"region": "NL-GL"}, {"theme": "scholin"}):
        refused = client.get("/beheer/regelingen", params=bad)
        assert refused.status_code == 400
        assert "onbekend" in refused.text


def test_a_stale_correction_form_does_not_undo_a_colleague(
    client: TestClient, engine: Engine
) -> None:
    """Bert's page was open while Anna corrected the deadline: his save is refused."""
    slim = _scheme(engine, "SLIM-regeling")
    page = f"/beheer/regelingen/{slim.id}"
    with Session(engine) as s:
        window = s.exec(select(Window).where(Window.scheme_id == slim.id)).first()
        assert window is not None
        window_id = window.id
    action = f"{page}/periodes/{window_id}/corrigeren"
    form_html = client.get(page).text.split(f'action="{action}"', 1)[1]
    seen = re.search(r'name="seen" value="([^"]+)"', form_html)
    assert seen is not None
    bert = {"opens_on": "2027-03-01", "closes_on": "2027-03-31", "seen": seen.group(1)}
    anna = {"opens_on": "2027-03-01", "closes_on": "2027-04-30"}
    post_form(client, page, action, anna)  # Anna's form carries no stale value
    post_form(client, page, action, bert)
    assert "gewijzigd nadat u de pagina opende" in client.get(page).text
    with Session(engine) as s:
        kept = s.get(Window, window_id)
        assert kept is not None and kept.closes_at is not None
        assert kept.closes_at.astimezone(AMSTERDAM).date().isoformat() == "2027-04-30"


def _form_values(html: str, action: str) -> dict[str, str]:
    """The named inputs of one form as the page rendered them (what a browser posts back)."""
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'name="(\w+)"[^>]*?value="([^"]*)"', form))


def test_a_deadline_at_24_00_survives_saving_its_form(client: TestClient, engine: Engine) -> None:
    """A time input cannot show 24:00, so it shows 23:59; saving the form, unchanged or with
    only the opening changed, keeps the deadline at 24:00 and tells no stakeholder it moved."""
    slim = _scheme(engine, "SLIM-regeling")
    page = f"/beheer/regelingen/{slim.id}"
    midnight = datetime(2027, 4, 15, 23, 59, 59, 999999, tzinfo=AMSTERDAM).astimezone(UTC)
    with Session(engine) as s:
        window = s.exec(select(Window).where(Window.scheme_id == slim.id)).first()
        assert window is not None
        window.closes_at, window.closes_has_time = midnight, True
        s.add(window)
        s.commit()
        window_id = window.id
        events_before = len(s.exec(select(Event)).all())
    action = f"{page}/periodes/{window_id}/corrigeren"
    detail = client.get(page).text
    shown = _form_values(detail, action)
    assert shown["closes_on"] == "2027-04-15" and shown["closes_time"] == "23:59"
    assert "(24:00 uur; ongewijzigd opslaan houdt 24:00)" in detail.split(action, 1)[1]

    post_form(client, page, action, shown)
    assert "Periode vergrendeld." in client.get(page).text

    moved = {**_form_values(client.get(page).text, action), "opens_time": "10:00"}
    post_form(client, page, action, moved)
    assert "Periode gecorrigeerd en vergrendeld." in client.get(page).text
    with Session(engine) as s:
        kept = s.get(Window, window_id)
        assert kept is not None and kept.closes_at is not None and kept.closes_has_time
        local = kept.closes_at.replace(tzinfo=kept.closes_at.tzinfo or UTC).astimezone(AMSTERDAM)
        assert (local.date().isoformat(), local.time()) == ("2027-04-15", time(23, 59, 59, 999999))
        new = s.exec(select(Event)).all()[events_before:]
    assert len(new) == 1  # the opening's correction, and nothing about the deadline
    assert "23:59" not in str(new[0].before) + str(new[0].after)

    # typing 23:59 on purpose is a correction to 23:59
    explicit = _form_values(client.get(page).text, action)
    post_form(client, page, action, {**explicit, "closes_time": "23:58"})
    with Session(engine) as s:
        corrected = s.get(Window, window_id)
        assert corrected is not None and corrected.closes_at is not None
        at = corrected.closes_at.replace(tzinfo=corrected.closes_at.tzinfo or UTC)
        assert at.astimezone(AMSTERDAM).strftime("%H:%M:%S") == "23:58:00"
