"""`POST /v1/rosters/propose`: a roster problem in, a priced roster result out, synchronously.

The body is checked, the solve runs and the result is rendered as JSON, each off the event loop
(a full-size problem or roster takes a while at each step, and `/healthz` must not wait on it);
the solve runs in the bounded pool within the problem's time limit capped by the server's. A
caller who hangs up stops the solve. Long solves belong in `/v1/jobs`.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from api import examples
from api.bodies import Deferred
from api.deps import PoolDep, PrincipalDep, SettingsDep
from api.pool import Ticket
from api.routes.common import errors
from api.solving import accept, busy, submit_solve
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
    body: Annotated[Any, Deferred(Problem), Body(openapi_examples=examples.PROBLEM_EXAMPLES)],
    request: Request,
    principal: PrincipalDep,
    pool: PoolDep,
    settings: SettingsDep,
) -> Response:
    """Staff the requests with eligible officers, spread the hours fairly and price the roster.

    Returns within `options.time_limit_s` (capped by the server) with the best roster found and
    its `status` (`optimal`, or `feasible` when the time limit cut the search short).
    """
    problem = await run_in_threadpool(accept, body, request, principal, settings)
    ticket = submit_solve(pool, problem, settings, {"request_id": request.state.request_id})
    try:
        result = await _result_unless_hung_up(request, ticket)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            ticket.cancel()
            raise
        # The pool dropped the solve from its queue: the service is shutting down.
        raise busy(settings, "the service is shutting down") from None
    content = await run_in_threadpool(result.model_dump_json)
    return Response(content=content, media_type="application/json")


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
