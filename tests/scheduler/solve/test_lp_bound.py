"""The LP bound over every split, solved in a thread beside the search (solve/lp_bound.py)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from scheduler.context import coverage_scale, prepare
from scheduler.rules.eligibility import candidate_pools, candidates
from scheduler.solve.locks import check_locks
from scheduler.solve.lp_bound import LpBound
from scheduler.solve.model import fill
from scheduler.solve.pieces import build_pieces
from scheduler.solve.rows import Rows, Window
from tests.scheduler.builders import ROCKPORT, at, officer, problem, request


def _every_split():
    # One officer, a 20-hour request for two (test_pieces_sparse works its bound by hand: 1.8).
    prob = problem(
        [officer("O-1", tz=ROCKPORT)],
        [request("R-1", at(9, 4, tz=ROCKPORT), at(10, 0, tz=ROCKPORT), officers_needed=2)],
        agency="rockport-tx",
    )
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    return ctx, ps, candidate_pools(ctx, ps), locked


def test_the_bound_is_the_lp_optimum_in_coverage_units() -> None:
    ctx, ps, pools, locked = _every_split()
    lp = LpBound(ctx, ps, pools, locked, seconds=5)
    assert lp.finish(wait=10) == 1.8
    assert lp.pairs == len(ps.pieces)


def test_an_lp_still_running_when_the_search_ends_is_interrupted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    running, interrupted = threading.Event(), threading.Event()

    def slow_relax(self: Window, seconds: float) -> np.ndarray | None:
        running.set()
        interrupted.wait(5)  # as GLOP would, until `interrupt`
        return None

    monkeypatch.setattr(Window, "relax", slow_relax)
    monkeypatch.setattr(Window, "interrupt", lambda self: interrupted.set())
    ctx, ps, pools, locked = _every_split()
    lp = LpBound(ctx, ps, pools, locked, seconds=5)
    # Once the LP runs (the Lagrangian steps and the rows come first, slower on a busy machine).
    assert running.wait(10)
    assert lp.finish(wait=0.3) is None
    assert interrupted.is_set()


def test_the_lp_bound_is_started_only_where_half_the_limit_holds_it() -> None:
    # 1e-4 s a pair: 32,530 pairs (Rockport's Christmas week) take 3.3 s, half of 10 s holds it,
    # half of 5 s does not.
    assert LpBound.fits(32_530, 10)
    assert not LpBound.fits(32_530, 5)


def test_the_lp_bound_replaces_only_a_looser_bound_and_its_note() -> None:
    ctx, ps, pools, locked = _every_split()
    notes = ["bound from the flow relaxation", "other"]
    assert LpBound(ctx, ps, pools, locked, seconds=5).tighter(3.0, notes, wait=10) == 1.8
    lp_note = f"bound from the LP relaxation over every split ({len(ps.pieces)} pairs)"
    assert notes == ["other", lp_note]
    notes = ["bound from the flow relaxation"]
    assert LpBound(ctx, ps, pools, locked, seconds=5).tighter(1.5, notes, wait=10) == 1.5
    assert notes == ["bound from the flow relaxation"]
    # A proven coverage (None) is the bound itself.
    assert LpBound(ctx, ps, pools, locked, seconds=5).tighter(None, [], wait=10) is None


def test_an_lp_not_solved_in_time_leaves_the_first_lagrangian_steps_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The Lagrangian steps run before the LP's rows are written: on this problem they reach the
    # optimum 1.8 themselves (test_lagrange_bound), so a looser bound gives way to theirs.
    interrupted = threading.Event()

    def slow_relax(self: Window, seconds: float) -> np.ndarray | None:
        interrupted.wait(5)
        return None

    monkeypatch.setattr(Window, "relax", slow_relax)
    monkeypatch.setattr(Window, "interrupt", lambda self: interrupted.set())
    ctx, ps, pools, locked = _every_split()
    notes = ["bound from the flow relaxation"]
    lp = LpBound(ctx, ps, pools, locked, seconds=5, goal=1800)
    assert lp.tighter(3.0, notes, wait=0.5) == 1.8
    pairs = len(ps.pieces)
    assert notes == [
        f"the LP relaxation over every split ({pairs} pairs) was not solved in time",
        f"bound from the Lagrangian relaxation over every split ({pairs} pairs, "
        f"{lp.relaxation.steps if lp.relaxation else 0} subgradient steps)",
    ]


def test_a_window_interrupted_before_glop_starts_proves_nothing() -> None:
    ctx, ps, pools, locked = _every_split()
    rows = Rows()
    fill(ctx, ps, candidates(ctx, ps, locked, pools), rows)
    horizon = rows.freeze(ps)
    stopped, solved = (horizon.cut(set(ps.by_request), []) for _ in range(2))
    stopped.interrupt()
    assert stopped.relax(5) is None
    values = solved.relax(5)
    assert values is not None
    objective = float(values @ solved.objective[: len(values)])
    assert round(objective) / coverage_scale() == 1.8  # the bound worked by hand above
