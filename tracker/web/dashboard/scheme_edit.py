"""Edit forms of the scheme detail page; each POST checks CSRF, commits and redirects back."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from tracker.config import Config
from tracker.detect import WindowState
from tracker.models import Publication, Scheme, Window
from tracker.regions import PROVINCES, province_of
from tracker.staff import corrections
from tracker.staff.corrections import CorrectionError, WindowDates
from tracker.web.auth import Staff
from tracker.web.csrf import verify_csrf
from tracker.web.dashboard.common import MAX_ID, flash, now_utc, parse_moment, redirect
from tracker.web.dashboard.filters import local_date_input, local_time_input
from tracker.web.dashboard.schemes import load_scheme
from tracker.web.deps import get_config, get_session

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/beheer/regelingen/{scheme_id}", dependencies=[Depends(verify_csrf)])

SchemeId = Annotated[int, Path(ge=1, le=MAX_ID)]
WindowId = Annotated[int, Path(ge=1, le=MAX_ID)]
DB = Annotated[Session, Depends(get_session)]
Short = Annotated[str, Form(max_length=20)]


def _window(session: Session, scheme_id: int, window_id: int) -> Window:
    window = session.get(Window, window_id)
    if window is None or window.scheme_id != scheme_id:
        raise HTTPException(status_code=404, detail="aanvraagperiode niet gevonden")
    return window


def _dates(opens_on: str, opens_time: str, closes_on: str, closes_time: str) -> WindowDates:
    opens_at, opens_has_time = parse_moment(opens_on, opens_time, end_of_day=False)
    closes_at, closes_has_time = parse_moment(closes_on, closes_time, end_of_day=True)
    return WindowDates(opens_at, closes_at, opens_has_time, closes_has_time)


def _as_shown(window: Window, dates: WindowDates, fields: tuple[str, str, str, str]) -> WindowDates:
    """``dates``, but a side whose fields still read as the form showed them keeps its stored
    moment: a time input cannot show 24:00 ("24.00 uur", "middernacht": the day's last
    instant), so saving the form unchanged moved such a deadline to 23:59 and alerted
    stakeholders to a change nobody made."""
    opens_on, opens_time, closes_on, closes_time = (f.strip() for f in fields)
    opens = (dates.opens_at, dates.opens_has_time)
    closes = (dates.closes_at, dates.closes_has_time)
    if (opens_on, opens_time) == _shown(window.opens_at, window.opens_has_time):
        opens = (window.opens_at, window.opens_has_time)
    if (closes_on, closes_time) == _shown(window.closes_at, window.closes_has_time):
        closes = (window.closes_at, window.closes_has_time)
    return WindowDates(opens[0], closes[0], opens[1], closes[1])


def _shown(moment: datetime | None, has_time: bool) -> tuple[str, str]:
    return local_date_input(moment), local_time_input(moment, has_time)


def _apply(
    request: Request, session: Session, scheme_id: int, action: Callable[[], str]
) -> RedirectResponse:
    """Run one edit; commit and flash its message, or flash the refusal."""
    try:
        message = action()
    except CorrectionError as exc:
        session.rollback()
        flash(request, str(exc), "error")
    else:
        session.commit()
        flash(request, message)
    return redirect(f"/beheer/regelingen/{scheme_id}")


@router.post("/periodes/{window_id}/corrigeren")
def correct_window(
    request: Request,
    user: Staff,
    session: DB,
    scheme_id: SchemeId,
    window_id: WindowId,
    opens_on: Short = "",
    opens_time: Short = "",
    closes_on: Short = "",
    closes_time: Short = "",
    seen: Annotated[str, Form(max_length=40)] = "",
) -> RedirectResponse:
    window = _window(session, scheme_id, window_id)

    def act() -> str:
        if seen and seen != WindowState.of(window).digest():
            # a colleague (or a scrape) changed it after this form was shown: saving the
            # form's dates would silently undo that
            raise CorrectionError(
                "deze periode is gewijzigd nadat u de pagina opende; bekijk de nieuwe datums "
                "en corrigeer opnieuw"
            )
        fields = (opens_on, opens_time, closes_on, closes_time)
        dates = _as_shown(window, _dates(*fields), fields)
        changed = corrections.correct_window(session, window, dates, user, now_utc(request))
        return "Periode gecorrigeerd en vergrendeld." if changed else "Periode vergrendeld."

    return _apply(request, session, scheme_id, act)


@router.post("/periodes/nieuw")
def add_window(
    request: Request,
    user: Staff,
    session: DB,
    scheme_id: SchemeId,
    opens_on: Short = "",
    opens_time: Short = "",
    closes_on: Short = "",
    closes_time: Short = "",
) -> RedirectResponse:
    scheme = load_scheme(session, scheme_id)

    def act() -> str:
        dates, now = _dates(opens_on, opens_time, closes_on, closes_time), now_utc(request)
        corrections.add_window(session, scheme, dates, user, now)
        if dates.closes_at is not None and dates.closes_at < now:
            # a closed period is history, not news: no alert goes out (a wrong year, perhaps)
            return (
                "Aanvraagperiode toegevoegd; let op: die is al gesloten, er gaat geen signaal uit."
            )
        return "Aanvraagperiode toegevoegd."

    return _apply(request, session, scheme_id, act)


@router.post("/periodes/{window_id}/budget-op")
def budget_exhausted(
    request: Request, user: Staff, session: DB, scheme_id: SchemeId, window_id: WindowId
) -> RedirectResponse:
    window = _window(session, scheme_id, window_id)

    def act() -> str:
        corrections.mark_budget_exhausted(session, window, user, now_utc(request))
        return "Budget gemarkeerd als uitgeput."

    return _apply(request, session, scheme_id, act)


@router.post("/periodes/{window_id}/budget-beschikbaar")
def budget_available(
    request: Request, user: Staff, session: DB, scheme_id: SchemeId, window_id: WindowId
) -> RedirectResponse:
    window = _window(session, scheme_id, window_id)

    def act() -> str:
        corrections.mark_budget_available(session, window, user, now_utc(request))
        return (
            "Budget weer beschikbaar; de periode is vergrendeld tot u haar vrijgeeft, zodat "
            "een bron die nog 'plafond bereikt' zegt haar niet opnieuw markeert."
        )

    return _apply(request, session, scheme_id, act)


@router.post("/periodes/{window_id}/vrijgeven")
def release_window(
    request: Request, user: Staff, session: DB, scheme_id: SchemeId, window_id: WindowId
) -> RedirectResponse:
    window = _window(session, scheme_id, window_id)

    def act() -> str:
        corrections.release_window(session, window, user, now_utc(request))
        return "Periode vrijgegeven: de volgende scrape mag haar weer bijwerken."

    return _apply(request, session, scheme_id, act)


@router.post("/labels")
def set_labels(
    request: Request,
    user: Staff,
    session: DB,
    scheme_id: SchemeId,
    config: Annotated[Config, Depends(get_config)],
    themes: Annotated[str, Form(max_length=1000)] = "",
    regions: Annotated[str, Form(max_length=1000)] = "",
) -> RedirectResponse:
    scheme = load_scheme(session, scheme_id)
    entered = [r for r in re.split(r"[,;\s]+", regions) if r]

    def act() -> str:
        region_list = [_province_code(r) for r in entered]
        theme_list = [t.strip().lower() for t in themes.split(",") if t.strip()]
        # a theme no feed offers (a typo) would take the scheme out of its theme feed
        if unknown := [t for t in theme_list if t not in config.themes]:
            raise CorrectionError(
                f"onbekend thema {unknown[0]!r}; kies uit {', '.join(config.themes)}"
            )
        corrections.set_scheme_tags(
            session, scheme, theme_list, region_list, user, now_utc(request)
        )
        return "Thema's en regio's opgeslagen (gaan voor op scrapes)."

    return _apply(request, session, scheme_id, act)


def _province_code(entered: str) -> str:
    """A province code as entered (NL-GE) or by name (Gelderland, Friesland); a typo is an
    error, not a region nobody subscribes to."""
    code = entered.upper() if entered.upper() in PROVINCES else province_of(entered)
    if code is None:
        raise CorrectionError(
            f"onbekende provincie {entered!r}; gebruik een code als NL-GE of een naam als "
            "Gelderland"
        )
    return code


@router.post("/labels/vrijgeven")
def release_labels(
    request: Request, user: Staff, session: DB, scheme_id: SchemeId
) -> RedirectResponse:
    scheme = load_scheme(session, scheme_id)

    def act() -> str:
        corrections.release_scheme_tags(session, scheme, user, now_utc(request))
        return "Thema's en regio's vrijgegeven."

    return _apply(request, session, scheme_id, act)


@router.post("/verbergen")
def hide(
    request: Request,
    user: Staff,
    session: DB,
    scheme_id: SchemeId,
    hidden: Annotated[bool, Form()] = True,
) -> RedirectResponse:
    scheme = load_scheme(session, scheme_id)

    def act() -> str:
        corrections.set_hidden(session, scheme, hidden, user, now_utc(request))
        return "Regeling verborgen." if hidden else "Regeling weer zichtbaar."

    return _apply(request, session, scheme_id, act)


@router.post("/samenvoegen")
def merge(
    request: Request,
    user: Staff,
    session: DB,
    scheme_id: SchemeId,
    target_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    target_number: Annotated[str, Form(max_length=20)] = "",
) -> RedirectResponse:
    """Merge into the scheme picked from the list, or the one whose number staff typed (the
    list offers the likeliest few hundred, not every scheme)."""
    duplicate = load_scheme(session, scheme_id)
    typed = target_number.strip().removeprefix("#").strip()
    if typed:
        if not typed.isdigit() or not 1 <= int(typed) <= MAX_ID:
            flash(request, f"‘{target_number}’ is geen regelingnummer.", "error")
            return redirect(f"/beheer/regelingen/{scheme_id}")
        target_id = int(typed)
    if target_id is None:
        flash(request, "Kies de regeling die blijft, of vul haar nummer in.", "error")
        return redirect(f"/beheer/regelingen/{scheme_id}")
    target: Scheme = load_scheme(session, target_id)

    def act() -> str:
        corrections.merge_schemes(session, duplicate, target, user, now_utc(request))
        return f"Samengevoegd in ‘{target.title}’."

    response = _apply(request, session, scheme_id, act)
    return redirect(f"/beheer/regelingen/{target_id}") if duplicate.merged_into_id else response


@router.post("/publicaties/{publication_id}/loskoppelen")
def detach(
    request: Request,
    user: Staff,
    session: DB,
    scheme_id: SchemeId,
    publication_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> RedirectResponse:
    scheme = load_scheme(session, scheme_id)
    pub = session.get(Publication, publication_id)
    if pub is None or pub.scheme_id != scheme_id:
        raise HTTPException(status_code=404, detail="publicatie niet gevonden")
    created: list[Scheme] = []

    def act() -> str:
        created.append(corrections.detach_publication(session, scheme, pub, user, now_utc(request)))
        return f"Publicatie {pub.key} losgekoppeld naar een eigen regeling."

    response = _apply(request, session, scheme_id, act)
    return redirect(f"/beheer/regelingen/{created[0].id}") if created else response


@router.post("/notities")
def add_note(
    request: Request,
    user: Staff,
    session: DB,
    scheme_id: SchemeId,
    body: Annotated[str, Form(max_length=5000)] = "",
) -> RedirectResponse:
    scheme = load_scheme(session, scheme_id)

    def act() -> str:
        corrections.add_note(session, scheme, body, user, now_utc(request))
        return "Notitie toegevoegd."

    return _apply(request, session, scheme_id, act)
