"""Getting a roster problem from a request into the solve pool, for proposals and jobs alike.

`accept` turns the decoded body into a `Problem` (call it in a worker thread: a full-size body
takes a while), checks the caller's scope, and `prepare`s it: the agency and the service's limits
are checked (a breach is a 422 before any worker is taken) and the problem's time limit and
CP-SAT threads are capped by the server's settings.
`submit_solve` queues the solve (run in a child process unless the settings say otherwise, see
`api.isolation`) and logs one line when it ends: request id, agency, status, wall
time and coverage, never names; the solver's own lines carry the request id while it runs.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any

from fastapi import HTTPException, Request

from api.bodies import validate_now
from api.deps import authorize
from api.isolation import solve_isolated
from api.limits import check_problem
from api.logs import log_context
from api.pool import PoolClosed, PoolFull, SolvePool, Ticket
from api.security import Principal
from api.settings import Settings
from models.agency import Agency
from models.common import InputError
from models.problem import Problem
from models.result import RosterResult
from scheduler.agencies import resolve_agency
from scheduler.solve.solver import solve

logger = logging.getLogger("api.solve")


def agency_id_of(agency: str | Agency) -> str:
    return agency.id if isinstance(agency, Agency) else agency


# What the service spends on a problem outside the solver's clock (reading and checking the body,
# assembling, validating and pricing the roster, writing it out), per officer and request: about
# 6 s at 2,000 officers and 4,800 requests on two busy cores. It is kept out of the solver's
# budget, so that the answer, not just the search, arrives within the time limit.
RESERVE_S_PER_ITEM = 0.001


def solver_budget(limit_s: float, items: int) -> float:
    """The solver's share of an answer's time limit: all but the reserve, and at least half."""
    return round(limit_s - min(limit_s / 2, RESERVE_S_PER_ITEM * items), 3)


def prepare(problem: Problem, settings: Settings) -> Problem:
    """The problem with its agency and limits checked, and options capped by the server's; the
    time limit left to the solver is the answer's limit minus the service's reserve."""
    resolve_agency(problem.agency)
    check_problem(problem, settings)
    limit_s = min(problem.options.time_limit_s, settings.max_time_limit_s)
    items = len(problem.officers) + len(problem.requests)
    options = problem.options.model_copy(update={
        "time_limit_s": solver_budget(limit_s, items),
        "num_workers": min(problem.options.num_workers, settings.max_solver_threads),
    })
    return problem.model_copy(update={"options": options})


def accept(data: Any, request: Request, principal: Principal, settings: Settings) -> Problem:
    """The body as a checked, prepared problem; 422, or 403 outside the caller's agencies."""
    problem = validate_now(Problem, data)
    authorize(request, principal, agency_id_of(problem.agency))
    return prepare(problem, settings)


def retry_after(settings: Settings) -> str:
    """Seconds to suggest before retrying: about one solve's worth."""
    return str(max(1, math.ceil(min(settings.max_time_limit_s, 60))))


def busy(settings: Settings, what: str) -> HTTPException:
    return HTTPException(503, f"{what}; retry later", {"Retry-After": retry_after(settings)})


def submit_solve(
    pool: SolvePool, problem: Problem, settings: Settings, log_fields: dict[str, object]
) -> Ticket[RosterResult]:
    """Queue the solve; 503 with Retry-After when the pool is full or closing."""

    def work(stop_event: threading.Event) -> RosterResult:
        started = time.perf_counter()
        fields = {**log_fields, "agency": agency_id_of(problem.agency)}
        token = log_context.set(dict(log_fields))
        try:
            run = solve_isolated if settings.solve_in_child else solve
            result = run(problem, stop_event=stop_event)
        except InputError as exc:
            logger.info("solve refused", extra={"fields": {**fields, "status": "input_error",
                                                           "field": exc.field}})
            raise
        except Exception:
            logger.exception("solve failed", extra={"fields": {**fields, "status": "error"}})
            raise
        finally:
            log_context.reset(token)
        logger.info("solve", extra={"fields": {
            **fields,
            "status": result.status,
            "wall_s": round(time.perf_counter() - started, 3),
            "time_limit_s": problem.options.time_limit_s,
            "stopped": stop_event.is_set(),
            "positions_requested": result.metrics.positions_requested,
            "positions_filled": result.metrics.positions_filled,
        }})
        return result

    try:
        return pool.submit(work, time_limit_s=problem.options.time_limit_s)
    except PoolFull as exc:
        raise busy(settings, f"solver busy: {exc}") from exc
    except PoolClosed as exc:
        raise busy(settings, str(exc)) from exc
