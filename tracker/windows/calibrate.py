"""Fit the confidence model and measure it honestly (k-fold cross-validation).

Pure: callers pass rows of (reason keys, right?, weight, counts for the threshold?). The model is
a logistic regression over the reason keys (L2-regularised, fitted by Newton's method), small
enough to ship as JSON. The publishing threshold is chosen on cross-validated confidences, so
the precision it promises was measured on cases the model was not fitted on.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.windows.confidence import REASONS, Calibration, confidence_of

L2 = 1.0
FOLDS = 10
SEED = 10  # folds are shuffled with a fixed seed, so every run gives the same figures


@dataclass(frozen=True)
class Row:
    """One labelled extraction: its reasons, whether it was fully right, and its weight."""

    reasons: frozenset[str]
    right: bool
    weight: float = 1.0
    group: str = ""  # the labelled set it came from ("dev/real.jsonl" …)


def fit(rows: Sequence[Row], l2: float = L2) -> tuple[float, dict[str, float]]:
    """Fit intercept and per-reason weights; a reason may only lower the confidence.

    Reasons are by definition what makes an extraction unsure, so a weight above zero (learnt
    from a handful of errors) is noise: such a reason is fixed at zero and the rest refitted.
    """
    keys = list(REASONS)
    while True:
        b, w = _fit(rows, keys, l2)
        positive = [k for k in keys if w[k] > 0]
        if not positive:
            return b, {k: w.get(k, 0.0) for k in REASONS}
        keys = [k for k in keys if k not in positive]


def _fit(rows: Sequence[Row], keys: list[str], l2: float) -> tuple[float, dict[str, float]]:
    """Fit intercept and weights of `keys` by Newton's method on weighted L2-penalised log-loss."""
    n = len(keys) + 1
    beta = [0.0] * n
    xs = [[1.0] + [1.0 if k in r.reasons else 0.0 for k in keys] for r in rows]
    for _ in range(25):
        grad = [0.0] * n
        hess = [[0.0] * n for _ in range(n)]
        for x, r in zip(xs, rows, strict=True):
            z = sum(b * v for b, v in zip(beta, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            err, w = (p - r.right) * r.weight, p * (1 - p) * r.weight
            for i in range(n):
                if x[i]:
                    grad[i] += err * x[i]
                    for j in range(n):
                        if x[j]:
                            hess[i][j] += w
        for i in range(1, n):  # the intercept is not penalised
            grad[i] += l2 * beta[i]
            hess[i][i] += l2
        hess[0][0] += 1e-6
        step = _solve(hess, grad)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return beta[0], dict(zip(keys, beta[1:], strict=True))


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a·x = b (a symmetric positive definite) by Gaussian elimination."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[c][c]:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c], strict=True)]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


def cross_validated(rows: Sequence[Row], folds: int = FOLDS) -> list[float]:
    """Return each row's confidence from a model fitted without the row's fold."""
    order = list(range(len(rows)))
    random.Random(SEED).shuffle(order)
    out = [0.0] * len(rows)
    for f in range(folds):
        held = set(order[f::folds])
        b, w = fit([r for i, r in enumerate(rows) if i not in held])
        model = Calibration(b, w, 0.5)
        for i in held:
            out[i] = confidence_of(sorted(rows[i].reasons), model)
    return out


def choose_threshold(
    scored: Sequence[tuple[float, bool]],
    target: float,
    max_share: float = 1.0,
    min_cases: int = 20,
) -> float:
    """Return the lowest confidence whose published cases (at or above it) reach `target`.

    Cuts are tried from the most sure down and the search stops at the first that misses the
    target. A cut that publishes fewer than `min_cases` cases is not trusted (too few to
    measure); none publishes more than `max_share` of the cases.
    """
    threshold = 1.01
    for cut in sorted({c for c, _ in scored}, reverse=True):
        chosen = [ok for c, ok in scored if c >= cut]
        if len(chosen) > max_share * len(scored):
            break
        if len(chosen) >= min_cases and sum(chosen) / len(chosen) >= target:
            threshold = cut
        elif len(chosen) >= min_cases:
            break
    return threshold


def published(scored: Sequence[tuple[float, bool]], threshold: float) -> tuple[float, float]:
    """Return (share published, precision of the published) in percent at `threshold`."""
    chosen = [ok for c, ok in scored if c >= threshold]
    share = 100.0 * len(chosen) / len(scored) if scored else 0.0
    precision = 100.0 * sum(chosen) / len(chosen) if chosen else 0.0
    return share, precision
