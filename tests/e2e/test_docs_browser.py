"""/docs in headless Chromium: Swagger UI renders the operations with no console errors."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_docs_render_operations_without_console_errors(page: Any) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/docs")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/schemes").first).to_be_visible()
    assert operations.count() >= 5
    assert errors == []
