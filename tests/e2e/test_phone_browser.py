"""The staff pages on a 390 px wide phone: nothing scrolls sideways, the list is readable."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.support import STAFF

pytestmark = pytest.mark.browser
PAGES = [
    "/beheer",
    "/beheer/regelingen",
    "/beheer/bronnen",
    "/beheer/beoordelen",
    "/beheer/abonnees",
]


def overflow(page: Any) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_staff_pages_fit_a_390px_phone(page: Any) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login?next=/beheer")
    page.get_by_label("Gebruikersnaam").fill(STAFF[0])
    page.get_by_label("Wachtwoord").fill(STAFF[1])
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Overzicht")).to_be_visible()
    for path in PAGES:
        page.goto(path)
        scroll_width, inner_width = overflow(page)
        assert inner_width == 390
        assert scroll_width <= inner_width, f"{path} is {scroll_width}px wide"

    page.goto("/beheer/regelingen")
    page.screenshot(path=str(SCREENSHOTS / "regelingen-390.png"), full_page=True)
    row = page.locator("#schemes tbody tr").filter(has_text="SLIM-regeling")
    # stacked: the header row is hidden and each cell says what it is
    expect(page.locator("#schemes thead")).to_be_hidden()
    deadline = row.locator('td[data-label="Volgende deadline"]')
    expect(deadline).to_have_text("31 maart 2027")
    label = deadline.evaluate("el => getComputedStyle(el, '::before').content")
    assert "Volgende deadline" in label
    box = row.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390

    page.get_by_role("link", name="SLIM-regeling").click()
    expect(page.locator("#scheme-title")).to_have_text("SLIM-regeling")
    scroll_width, inner_width = overflow(page)
    assert scroll_width <= inner_width, f"scheme page is {scroll_width}px wide"
