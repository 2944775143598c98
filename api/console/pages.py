"""The console's pages: sign-in and sign-out, the board, the unfilled tray, "why not this
officer?" and the quote form. Actions that change data live in `api.console.actions`."""

from __future__ import annotations

import logging
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
from api.console.session import COOKIE, ConsoleSession
from api.console.tray import tray, why_not
from models.common import InputError, describe_validation_error
from models.quote import QuoteRequest
from scheduler.pricing.rates import quote
from store import Store
from store.roster import latest_runs

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[ConsoleSession, Depends(current_session)]
StoreDep = Annotated[Store, Depends(get_store)]


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request) -> Response:
    return render(request, "signin.html")


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Exchange an API key for a session cookie (HttpOnly, SameSite=Strict, expiring)."""
    form = await form_of(request)
    principal = request.app.state.keys.identify(form.get("key", ""))
    if principal is None:
        return render(request, "signin.html", 401, error="key: not a key this service knows")
    cookie, session = signer(request).issue(principal)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, cookie, max_age=int(signer(request).lifetime_s), httponly=True,
                        samesite="strict", secure=request.app.state.settings.console_secure_cookie,
                        path="/")
    log.info("console sign-in by %s", principal.name)
    return response


@router.post("/signout")
async def signout(request: Request, session: SessionDep) -> Response:
    check_csrf(request, session, await form_of(request))
    signer(request).revoke(session)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise HTTPException(400, f"day: not a date (YYYY-MM-DD): {text!r}") from exc


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
                  page="unfilled")


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
                  page="unfilled")


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
