"""Running one lexicographic stage of the CP-SAT model under a deadline and a watchdog.

CP-SAT's own time limit does not always cover presolve on large models, so a watchdog thread calls
`stop_search` a little after the stage's budget, or at once when the caller's stop event is set.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.problem import SolveOptions
from scheduler.solve.model import Model

log = logging.getLogger(__name__)
GRACE_S = 0.5
WALL_GUARD = 10  # a deterministic run stops at this many times its limit in wall time
# A deterministic stage (CP-SAT, or GLOP before it) may take this many times its budget of
# wall time: enough that a busy machine does not cut it and change the roster.
DETERMINISTIC_WALL_FACTOR = 4.0
# Phases of Python work on the solve's critical path: a thread beside the search waits them out.
FOREGROUND = ("screening", "model")

PORTFOLIO = [
    "max_lp",
    "default_lp",
    "quick_restart",
    "reduced_costs",
    "pseudo_costs",
    "core",
    "quick_restart_no_lp",
]

STATUS_NAMES = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "unknown",
}


@dataclass
class StageOutcome:
    name: str
    status: str
    objective: float | None
    bound: float | None
    wall_s: float
    first_solution_s: float | None = None
    x_on: set[tuple[int, int]] = field(default_factory=set)
    y: dict[int, int] = field(default_factory=dict)

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.at: float | None = None

    def on_solution_callback(self) -> None:
        if self.at is None:
            self.at = time.perf_counter() - self.started


def parameters(solver: cp_model.CpSolver, options: SolveOptions, budget: float) -> None:
    p = solver.parameters
    p.max_time_in_seconds = max(budget, 0.01)
    p.num_workers = options.num_workers
    p.random_seed = options.seed
    if options.num_workers == 1:
        p.linearization_level = 2
    elif options.num_workers < 8:
        # CP-SAT's default portfolio needs 8+ workers to include its LP-heavy searches; below
        # that, the coverage bound stalls (figures in docs/solver.md, `stages.py`). Pick the
        # workers that carry the bound, then restarts.
        p.subsolvers.extend(PORTFOLIO[: options.num_workers])
    if options.deterministic:
        # Interleaved search with a deterministic-time budget gives the same answer on every run
        # whatever the machine's load; it explores less per second than the parallel portfolio.
        p.interleave_search = True
        p.max_deterministic_time = max(budget, 0.01)
        p.max_time_in_seconds = max(budget * DETERMINISTIC_WALL_FACTOR, 1.0)


def light_presolve(solver: cp_model.CpSolver) -> None:
    """Presolve that costs little: probing and symmetry detection dominate on large models."""
    p = solver.parameters
    p.cp_model_probing_level = 0
    p.symmetry_level = 0
    p.max_presolve_iterations = 1


def run_stage(
    m: Model,
    name: str,
    options: SolveOptions,
    budget: float,
    stop_event: threading.Event | None,
    light: bool = False,
    wall_cap: float | None = None,
) -> StageOutcome:
    if stop_event is not None and stop_event.is_set():
        # stop_search before solve starts is a no-op: a stopped run must not spend the budget.
        return StageOutcome(name, "unknown", None, None, 0.0)
    solver = cp_model.CpSolver()
    parameters(solver, options, budget)
    if wall_cap is not None:
        solver.parameters.max_time_in_seconds = max(
            0.01, min(wall_cap, budget * DETERMINISTIC_WALL_FACTOR)
        )
    if light:
        light_presolve(solver)
    if log.isEnabledFor(logging.DEBUG):
        solver.parameters.log_search_progress = True
        # Only through the logger: CP-SAT also prints to stdout unless told not to, and those
        # raw lines would break a log made of JSON lines.
        solver.parameters.log_to_stdout = False
        # CP-SAT calls back from its own threads: give each line the caller's context (the
        # request id a service sets), copied per call since one context runs in one thread.
        context = contextvars.copy_context()
        solver.log_callback = lambda line: context.copy().run(
            log.debug, "cp-sat %s: %s", name, line
        )
    started = time.perf_counter()
    watch_stop = threading.Event()
    event = stop_event or threading.Event()

    def watchdog() -> None:
        # Presolve may not look at the clock; a short stage gets a short grace.
        limit = solver.parameters.max_time_in_seconds + min(GRACE_S, 0.05 + 0.1 * budget)
        while not watch_stop.is_set():
            if event.wait(0.05) or time.perf_counter() - started > limit:
                # Repeated until solve returns: a stop that lands before the search begins
                # (during model loading) would otherwise be lost.
                solver.stop_search()
                watch_stop.wait(0.05)

    thread = threading.Thread(target=watchdog, daemon=True)
    thread.start()
    callback = _FirstSolution(started)
    try:
        code = solver.solve(m.cp, callback)
    finally:
        watch_stop.set()
        thread.join()
    status = STATUS_NAMES.get(code, "unknown")
    outcome = StageOutcome(name, status, None, None, time.perf_counter() - started, callback.at)
    if outcome.has_solution:
        outcome.objective = solver.objective_value
        outcome.bound = solver.best_objective_bound
        values = solver.response_proto.solution
        outcome.x_on = {key for key, var in m.x.items() if values[var.index]}
        outcome.y = {p: int(values[var.index]) for p, var in m.y.items()}
    log.info(
        "stage %s: %s objective=%s bound=%s in %.2fs",
        name,
        status,
        outcome.objective,
        outcome.bound,
        outcome.wall_s,
    )
    return outcome


def hint(m: Model, x_on: set[tuple[int, int]], y: dict[int, int]) -> None:
    """Warm start: the previous stage's (or the greedy) roster as a full hint."""
    m.cp.clear_hints()
    # Into the proto in two lists: one call per variable took 10 ms a window at M.
    hints = m.cp.proto.solution_hint
    hints.vars.extend([var.index for var in m.x.values()] + [var.index for var in m.y.values()])
    hints.values.extend([int(key in x_on) for key in m.x] + [y.get(p, 0) for p in m.y])


