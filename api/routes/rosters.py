"""`POST /v1/rosters/propose`: a roster problem in, a priced roster result out, synchronously.

The solve runs in the bounded pool, off the event loop, within the problem's time limit capped
by the server's. A caller who hangs up stops the solve. Long solves belong in `/v1/jobs`.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Request

from api import examples
from api.deps import PoolDep, PrincipalDep, SettingsDep, authorize
from api.pool import Ticket
from api.routes.common import errors
from api.solving import agency_id_of, busy, prepare, submit_solve
from models.problem import Problem
from models.result import RosterResult

router = APIRouter(prefix="/v1/rosters", tags=["rosters"])

HANGUP_POLL_S = 0.25


@router.post(
    "/propose",
    response_model=RosterResult,
    summary="Propose a priced roster",
    responses={
        200: {"content": {"application/json": {"example": examples.ROSTER_RESULT}}},
        **errors(401, 403, 413, 422, 503),
    },
)
async def propose(
    problem: Annotated[Problem, Body(openapi_examples=examples.PROBLEM_EXAMPLES)],
    request: Request,
    principal: PrincipalDep,
    pool: PoolDep,
    settings: SettingsDep,
) -> RosterResult:
    """Staff the requests with eligible officers, spread the hours fairly and price the roster.

    Returns within `options.time_limit_s` (capped by the server) with the best roster found and
    its `status` (`optimal`, or `feasible` when the time limit cut the search short).
    """
    authorize(request, principal, agency_id_of(problem.agency))
    problem = prepare(problem, settings)
    ticket = submit_solve(pool, problem, settings, {"request_id": request.state.request_id})
    try:
        return await _result_unless_hung_up(request, ticket)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            ticket.cancel()
            raise
        # The pool dropped the solve from its queue: the service is shutting down.
        raise busy(settings, "the service is shutting down") from None


async def _result_unless_hung_up(request: Request, ticket: Ticket[RosterResult]) -> RosterResult:
    """The solve's result; if the caller hangs up first, stop the solve (nobody will read it)."""
    result = asyncio.wrap_future(ticket.future)
    while True:
        done, _ = await asyncio.wait({result}, timeout=HANGUP_POLL_S)
        if done:
            return result.result()
        if await request.is_disconnected():
            ticket.cancel()
            raise HTTPException(499, "client closed the request")
