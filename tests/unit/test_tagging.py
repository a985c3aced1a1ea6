"""Theme and doelgroep recognition from keyword lists."""

from __future__ import annotations

import pytest

from tracker.config import Config
from tracker.ingest.tagging import Tagger, match_keywords, retag_scheme, tag_scheme
from tracker.models import Scheme

TAGGER = Tagger.from_config(Config())


@pytest.mark.parametrize(
    ("text", "themes", "doelgroepen"),
    [
        ("Subsidieregeling omscholingsbudget voor werkgevers in de maakindustrie",
         ["scholing", "techniek"], ["werkgevers"]),
        ("Regeling SLIM: leren en ontwikkelen in het MKB", [], ["mkb"]),
        ("Openstelling Energiebesparing voor Gemeenten 2027", ["energie"], ["gemeenten"]),
        ("Bijdrage aan regionale samenwerkingsverbanden arbeidsmarkt en onderwijsinstellingen",
         ["arbeidsmarkt"], ["onderwijsinstellingen", "samenwerkingsverbanden"]),
        ("Wijziging van de Verordening wegbeheer", [], []),
    ],
)  # fmt: skip
def test_keywords_find_themes_and_doelgroepen(
    text: str, themes: list[str], doelgroepen: list[str]
) -> None:
    assert TAGGER.themes_of([text]) == themes
    assert TAGGER.doelgroepen_of([text]) == doelgroepen


def test_matching_ignores_case_and_accents() -> None:
    assert match_keywords(["INNOVATIE in Fryslân"], {"innovatie": ("innovatie",)}) == ["innovatie"]
    assert match_keywords(["Café Privé"], {"x": ("cafe prive",)}) == ["x"]


def test_tags_accumulate_on_store_and_staff_can_replace_them() -> None:
    scheme = Scheme(slug="s", title="t", themes=["innovatie"])
    tag_scheme(scheme, TAGGER, ["Scholing van werkgevers"])
    assert scheme.themes == ["innovatie", "scholing"]
    assert scheme.doelgroepen == ["werkgevers"]
    tag_scheme(scheme, TAGGER, ["energie"], locked_themes=True)
    assert scheme.themes == ["innovatie", "scholing"]
    retag_scheme(scheme, themes=["energie"], doelgroepen=[])
    assert (scheme.themes, scheme.doelgroepen) == (["energie"], [])


def test_config_keyword_lists_are_used() -> None:
    config = Config(themes={"zorg": ("zorg",)}, doelgroepen={})
    assert Tagger.from_config(config).themes_of(["Zorgverzekering"]) == ["zorg"]
    assert Tagger.from_config(config).themes_of(["scholing"]) == []
