"""Beoordelen: the review queue (windows and merge proposals) with its decision buttons."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from tracker.config import Config
from tracker.errors import TrackerError
from tracker.models import MergeProposal, Window
from tracker.staff import corrections, review
from tracker.staff.review import Verdict
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
            "proposals": review.merge_proposals(session),
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
    if Verdict(decision) == Verdict.APPROVED:
        flash(request, f"Goedgekeurd; {published} signalen gepubliceerd.")
    else:
        flash(request, "Afgewezen; de signalen blijven onzichtbaar. Corrigeer de datums zo nodig.")
    return redirect("/beheer/beoordelen")


@router.post("/voorstel/{proposal_id}", dependencies=[Depends(verify_csrf)])
def decide_proposal(
    request: Request,
    user: Staff,
    session: DB,
    proposal_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    decision: Annotated[Literal["accept", "reject"], Form()],
) -> RedirectResponse:
    """Accept (merge) or reject a proposed merge of two look-alike schemes."""
    proposal = session.get(MergeProposal, proposal_id)
    if proposal is None:
        raise HTTPException(status_code=404, detail="voorstel niet gevonden")
    accept = decision == "accept"
    try:
        corrections.decide_proposal(session, proposal, accept, user, now_utc(request))
    except TrackerError as exc:
        session.rollback()
        flash(request, str(exc), "error")
        return redirect("/beheer/beoordelen")
    session.commit()
    flash(
        request, "Samengevoegd." if accept else "Voorstel afgewezen; de regelingen blijven apart."
    )
    return redirect("/beheer/beoordelen")
