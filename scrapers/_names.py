"""Short scheme names from publication headings and page titles. Pure string work.

A Staatscourant or Provinciaal blad heading ("Regeling van de Minister van … van 17 september
2026, nr. …, houdende vaststelling van het subsidieplafond … voor de X") names its author, date
and number before it names the scheme; a web page title carries the site ("… | RVO.nl") and
the page's function ("…: aanvragen"). Feeds, mail and pages want the scheme's name: the
citeertitel where the source states one, else the regulation the heading names, else the
title without those parts. The heading itself stays the publication's title.
"""

from __future__ import annotations

import re

# Headings of decisions and ministerial regulations: author, date and number come first.
_DECISION = re.compile(
    r"^(?:(?:Regeling|Besluit|Beschikking|Wijzigingsbesluit|Wijzigingsregeling)\s+van\s+"
    r"(?:de\s+|het\s+)?(?:Minister|Staatssecretaris|Gedeputeerde\s+Staten|Provinciale\s+Staten|"
    r"college|dagelijks\s+bestuur)|(?:Regeling|Besluit)\s+van\s+\d{1,2}\s+\w+\s+\d{4})",
    re.IGNORECASE,
)
# The part of a decision heading that says what it does ("houdende …", "tot …").
_PURPOSE = re.compile(r"\s(houdende|tot|inzake|betreffende|ter)\s", re.IGNORECASE)
# A regulation name ends before the reason, a date, the year it is opened for ("… Gelderland
# 2024 voor het jaar 2025") or a clause of the heading.
_END = (
    r"(?=\s+(?:in verband met|door (?:toevoeging|wijziging|middel|het|de|een|invoering)|ter |"
    r"alsmede|teneinde|met het oog op|en (?:de|het) (?:vaststelling|intrekking)|uit de|"
    r"op grond van|van \d{1,2} \w+ \d{4}|"
    r"voor (?:het (?:jaar|kalenderjaar|tijdvak) |de periode |)\d{4})\b|\s*[,;:(\n]|\.\s|\.?$)"
)
_NAME_WORD = re.compile(
    r"regeling|besluit|verordening|regels\b|subsidie|plafond|stimulering|fonds|programma",
    re.IGNORECASE,
)
# "wijziging van de X": the scheme is the regulation amended
_AMENDS = re.compile(r"\bwijziging van (?:de |het )?(.{3,200}?)" + _END, re.IGNORECASE)
# "(Tijdelijke subsidieregeling NL leert door met inzet van scholing)" at the end
_PARENTHESIS = re.compile(r"\(([^()]{4,200})\)\s*\.?\s*$")
# the regulation a decision opens, sets a ceiling for or rests on
_NAMED = (
    re.compile(r"\bopenstelling (?:van (?:de |het )?)?([A-Z‘'\"].{3,200}?)" + _END),
    re.compile(r"\b(?:voor|op grond van) (?:de |het )([A-Z‘'\"].{3,200}?)" + _END),
    re.compile(r"\bvaststelling van (?:de |het )?([A-Z‘'\"].{3,200}?)" + _END),
)
# "Deze regeling wordt aangehaald als: Subsidieregeling X." (the regulation's own citeertitel)
_CITED_AS = re.compile(
    r"\b(?:Deze|Dit) (?:regeling|besluit|verordening)\s+(?:wordt|kan worden)\s+aangehaald\s+als:?"
    r"\s*[‘'\"“]?([^\n.;’'\"”]{3,200}?)[’'\"”]?\s*(?:\.(?:\s|$)|\n|$)",
    re.IGNORECASE,
)
# "Eerste wijziging van het Algemeen Plafondbesluit 2027", "Wijzigingen Uitvoeringsbesluit …",
# "Wijzigingsregeling Subsidieregeling praktijkleren in de derde leerweg"
_AMENDMENT_TITLE = re.compile(
    r"^(?:\w+ )?wijziging(?:en|sregeling|sbesluit)?(?: van)? (?:de |het )?([A-Z‘'\"].{3,200}?)"
    + _END,
    re.IGNORECASE,
)
# "Vaststelling Openstellingsbesluit Subsidieregeling …": the decision is what is set
_SETS = re.compile(r"^vaststelling (?:van (?:de |het )?)?(?=[A-Z‘'\"])", re.IGNORECASE)
_CITEERTITEL = re.compile(r"\bCiteertitel:?[ \t]+([A-Z][^\n.;]{3,200})")

