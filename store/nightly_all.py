"""Every agency's nightly run in one night, side by side, each written on its own.

The agencies run in threads of this process: each builds its problem, hands the solve to a
process pool (`jobs` processes) or to a Dask cluster (`dask_address`), and writes its proposal
in its own transaction exactly as a single-agency run does (`store.nightly`). An agency whose run
fails (bad data, a crashed solve, a lost worker) writes nothing but a run record with the status
`error` and the reason; the others are written all the same, and the summary names it.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from models import InputError, Problem, RosterResult, SolveOptions
from models.common import describe_validation_error
from scheduler.agencies import get_agency
from store.db import Store
from store.nightly import (
    ATTEMPTS,
    NightlyReport,
    Solver,
    _agencies,
    _check_days,
    _no_pause,
    _Run,
    _run_agency,
    default_solver,
)
from store.problem_builder import Horizon
from store.schema import NightlyRunRow

log = logging.getLogger(__name__)

ERROR = "error"


@dataclass
class AgencyOutcome:
    """One agency's part of the night: its report, or why it failed."""

    agency: str
    wall_s: float
    report: NightlyReport | None = None
    error: str | None = None

    def summary(self) -> str:
        if self.report is not None:
            return self.report.summary()
        return f"{self.agency}: FAILED, nothing written: {self.error}"


@dataclass
class NightReport:
    """The whole night: every agency's outcome, the wall time, and the agencies' own times."""

    outcomes: list[AgencyOutcome] = field(default_factory=list)
    wall_s: float = 0.0
    where: str = ""

    @property
    def failed(self) -> list[AgencyOutcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def agencies_s(self) -> float:
        """The sum of the agencies' own wall times (build, solve, write)."""
        return round(sum(o.wall_s for o in self.outcomes), 3)

    def summary(self) -> str:
        failed = ", ".join(o.agency for o in self.failed) or "none"
        return (f"{len(self.outcomes)} agencies on {self.where} in {self.wall_s:.1f} s "
                f"(the agencies' own times add up to {self.agencies_s:.1f} s); "
                f"{len(self.failed)} failed: {failed}")


class _PoolSolver:
    """Solves in a process pool; a crashed solve breaks the pool, so it is replaced for the
    agencies still to come, and only the solves in flight at that moment fail."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._lock = threading.Lock()
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context(method))

    def __call__(self, problem: Problem) -> RosterResult:
        pool = self._pool
        try:
            return pool.submit(default_solver, problem).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = self._new()
            raise

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def self_contained(problem: Problem) -> Problem:
    """The problem with its agency's definition in place of its id: a Dask worker on another
    machine knows the shipped agencies, not this machine's `OFFDUTY_AGENCIES_DIR` folder."""
    if not isinstance(problem.agency, str):
        return problem
    return problem.model_copy(update={"agency": get_agency(problem.agency)})


@contextmanager
def solver_for(jobs: int, dask_address: str | None) -> Iterator[tuple[Solver, str, int]]:
    """Where the solves go (a Dask cluster, a process pool of `jobs`, or this process), and how
    many agencies to run at once: one per solve slot, so no agency waits in a queue holding its
    problem (and so that an agency's time is its own, not its wait)."""
    if dask_address:
        from distributed import Client

        try:
            client = Client(dask_address, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError("--dask", f"cannot reach a Dask scheduler at {dask_address}: "
                             f"{exc}") from exc
        with client:
            workers = len(client.scheduler_info().get("workers", {}))

            def on_cluster(problem: Problem) -> RosterResult:
                sent = self_contained(problem)
                result: RosterResult = client.submit(default_solver, sent, pure=False).result()
                return result

            slots = sum(w.get("nthreads", 1)
                        for w in client.scheduler_info().get("workers", {}).values())
            yield on_cluster, f"the Dask cluster at {dask_address} ({workers} workers)", slots
        return
    if jobs <= 1:
        yield default_solver, "1 process", 1
        return
    pool = _PoolSolver(jobs)
    try:
        yield pool, f"{jobs} processes", jobs
    finally:
        pool.close()


def run_all_agencies(
    store: Store,
    *,
    jobs: int = 1,
    dask_address: str | None = None,
    now: datetime | None = None,
    horizon_days: int = 14,
    window_days: int = 28,
    time_limit_s: float = 10,
    force: bool = False,
    solver: Solver | None = None,
) -> NightReport:
    """Run every agency of the store side by side; one agency's failure stops only itself."""
    _check_days(horizon_days, window_days)
    if jobs < 1:
        raise InputError("--jobs", f"must be at least 1, got {jobs}")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    horizon = Horizon(now=moment, days=horizon_days, window_days=window_days)
    options = SolveOptions(time_limit_s=time_limit_s, deterministic=True, seed=0)
    agencies = _agencies(store, None)
    started = time.perf_counter()
    with solver_for(jobs, dask_address) as (chosen, where, slots):
        run = _Run(store, horizon, options, solver or chosen, force, _no_pause)
        threads = max(1, min(len(agencies), slots))
        with ThreadPoolExecutor(threads, thread_name_prefix="nightly") as pool:
            outcomes = list(pool.map(lambda a: _one_agency(run, a), agencies))
    return NightReport(outcomes, round(time.perf_counter() - started, 3), where)


def _one_agency(run: _Run, agency_id: str) -> AgencyOutcome:
    clock = time.perf_counter()
    started = datetime.now(UTC)
    try:
        report = _run_agency(run, agency_id, ATTEMPTS)
    except Exception as exc:  # any one agency's failure is recorded, never the night's end
        reason = _reason(exc)
        log.error("%s: nightly run failed: %s", agency_id, reason)
        _record_failure(run.store, agency_id, run.horizon, reason, started)
        return AgencyOutcome(agency_id, round(time.perf_counter() - clock, 3), error=reason)
    return AgencyOutcome(agency_id, round(time.perf_counter() - clock, 3), report=report)


def _reason(exc: Exception) -> str:
    """One line naming what failed: the bad field of stored data, else the error's first line."""
    if isinstance(exc, ValidationError):
        bad = describe_validation_error(exc)
        return f"bad stored data: {exc.title} {bad.field}: {bad.message}"[:500]
    if isinstance(exc, InputError):
        return str(exc)[:500]
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:500]


def _record_failure(
    store: Store, agency_id: str, horizon: Horizon, reason: str, started: datetime
) -> None:
    """The failed agency's run record: status `error` and the reason, no proposal."""
    row: dict[str, Any] = {"error": reason}
    with store.transaction() as session:
        session.add(NightlyRunRow(
            agency_id=agency_id, as_of=horizon.now, horizon_end=horizon.end, inputs_hash="",
            solver_status=ERROR, metrics={}, timings={}, result=row, started_at=started,
            finished_at=datetime.now(UTC),
        ))
