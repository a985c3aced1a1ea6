"""Euro amounts as Dutch and EU texts write them ("€ 17 miljoen", "680.000.000")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from tracker.windows.text import clean_text

_I = re.IGNORECASE

_AMOUNT = r"\d{1,3}(?:[.,  ]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?"
_MULT = r"miljoen|miljard|million|billion|mln\.?|mld\.?|bn|m(?![a-z])"
_MONEY_RE = re.compile(
    rf"(?:€|\beur(?:o)?\b)\s*(?P<a>{_AMOUNT})(?:\s*(?P<m>{_MULT}))?"
    rf"|(?P<a2>{_AMOUNT})\s*(?P<m2>{_MULT})?\s*(?:euro|eur)\b",
    _I,
)
BARE_RE = re.compile(r"(?<![\w.,/-])(?P<a>\d{1,3}(?:\.\d{3}){2,})(?![\w.,/-])")
_MULTIPLIERS = {"miljoen": 6, "million": 6, "mln": 6, "m": 6, "miljard": 9, "billion": 9}
_MULTIPLIERS |= {"mld": 9, "bn": 9}
BUDGET_KEY_RE = re.compile(
    r"(?:plafond|budget|beschikbaar|available|funding|totaal|total)[^.\n€]{0,40}$", _I
)


def to_amount(raw: str, mult: str | None) -> Decimal | None:
    s = re.sub(r"\s", "", raw)
    dec = re.search(r"[.,](\d{1,2})$", s)  # a 1-2 digit tail is decimals; 3 digits are thousands
    whole = re.sub(r"[.,]", "", s[: dec.start()] if dec else s)
    try:
        value = Decimal(f"{whole}.{dec.group(1)}" if dec else whole)
    except InvalidOperation:
        return None
    if mult:
        value = value.scaleb(_MULTIPLIERS[mult.lower().rstrip(".")])
    return value


def find_money(text: str) -> list[tuple[int, int, Decimal]]:
    """Return (start, end, amount) of every euro amount in text."""
    out: list[tuple[int, int, Decimal]] = []
    if "€" not in text and "eur" not in text.lower():  # every amount names its currency
        return out
    for mt in _MONEY_RE.finditer(text):
        value = to_amount(mt["a"] or mt["a2"], mt["m"] or mt["m2"])
        if value is not None:
            out.append((mt.start(), mt.end(), value))
    return out


def parse_budget(text: str) -> Decimal | None:
    """Parse the first amount in euros ("€ 17 miljoen", "680.000.000", "EUR 4 million")."""
    text = clean_text(text)
    money = find_money(text)
    if money:
        return money[0][2]
    bare = BARE_RE.search(text) or re.search(r"\d+(?:,\d{1,2})?", text)
    return to_amount(bare.group(0), None) if bare else None
