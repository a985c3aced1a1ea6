"""/docs serves Swagger UI from the swagger-ui-bundle package under the CSP; /api/ lists the API."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.conftest import REPO_ROOT, make_config
from tests.e2e.support import make_app
from tracker.ops.replay import ReplayServer


@pytest.fixture
def client(sqlite_engine: Engine, replay: ReplayServer) -> Iterator[TestClient]:
    with TestClient(make_app(make_config(replay, {}), sqlite_engine)) as c:
        yield c


def test_docs_page_uses_local_assets_and_no_inline_script(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "cdn" not in csp
    html = response.text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, "no scripts on /docs"
    assert all(body.strip() == "" and 'src="/' in attrs for attrs, body in scripts)
    assert "http://" not in html and "https://" not in html
    for url in re.findall(r'(?:src|href)="(/[^"]+)"', html):
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 100, url
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert "javascript" in bundle.headers["content-type"]
    assert "SwaggerUIBundle" in bundle.text
    assert 'data-openapi="/openapi.json"' in html
    assert client.get("/redoc").status_code == 404


def test_api_index_lists_the_endpoints(client: TestClient) -> None:
    index = client.get("/api/").json()
    listed = {(e["method"], e["path"]) for e in index["endpoints"]}
    schema_paths = client.get("/openapi.json").json()["paths"]
    api = {
        (m.upper(), p) for p, item in schema_paths.items() for m in item if p.startswith("/api/")
    }
    assert listed == api
    assert ("GET", "/api/schemes") in listed and ("GET", "/api/sources") in listed
    assert all(e["summary"] for e in index["endpoints"])
    assert index["openapi"] == "/openapi.json" and index["docs"] == "/docs"
    assert client.get("/api", follow_redirects=True).json() == index


def test_readme_names_every_api_endpoint(client: TestClient) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`GET (/api/[^`\s]*)`", readme))
    paths = {p for p in client.get("/openapi.json").json()["paths"] if p.startswith("/api/")}
    assert paths <= named, paths - named
    assert "../shared/samples" in readme and "--fresh" in readme and "--password-stdin" in readme


def test_the_api_documentation_speaks_dutch_and_hides_the_code(client: TestClient) -> None:
    """/docs is read by partners' developers: every operation has a written summary (not
    FastAPI's one from the function name) and a description without module names."""
    schema = client.get("/openapi.json").json()
    assert "JSON-API van de subsidie-tracker" in schema["info"]["description"]
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert len(operations) >= 15
    summaries = {op["summary"] for op in operations}
    assert {"Regelingen", "Aanvraagperiodes", "Signalen", "Bronnen", "Startpagina"} <= summaries
    # FastAPI's own summary is the function name in title case ("List Schemes")
    routes = client.app.routes  # type: ignore[attr-defined]
    generated = {getattr(r, "name", "").replace("_", " ").title() for r in routes}
    for op in operations:
        assert op["summary"] not in generated, op["operationId"]
        assert op.get("description"), op["operationId"]
        assert "tracker." not in op["description"] and "``" not in op["description"]
