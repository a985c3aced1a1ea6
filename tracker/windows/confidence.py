"""How sure an extraction is, and whether it may be published without staff review.

A wrong deadline is worse than none, so every extraction names what makes it unsure (its
reasons) and gets a confidence: a logistic model over those reasons whose weights were fitted
on labelled real texts (`bench/calibrate_windows.py` writes `calibration.json`), capped for two
or more reasons at once by what such extractions scored on unseen text (``DOUBTS``). `review`
is True when the confidence is below the publishing threshold stored with the weights.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from tracker.windows.model import VAGUE, Evidence, ExtractedWindow

# Reason keys, in the order of the model's weights; the Dutch text is for staff.
REASONS: dict[str, str] = {
    "no_date": "geen datum: status alleen uit woorden",
    "unknown_status": "status onbekend",
    "year_inferred": "jaar niet geschreven (afgeleid)",
    "several_windows": "meerdere vensters of rondes",
    "decoy_nearby": "concurrerende datum bij een lokwoord (publicatie, besluit, project …)",
    "vague_date": "vage datum (maand, kwartaal, seizoen)",
    "weak_cue": "zwakke aanwijzing dat het om aanvragen gaat",
    "stopped": "vervroegd gesloten of plafond bereikt",
    "superseded": "datum gewijzigd of uitgesteld",
    "half_window": "alleen opening of alleen sluiting",
    "ambiguous_range": "streepje tussen twee data bij een deadline: periode of twee deadlines?",
    "backwards_range": "periode loopt achteruit (tikfout in de tekst?)",
}
# Reasons that always send an extraction to review, whatever the fitted weights say: too rare
# in the labelled sets to learn a weight, too likely to publish a wrong window.
FORCE_REVIEW = frozenset({"ambiguous_range", "backwards_range"})
# The confidence such an extraction gets at most (below any sensible publishing threshold).
FORCED_CONFIDENCE = 0.5
# Doubts on two or more counts send an extraction to review. The weights are fitted on the dev
# set and the corpus, which the rules were tuned on, so there every reason looks harmless. On
# eighteen reviewer sets of unseen real text (tests/windows/heldout_rows.jsonl, sets 15-32, each
# scored before its fixes) extractions with a window or a status and two or more reasons were
# right 76% of the time, those with one reason or none 88%: holding the former cuts the wrong
# windows reaching stakeholders from 119 to 42 of 658, better or equal in 14 of the 18 sets.
DOUBTS = 2
# ... and their confidence at most: what such extractions scored on that unseen text.
DOUBTS_CONFIDENCE = 0.76


@dataclass(frozen=True)
class Calibration:
    """Logistic weights per reason plus an intercept, and the publishing threshold."""

    intercept: float
    weights: dict[str, float]
    threshold: float


def load_calibration() -> Calibration:
    """Read the fitted weights shipped next to this module."""
    raw = json.loads(resources.files(__package__).joinpath("calibration.json").read_text())
    return Calibration(float(raw["intercept"]), dict(raw["weights"]), float(raw["threshold"]))


CALIBRATION = load_calibration()


def reasons_for(
    top: ExtractedWindow | None,
    windows: Sequence[ExtractedWindow],
    status: str,
    evidence: Evidence,
    stopped: bool,
) -> tuple[str, ...]:
    """Return the reason keys that make this extraction less sure, in REASONS order."""
    dated = top is not None and top.precision not in VAGUE
    found = {
        "no_date": not dated,
        "unknown_status": status == "unknown",
        "year_inferred": dated and top is not None and top.year_inferred,
        "several_windows": sum(w.precision not in VAGUE for w in windows) > 1,
        "decoy_nearby": evidence.competing > 0,
        "vague_date": evidence.vague > 0,
        "weak_cue": dated and top is not None and top.confidence < 0.9,
        "stopped": stopped,
        "superseded": evidence.superseded > 0,
        "half_window": dated and top is not None and (top.opens is None or top.closes is None),
        "ambiguous_range": evidence.ambiguous > 0,
        "backwards_range": evidence.backwards > 0,
    }
    return tuple(key for key in REASONS if found[key])


def confidence_of(reasons: Sequence[str], calibration: Calibration = CALIBRATION) -> float:
    """Return the calibrated probability that an extraction with these reasons is right."""
    z = calibration.intercept + sum(calibration.weights.get(r, 0.0) for r in reasons)
    value = round(1.0 / (1.0 + math.exp(-z)), 2)
    if FORCE_REVIEW.intersection(reasons):
        return min(value, FORCED_CONFIDENCE)
    if len(set(reasons)) >= DOUBTS:
        return min(value, DOUBTS_CONFIDENCE)
    return value


def needs_review(confidence: float, calibration: Calibration = CALIBRATION) -> bool:
    """Say whether an extraction this sure must wait for staff before it is published."""
    return confidence < calibration.threshold


def window_confidence(w: ExtractedWindow, top: ExtractedWindow | None, overall: float) -> float:
    """Return a window's confidence: the extraction's for the top one, capped by its cue."""
    return overall if w is top else round(min(overall, w.confidence), 2)
