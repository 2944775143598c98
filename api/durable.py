"""Durable jobs: `/v1/jobs` kept in the store and solved by whichever API process claims them.

With `OFFDUTY_JOBS_DATABASE` set, a job is written to the store (`store.jobs`) before the 202,
and each API process runs `solve_workers` threads that claim queued jobs one at a time. A
claimed job is solved in a child process on this machine (`api.isolation`) or, with
`OFFDUTY_DASK_ADDRESS`, on that Dask cluster; a heartbeat thread keeps its claim fresh, relays a
cancel (`DELETE`) to the solve, and stops a solve that overruns its limit plus the grace. A
solve whose worker died (the child process, or the Dask worker) is queued again once, then
failed with the reason; a process killed outright leaves a stale heartbeat, which the
maintenance thread of any process turns into a retry or `failed: interrupted`. The same thread
deletes finished jobs past their expiry.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api.isolation import SolverCrashed, solve_isolated
from api.jobstore import input_error_detail
from api.remote import solve_remote
from api.schemas import ErrorDetail, JobStatus
from api.settings import Settings
from models.common import InputError
from models.problem import Problem
from models.result import RosterResult
from scheduler.solve.solver import solve
from store.db import Store
from store.jobs import (
    JobState,
    claim_next,
    finish,
    heartbeat,
    purge_expired,
    recover_stale,
    release,
    requeue_held,
)
from store.schema import JobRow

logger = logging.getLogger(__name__)

Remote = Callable[[str], tuple[str, Any]]
POLL_S = 0.1


class WorkerLost(RuntimeError):
    """The process solving a job died before it answered."""


def job_status(row: JobRow) -> JobStatus:
    """What `GET /v1/jobs/{id}` says about a stored job."""
    error = [ErrorDetail.model_validate(e) for e in row.error] if row.error else None
    if row.state == JobState.FAILED.value and error is None:
        error = [ErrorDetail(loc=[], msg=f"failed: {row.reason}", type=row.reason or "failed")]
    return JobStatus(
        id=row.id, state=row.state, agency=row.agency_id, created_at=row.created_at,
        started_at=row.started_at, finished_at=row.finished_at,
        result=RosterResult.model_validate(row.result) if row.result else None,
        error=error, reason=row.reason, attempts=row.attempts,
    )


class DurableJobs:
    """The solve workers and the maintenance thread of one API process."""

    def __init__(self, store: Store, settings: Settings, remote: Remote = solve_remote) -> None:
        self.store = store
        self.settings = settings
        self.remote = remote
        self.name = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self._closing = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self.client: Any = None

    @property
    def capacity(self) -> int:
        return self.settings.solve_workers + self.settings.queue_size

    def start(self) -> None:
        if self.settings.dask_address:
            from distributed import Client

            self.client = Client(self.settings.dask_address, timeout="10s")
        self.maintain()
        names = [f"{self.name}/{i}" for i in range(self.settings.solve_workers)]
        targets: list[tuple[Callable[..., None], tuple[Any, ...]]] = [
            (self._work, (worker,)) for worker in names
        ]
        targets.append((self._maintain_loop, ()))
        for target, args in targets:
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self._threads.append(thread)
        logger.info("durable jobs: %d solve workers as %s on %s", len(names), self.name,
                    self.settings.dask_address or "this machine")

    def stop(self) -> None:
        """Stop claiming, give back the jobs held (another process or a restart runs them)."""
        self._closing.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=2)
        for i in range(self.settings.solve_workers):
            requeue_held(self.store, f"{self.name}/{i}")
        if self.client is not None:
            self.client.close()

    def wake(self) -> None:
        self._wake.set()

    def maintain(self) -> None:
        """Retry or fail the jobs of dead processes; delete expired jobs."""
        s = self.settings
        recovered = recover_stale(self.store, s.job_stale_s, s.job_attempts, s.job_ttl_s)
        if recovered:
            logger.warning("%d interrupted job(s) recovered: %s", len(recovered),
                           ", ".join(recovered))
        purge_expired(self.store)

    def _maintain_loop(self) -> None:
        while not self._closing.wait(self.settings.job_heartbeat_s):
            try:
                self.maintain()
            except SQLAlchemyError:
                logger.exception("job maintenance failed; trying again")

    def _work(self, worker: str) -> None:
        while not self._closing.is_set():
            try:
                row = claim_next(self.store, worker)
            except SQLAlchemyError:
                logger.exception("claiming a job failed; trying again")
                row = None
            if row is None:
                self._wake.wait(self.settings.job_poll_s)
                self._wake.clear()
                continue
            self._run(row, worker)

    def _run(self, row: JobRow, worker: str) -> None:
        stop, cancelled, done = threading.Event(), threading.Event(), threading.Event()
        problem = Problem.model_validate(row.problem)
        beat = threading.Thread(target=self._beat, daemon=True,
                                args=(row.id, worker, problem, stop, cancelled, done))
        beat.start()
        ttl, started = self.settings.job_ttl_s, time.perf_counter()
        try:
            result = self._solve(problem, stop)
        except InputError as exc:
            details = [d.model_dump() for d in input_error_detail(exc)]
            finish(self.store, row.id, worker, JobState.FAILED, ttl, error=details,
                   reason="input_error")
        except (WorkerLost, SolverCrashed) as exc:
            state = release(self.store, row.id, worker, f"solve worker died: {exc}",
                            self.settings.job_attempts, ttl)
            logger.warning("job %s: solve worker died (%s); now %s", row.id, exc, state)
        except Exception as exc:
            logger.exception("job %s failed", row.id)
            finish(self.store, row.id, worker, JobState.FAILED, ttl,
                   reason=f"internal error while solving: {type(exc).__name__}")
        else:
            state = JobState.CANCELLED if cancelled.is_set() else JobState.DONE
            if result is None and state is JobState.DONE:
                # Stopped on the cluster by the watchdog: Dask hands back no best roster.
                finish(self.store, row.id, worker, JobState.FAILED, ttl,
                       reason="the solve overran its time limit")
                return
            payload = result.model_dump(mode="json") if result is not None else None
            finish(self.store, row.id, worker, state, ttl, result=payload)
            logger.info("job %s %s in %.3f s by %s", row.id, state.value,
                        time.perf_counter() - started, worker)
        finally:
            done.set()

    def _solve(self, problem: Problem, stop: threading.Event) -> RosterResult | None:
        if self.client is not None:
            return self._on_cluster(problem, stop)
        run = solve_isolated if self.settings.solve_in_child else solve
        return run(problem, stop_event=stop)

    def _on_cluster(self, problem: Problem, stop: threading.Event) -> RosterResult | None:
        """The solve on the Dask cluster; None when cancelled (the cluster keeps no best)."""
        from distributed.scheduler import KilledWorker

        future = self.client.submit(self.remote, problem.model_dump_json(), pure=False)
        while not future.done():
            if stop.is_set():
                future.cancel()
                return None
            time.sleep(POLL_S)
        try:
            kind, payload = future.result()
        except KilledWorker as exc:
            raise WorkerLost(str(exc)) from exc
        if kind == "input_error":
            raise InputError(*payload)
        return RosterResult.model_validate_json(payload)

    def _beat(self, job_id: str, worker: str, problem: Problem, stop: threading.Event,
              cancelled: threading.Event, done: threading.Event) -> None:
        deadline = time.monotonic() + problem.options.time_limit_s + self.settings.stop_grace_s
        while not done.wait(self.settings.job_heartbeat_s):
            try:
                asked = heartbeat(self.store, job_id, worker)
            except SQLAlchemyError:
                logger.exception("job %s: heartbeat failed", job_id)
                continue
            if asked:
                cancelled.set()
            if asked is None or asked or time.monotonic() > deadline:
                stop.set()
