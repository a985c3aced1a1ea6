"""Configuration: a broken file names the key and line; the shipped file is valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.config import find_line, load_config, masked_dump
from tracker.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]

GOOD_SOURCE = """
[sources.nl_stcrt]
scraper = "koop_sru"
url = "https://repository.overheid.nl/sru"
level = "rijk"
options = { publication = "Staatscourant" }
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_is_valid() -> None:
    config = load_config(REPO / "config.toml")
    assert "nl_stcrt" in config.sources
    provinces = [s for s in config.sources.values() if s.level == "provincie"]
    assert len({r for s in provinces for r in s.regions}) == 12


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[http]\ntimeout = 'soon'\n", "config.toml:2: http.timeout"),
        ("[web]\nprot = 8000\n", "config.toml:2: web.prot: unknown key"),
        (
            GOOD_SOURCE.replace('level = "rijk"', 'level = "gemeente"'),
            "config.toml:5: sources.nl_stcrt.level",
        ),
        (
            GOOD_SOURCE.replace('"koop_sru"', '"no_such"'),
            "config.toml:3: sources.nl_stcrt.scraper: unknown scraper",
        ),
        (
            GOOD_SOURCE.replace("publication =", "publicatie ="),
            "config.toml:6: sources.nl_stcrt.options.publicatie",
        ),
        (GOOD_SOURCE + 'regions = ["Gelderland"]\n', "sources.nl_stcrt.regions"),
        # the shape of a code, but no province: its schemes would reach no regional feed
        (
            GOOD_SOURCE + 'regions = ["NL-GE", "NL-GL"]\n',
            "config.toml:7: sources.nl_stcrt.regions: Value error, region 'NL-GL' is not a "
            "province code; use one of NL-GR, NL-FR",
        ),
        # a typo in an address fails the check, not every run of the source
        (
            GOOD_SOURCE.replace('"https://repository', '"htps://repository'),
            "config.toml:4: sources.nl_stcrt.url: Value error, 'htps://repository.overheid.nl/"
            "sru' is not an http(s) address",
        ),
        (GOOD_SOURCE + 'urls = ["www.rvo.nl/subsidies"]\n', "config.toml:7: sources.nl_stcrt.urls"),
        (
            GOOD_SOURCE + 'themes = ["scholing", "scholng"]\n',
            "config.toml:7: sources.nl_stcrt.themes: unknown theme 'scholng' (known: scholing,",
        ),
        # every link in feeds and mail starts with base_url; every mail comes from from_address
        ('[web]\nbase_url = "tracker.example.org"\n', "config.toml:2: web.base_url"),
        ('[smtp]\nfrom_address = "signalen"\n', "config.toml:2: smtp.from_address"),
        # a provincial page names no province itself: without regions its schemes would
        # reach every province's feeds (an official publication's creator names it)
        (
            GOOD_SOURCE.replace('"koop_sru"', '"html_page"')
            .replace('level = "rijk"', 'level = "provincie"')
            .replace('options = { publication = "Staatscourant" }\n', ""),
            "config.toml:2: sources.nl_stcrt.regions: missing: a provincial source of scraper "
            "'html_page' needs its province",
        ),
        # a theme that never tags, tags everything, or that no form or feed can name
        (
            "[themes]\nscholing = []\n",
            "config.toml:2: themes.scholing: Value error, no keywords",
        ),
        ('[themes]\nscholing = ["bbl", " "]\n', "themes.scholing: Value error, blank keyword ' '"),
        ('[doelgroepen]\nMkb = ["mkb"]\n', "config.toml:2: doelgroepen.Mkb"),
        ("[database\nurl = 1\n", "invalid TOML"),
    ],
)
def test_broken_config_names_key_and_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text))
    assert expected in str(info.value)


def test_environment_overrides_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgresql://app:s3cret@db/tracker")
    config = load_config(_write(tmp_path, GOOD_SOURCE))
    assert config.database.url == "postgresql://app:s3cret@db/tracker"
    assert "s3cret" not in str(masked_dump(config))


def test_config_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_CONFIG", str(_write(tmp_path, GOOD_SOURCE)))
    assert list(load_config(None).sources) == ["nl_stcrt"]


def test_find_line_handles_tables_and_inline_keys() -> None:
    text = "[a]\nx = 1\n\n[sources.s]\nurl = 'u'\noptions = { item = 'div' }\n"
    assert find_line(text, "a.x") == 2
    assert find_line(text, "sources.s.url") == 5
    assert find_line(text, "sources.s.options.item") == 6
    assert find_line(text, "sources.s") == 4


def test_provincial_publications_may_leave_regions_out(tmp_path: Path) -> None:
    """Provinciaal blad items name their province (the creator): no regions needed."""
    text = GOOD_SOURCE.replace('level = "rijk"', 'level = "provincie"').replace(
        '"Staatscourant"', '"Provinciaal blad"'
    )
    config = load_config(_write(tmp_path, text))
    assert config.sources["nl_stcrt"].regions == ()
