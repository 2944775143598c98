"""The console's pages: sign-in and sign-out, the board, the unfilled tray, "why not this
officer?" and the quote form. Actions that change data live in `api.console.actions`."""

from __future__ import annotations

import logging
import secrets
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.console.board import STATES, BoardQuery, build_board
from api.console.deps import (
    agencies_for,
    check_csrf,
    chosen_agency,
    current_session,
    form_of,
    get_store,
    render,
    signer,
)
from api.console.session import COOKIE, SIGNIN_COOKIE, ConsoleSession
from api.console.times import agency_zone
from api.console.tray import tray, why_not
from models.common import InputError, describe_validation_error
from models.quote import QuoteRequest
from scheduler.input_bounds import typed_date
from scheduler.pricing.rates import quote
from store import Store
from store.console_sessions import revoke_session
from store.roster import latest_runs

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[ConsoleSession, Depends(current_session)]
StoreDep = Annotated[Store, Depends(get_store)]
SIGNIN_COOKIE_S = 3600  # how long a sign-in form stays good


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request) -> Response:
    """The sign-in form, its token paired with a pre-session cookie (kept if already set)."""
    presession = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(16)
    return _signin_form(request, presession)


def _signin_form(request: Request, presession: str, code: int = 200,
                 error: str | None = None) -> Response:
    response = render(request, "signin.html", code, error=error,
                      csrf=signer(request).signin_token(presession))
    response.set_cookie(SIGNIN_COOKIE, presession, max_age=SIGNIN_COOKIE_S, httponly=True,
                        samesite="strict", path="/signin",
                        secure=request.app.state.settings.console_secure_cookie)
    return response


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Exchange an API key for a session cookie (HttpOnly, SameSite=Strict, expiring); the form
    must carry the token of the browser's pre-session cookie (else 403, nothing issued)."""
    form = await form_of(request)
    presession = request.cookies.get(SIGNIN_COOKIE)
    if not signer(request).signin_ok(presession, form.get("csrf")):
        raise HTTPException(403, "csrf: the sign-in form's token is missing or stale; "
                                 "reload the page")
    assert presession is not None
    principal = request.app.state.keys.identify(form.get("key", ""))
    if principal is None:
        return _signin_form(request, presession, 401, "key: not a key this service knows")
    cookie, session = signer(request).issue(principal)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, cookie, max_age=int(signer(request).lifetime_s), httponly=True,
                        samesite="strict", secure=request.app.state.settings.console_secure_cookie,
                        path="/")
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")
    log.info("console sign-in by %s", principal.name)
    return response


@router.post("/signout")
async def signout(request: Request, session: SessionDep, store: StoreDep) -> Response:
    """End the session for every process sharing the store, then drop the cookie."""
    check_csrf(request, session, await form_of(request))
    revoke_session(store, session.session_id, session.principal.name, session.expires)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return typed_date(text, "day")
    except InputError as exc:
        raise HTTPException(400, str(exc)) from exc


@router.get("/", response_class=HTMLResponse)
def board_page(
    request: Request, session: SessionDep, store: StoreDep,
    agency: str | None = None, day: str | None = None,
    span: Annotated[str, Query(pattern="^(day|week)$")] = "week",
    officer: str | None = None, req: Annotated[str | None, Query(alias="request")] = None,
    status: str | None = None,
) -> Response:
    """The roster board of a day or a week, one row per officer."""
    agency_id = chosen_agency(store, session, agency)
    if status and status not in STATES:
        raise HTTPException(400, f"status: one of {', '.join(STATES)}, got {status!r}")
    query = BoardQuery(_day(day), span, officer or None, req or None, status or None)
    with store.transaction() as db:
        board = build_board(db, agency_id, query)
        runs = latest_runs(db, agency_id)
    return render(request, "board.html", session=session, agency=agency_id, board=board,
                  agencies=agencies_for(store, session), run=runs[0] if runs else None,
                  states=STATES, page="board")


@router.get("/unfilled", response_class=HTMLResponse)
def unfilled_page(request: Request, session: SessionDep, store: StoreDep,
                  agency: str | None = None) -> Response:
    """Unfilled positions by start, with reasons and officers, and refused requests."""
    agency_id = chosen_agency(store, session, agency)
    with store.transaction() as db:
        runs = latest_runs(db, agency_id)
    run = runs[0] if runs else None
    unfilled, refused = tray(run)
    return render(request, "unfilled.html", session=session, agency=agency_id, run=run,
                  unfilled=unfilled, refused=refused, agencies=agencies_for(store, session),
                  tz=agency_zone(store, agency_id), page="unfilled")


@router.get("/whynot", response_class=HTMLResponse)
def why_not_page(request: Request, session: SessionDep, store: StoreDep,
                 req: Annotated[str, Query(alias="request")], start: str, end: str,
                 agency: str | None = None) -> Response:
    """Officers who could take an unfilled position if one rule were lifted."""
    agency_id = chosen_agency(store, session, agency)
    try:
        held = why_not(store, agency_id, req, start, end)
    except InputError as exc:
        raise HTTPException(400, str(exc)) from exc
    return render(request, "whynot.html", session=session, agency=agency_id, request_id=req,
                  start=start, end=end, held=held, agencies=agencies_for(store, session),
                  tz=agency_zone(store, agency_id), page="unfilled")


@router.get("/quotes", response_class=HTMLResponse)
def quote_page(request: Request, session: SessionDep, store: StoreDep,
               agency: str | None = None) -> Response:
    agency_id = chosen_agency(store, session, agency)
    return render(request, "quote.html", session=session, agency=agency_id, form={},
                  agencies=agencies_for(store, session), page="quotes")


@router.post("/quotes", response_class=HTMLResponse)
async def quote_post(request: Request, session: SessionDep, store: StoreDep) -> Response:
    """Price a request with the rate engine (the same `quote` as the CLI and the API)."""
    form = await form_of(request)
    check_csrf(request, session, form)
    agency_id = chosen_agency(store, session, form.get("agency"))
    data = {"agency": agency_id, "start": form.get("start"), "end": form.get("end"),
            "received_at": form.get("received_at"), "officers": form.get("officers") or 1,
            "job_type": form.get("job_type") or "regular"}
    context = {"session": session, "agency": agency_id, "form": form, "page": "quotes",
               "agencies": agencies_for(store, session)}
    try:
        result = quote(QuoteRequest.model_validate(data))
    except ValidationError as exc:
        return render(request, "quote.html", 400, error=str(describe_validation_error(exc, data)),
                      **context)
    except InputError as exc:
        return render(request, "quote.html", 400, error=str(exc), **context)
    return render(request, "quote.html", result=result, zero=Decimal(0), **context)
