"""API documentation served offline: Swagger UI from the swagger-ui-bundle package, started by a
script file (no CDN, no inline script), so it works under the dashboard's CSP without internet.
Also ``GET /api/``, an index of the JSON endpoints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import swagger_ui_bundle
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
INIT_SCRIPT = Path(__file__).resolve().parent / "assets" / "swagger-init.js"
# swagger-ui-bundle (UI 4) and swagger-ui-bundle-v2 (UI 5) share the module name; only UI 5
# reads the OpenAPI 3.1 that FastAPI writes, so take the newest vendored copy, not the last
# installed package's ``swagger_ui_path``.
VENDOR = Path(swagger_ui_bundle.__file__).resolve().parent / "vendor"


def swagger_ui_directory() -> Path:
    copies = sorted(VENDOR.glob("swagger-ui-5.*"), key=lambda p: p.name)
    if not copies:
        raise RuntimeError(f"Swagger UI 5 not found in {VENDOR}: install swagger-ui-bundle-v2")
    return copies[-1]


METHODS = ("get", "post", "put", "patch", "delete")

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – API-documentatie</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    app: FastAPI = request.app
    html = PAGE.format(title=app.title, assets=ASSETS, openapi=app.openapi_url or "")
    return HTMLResponse(html)


@router.get("/docs/init.js")
def docs_script() -> FileResponse:
    return FileResponse(INIT_SCRIPT, media_type="text/javascript")


@router.get("/api/")
def api_index(request: Request) -> JSONResponse:
    """The JSON endpoints with their methods and summaries, and where the full schema is."""
    app: FastAPI = request.app
    schema: dict[str, Any] = app.openapi()
    endpoints = [
        {"method": method.upper(), "path": path, "summary": operation.get("summary", "")}
        for path, item in sorted(schema.get("paths", {}).items())
        if path.startswith("/api/")
        for method, operation in item.items()
        if method in METHODS
    ]
    return JSONResponse({"endpoints": endpoints, "openapi": app.openapi_url, "docs": "/docs"})


def install_api_docs(app: FastAPI) -> None:
    """Serve /docs, its assets and the /api/ index (the app is built with docs_url=None)."""
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_directory()), name="swagger-ui")
    app.include_router(router)
