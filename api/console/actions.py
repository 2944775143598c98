"""The console's actions: each posts a form with the session's CSRF token and calls the very
store function the command line calls, attributed to the signed-in key in the audit trail. The
nightly run goes to the background and its page shows its progress (`api.console.nightly_runs`).

A user mistake (unknown request, bad time) answers 400 naming the field; a hand move that
breaks a hard rule answers 409 with the rule's code and sentence; neither changes anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from api.console.deps import (
    agencies_for,
    check_csrf,
    chosen_agency,
    current_session,
    form_of,
    get_store,
    render,
)
from api.console.nightly_runs import get_run, start_run
from api.console.session import ConsoleSession
from api.console.times import agency_zone, request_when
from models import InputError
from models.common import elapsed
from scheduler.input_bounds import typed_number, typed_time, typed_whole
from store import Store
from store.audit import acting_as
from store.hand import MoveRefused, assign, move, unassign
from store.run_progress import RunProgress
from store.settings import StoreSettings
from store.workflow import cancel, confirm, price_cancel, record_worked

log = logging.getLogger(__name__)

router = APIRouter(prefix="/actions", include_in_schema=False)
SessionDep = Annotated[ConsoleSession, Depends(current_session)]
StoreDep = Annotated[Store, Depends(get_store)]


def _aware(form: dict[str, str], field: str, required: bool = True) -> datetime | None:
    """A time from the form (`typed_time`: with its offset, within the supported years)."""
    text = form.get(field, "")
    if not text:
        if required:
            raise InputError(field, "required")
        return None
    return typed_time(text, field)


async def _act(request: Request, session: ConsoleSession, store: Store, title: str,
               action: Callable[[dict[str, str], str], dict[str, Any]]) -> Response:
    """Check the token and the agency, run the action as the key, render what it did."""
    form = await form_of(request)
    check_csrf(request, session, form)
    agency = chosen_agency(store, session, form.get("agency"))
    context = {"session": session, "agency": agency, "title": title, "page": "actions",
               "agencies": agencies_for(store, session)}
    try:
        with acting_as(session.principal.name):
            outcome = action(form, agency)
    except MoveRefused as exc:
        log.info("console move refused: %s", exc)
        return render(request, "result.html", 409, refused=exc, error=str(exc), **context)
    except InputError as exc:
        return render(request, "result.html", 400, error=str(exc), **context)
    if "redirect" in outcome:
        return RedirectResponse(outcome["redirect"], status_code=303)
    return render(request, outcome.pop("template", "result.html"), **outcome, **context)


@router.post("/nightly")
async def nightly(request: Request, session: SessionDep, store: StoreDep) -> Response:
    """Start the nightly run in the background and send the browser to watch it."""
    def run(form: dict[str, str], agency: str) -> dict[str, Any]:
        now = _aware(form, "now", required=False) or datetime.now(UTC)
        # The command's bounds (`offduty nightly --horizon`, `--time-limit`): NaN, 1e308 or a
        # year-9999 `now` had started a run that failed in the background, or answered 500.
        defaults = StoreSettings()
        days = form.get("horizon_days") or ""
        limit = form.get("time_limit_s") or ""
        started = start_run(
            store, session.principal.name, agency, now,
            typed_whole(days, "horizon_days", 1, 366) if days else defaults.horizon_days,
            typed_number(limit, "time_limit_s", 0, 3600, low_open=True) if limit
            else defaults.time_limit_s,
        )
        return {"redirect": f"/actions/nightly/{started.id}?agency={agency}"}

    return await _act(request, session, store, "Nightly assignment", run)


@router.get("/nightly/{run_id}", response_class=HTMLResponse)
def nightly_page(request: Request, run_id: str, session: SessionDep, store: StoreDep,
                 agency: str | None = None) -> Response:
    """The run's phase and percentage (the page polls `progress`), then its run record."""
    agency_id = chosen_agency(store, session, agency)
    found = _run_of(store, run_id, session)
    return render(request, "nightly.html", session=session, agency=agency_id, run=found,
                  title="Nightly assignment", agencies=agencies_for(store, session),
                  page="board")


