"""Beoordelen: the review queue with approve and reject buttons."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from tracker.config import Config
from tracker.models import Window
from tracker.staff import review
from tracker.web.auth import Staff
from tracker.web.csrf import verify_csrf
from tracker.web.dashboard.common import MAX_ID, flash, now_utc, redirect, render
from tracker.web.deps import get_config, get_session

router = APIRouter(prefix="/beheer/beoordelen")
DB = Annotated[Session, Depends(get_session)]


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request, user: Staff, session: DB, config: Annotated[Config, Depends(get_config)]
) -> HTMLResponse:
    items = review.review_queue(session, config.review)
    return render(
        request,
        "dashboard/review.html",
        {
            "items": items,
            "review": config.review,
            "now": now_utc(request),
        },
    )


@router.post("/{window_id}", dependencies=[Depends(verify_csrf)])
def decide(
    request: Request,
    user: Staff,
    session: DB,
    window_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    decision: Annotated[Literal["approved", "rejected"], Form()],
) -> RedirectResponse:
    window = session.get(Window, window_id)
    if window is None:
        raise HTTPException(status_code=404, detail="aanvraagperiode niet gevonden")
    published = review.decide(session, window, decision, user, now_utc(request))
    session.commit()
    if decision == review.APPROVED:
        flash(request, f"Goedgekeurd; {published} signalen gepubliceerd.")
    else:
        flash(request, "Afgewezen; de signalen blijven onzichtbaar. Corrigeer de datums zo nodig.")
    return redirect("/beheer/beoordelen")
