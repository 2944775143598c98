"""The job store: states read off the ticket, expiry, room-making, and InputError locations."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, cast

import pytest

from api.jobstore import JobStore, StoreFull, field_loc, input_error_detail
from api.pool import SolvePool, Ticket
from models.common import InputError
from models.result import RosterResult


def test_field_locations_follow_pydantic() -> None:
    assert field_loc("agency") == ["agency"]
    assert field_loc("vehicle.kind") == ["vehicle", "kind"]
    assert field_loc("requests[0] (R-1).customer_rate") == ["requests", 0, "customer_rate"]
    assert field_loc("officers[2] (K-1).availability[0].end") == [
        "officers", 2, "availability", 0, "end"]
    assert field_loc("keys.json: [0]") == ["keys.json: [0]"]


def test_input_error_detail_keeps_the_id_in_the_message() -> None:
    (detail,) = input_error_detail(InputError("requests[3] (R-9).start", "naive"))
    assert detail.loc == ["body", "requests", 3, "start"]
    assert detail.msg == "requests[3] (R-9).start: naive"
    (plain,) = input_error_detail(InputError("agency", "unknown"))
    assert (plain.loc, plain.msg) == (["body", "agency"], "unknown")
    assert input_error_detail(InputError("", "bad"))[0].loc == ["body"]


def submit(pool: SolvePool, work: Callable[[threading.Event], Any]) -> Ticket[RosterResult]:
    """Submit work that stands in for a solve (the store never looks inside a result)."""
    return cast(Ticket[RosterResult], pool.submit(work, time_limit_s=5))


@pytest.fixture
def pool() -> SolvePool:
    return SolvePool(workers=1, queue_size=5, grace_s=0)


def test_states_from_queued_to_done_and_failed(pool: SolvePool) -> None:
    store = JobStore(ttl_s=60, max_jobs=5)
    gate = threading.Event()
    first = store.add("a", "rockport-tx", "k", submit(pool, lambda s: gate.wait(5)))
    second = store.add("b", "rockport-tx", "k", submit(pool, _fail))
    while first.state != "running":
        time.sleep(0.01)
    assert second.state == "queued"
    gate.set()
    second.ticket.future.exception(timeout=5)
    assert (first.state, second.state) == ("done", "failed")
    error = second.status().error
    assert error is not None and error[0].loc == ["body", "agency"]
    pool.shutdown()


def _fail(stop: threading.Event) -> None:
    raise InputError("agency", "unknown")


def test_full_store_evicts_the_oldest_finished_job_or_refuses(pool: SolvePool) -> None:
    store = JobStore(ttl_s=60, max_jobs=2)
    done = store.add("a", "x", "k", submit(pool, lambda s: None))
    done.ticket.future.result(timeout=5)
    gate = threading.Event()
    store.add("b", "x", "k", submit(pool, lambda s: gate.wait(5)))
    store.make_room()
    assert store.get("a") is None and store.get("b") is not None
    store.add("c", "x", "k", submit(pool, lambda s: gate.wait(5)))
    with pytest.raises(StoreFull):
        store.make_room()
    gate.set()
    pool.shutdown()


def test_finished_jobs_expire(pool: SolvePool) -> None:
    store = JobStore(ttl_s=0.05, max_jobs=5)
    store.add("a", "x", "k", submit(pool, lambda s: None)).ticket.future.result(timeout=5)
    assert store.get("a") is not None
    time.sleep(0.1)
    assert store.get("a") is None and len(store) == 0
    pool.shutdown()
