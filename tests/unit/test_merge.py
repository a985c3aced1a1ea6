"""Merging publications: strong keys merge, look-alike titles only propose (SQLite)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.ingest.merge import (
    MAX_CANDIDATES,
    find_scheme,
    normalise_title,
    publication_keys,
    regulation_name,
    subject_title,
)
from tracker.ingest.normalise import SchemeData, WindowData
from tracker.ingest.store import store_scheme
from tracker.models import MergeProposal, MergeReason, Publication, Scheme, SchemeKey, Source
from tracker.staff import corrections, review

NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)
OPENS = datetime(2027, 3, 1, 8, tzinfo=UTC)


def _data(key: str, title: str, *, url: str = "", regions: tuple[str, ...] = (),
          identifiers: tuple[str, ...] = (), cited: tuple[str, ...] = (), day: int = 0,
          pin: str | None = None) -> SchemeData:  # fmt: skip
    window = WindowData(OPENS + timedelta(days=day), OPENS + timedelta(days=day + 30), True,
                        True, "day", None, "", 1.0)  # fmt: skip
    return SchemeData(key=key, title=title, url=url or f"https://example.org/{key}",
                      publisher="", summary="", level="provincie" if regions else "rijk",
                      regions=regions, published_on=None, identifiers=identifiers,
                      cited_titles=cited, windows=(window,), status="open",
                      scheme_pin=pin)  # fmt: skip


def _store_all(engine: Engine, *items: tuple[str, SchemeData]) -> Session:
    session = Session(engine)
    for source_id in {s for s, _d in items}:
        session.add(Source(id=source_id))
    session.flush()
    for n, (source_id, data) in enumerate(items):
        store_scheme(session, source_id, data, NOW + timedelta(minutes=n))
    session.flush()
    return session


def _schemes(session: Session) -> list[str]:
    return sorted(s.title for s in session.exec(select(Scheme)).all())


def test_names_keep_their_year_and_titles_lose_it() -> None:
    assert normalise_title("SLIM 2025") == normalise_title("SLIM 2026") == "slim"
    assert regulation_name("SLIM 2025") != regulation_name("SLIM 2026")
    amendment = _data("a", "Regeling van 12 mei 2026 tot wijziging van de SLIM-regeling",
                      cited=("SLIM-regeling",))  # fmt: skip
    assert subject_title(amendment) == "SLIM-regeling"
    keys = publication_keys(amendment)
    assert ("claim", "slim regeling") in keys
    assert ("token", "slim") in keys and ("token", "regeling") not in keys


def test_look_alike_titles_stay_separate_and_are_proposed(sqlite_engine: Engine) -> None:
    s = _store_all(
        sqlite_engine,
        ("p", _data("3", "Subsidie innovatie 2026 (regeling 3)")),
        ("p", _data("4", "Subsidie innovatie 2026 (regeling 4)", day=40)),
        ("p", _data("slim25", "SLIM 2025")),
        ("p", _data("slim26", "SLIM 2026")),
        ("p", _data("dorpen", "Subsidieregeling vitale dorpen")),
        ("p", _data("dorpen2", "Subsidieregeling vitale dorpjes", day=80)),
    )
    assert len(_schemes(s)) == 6, _schemes(s)
    proposals = review.merge_proposals(s)
    # numbered editions are not even proposed; the near-identical names are
    assert [(p.scheme.title, p.target.title) for p in proposals] == [
        ("Subsidieregeling vitale dorpjes", "Subsidieregeling vitale dorpen")
    ]
    assert proposals[0].proposal.reason.startswith("titel lijkt ")
    assert "%" in proposals[0].proposal.reason


def test_instrument_words_do_not_hide_a_look_alike(sqlite_engine: Engine) -> None:
    """ "Tijdelijke subsidieregeling X" and "Subsidieregeling X" (0.899 alike as whole titles)
    are proposed; kept apart as the strong keys differ, and different names still are not."""
    s = _store_all(
        sqlite_engine,
        ("bwb", _data("nlld", "Tijdelijke subsidieregeling NL leert door met inzet van scholing")),
        ("uvb", _data("uvb", "Subsidieregeling NL leert door met inzet van scholing", day=60)),
        ("p", _data("ge", "Subsidieverordening Innovatie Gelderland", regions=("NL-GE",))),
        ("p", _data("ge2", "Verordening Innovatie Gelderland", regions=("NL-GE",), day=90)),
        ("p", _data("cultuur", "Subsidieregeling cultuur", regions=("NL-GE",), day=120)),
        ("p", _data("natuur", "Subsidieregeling natuur", regions=("NL-GE",), day=150)),
    )
    assert len(_schemes(s)) == 6, _schemes(s)
    pairs = sorted((p.scheme.title, p.target.title) for p in review.merge_proposals(s))
    assert pairs == [
        (
            "Subsidieregeling NL leert door met inzet van scholing",
            "Tijdelijke subsidieregeling NL leert door met inzet van scholing",
        ),
        ("Verordening Innovatie Gelderland", "Subsidieverordening Innovatie Gelderland"),
    ]


@pytest.mark.parametrize("first_long", [True, False])
def test_an_acronym_that_is_another_schemes_name_is_proposed(
    sqlite_engine: Engine, first_long: bool
) -> None:
    """RVO's list names "Stimulering … Klimaattransitie (SDE++)", its page "SDE++ aanvragen"
    (the demo's payloads): one scheme under two names, proposed whichever is stored first."""
    long = ("list", _data("list", "Stimulering Duurzame Energieproductie en "
                          "Klimaattransitie (SDE++)"))  # fmt: skip
    short = ("page", _data("page", "SDE++ aanvragen", cited=("SDE++",), day=30))
    s = _store_all(sqlite_engine, *((long, short) if first_long else (short, long)))
    assert len(_schemes(s)) == 2
    (proposal,) = review.merge_proposals(s)
    assert proposal.proposal.reason.lower() == "zelfde naam 'sde++'"


def test_a_same_name_proposal_does_not_hide_a_title_look_alike(sqlite_engine: Engine) -> None:
    """The demo's three SDE++ schemes: the list's "… Klimaattransitie (SDE++)" is the page's
    "SDE++" by name and the Staatscourant's "… klimaattransitie in 2026" by title; staff are
    shown both, so all three can be joined."""
    s = _store_all(
        sqlite_engine,
        (
            "stcrt",
            _data("stcrt", "Stimulering duurzame energieproductie en klimaattransitie in 2026"),
        ),  # fmt: skip
        ("page", _data("page", "SDE++", day=30)),
        (
            "list",
            _data(
                "list", "Stimulering Duurzame Energieproductie en Klimaattransitie (SDE++)", day=60
            ),
        ),  # fmt: skip
    )
    assert len(_schemes(s)) == 3
    found = sorted((p.target.title, p.proposal.reason.split(" ")[0])
                   for p in review.merge_proposals(s))  # fmt: skip
    assert found == [
        ("SDE++", "zelfde"),
        ("Stimulering duurzame energieproductie en klimaattransitie in 2026", "titel"),
    ]
    # storing the same publication again proposes nothing twice
    again = _data("list", "Stimulering Duurzame Energieproductie en Klimaattransitie (SDE++)")
    store_scheme(s, "list", again, NOW + timedelta(hours=1))
    s.flush()
    assert len(review.merge_proposals(s)) == 2


def test_a_years_round_and_the_scheme_without_a_year_are_proposed(sqlite_engine: Engine) -> None:
    s = _store_all(
        sqlite_engine,
        ("p", _data("slim", "SLIM-regeling")),
        ("p", _data("slim26", "SLIM-regeling 2026", day=40)),
        ("p", _data("slim27", "SLIM-regeling 2027", day=80)),
    )
    pairs = sorted((p.scheme.title, p.target.title) for p in review.merge_proposals(s))
    # each year's round is proposed to the scheme; two years are never proposed to each other
    assert pairs == [
        ("SLIM-regeling 2026", "SLIM-regeling"),
        ("SLIM-regeling 2027", "SLIM-regeling"),
    ]


def test_one_scheme_per_province_with_the_same_name(sqlite_engine: Engine) -> None:
    title = "Subsidieregeling Vitale Dorpen"
    s = _store_all(
        sqlite_engine,
        ("ge", _data("ge", title, regions=("NL-GE",))),
        ("ov", _data("ov", title, regions=("NL-OV",))),
        # an amendment in Gelderland names its regulation: it joins the Gelderland scheme only
        ("ge", _data("ge-w", f"Wijziging {title}", regions=("NL-GE",), cited=(title,))),
    )
    schemes = s.exec(select(Scheme)).all()
    assert len(schemes) == 2
    by_region = {sch.regions[0]: sch for sch in schemes}
    pubs = s.exec(select(Publication).where(Publication.key == "ge-w")).one()
    assert pubs.scheme_id == by_region["NL-GE"].id and pubs.merge_kind == MergeReason.NAMED
    assert review.merge_proposals(s) == [], "different provinces are not proposed either"


def test_strong_keys_merge(sqlite_engine: Engine) -> None:
    s = _store_all(
        sqlite_engine,
        ("bwb", _data("BWBR0043015", "SLIM-regeling", identifiers=("BWBR0043015",))),
        ("page", _data("uvb", "SLIM aanvragen", identifiers=("BWBR0043015",))),
        (
            "stcrt",
            _data("w", "Regeling tot wijziging van de SLIM-regeling", cited=("SLIM-regeling",)),
        ),  # fmt: skip
        ("rvo", _data("same-url", "Iets anders", url="https://example.org/uvb")),
        ("page", _data("pinned", "Nog iets", pin="slim-regeling")),
    )
    assert _schemes(s) == ["SLIM-regeling"]
    kinds = {p.key: p.merge_kind for p in s.exec(select(Publication)).all()}
    assert kinds == {"BWBR0043015": "created", "uvb": "identifier", "w": "named",
                     "same-url": "url", "pinned": "pinned"}  # fmt: skip


def test_the_same_url_within_one_source_is_no_key(sqlite_engine: Engine) -> None:
    listing = "https://example.org/lijst"
    s = _store_all(
        sqlite_engine,
        ("list", _data("a", "Regeling Aap", url=listing)),
        ("list", _data("b", "Regeling Noot", url=listing)),
    )
    assert _schemes(s) == ["Regeling Aap", "Regeling Noot"]


def test_a_regulation_after_its_amendment_joins_it(sqlite_engine: Engine) -> None:
    name = "Tijdelijke subsidieregeling NL leert door met inzet van scholing"
    s = _store_all(
        sqlite_engine,
        ("stcrt", _data("2021", f"Regeling tot wijziging van de {name}", cited=(name,))),
        ("stcrt", _data("2020", name)),
    )
    assert _schemes(s) == [name]


def test_accepting_a_proposal_merges_and_moves_keys(sqlite_engine: Engine) -> None:
    s = _store_all(
        sqlite_engine,
        ("p", _data("a", "Subsidieregeling vitale dorpen")),
        ("p", _data("b", "Subsidieregeling vitale dorpjes", day=40)),
    )
    [item] = review.merge_proposals(s)
    corrections.decide_proposal(s, item.proposal, True, "anna", NOW)
    s.flush()
    assert item.scheme.merged_into_id == item.target.id
    assert item.proposal.status == "accepted" and item.proposal.decided_by == "anna"
    keys = s.exec(select(SchemeKey.scheme_id).distinct()).all()
    assert keys == [item.target.id]
    assert review.merge_proposals(s) == []
    # a later publication with the merged name finds the surviving scheme
    name = "Subsidieregeling vitale dorpjes"
    match = find_scheme(s, "p", _data("c", f"Regeling tot wijziging van de {name}", cited=(name,)))
    assert match.scheme is not None and match.scheme.id == item.target.id


def test_rejecting_a_proposal_keeps_both(sqlite_engine: Engine) -> None:
    s = _store_all(
        sqlite_engine,
        ("p", _data("a", "Subsidieregeling vitale dorpen")),
        ("p", _data("b", "Subsidieregeling vitale dorpjes", day=40)),
    )
    [item] = review.merge_proposals(s)
    corrections.decide_proposal(s, item.proposal, False, "anna", NOW)
    assert item.scheme.merged_into_id is None and item.proposal.status == "rejected"
    assert s.exec(select(MergeProposal)).one().decided_at == NOW
    try:
        corrections.decide_proposal(s, item.proposal, True, "anna", NOW)
    except corrections.CorrectionError as exc:
        assert "al besloten" in str(exc)
    else:
        raise AssertionError("a decided proposal cannot be decided again")


def test_a_pin_to_no_scheme_is_logged_and_matched_as_usual(
    sqlite_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """A typo in ``sources.<id>.scheme`` must not pass unseen."""
    with caplog.at_level(logging.WARNING, logger="tracker.ingest.merge"):
        session = _store_all(sqlite_engine, ("page", _data("p", "Regeling X", pin="slim-regling")))
    assert _schemes(session) == ["Regeling X"]
    assert "no scheme with slug 'slim-regling' (sources.page.scheme)" in caplog.text
    session.close()


def test_an_eu_action_type_is_no_shared_name(sqlite_engine: Engine) -> None:
    # real Horizon Europe topic titles (HORIZON-CL4-2027-04-DIGITAL-EMERGING-10 in the
    # eu_sedia sample; HORIZON-CL6-2021-GOVERNANCE-01-08): both Coordination and Support Actions
    first = "Horizon scanning and foresight in future enabling digital technologies (CSA)"
    second = (
        "Improving understanding of and engagement in bio-based systems with training and "
        "skills development (CSA)"
    )
    s = _store_all(sqlite_engine, ("eu", _data("cl4", first)), ("eu", _data("cl6", second)))
    assert _schemes(s) == [first, second]
    assert review.merge_proposals(s) == []
    assert ("acronym", "CSA") not in publication_keys(_data("cl4", first))
    assert ("acronym", "SLIM") in publication_keys(_data("slim", "Subsidieregeling (SLIM)"))


def test_a_look_alike_is_found_among_schemes_with_many_publications(
    sqlite_engine: Engine,
) -> None:
    # more Gelderland regulations than candidates are read, each with amendments repeating
    # "gelderland" (titles modelled on Provinciaal blad headings: "Subsidieregeling
    # energiecoaches Gelderland"); the look-alike shares two distinct words, they one
    themes = ["natuurherstel", "fietspaden", "erfgoedlijnen", "dorpshuizen", "waterberging",
              "zonnedaken", "mobiliteit", "sportaccommodaties", "bedrijventerreinen",
              "vrijetijdseconomie", "cultuurparticipatie", "energiecoaches", "groenblauwe",
              "woningbouw", "laadpalen", "wegbermen", "streekmusea", "bibliotheken",
              "buurtbussen", "innovatievouchers", "kennisvouchers"]  # fmt: skip
    assert len(themes) > MAX_CANDIDATES
    items = [("prb", _data("vakkracht", "Subsidieregeling vakkracht scholing Gelderland"))]
    for theme in themes:
        name = f"Subsidieregeling {theme} Gelderland"
        items.append(("prb", _data(theme, name)))
        items += [("prb", _data(f"{theme}-{n}", f"Wijziging van de {name}", cited=(name,)))
                  for n in range(3)]  # fmt: skip
    items.append(("web", _data("page", "Subsidieregeling vakkrachten scholing Gelderland")))
    s = _store_all(sqlite_engine, *items)
    assert [(p.scheme.title, p.target.title) for p in review.merge_proposals(s)] == [
        ("Subsidieregeling vakkrachten scholing Gelderland",
         "Subsidieregeling vakkracht scholing Gelderland")
    ]  # fmt: skip


def test_an_en_dash_is_a_hyphen(sqlite_engine: Engine) -> None:
    # BWBR0046622 is cited with an en dash, the real amendment stcrt-2023-32379 with a hyphen
    assert regulation_name("Subsidieregeling ESF+ 2021–2027") == regulation_name(
        "Subsidieregeling ESF+ 2021-2027"
    )
    amendment = (
        "Regeling van de Minister voor Armoedebeleid, Participatie en Pensioenen van 17 november "
        "2023, nr. 2023-0000281435, tot wijziging van de Subsidieregeling ESF+ 2021-2027 in "
        "verband met het toevoegen van een tijdvak en enkele andere wijzigingen in hoofdstuk 2b"
    )
    s = _store_all(
        sqlite_engine,
        ("bwb", _data("BWBR0046622", "Subsidieregeling ESF+ 2021–2027",
                      identifiers=("BWBR0046622",))),
        ("stcrt", _data("stcrt-2023-32379", amendment, cited=("Subsidieregeling ESF+ 2021-2027",))),
    )  # fmt: skip
    assert _schemes(s) == ["Subsidieregeling ESF+ 2021–2027"]
    pub = s.exec(select(Publication).where(Publication.key == "stcrt-2023-32379")).one()
    assert pub.merge_kind == MergeReason.NAMED


def test_a_headings_date_and_number_do_not_stop_a_proposal(sqlite_engine: Engine) -> None:
    # a Provinciaal blad heading (modelled on Gelderland's) amending a look-alike of a scheme:
    # its date and number are no edition of the regulation
    heading = (
        "Besluit van Gedeputeerde Staten van Gelderland van 5 maart 2024, tot "
        "wijziging van de Subsidieregeling vitale dorpjes"
    )
    s = _store_all(
        sqlite_engine,
        ("p", _data("dorpen", "Subsidieregeling vitale dorpen")),
        ("p", _data("wijziging", heading, cited=("Subsidieregeling vitale dorpjes",))),
    )
    assert [(p.scheme.title, p.target.title) for p in review.merge_proposals(s)] == [
        ("Subsidieregeling vitale dorpjes", "Subsidieregeling vitale dorpen")
    ]


def test_a_wijzigingsregeling_joins_the_regulation_it_names(sqlite_engine: Engine) -> None:
    # BWBR0046196 and the title of a real UVB news item about its amendment; the merge reads
    # the title itself when no cited title was found
    regulation = "Subsidieregeling praktijkleren in de derde leerweg"
    amendment = _data("uvb", f"Wijzigingsregeling {regulation}")
    assert subject_title(amendment) == regulation
    s = _store_all(
        sqlite_engine,
        ("bwb", _data("BWBR0046196", regulation, identifiers=("BWBR0046196",))),
        ("feed", amendment),
    )
    assert _schemes(s) == [regulation]
