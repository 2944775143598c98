"""From problem to pool: the agency check, the caps, and 503 when the pool cannot take it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi import HTTPException

from api.pool import SolvePool
from api.solving import agency_id_of, prepare, retry_after, solver_budget, submit_solve
from models.common import InputError
from models.problem import Problem
from scheduler.agencies import get_agency
from tests.api.conftest import settings


def test_agency_id_of_an_id_or_an_object() -> None:
    assert agency_id_of("rockport-tx") == "rockport-tx"
    assert agency_id_of(get_agency("kennesaw-ga")) == "kennesaw-ga"


def test_prepare_caps_options_and_keeps_the_rest(small: dict[str, Any]) -> None:
    problem = Problem.model_validate(small | {"options": {"time_limit_s": 99, "num_workers": 9,
                                                          "seed": 7}})
    ready = prepare(problem, settings(max_time_limit_s=3, max_solver_threads=2))
    # 3 s minus the service's reserve of 1 ms for each of 5 officers and 6 requests.
    assert (ready.options.time_limit_s, ready.options.num_workers, ready.options.seed) == (
        2.989, 2, 7)
    assert ready.requests == problem.requests
    assert problem.options.time_limit_s == 99  # the caller's problem is not changed


def test_solver_budget_keeps_a_reserve_per_item_and_at_least_half() -> None:
    assert solver_budget(30, 6_800) == 23.2  # 2,000 officers, 4,800 requests: 6.8 s kept
    assert solver_budget(10, 6_800) == 5.0  # the reserve is at most half the limit
    assert solver_budget(2, 0) == 2.0


def test_prepare_refuses_an_unknown_agency(small: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="unknown agency 'gotham-nj'"):
        prepare(Problem.model_validate(small | {"agency": "gotham-nj"}), settings())


def test_retry_after_is_about_one_solve() -> None:
    assert retry_after(settings(max_time_limit_s=0.2)) == "1"
    assert retry_after(settings(max_time_limit_s=12.5)) == "13"
    assert retry_after(settings(max_time_limit_s=600)) == "60"


def test_submit_to_a_full_or_closed_pool_is_503(small: dict[str, Any]) -> None:
    problem = Problem.model_validate(small)
    pool = SolvePool(workers=1, queue_size=0, grace_s=0)
    gate = threading.Event()
    pool.submit(lambda stop: gate.wait(5), time_limit_s=5)
    with pytest.raises(HTTPException) as full:
        submit_solve(pool, problem, settings(max_time_limit_s=4), {})
    assert (full.value.status_code, full.value.headers) == (503, {"Retry-After": "4"})
    gate.set()
    pool.shutdown()
    with pytest.raises(HTTPException) as closed:
        submit_solve(pool, problem, settings(), {})
    assert "shutting down" in str(closed.value.detail)
