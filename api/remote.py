"""The solve a Dask worker runs for a durable job: JSON in, a tagged JSON answer out.

It lives in a small module of its own so a worker imports only this and the solver. The answer
is tagged like the isolated child's (`api.isolation`): a bad problem comes back as
`("input_error", (field, message))` rather than as an exception to unpickle.
"""

from __future__ import annotations

import logging
from typing import Any

from models.common import InputError
from models.problem import Problem

logger = logging.getLogger(__name__)


def solve_remote(problem_json: str) -> tuple[str, Any]:
    """Solve the problem on this worker; `("ok", result_json)` or a tagged failure."""
    from scheduler.solve.solver import solve

    try:
        result = solve(Problem.model_validate_json(problem_json))
    except InputError as exc:
        return "input_error", (exc.field, exc.message)
    return "ok", result.model_dump_json()