@router.get("/nightly/{run_id}/progress")
def nightly_progress(run_id: str, session: SessionDep, store: StoreDep) -> JSONResponse:
    """The run's phase, percentage and, once done, its run record lines, as JSON (read from the
    store, so any process sharing it answers)."""
    return JSONResponse(_run_of(store, run_id, session).as_json(),
                        headers={"Cache-Control": "no-store"})


def _run_of(store: Store, run_id: str, session: ConsoleSession) -> RunProgress:
    found = get_run(store, run_id, session.principal.name)
    if found is None:
        raise HTTPException(404, f"run: no console run {run_id!r} for this key (it may have "
                                 "ended more than a day ago)")
    return found


@router.post("/confirm")
async def confirm_shifts(request: Request, session: SessionDep, store: StoreDep) -> Response:
    def run(form: dict[str, str], agency: str) -> dict[str, Any]:
        target = form.get("request") or None
        count = confirm(store, target, agency=agency)
        return {"lines": [f"confirmed {count} proposed shift(s)"
                          f"{' on ' + target if target else ''}"]}

    return await _act(request, session, store, "Confirm", run)


@router.post("/cancel")
async def cancel_request(request: Request, session: SessionDep, store: StoreDep) -> Response:
    """`step=preview` shows the charge; `step=commit` cancels (the same notice time)."""
    def run(form: dict[str, str], agency: str) -> dict[str, Any]:
        target = form.get("request", "")
        if not target:
            raise InputError("request", "required")
        at = _aware(form, "at", required=False) or datetime.now(UTC)
        officer = form.get("officer") or None
        if form.get("step") != "commit":
            charge = price_cancel(store, target, at=at, officer=officer, agency=agency)
            # Shown in the agency's zone beside the shift, to the second (it read UTC with
            # microseconds); the form carries the exact time to the commit.
            local = at.astimezone(agency_zone(store, agency))
            return {"template": "cancel.html", "charge": charge, "at": local.isoformat(),
                    "at_shown": local.strftime("%a %d %b %Y %H:%M:%S %Z"),
                    "officer": officer or "", "request_id": target,
                    "shift_when": request_when(store, agency, target)}
        done = cancel(store, target, at=at, officer=officer, agency=agency)
        return {"lines": [done.summary()], "charge": done}

    return await _act(request, session, store, "Cancel", run)


@router.post("/worked")
async def worked(request: Request, session: SessionDep, store: StoreDep) -> Response:
    def run(form: dict[str, str], agency: str) -> dict[str, Any]:
        start, end = _aware(form, "start"), _aware(form, "end")
        assert start is not None and end is not None
        shift = record_worked(store, form.get("request", ""), form.get("officer", ""), start,
                              end, agency=agency)
        hours = elapsed(start, end) / timedelta(hours=1)
        return {"lines": [f"{form.get('officer')} worked {hours:g} h on {form.get('request')} "
                          f"({shift.state})"]}

    return await _act(request, session, store, "Worked hours", run)


@router.post("/assign")
async def assign_officer(request: Request, session: SessionDep, store: StoreDep) -> Response:
    """Place an officer by hand, or with `replace` hand that officer's shift over in one step
    (`store.hand.move`); either refuses a move that breaks a hard rule and saves nothing."""
    def run(form: dict[str, str], agency: str) -> dict[str, Any]:
        request, officer = form.get("request", ""), form.get("officer", "")
        if form.get("replace"):
            if form.get("end"):
                raise InputError("end", "a replacement keeps the shift's times; leave End empty")
            done = move(store, request, form["replace"], officer,
                        start=_aware(form, "start", False), agency=agency)
        else:
            done = assign(store, request, officer, start=_aware(form, "start", False),
                          end=_aware(form, "end", False), agency=agency)
        return {"lines": [done.summary()]}

    return await _act(request, session, store, "Hand move", run)


@router.post("/unassign")
async def unassign_officer(request: Request, session: SessionDep, store: StoreDep) -> Response:
    def run(form: dict[str, str], agency: str) -> dict[str, Any]:
        done = unassign(store, form.get("request", ""), form.get("officer", ""),
                        start=_aware(form, "start", False), agency=agency)
        return {"lines": [done.summary()]}

    return await _act(request, session, store, "Remove", run)
