"""The solve pool: a fixed number of places, refusal beyond them, cancel, watchdog, shutdown."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from api.pool import PoolClosed, PoolFull, SolvePool


def _blocker(started: threading.Event) -> Callable[[threading.Event], str]:
    def work(stop: threading.Event) -> str:
        started.set()
        stop.wait(10)
        return "stopped" if stop.is_set() else "timed out"

    return work


def test_workers_plus_queue_places_then_pool_full() -> None:
    pool = SolvePool(workers=1, queue_size=2, grace_s=0)
    started = threading.Event()
    tickets = [pool.submit(_blocker(started), time_limit_s=10) for _ in range(3)]
    assert started.wait(5)
    assert pool.stats() == {"workers": 1, "queue_size": 2, "running": 1, "queued": 2}
    with pytest.raises(PoolFull):
        pool.submit(_blocker(started), time_limit_s=10)
    tickets[0].cancel()
    assert tickets[0].future.result(timeout=5) == "stopped"
    pool.shutdown()


def test_cancelling_a_queued_ticket_frees_its_place_without_running() -> None:
    pool = SolvePool(workers=1, queue_size=1, grace_s=0)
    started = threading.Event()
    running = pool.submit(_blocker(started), time_limit_s=10)
    assert started.wait(5)
    queued = pool.submit(lambda stop: "ran", time_limit_s=10)
    assert queued.cancel() is True
    assert queued.future.cancelled() and not queued.started
    assert pool.submit(lambda stop: "ran", time_limit_s=10) is not None  # its place is free
    running.cancel()
    pool.shutdown()


def test_watchdog_stops_a_solve_that_overruns_its_limit() -> None:
    pool = SolvePool(workers=1, queue_size=0, grace_s=0.1)
    started = threading.Event()
    began = time.monotonic()
    ticket = pool.submit(_blocker(started), time_limit_s=0.1)
    assert ticket.future.result(timeout=5) == "stopped"
    assert time.monotonic() - began < 2
    assert ticket.started_at is not None and ticket.finished_at is not None
    pool.shutdown()


def test_shutdown_stops_running_work_and_refuses_more() -> None:
    pool = SolvePool(workers=1, queue_size=1, grace_s=0)
    started = threading.Event()
    running = pool.submit(_blocker(started), time_limit_s=10)
    queued = pool.submit(lambda stop: "ran", time_limit_s=10)
    assert started.wait(5)
    pool.shutdown(wait=True)
    assert running.future.result() == "stopped"
    assert queued.future.cancelled()
    assert not pool.alive
    with pytest.raises(PoolClosed):
        pool.submit(lambda stop: "ran", time_limit_s=1)


def test_an_exception_in_work_reaches_the_caller_and_frees_the_place() -> None:
    pool = SolvePool(workers=1, queue_size=0, grace_s=0)

    def boom(stop: threading.Event) -> None:
        raise ValueError("bad")

    with pytest.raises(ValueError, match="bad"):
        pool.submit(boom, time_limit_s=1).future.result(timeout=5)
    assert pool.submit(lambda stop: 1, time_limit_s=1).future.result(timeout=5) == 1
    pool.shutdown()
