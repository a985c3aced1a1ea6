"""What `tracker serve` and `tracker demo` log for operators is Dutch (QA walkthrough:
'$TRACKER_SECRET_KEY is not set…', 'mail not sent now, left for tracker notify…')."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.integration._alerts import alert_config, free_port, post_subscribe
from tracker.web.app import create_app


def test_startup_and_deferred_mail_warnings_are_dutch(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    port = free_port()  # nobody listens there: the confirmation mail has to wait
    with caplog.at_level(logging.WARNING, logger="tracker"):
        client = TestClient(create_app(alert_config(port), engine))
        response = post_subscribe(client, {"email": "c@example.org"})
    assert response.status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        m.startswith("$TRACKER_SECRET_KEY is niet gezet: een willekeurige sessiesleutel")
        for m in warnings
    ), warnings
    assert (
        "mail nu niet verstuurd, blijft wachten op `tracker notify`: "
        f"SMTP-verbinding met 127.0.0.1:{port} mislukt: "
        "verbinding geweigerd (draait daar een mailserver?)"
    ) in warnings
    assert not any("not set" in m or "not sent" in m for m in warnings)