# What a page title adds after its scheme: the site, the body, the page's function.
_SITES = (
    r"RVO(?:\.nl)?|Rijksdienst voor Ondernemend Nederland|Rijksoverheid(?:\.nl)?|"
    r"Uitvoering van Beleid SZW|UVB(?:-SZW)?|DUS-?I|Dienst Uitvoering Subsidies aan Instellingen|"
    r"Provincie [\w\- ]{3,40}|Gemeente [\w\- ]{3,40}|Overheid\.nl|Officiële bekendmakingen|"
    r"[\w\-]+(?:\.[\w\-]+)*\.(?:nl|eu|europa\.eu|com|org)"
)
_SITE_SUFFIX = re.compile(r"\s*(?:\||-|–|—|::)\s*(?:" + _SITES + r")\s*$", re.IGNORECASE)
_SITE_PREFIX = re.compile(r"^(?:Provincie [\w\-]{3,40})\s*(?:\||–|—|-)\s+", re.IGNORECASE)
_PAGE_FUNCTION = (
    r"aanvragen(?: [\w\- ]{0,60})?|subsidie aanvragen|hoe vraagt u (?:het )?aan\??|"
    r"vragen en antwoorden|veelgestelde vragen|voorwaarden|meer informatie|overzicht|"
    r"wat moet u weten\??|wijzigingen|nieuws|contact|downloads|formulieren|"
    r"na uw aanvraag|aanvraag indienen"
)
_FUNCTION_SUFFIX = re.compile(r"\s*(?::|\||–|—|\s-)\s*(?:" + _PAGE_FUNCTION + r")\s*$", re.I)
_BARE_AANVRAGEN = re.compile(r"^(\S.{1,80}?)\s+aanvragen$", re.IGNORECASE)
_QUOTES = "‘’'\"“”"


def clean_name(text: str) -> str:
    """Collapse whitespace, drop wrapping quotes and trailing punctuation."""
    name = re.sub(r"\s+", " ", text).strip().strip(" .,;:")
    if len(name) > 2 and name[0] in _QUOTES and name[-1] in _QUOTES:
        name = name[1:-1].strip()
    return name.strip(_QUOTES + " ")


def strip_page_suffix(title: str) -> str:
    """A page title without site and page-function suffixes.

    "SDE++ aanvragen | RVO.nl" → "SDE++"; "Vragen en antwoorden | Provincie Limburg" keeps
    "Vragen en antwoorden" (nothing else is left); "Provincie Zeeland – Openstellingsbesluit X"
    → "Openstellingsbesluit X". Nothing is stripped when only a fragment would remain.
    """
    name = clean_name(title)
    for _ in range(3):
        before = name
        for pattern in (_SITE_SUFFIX, _FUNCTION_SUFFIX, _SITE_PREFIX):
            shorter = clean_name(pattern.sub("", name))
            if len(shorter) >= 3:
                name = shorter
        if (bare := _BARE_AANVRAGEN.match(name)) and len(bare.group(1)) >= 3:
            name = clean_name(bare.group(1))
        if name == before:
            break
    return name


def is_heading(title: str) -> bool:
    """True for a decision heading ("Regeling van de Minister van … houdende …")."""
    return bool(_DECISION.match(title.strip()))


def is_poor_name(title: str) -> bool:
    """True when ``title`` is a heading or still carries page suffixes: a better name helps."""
    return is_heading(title) or strip_page_suffix(title) != clean_name(title)


def cited_as(text: str) -> str:
    """The citeertitel a regulation gives itself ("Deze regeling wordt aangehaald als: X")."""
    match = _CITED_AS.search(text[:200_000]) or _CITEERTITEL.search(text[:200_000])
    return clean_name(match.group(1)) if match else ""


def _named(purpose: str) -> str:
    """The regulation a decision's purpose names, if any."""
    if (amends := _AMENDS.search(purpose)) and _NAME_WORD.search(amends.group(1)):
        return clean_name(amends.group(1))
    for pattern in _NAMED:
        for match in pattern.finditer(purpose):
            candidate = clean_name(match.group(1))
            if len(candidate) >= 4 and not re.fullmatch(r"[\d\s\-]+", candidate):
                return candidate
    return ""


def name_from_heading(heading: str, *, citeertitel: str = "", text: str = "") -> str:
    """The short name of the scheme a publication with this heading is about.

    In order: the regulation an amendment changes ("tot wijziging van de SLIM-regeling …"),
    the citeertitel the source states (metadata, or "aangehaald als" in ``text``), a name in
    parentheses at the end of the heading, the regulation a decision opens or names ("… voor
    de Subsidieregeling X"), the purpose of a decision without its author, date and number;
    any other title loses its page suffixes.
    """
    title = clean_name(heading)
    if not title:
        return clean_name(citeertitel)
    decision = is_heading(title)
    purpose_at = _PURPOSE.search(title) if decision else None
    purpose = title[purpose_at.start() :] if purpose_at else title
    if decision and (amends := _AMENDS.search(purpose)) and _NAME_WORD.search(amends.group(1)):
        return clean_name(amends.group(1))
    stated = clean_name(citeertitel) or cited_as(text)
    if stated:
        return stated
    if (paren := _PARENTHESIS.search(title)) and _NAME_WORD.search(paren.group(1)):
        return clean_name(paren.group(1))
    if not decision:
        amended = _AMENDMENT_TITLE.match(title)
        if amended and _NAME_WORD.search(amended.group(1)):
            return clean_name(amended.group(1))
        return strip_page_suffix(_SETS.sub("", title))
    if named := _named(purpose):
        return named
    if purpose_at is None:
        return title
    kind = title.split(None, 1)[0].capitalize()
    return clean_name(f"{kind} {purpose.strip()}")
