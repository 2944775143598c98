"""A bounded pool of solve workers, off the event loop.

Solves run in a `ThreadPoolExecutor`; each thread hands its solve to a child process and waits
(`api.isolation`: parts of a large solve hold the GIL for seconds, which a thread in this process
would make the event loop wait for). The executor's own queue is unbounded, so the pool counts
its slots itself: `workers` solves run and at most `queue_size` more wait; beyond that `submit`
refuses at once with `PoolFull` and the caller answers 503. Each solve carries a stop event: the
caller sets it to cancel, and a watchdog sets it once the time limit plus a grace has passed, in
case a solve overruns its own limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class PoolFull(Exception):
    """Every worker is busy and the queue is full; try again later."""


class PoolClosed(Exception):
    """The pool is shutting down and takes no more work."""


@dataclass(eq=False)  # identity, so tickets can live in a set
class Ticket(Generic[T]):
    """A submitted solve: its future, its stop event, and when it started and finished."""

    future: Future[T]
    stop_event: threading.Event
    submitted_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def started(self) -> bool:
        return self.started_at is not None

    def cancel(self) -> bool:
        """Drop the solve from the queue, or tell a running one to stop; True if it never ran."""
        self.stop_event.set()
        return self.future.cancel()


class SolvePool:
    """`workers` threads and a queue of `queue_size`; `submit` never blocks."""

    def __init__(self, workers: int, queue_size: int, grace_s: float = 5.0) -> None:
        self.workers = workers
        self.queue_size = queue_size
        self._grace_s = grace_s
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="offduty-solve")
        self._lock = threading.Lock()
        self._tickets: set[Ticket[Any]] = set()
        self._closed = False

    @property
    def capacity(self) -> int:
        return self.workers + self.queue_size

    def stats(self) -> dict[str, int]:
        with self._lock:
            running = sum(1 for t in self._tickets if t.started)
            return {
                "workers": self.workers,
                "queue_size": self.queue_size,
                "running": running,
                "queued": len(self._tickets) - running,
            }

    @property
    def alive(self) -> bool:
        return not self._closed

    def submit(self, work: Callable[[threading.Event], T], time_limit_s: float) -> Ticket[T]:
        """Queue `work(stop_event)`; raise `PoolFull` or `PoolClosed` instead of waiting."""
        ticket: Ticket[T] = Ticket(future=Future(), stop_event=threading.Event())
        with self._lock:
            if self._closed:
                raise PoolClosed("the solve pool is shutting down")
            if len(self._tickets) >= self.capacity:
                raise PoolFull(f"{self.workers} solves running and {self.queue_size} waiting")
            self._tickets.add(ticket)
            ticket.future = self._executor.submit(self._run, ticket, work, time_limit_s)
        ticket.future.add_done_callback(lambda _: self._release(ticket))
        return ticket

    def _run(self, ticket: Ticket[T], work: Callable[[threading.Event], T], limit_s: float) -> T:
        ticket.started_at = time.monotonic()
        watchdog = threading.Timer(limit_s + self._grace_s, ticket.stop_event.set)
        watchdog.daemon = True
        watchdog.start()
        try:
            return work(ticket.stop_event)
        finally:
            watchdog.cancel()

    def _release(self, ticket: Ticket[T]) -> None:
        ticket.finished_at = time.monotonic()
        with self._lock:
            self._tickets.discard(ticket)

    def shutdown(self, wait: bool = True) -> None:
        """Refuse new work, stop running solves, drop queued ones."""
        with self._lock:
            self._closed = True
            tickets = list(self._tickets)
        for ticket in tickets:
            ticket.stop_event.set()
        self._executor.shutdown(wait=wait, cancel_futures=True)
