"""A solve in a child process, so that nothing it does can stall the service's event loop.

CP-SAT searches without the GIL, but parts of a solve hold it for seconds at the largest sizes
(OR-Tools' min-cost flow behind the coverage bound, for one: 3 s at 2,000 officers and 4,800
requests), and while they do, no other thread of the process runs: `/healthz` would wait. So the
service runs each solve in a child forked from a server that has already imported the scheduler
(fast to start), hands it the problem as JSON, and gets the result back as JSON through a pipe.
The pool's stop event is relayed to the child; the child's log lines carry the same request id
and go to the same stream as JSON. The child exits after its one solve, freeing its memory.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from typing import Any, cast

from api.logs import log_context, setup_logging
from models.common import InputError
from models.problem import Problem
from models.result import RosterResult

logger = logging.getLogger(__name__)

POLL_S = 0.05
_context: ForkServerContext | None = None
_context_lock = threading.Lock()


class SolverCrashed(RuntimeError):
    """The child died or failed without a result."""


def _fork_context() -> ForkServerContext:
    global _context
    with _context_lock:
        if _context is None:
            context = cast(ForkServerContext, multiprocessing.get_context("forkserver"))
            context.set_forkserver_preload(["api.isolation", "scheduler.solve.solver"])
            _context = context
        return _context


def _ready() -> None:
    """A child that does nothing: the first child makes the fork server import the scheduler."""


def warm() -> None:
    """Start the fork server and let it import the scheduler now, at the service's start, not
    inside the first solve's limit: after a restart the first 1 s solve answered after 1.99 s,
    1.2 s of it the fork server's start, outside the solver's clock."""
    child = _fork_context().Process(target=_ready, daemon=True)
    child.start()
    child.join()


def _child(problem_json: str, out: Connection, stop: Any, fields: dict[str, Any],
           level: int) -> None:
    """The child's whole life: log like the parent, solve, send the result or the error."""
    setup_logging(logging.getLevelName(level))
    log_context.set(fields)
    from scheduler.solve.solver import solve  # preloaded by the fork server

    try:
        result = solve(Problem.model_validate_json(problem_json), stop_event=stop)
        out.send(("ok", result.model_dump_json()))
    except InputError as exc:
        out.send(("input_error", (exc.field, exc.message)))
    except Exception as exc:  # reported to the parent, which logs and answers 500
        logger.exception("solve failed in the child process")
        out.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        out.close()


def solve_isolated(problem: Problem, *, stop_event: threading.Event) -> RosterResult:
    """`solve(problem)` in a child process; `stop_event` stops it early, as in-process."""
    context = _fork_context()
    stop = context.Event()
    receive, send = context.Pipe(duplex=False)
    fields = dict(log_context.get() or {})
    child = context.Process(
        target=_child,
        args=(problem.model_dump_json(), send, stop, fields, logging.getLogger().level),
        daemon=True,
    )
    child.start()
    send.close()
    try:
        kind, payload = _wait(receive, child, stop, stop_event)
    finally:
        receive.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    if kind == "ok":
        return RosterResult.model_validate_json(payload)
    if kind == "input_error":
        raise InputError(*payload)
    raise SolverCrashed(payload)


def _wait(
    receive: Connection, child: Any, stop: Any, stop_event: threading.Event
) -> tuple[str, Any]:
    """The child's one message, relaying a stop to it meanwhile."""
    while not receive.poll(POLL_S):
        if stop_event.is_set():
            stop.set()
        if not child.is_alive() and not receive.poll(0):
            raise SolverCrashed(f"the solver process ended with exit code {child.exitcode}")
    try:
        message: tuple[str, Any] = receive.recv()
    except EOFError as exc:
        raise SolverCrashed("the solver process ended without a result") from exc
    return message
