"""The public pages in Chromium: the start page and selecting an address on /feeds, with no
console errors (the CSP blocks inline script, so any left would show up here)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_public_start_page(page: Any, live_app: str) -> None:
    from playwright.sync_api import expect

    errors = _console_errors(page)
    page.goto("/")
    expect(page).to_have_url(f"{live_app}/")
    expect(page.get_by_role("heading", name="Subsidieregelingen op tijd in beeld")).to_be_visible()
    expect(page.get_by_role("heading", name="Gaat binnenkort open")).to_be_visible()
    expect(page.get_by_role("link", name="Alle feeds en agenda's")).to_be_visible()
    page.get_by_label("Niveau").select_option("rijk")
    page.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(f"{live_app}/?region=&level=rijk&theme=")
    expect(page.get_by_role("link", name="Agenda (iCalendar)")).to_have_attribute(
        "href", "/calendar.ics?level=rijk"
    )
    assert page.get_by_role("link", name="Inloggen").count() == 0
    assert errors == []


def test_feeds_page_selects_an_address_without_console_errors(page: Any) -> None:
    from playwright.sync_api import expect

    errors = _console_errors(page)
    page.goto("/feeds")
    expect(page.get_by_role("heading", name="Per doelgroep")).to_be_visible()
    box = page.locator("input.copy").nth(3)
    box.click()
    selected = page.evaluate("() => window.getSelection().toString() || (document.activeElement"
                             ".value.substring(document.activeElement.selectionStart,"
                             " document.activeElement.selectionEnd))")  # fmt: skip
    assert selected == box.input_value() and selected.endswith("/feeds/schemes.atom")
    calendars = page.locator("input.copy[value*='calendar.ics?doelgroep=']")
    assert calendars.count() >= 1
    assert errors == []
