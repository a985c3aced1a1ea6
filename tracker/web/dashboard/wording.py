"""Dashboard wording: Dutch numbers (decimal comma) and source titles instead of source ids."""

from __future__ import annotations

import re
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from tracker.config import Config
from tracker.staff.corrections import STAFF_SOURCE

STAFF_LABEL = "medewerker"
RUN_STATUS_NL = {
    "ok": "ok",
    "unchanged": "ongewijzigd",
    "degraded": "deels gelukt",
    "failed": "mislukt",
    "refused": "overgeslagen",
}
FREQUENCY_NL = {"direct": "direct", "daily": "dagelijks", "weekly": "wekelijks"}
DELIVERY_NL = {
    "pending": "wacht",
    "sent": "verzonden",
    "rejected": "geweigerd",
    "failed": "mislukt",
    "dropped": "vervallen",
    "batched": "in overzicht",
}


def decimal_nl(value: float | None, digits: int = 2) -> str:
    """'0,95': a number with a decimal comma (Dutch), '—' when there is none."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


def source_title(config: Config, source_id: str | None) -> str:
    """The configured title of a source; staff edits as 'medewerker'; '—' for none."""
    if not source_id:
        return "—"
    if source_id == STAFF_SOURCE:
        return STAFF_LABEL
    source = config.sources.get(source_id)
    return source.title if source and source.title else source_id


_LISTED = re.compile(r"\(([^()]*)\)$")


def review_reason(config: Config, reason: str) -> str:
    """A review reason with the titles of the sources it lists at its end, not their ids:
    'afwijkende datums in andere publicatie (Provincie Gelderland: subsidies)'."""
    found = _LISTED.search(reason)
    if found is None:
        return reason
    ids = [part.strip() for part in found.group(1).split(",")]
    if not all(i == STAFF_SOURCE or i in config.sources for i in ids):
        return reason  # not a list of sources ('lage zekerheid (0,30; drempel 0,60)')
    titles = ", ".join(source_title(config, i) for i in ids)
    return f"{reason[: found.start()]}({titles})"


@pass_context
def _review_reason(context: Any, reason: str) -> str:
    return review_reason(context["request"].app.state.config, reason)


@pass_context
def _source_title(context: Any, source_id: str | None) -> str:
    return source_title(context["request"].app.state.config, source_id)


def install_wording(templates: Jinja2Templates) -> None:
    templates.env.filters.update(
        decimal=decimal_nl,
        source_title=_source_title,
        review_reason=_review_reason,
        run_status_nl=lambda v: RUN_STATUS_NL.get(str(v), str(v)),
        frequency_nl=lambda v: FREQUENCY_NL.get(str(v), str(v)),
        delivery_nl=lambda v: DELIVERY_NL.get(str(v), str(v)),
    )
