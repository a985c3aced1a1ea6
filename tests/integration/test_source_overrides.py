"""Staff source overrides reach the pipeline, and the SSRF guard applies at run time too."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import NOW, STCRT, make_config
from tracker.ingest.pipeline import run_source, run_sources
from tracker.models import Publication, Scheme, SourceOverride
from tracker.ops.replay import ReplayServer


def _override(engine: Engine, source_id: str, url: str, **fields: str) -> None:
    with Session(engine) as s:
        s.add(SourceOverride(source_id=source_id, url=url, updated_by="anna", **fields))
        s.commit()


def test_override_repoints_a_configured_source(engine: Engine, replay: ReplayServer) -> None:
    gone = {**STCRT, "url": "https://repository.overheid.nl/gone"}
    config = make_config(replay, {"prov": gone}, allow_private_hosts=True)
    assert run_source(config, engine, "prov", now=NOW).status == "failed"
    _override(engine, "prov", replay.mirror("https://repository.overheid.nl/sru"))
    result = run_source(config, engine, "prov", now=NOW)
    assert result.status == "ok", result.error
    with Session(engine) as s:
        assert len(s.exec(select(Publication)).all()) == 5


def test_override_adds_a_new_source(engine: Engine, replay: ReplayServer) -> None:
    config = make_config(replay, {}, allow_private_hosts=True)
    page = "https://www.rvo.nl/subsidies-financiering/sde/aanvragen"
    _override(engine, "nl_rvo_sde_staff", replay.mirror(page), title="SDE++ (staf)", level="rijk")
    (result,) = run_sources(config, engine, now=NOW)
    assert result.source_id == "nl_rvo_sde_staff"
    assert result.status == "ok" and result.items_found == 1


def test_private_override_is_refused_at_run_time(engine: Engine, replay: ReplayServer) -> None:
    config = make_config(replay, {"stcrt": STCRT})  # allow_private_hosts is off
    _override(engine, "stcrt", "http://127.0.0.1:9/evil")
    result = run_source(config, engine, "stcrt", now=NOW)
    # the file's source is used as it is; the loopback override never reaches the fetcher
    assert result.status == "ok" and result.items_found == 5
    assert all("/repository.overheid.nl/" in h.path for h in replay.hits if h.path != "/robots.txt")


def test_staff_adds_a_source_on_the_dashboard_and_runs_it(
    engine: Engine, replay: ReplayServer
) -> None:
    import time

    from fastapi.testclient import TestClient

    from tests.e2e.support import add_staff, login, make_app, post_form
    from tracker.models import ScrapeRun

    config = make_config(replay, {}, allow_private_hosts=True)
    add_staff(engine)
    page = replay.mirror("https://www.limburg.nl/onderwerpen/economie/@10534/vragen-antwoorden/")
    with TestClient(make_app(config, engine)) as client:
        login(client)
        form = {"source_id": "nl_prov_limburg_staff", "url": page, "level": "provincie"}
        # a provincial page names no province: without one its schemes would reach every
        # province's subscribers, so the form asks for it
        assert post_form(client, "/beheer/bronnen", "/beheer/bronnen", form).status_code == 303
        assert (
            "Een provinciale bron heeft een provincie nodig" in client.get("/beheer/bronnen").text
        )
        with Session(engine) as s:
            assert s.get(SourceOverride, "nl_prov_limburg_staff") is None
        form["regions"] = "Limburg"
        assert post_form(client, "/beheer/bronnen", "/beheer/bronnen", form).status_code == 303
        listing = client.get("/beheer/bronnen").text
        assert "nl_prov_limburg_staff" in listing and "toegevoegd door anna" in listing
        run = "/beheer/bronnen/nl_prov_limburg_staff/run"
        assert post_form(client, "/beheer/bronnen", run, {}).status_code == 303
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with Session(engine) as s:
            runs = s.exec(select(ScrapeRun).where(ScrapeRun.source_id == "nl_prov_limburg_staff"))
            done = runs.all()
        if done:
            break
        time.sleep(0.1)
    assert done and done[0].status == "ok" and done[0].items_found == 1
    with Session(engine) as s:
        [scheme_id] = s.exec(select(Publication.scheme_id)).all()
        scheme = s.get(Scheme, scheme_id)
        assert scheme is not None and scheme.level == "provincie" and scheme.regions == ["NL-LI"]


def test_a_repointed_source_removed_from_the_file_is_not_run(
    engine: Engine, replay: ReplayServer
) -> None:
    """Staff re-point a file's provincial source; the operator then drops it from the file.
    Before, the override lived on as a staff-added source with the form's level ("rijk"), so
    its schemes reached the national feeds."""
    from fastapi.testclient import TestClient

    from tests.e2e.support import add_staff, login, make_app, post_form
    from tracker.ingest.overrides import staff_source_ids

    sru = replay.mirror("https://repository.overheid.nl/sru")
    config = make_config(replay, {"prov": STCRT}, allow_private_hosts=True)
    add_staff(engine)
    with TestClient(make_app(config, engine)) as client:
        login(client)
        form = {"source_id": "prov", "url": sru}  # the form's level stays at its default
        assert post_form(client, "/beheer/bronnen", "/beheer/bronnen", form).status_code == 303
    with Session(engine) as s:
        saved = s.get(SourceOverride, "prov")
        assert saved is not None and saved.repoints and saved.level == "rijk"
    assert staff_source_ids(config, engine) == []

    dropped = make_config(replay, {}, allow_private_hosts=True)
    assert staff_source_ids(dropped, engine) == []
    assert run_sources(dropped, engine, now=NOW) == []
    with Session(engine) as s:
        assert s.exec(select(Publication)).all() == []
    with TestClient(make_app(dropped, engine)) as client:
        login(client)
        listing = client.get("/beheer/bronnen").text
        assert "niet meer in de configuratie" in listing
        run = post_form(client, "/beheer/bronnen", "/beheer/bronnen/prov/run", {})
        assert run.status_code == 404


def test_a_staff_added_source_later_in_the_file_is_a_repoint(
    engine: Engine, replay: ReplayServer
) -> None:
    """An override saved as a new source stays one when the file does not have it."""
    from tracker.ingest.overrides import staff_source_ids

    page = replay.mirror("https://www.rvo.nl/subsidies-financiering/sde/aanvragen")
    _override(engine, "nl_rvo_sde_staff", page, title="SDE++ (staf)", level="rijk")
    assert staff_source_ids(make_config(replay, {}, allow_private_hosts=True), engine) == [
        "nl_rvo_sde_staff"
    ]
