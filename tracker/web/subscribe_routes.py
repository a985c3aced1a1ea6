"""Public email subscription: /abonneren, /bevestigen/<token>, /afmelden/<token>.

The confirmation mail goes out right after the answer to the subscribe POST: a background
task in the web process runs ``tracker.alerts.notify`` (its claims keep a concurrent
``tracker notify`` from sending it twice). When SMTP is unreachable the message stays in the
outbox for the next ``tracker notify`` run.

Confirming and unsubscribing change state only on POST: mail scanners that prefetch links
must not (un)subscribe anyone. /afmelden/<token> accepts the RFC 8058 one-click POST
(``List-Unsubscribe=One-Click``) without any other form field or cookie.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import StringConstraints
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.alerts.subscriptions import (
    LEVELS,
    SubscribeError,
    SubscriptionRequest,
    client_key,
    confirm_subscription,
    create_subscription,
    recent_requests,
    unsubscribe,
)
from tracker.config import Config, secret
from tracker.models import Frequency
from tracker.regions import PROVINCES, region_label
from tracker.web.csrf import csrf_token, verify_csrf
from tracker.web.deps import get_config, get_session, get_templates, now_utc

logger = logging.getLogger(__name__)

router = APIRouter()

SessionDep = Annotated[Session, Depends(get_session)]
ConfigDep = Annotated[Config, Depends(get_config)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
# every choice is a short code from the form; a long list or value is no visitor's (issue: a
# body of 300 values of 1 MB each was held and echoed back whole)
MAX_CHOICES = 100
Choice = Annotated[
    list[Annotated[str, StringConstraints(max_length=100)]], Form(max_length=MAX_CHOICES)
]


def _form_context(config: Config, **extra: object) -> dict[str, object]:
    regions = [(code, region_label(config, code)) for code in (*PROVINCES, *config.regions.groups)]
    return {"regions": regions, "levels": LEVELS, "themes": list(config.themes),
            "doelgroepen": list(config.doelgroepen), "frequencies": [f.value for f in Frequency],
            "error": "", "chosen": {}, **extra}  # fmt: skip


@router.get(
    "/abonneren",
    response_class=HTMLResponse,
    tags=["pagina's"],
    summary="Aanmeldformulier",
    description="HTML: e-mail over regelingen aanvragen, per regio, niveau, thema en doelgroep.",
)
def subscribe_form(request: Request, config: ConfigDep, templates: TemplatesDep) -> HTMLResponse:
    context = _form_context(config, csrf=csrf_token(request))
    return templates.TemplateResponse(request, "pages/subscribe.html", context)


# the token stops other sites from signing up addresses through a visitor's browser
@router.post(
    "/abonneren",
    response_class=HTMLResponse,
    dependencies=[Depends(verify_csrf)],
    tags=["pagina's"],
    summary="Aanmelden",
    description="Verstuurt een bevestigingsmail; het abonnement begint na bevestiging.",
)
def subscribe(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    templates: TemplatesDep,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=320)] = "",
    regions: Choice = [],  # noqa: B006  (FastAPI copies defaults per request)
    levels: Choice = [],  # noqa: B006
    themes: Choice = [],  # noqa: B006
    doelgroepen: Choice = [],  # noqa: B006
    frequency: Annotated[str, Form(max_length=20)] = Frequency.DIRECT,
) -> HTMLResponse:
    now = now_utc(request)
    client = client_key(request.client.host if request.client else "", _salt(config))
    req = SubscriptionRequest(email, tuple(regions), tuple(levels), tuple(themes),
                              tuple(doelgroepen), frequency)  # fmt: skip
    since = now - timedelta(minutes=config.alerts.subscribe_window_minutes)
    try:
        if (
            recent_requests(session, since=since, client=client)
            >= config.alerts.subscribe_per_client
        ):
            raise SubscribeError("Te veel aanmeldingen vanaf dit adres. Probeer het later opnieuw.")
        create_subscription(session, config, req, now, client)
        session.commit()
    except SubscribeError as exc:
        session.rollback()
        status = 429 if "Te veel" in str(exc) or "al meerdere" in str(exc) else 400
        context = _form_context(
            config, error=str(exc), chosen=req.__dict__, csrf=csrf_token(request)
        )
        return templates.TemplateResponse(request, "pages/subscribe.html", context, status)
    background.add_task(send_pending_mail, config, request.app.state.engine, now)
    return templates.TemplateResponse(request, "pages/subscribe_done.html", {"state": "sent"})


def send_pending_mail(config: Config, engine: Engine, now: datetime) -> None:
    """Send the outbox now (the new confirmation among it); failures wait for the next run."""
    from tracker.alerts.notify import notify

    result = notify(config, engine, now=now)
    if result.error:
        logger.warning(
            "mail nu niet verstuurd, blijft wachten op `tracker notify`: %s", result.error
        )


def _salt(config: Config) -> str:
    return secret(config.web.secret_key_env) or "subsidie-tracker"


@router.get(
    "/bevestigen/{token}",
    response_class=HTMLResponse,
    tags=["pagina's"],
    summary="Bevestigingspagina",
    description="HTML: de knop die een aanmelding bevestigt.",
)
def confirm_page(request: Request, token: str, templates: TemplatesDep) -> HTMLResponse:
    context = {"state": "confirm", "action": f"/bevestigen/{token}"}
    return templates.TemplateResponse(request, "pages/subscribe_done.html", context)


@router.post(
    "/bevestigen/{token}",
    response_class=HTMLResponse,
    tags=["pagina's"],
    summary="Aanmelding bevestigen",
    description="Zet het abonnement aan.",
)
def confirm(
    request: Request, token: str, session: SessionDep, config: ConfigDep, templates: TemplatesDep
) -> HTMLResponse:
    sub = confirm_subscription(session, token, now_utc(request),
                               valid_days=config.alerts.confirm_days)  # fmt: skip
    session.commit()
    state, status = ("confirmed", 200) if sub else ("invalid", 404)
    return templates.TemplateResponse(request, "pages/subscribe_done.html", {"state": state},
                                      status)  # fmt: skip


@router.get(
    "/afmelden/{token}",
    response_class=HTMLResponse,
    tags=["pagina's"],
    summary="Afmeldpagina",
    description="HTML: de knop die een abonnement beëindigt.",
)
def unsubscribe_page(request: Request, token: str, templates: TemplatesDep) -> HTMLResponse:
    context = {"state": "unsubscribe", "action": f"/afmelden/{token}"}
    return templates.TemplateResponse(request, "pages/subscribe_done.html", context)


@router.post(
    "/afmelden/{token}",
    response_class=HTMLResponse,
    tags=["pagina's"],
    summary="Afmelden",
    description="Beëindigt het abonnement.",
)
def unsubscribe_now(
    request: Request, token: str, session: SessionDep, templates: TemplatesDep
) -> HTMLResponse:
    sub = unsubscribe(session, token, now_utc(request))
    session.commit()
    state, status = ("unsubscribed", 200) if sub else ("invalid", 404)
    return templates.TemplateResponse(request, "pages/subscribe_done.html", {"state": state},
                                      status)  # fmt: skip
