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
    # the icon the page links and the one browsers try unasked both load (no 404 in the console)
    assert page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"
    for icon in ("/static/favicon.svg", "/favicon.ico"):
        response = page.request.get(icon)
        assert response.ok and response.headers["content-type"] == "image/svg+xml", icon
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


def test_feeds_page_address_boxes_show_whole_addresses(page: Any) -> None:
    """QA walkthrough: the Agenda column's boxes cut addresses off at 1280 px. Every box shows
    its whole address, and a row's calendar box is as wide as its feed box."""
    page.goto("/feeds")
    boxes = page.evaluate(
        "() => Array.from(document.querySelectorAll('input.copy')).map(b => ({value: b.value,"
        " scroll: b.scrollWidth, client: b.clientWidth, row: b.closest('tr').rowIndex,"
        " table: Array.from(document.querySelectorAll('table')).indexOf(b.closest('table'))}))"
    )
    assert page.viewport_size["width"] == 1280
    calendars = [b for b in boxes if "/calendar.ics?" in b["value"]]
    assert calendars and any("doelgroep=onderwijsinstellingen" in b["value"] for b in calendars)
    cut = [(b["value"], b["scroll"], b["client"]) for b in boxes if b["scroll"] > b["client"]]
    assert cut == [], cut
    for box in calendars:
        feed = next(b for b in boxes if (b["table"], b["row"]) == (box["table"], box["row"])
                    and "/feeds/alerts.rss?" in b["value"])  # fmt: skip
        assert abs(feed["client"] - box["client"]) <= 2, (feed, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # no sideways scroll
