"""The staff journey in headless Chromium: log in, filter, open a scheme, correct a date, see
the event in the feed, check a source, log out. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.support import STAFF

pytestmark = pytest.mark.browser
DOCS_SHOT = REPO_ROOT / "docs" / "screenshot-overzicht.png"


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000


def test_staff_journey(page: Any, live_app: str) -> None:
    from playwright.sync_api import expect

    page.goto("/beheer")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fbeheer$"))
    shoot(page, "0-inloggen")
    page.get_by_label("Gebruikersnaam").fill(STAFF[0])
    page.get_by_label("Wachtwoord").fill(STAFF[1])
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Overzicht")).to_be_visible()
    expect(page.locator('[data-count="open"] .n')).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_text("Alle bronnen gezond.")).to_be_visible()
    shoot(page, "1-overzicht")
    if os.environ.get("TRACKER_UPDATE_DOCS_SCREENSHOT"):
        shutil.copyfile(SCREENSHOTS / "1-overzicht.png", DOCS_SHOT)

    # filter the list: provincial schemes only, then a text search
    page.get_by_role("link", name="Regelingen").first.click()
    page.get_by_label("Niveau").select_option("provincie")
    page.get_by_role("button", name="Filteren").click()
    rows = page.locator("#schemes tbody tr")
    expect(rows.filter(has_text="Sprintsubsidie Limburg")).to_have_count(1)
    expect(rows.filter(has_text="SLIM-regeling")).to_have_count(0)
    shoot(page, "2-regelingen")
    page.get_by_label("Niveau").select_option("")
    page.get_by_label("Zoeken").fill("SLIM")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("#result-count")).to_contain_text("1 regelingen")

    # open the scheme and correct the closing date of its first window
    page.get_by_role("link", name="SLIM-regeling").click()
    expect(page.locator("#scheme-title")).to_have_text("SLIM-regeling")
    expect(page.locator(".snippet").first).to_contain_text("mkb-ondernemingen")
    shoot(page, "3-regeling")
    first = page.locator("fieldset.window").first
    first.locator('input[name="closes_on"]').fill("2027-04-15")
    first.locator('input[name="closes_time"]').fill("17:00")
    first.get_by_role("button", name="Datums corrigeren").click()
    expect(page.get_by_role("status")).to_contain_text("Periode gecorrigeerd en vergrendeld.")
    expect(page.locator("fieldset.window").first).to_contain_text("vergrendeld door anna")
    expect(page.locator("#history")).to_contain_text("15 april 2027 17:00")
    shoot(page, "4-correctie")

    # the correction is an event in the public feed
    feed = page.request.get(f"{live_app}/feeds/alerts.rss")
    assert feed.ok
    body = feed.text()
    assert "Aanvraagperiode gewijzigd: SLIM-regeling" in body
    assert "15 april 2027 17:00" in body

    # source health, and "run now"
    page.get_by_role("link", name="Bronnen").click()
    stcrt = page.locator('tr[data-source="stcrt"]')
    expect(stcrt.locator(".run-status")).to_have_text("ok")
    expect(stcrt).to_contain_text("5")
    page.locator('tr[data-source="prb"]').get_by_role("button", name="Nu draaien").click()
    expect(page.get_by_role("status")).to_contain_text("Run van prb gestart")
    shoot(page, "5-bronnen")

    page.get_by_role("link", name="Beoordelen").click()
    expect(page.get_by_role("heading", name="Beoordelen")).to_be_visible()
    shoot(page, "6-beoordelen")
    page.get_by_role("link", name="Abonnees").click()
    expect(page.get_by_role("heading", name="Abonnees")).to_be_visible()
    shoot(page, "7-abonnees")

    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/beheer/regelingen")
    expect(page).to_have_url(re.compile(r"/login\?next="))
