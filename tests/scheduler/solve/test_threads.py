"""The threads a solve runs beside its search end before the interpreter does
(solve/threads.py): an LP interrupted at the end of a solve no longer aborts the process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from models.problem import Problem
from scheduler.solve import budget, fill, solver
from tests.scheduler.builders import example

# A Kennesaw week with a 1-hour minimum and half its requests long: the LP over every split
# (128,028 pairs) takes GLOP far longer than the solve, as `offduty solve` met it at 30 s.
SCRIPT = textwrap.dedent(
    """
    import threading, time
    from datetime import date
    from models import PolicyOverrides
    from scenarios.generator import generate
    from scheduler.context import prepare
    from scheduler.rules.eligibility import candidate_pools
    from scheduler.solve import lp_bound
    from scheduler.solve.locks import check_locks
    from scheduler.solve.pieces import build_pieces
    from scheduler.solve.rows import Window

    policy = PolicyOverrides(min_hours=1, lead_time_hours=48,
                             late_request_policy="emergency_rate")
    prob = generate(60, 150, 7, 0, agency="kennesaw-ga", start=date(2026, 12, 31),
                    policy=policy, long_share=0.5)
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    glop = threading.Event()
    relax = Window.relax
    def running(self, seconds):
        glop.set()
        return relax(self, seconds)
    Window.relax = running
    lp_bound.LAGRANGE_SHARE = 0.0  # straight to the LP's rows
    lp = lp_bound.LpBound(ctx, ps, candidate_pools(ctx, ps), locked, seconds=60)
    assert glop.wait(60), "the LP never started"
    time.sleep(0.3)  # GLOP under way
    assert lp.finish(wait=0.0) is None
    print("finished", flush=True)
    """
)


def test_an_lp_interrupted_as_the_program_exits_does_not_abort_it() -> None:
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "finished"
    assert "terminate called" not in done.stderr
    assert done.returncode == 0, done.stderr[-2000:]


class _Beside:
    """Stands in for the LP bound and the Lagrangian thread, recording how they were stopped."""

    def __init__(self) -> None:
        self.stopped = False

    def tighter(self, bound: float | None, notes: list[str], wait: float = 0.0) -> float | None:
        return bound

    def stop(self) -> None:
        self.stopped = True


def test_a_solve_that_fails_after_its_search_still_stops_its_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lp, lagrange = _Beside(), _Beside()
    monkeypatch.setattr(budget, "bound_beside", lambda *args: (lp, lagrange))

    def broken(*args: object) -> None:
        raise RuntimeError("the polish failed")

    monkeypatch.setattr(fill, "polish", broken)
    prob = Problem.model_validate(example("small.json", time_limit_s=2))
    with pytest.raises(RuntimeError, match="the polish failed"):
        solver.solve(prob)
    assert lp.stopped and lagrange.stopped
