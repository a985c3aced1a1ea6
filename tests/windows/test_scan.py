"""The cheap scans before costly patterns skip only runs that cannot match (same results)."""

from __future__ import annotations

import re
from re import _constants as C  # noqa: N812
from re import _parser as P  # noqa: N812
from typing import Any

import pytest

from tracker.windows import roles, status
from tracker.windows.scan import WordHits, lowered

Items = Any  # re._parser.SubPattern


def _firsts(items: Items) -> set[str] | None:
    """The characters a match of items can start with; None when it may be empty."""
    out: set[str] = set()
    for op, av in items:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue
        if op is C.LITERAL:
            return out | {chr(av)}
        if op is C.IN:
            chars = set()
            for o, a in av:
                assert o in (C.LITERAL, C.RANGE), o
                chars |= {chr(a)} if o is C.LITERAL else {chr(c) for c in range(a[0], a[1] + 1)}
            return out | chars
        if op is C.SUBPATTERN or op is C.BRANCH:
            subs = [av[-1]] if op is C.SUBPATTERN else av[1]
            found = [_firsts(s) for s in subs]
            assert all(f is not None for f in found), "an empty alternative"
            return out.union(*(f for f in found if f is not None))
        assert op in (C.MAX_REPEAT, C.MIN_REPEAT), op
        body = _firsts(av[2])
        assert body is not None
        out |= body
        if av[0] >= 1:
            return out
    return None


def _runs(items: Items) -> list[str]:
    """Literal strings every match of items contains (runs of literals at this level)."""
    runs, run = [], ""
    for op, _ in items:
        if op is C.LITERAL:
            run += chr(_)
        else:
            runs.append(run)
            run = ""
    return [*runs, run]


def _covered(items: Items, words: tuple[str, ...]) -> bool:
    """Say whether every match of items contains one of words."""
    if any(w in run.lower() for run in _runs(items) for w in words):
        return True
    for op, av in items:
        if op is C.SUBPATTERN and _covered(av[-1], words):
            return True
        if op is C.BRANCH and all(_covered(b, words) for b in av[1]):
            return True
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1 and _covered(av[2], words):
            return True
    return False


@pytest.mark.parametrize(
    ("rx", "words"),
    [(roles._NEGATIVE_RE, roles.NEGATIVE_WORDS), (roles._POSITIVE_RE, roles.POSITIVE_WORDS)],
)
def test_every_match_holds_one_of_the_scanned_words(
    rx: re.Pattern[str], words: tuple[str, ...]
) -> None:
    assert all(w.isascii() and w == w.lower() and w.isalpha() for w in words)
    guard, *body = list(P.parse(rx.pattern, rx.flags))  # (?=[…]) and the pattern itself
    assert guard[0] is C.ASSERT
    [(branch, (_, alternatives))] = body
    assert branch is C.BRANCH
    uncovered = [str(a) for a in alternatives if not _covered(a, words)]
    assert not uncovered


@pytest.mark.parametrize(
    "rx", [roles._NEGATIVE_RE, roles._POSITIVE_RE, roles._LABEL_RE, status._STOP_GATE_RE]
)
def test_first_letter_guards_name_every_first_letter(rx: re.Pattern[str]) -> None:
    (assert_op, (_, guard)), *body = list(P.parse(rx.pattern, rx.flags))
    assert assert_op is C.ASSERT
    letters = _firsts(guard)
    firsts = _firsts(body)
    assert letters is not None and firsts is not None
    assert {c.lower() for c in firsts} <= letters


def test_word_hits_find_overlapping_words_and_say_unknown_when_positions_lie() -> None:
    hits = WordHits(lowered("Het Projectbesluit"), ("project", "besluit", "luit"))
    assert hits.starts == [4, 11, 14]
    assert hits.may_match(12, 20) and not hits.may_match(0, 4) and not hits.may_match(15, 30)
    assert lowered("Publiſhed") is None and lowered("İn werking") is None
    assert WordHits(None, ("x",)).may_match(0, 1)


def test_skipped_runs_give_the_same_roles_as_running_every_pattern() -> None:
    text = (
        "Gepubliceerd op 3 maart 2031. Aanvragen kan van 1 april 2031 tot en met 30 april 2031 "
        "(besluit vóór 1 juni 2031). Informatiebijeenkomst op 10 maart 2031."
    )
    from tracker.windows.dates import find_mentions

    mentions = find_mentions(text)
    got = [(r.role, r.negative, r.positive) for r in roles.assign_roles(text, mentions)]
    # the same text where no word can be found by position (ſ makes lowered() give None)
    odd = text + " ſ"
    assert [(r.role, r.negative, r.positive) for r in roles.assign_roles(odd, mentions)] == got