class Turns:
    """When a thread beside the search (the Lagrangian bound) may run Python: once the
    search's model is written (`written`), and outside FOREGROUND phases. Two threads running
    Python share one lock: beside the bound's thread the rows of Rockport's DST fortnight (M)
    took 0.98-1.33 s instead of 0.81 s (docs/solver.md). CP-SAT and GLOP leave the lock, so
    the steps run beside the search itself."""

    def __init__(self) -> None:
        self.written = threading.Event()
        self._idle = threading.Event()
        self._idle.set()

    def foreground(self, busy: bool) -> None:
        if busy:
            self._idle.clear()
        else:
            self._idle.set()

    def wait(self, stop: threading.Event) -> bool:
        """Block until the other thread may run; False if `stop` is set first."""
        while not (self.written.is_set() and self._idle.is_set()):
            if stop.is_set():
                return False
            time.sleep(0.005)
        return not stop.is_set()


# The work after the search keeps at most a third of the limit, or what the polish and the report
# alone need, up to half of it (`Clock.reserve_for`): with a third, Rockport's fortnight of 1,000
# officers at 5 s (polish 0.9 s, report 0.9 s) had 0.23-0.52 s of polish and kept 256-762
# improvable pairs (docs/solver.md).
RESERVE_SHARE = 1 / 3
RESERVE_MOST = 0.5


class Clock:
    """Splits the time limit between stages, and records where the time went.

    Normally a stage gets a fraction of the wall time still left before the search deadline:
    the limit less a reserve for what follows the search (polish, explanations, validation,
    pricing), set once the problem's size is known (`reserve_for`). In deterministic mode the
    split may not depend on how fast earlier work ran on a busy machine, so each stage gets a
    fixed fraction of a virtual budget (spent in CP-SAT's deterministic time).
    """

    def __init__(self, limit: float, deterministic: bool = False) -> None:
        self.started = time.perf_counter()
        self.limit = limit
        self.deterministic = deterministic
        self.reserve = min(0.5, 0.05 * limit)
        # The part of the reserve the search may take where it would otherwise not start
        # (`lend`, `borrow`).
        self.lendable = 0.0
        self.virtual_left = limit - self.reserve
        self.phases: dict[str, float] = defaultdict(float)
        self._stack: list[str] = []
        self._mark = self.started
        self.turns = Turns()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def reserve_for(self, seconds: float, needed: float = 0.0) -> None:
        """Keep `seconds` for the work after the search: at most RESERVE_SHARE of the limit, or
        the `needed` part of it (the polish and the report) up to RESERVE_MOST."""
        most = min(RESERVE_MOST * self.limit, max(RESERVE_SHARE * self.limit, needed))
        self.reserve = max(self.reserve, min(seconds, most))
        # A deterministic run's stage budgets may not depend on how fast this machine ran the
        # work before them: its virtual budget keeps the fixed reserve set at the start.

    def lend(self, seconds: float, kept: float) -> None:
        """Up to `seconds` of the reserve, beyond the `kept` seconds, may go to the search
        where it would otherwise not start (`borrow`)."""
        self.lendable = max(0.0, min(seconds, self.reserve - kept))

    def borrow(self, least: float) -> bool:
        """Take the lendable part of the reserve for the search, where with it at least `least`
        seconds are left (never in a deterministic run, whose budgets are virtual)."""
        if self.deterministic or not self.lendable:
            return False
        if self.search_left() + self.lendable < least:
            return False
        self.reserve -= self.lendable
        self.lendable = 0.0
        return True

    def search_left(self) -> float:
        """Wall seconds left before the search must stop."""
        return self.limit - self.reserve - self.elapsed()

    def wall_cap(self) -> float | None:
        """Deterministic runs keep their budget in deterministic time and may overrun the wall
        limit, but never ten times it (then a note says the roster may differ)."""
        return WALL_GUARD * self.limit - self.elapsed() if self.deterministic else None

    def share(self, fraction: float) -> float:
        """A fraction of what is left before the search deadline."""
        if self.deterministic:
            budget = self.virtual_left * fraction
            self.virtual_left -= budget
            return budget
        return max(0.0, self.search_left() * fraction)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Count the wall time inside the block to `name`; an inner phase pauses the outer one,
        so the phases always sum to the elapsed time."""
        self._switch()
        self._stack.append(name)
        self.turns.foreground(name in FOREGROUND)
        try:
            yield
        finally:
            self._switch()
            self._stack.pop()
            self.turns.foreground(bool(self._stack) and self._stack[-1] in FOREGROUND)

    def _switch(self) -> None:
        now = time.perf_counter()
        self.phases[self._stack[-1] if self._stack else "other"] += now - self._mark
        self._mark = now

    def phase_seconds(self) -> dict[str, float]:
        self._switch()
        return {name: round(s, 3) for name, s in self.phases.items() if s >= 0.0005}
