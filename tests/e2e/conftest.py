"""Browser fixtures: the app on a loopback port (uvicorn in a thread) and Debian's Chromium.

Chromium is Debian's package at /usr/bin/chromium (never `playwright install`). Tests skip
with a reason when it is missing, except under CI (TRACKER_REQUIRE_BROWSER=1), where that is
an error. Every request the browser makes to anything but the local app is aborted.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy.engine import Engine

from tests.conftest import REPO_ROOT
from tests.e2e.support import add_staff, make_app, scraped_config
from tracker.db import make_engine
from tracker.ops.replay import ReplayServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"


@pytest.fixture
def browser_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'e2e.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def live_app(browser_engine: Engine, replay: ReplayServer) -> Iterator[str]:
    """Scrape the bundled payloads, add a staff user and serve the app; yield its base URL."""
    config = scraped_config(replay, browser_engine)
    add_staff(browser_engine)
    server = uvicorn.Server(
        uvicorn.Config(
            make_app(config, browser_engine),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(live_app: str) -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("TRACKER_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it with apt-get")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); browser tests skipped")
    from playwright.sync_api import Route, sync_playwright

    def only_local(route: Route) -> None:
        if route.request.url.startswith(live_app):
            route.continue_()
        else:
            route.abort()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            base_url=live_app,
            viewport={"width": 1280, "height": 900},
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
        )
        context.set_default_timeout(15_000)
        context.route("**/*", only_local)
        tab = context.new_page()
        try:
            yield tab
        finally:
            context.close()
            browser.close()
