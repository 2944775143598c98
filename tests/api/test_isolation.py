"""Solves in a child process: the same roster as in-process, input errors kept, stops relayed."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from api.isolation import solve_isolated
from models.common import InputError
from models.problem import Problem
from scheduler.solve.solver import solve
from scheduler.validate.validator import validate


def _deterministic(small: dict[str, Any]) -> Problem:
    options = {"time_limit_s": 5, "num_workers": 1, "deterministic": True, "seed": 3}
    return Problem.model_validate(small | {"options": options})


def test_child_gives_the_roster_the_solver_gives_in_process(small: dict[str, Any]) -> None:
    problem = _deterministic(small)
    child = solve_isolated(problem, stop_event=threading.Event())
    here = solve(problem)
    assert child.status == here.status == "optimal"
    assert child.assignments == here.assignments
    assert child.pricing == here.pricing
    assert child.metrics == here.metrics
    assert child.metrics.positions_requested == 7
    assert validate(problem, child).violations == []


def test_input_error_in_the_child_is_an_input_error_here(small: dict[str, Any]) -> None:
    small["requests"][0]["customer_rate"] = "Nobody"
    with pytest.raises(InputError) as caught:
        solve_isolated(_deterministic(small), stop_event=threading.Event())
    assert caught.value.field == "requests[0] (REQ-00001).customer_rate"


def test_a_stop_reaches_the_child_which_answers_its_best_roster_early() -> None:
    from tests.api.conftest import load_example

    problem = Problem.model_validate(load_example("kennesaw-week.json", time_limit_s=60))
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    started = time.perf_counter()
    result = solve_isolated(problem, stop_event=stop)
    assert time.perf_counter() - started < 15
    assert result.status == "feasible"
    assert result.assignments
    assert validate(problem, result).violations == []
