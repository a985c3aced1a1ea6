"""What changed, as a typed value with its dedupe key, and the meaning-only state of a window.

This is the one place where dedupe keys are built: ``Change.dedupe_key`` joins the kind, the
subject (window or scheme) and the occurrence. Pure: no database, no clock.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from tracker.models import EventKind

CENT = Decimal("0.01")


class WindowLike(Protocol):
    """What a stored ``Window`` and a scraped ``WindowData`` have in common."""

    @property
    def opens_at(self) -> datetime | None: ...
    @property
    def closes_at(self) -> datetime | None: ...
    @property
    def budget_eur(self) -> Decimal | None: ...
    @property
    def precision(self) -> str: ...


def money_text(amount: Decimal | None) -> str | None:
    """The canonical written form of a budget: whole cents, no exponent ('117000000')."""
    if amount is None:
        return None
    value = amount.quantize(CENT).normalize()
    return format(value, "f")


def _moment(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC).replace(microsecond=0) if value is not None else None


@dataclass(frozen=True)
class WindowState:
    """The meaning of a window: its moments, budget (a number, in cents) and date precision.

    Snippets, confidence and the written form of the budget ('117000000.00' against
    '1.17E+8') are formatting, not meaning, and are left out on purpose.
    """

    opens_at: datetime | None
    closes_at: datetime | None
    budget_eur: Decimal | None
    precision: str = "day"

    @classmethod
    def of(cls, window: WindowLike) -> WindowState:
        budget = window.budget_eur
        return cls(
            opens_at=_moment(window.opens_at),
            closes_at=_moment(window.closes_at),
            budget_eur=Decimal(budget).quantize(CENT) if budget is not None else None,
            precision=window.precision or "day",
        )

    def as_json(self) -> dict[str, str | None]:
        """The JSON stored in ``Event.before``/``after`` and read by ``tracker.read.describe``."""
        return {
            "opens_at": self.opens_at.isoformat() if self.opens_at else None,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
            "budget_eur": money_text(self.budget_eur),
        }

    def digest(self) -> str:
        payload = {**self.as_json(), "precision": self.precision}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]

    def ended_before(self, now: datetime) -> bool:
        """True when the window closed before ``now``: history, not news."""
        return self.closes_at is not None and self.closes_at < now


@dataclass(frozen=True)
class Change:
    """One change a stakeholder should hear about, not yet written as an ``Event`` row."""

    kind: EventKind
    scheme_id: int
    window_id: int | None = None
    # what makes this occurrence distinct from an earlier one of the same kind and subject
    occurrence: str = ""
    before: dict[str, Any] | None = field(default=None, compare=False)
    after: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def dedupe_key(self) -> str:
        """``<kind>:<window or scheme id>[:<occurrence>]``: one change, one key, always."""
        subject = self.window_id if self.window_id is not None else self.scheme_id
        return ":".join(str(part) for part in (self.kind, subject, self.occurrence) if part != "")
