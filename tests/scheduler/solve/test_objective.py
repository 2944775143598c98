"""The coverage objective's one expression and the one bound that needs no solver.

Hand-checked on one or two officers: a whole position is 1,000 units per priority point, and the
trivial bound counts each officer who may work some part of a request once, locks included.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from scheduler.context import prepare
from scheduler.solve.model import build
from scheduler.solve.objective import coverage, trivial_bound
from scheduler.solve.pieces import build_pieces
from tests.scheduler.builders import at, lock, officer, problem, request


def test_coverage_is_the_weight_of_every_staffed_piece() -> None:
    # Two positions at priority 2, one officer: at most one whole position, 2 x 1,000 units.
    ctx = prepare(problem([officer("K-1")],
                          [request("R-1", at(1, 12), at(1, 16), officers_needed=2, priority=2)]))
    ps = build_pieces(ctx)
    m = build(ctx, ps, {0: [0]})
    m.cp.maximize(coverage(ps, m))
    solver = cp_model.CpSolver()
    assert solver.solve(m.cp) == cp_model.OPTIMAL
    assert solver.objective_value == 2000.0


def test_the_trivial_bound_caps_each_request_at_its_officers() -> None:
    # R-1 needs 2 at priority 4 and only K-1 may take it; R-2 needs 1 at priority 1, both may.
    ctx = prepare(problem(
        [officer("K-1"), officer("K-2")],
        [request("R-1", at(1, 12), at(1, 16), officers_needed=2, priority=4),
         request("R-2", at(2, 12), at(2, 16), priority=1)],
    ))
    ps = build_pieces(ctx)
    assert trivial_bound(ctx, ps, {0: [0], 1: [0, 1]}) == 4 * 1 + 1 * 1
    assert trivial_bound(ctx, ps, {0: [], 1: []}) == 0.0
    # The same from the pools (arrays by piece number), as the solver passes them at city scale.
    assert trivial_bound(ctx, ps, [np.array([0]), np.array([0, 1])]) == 5.0
    assert trivial_bound(ctx, ps, [np.array([0, 1]), np.array([], dtype=np.int64)]) == 8.0


def test_a_locked_officer_who_may_work_another_segment_counts_once() -> None:
    # 16 h at priority 3, two positions, split 4-12 h in Kennesaw; K-1 holds the first 8 h and
    # (in these hand-made candidates) may take every piece: one officer, one position at a time.
    ctx = prepare(problem(
        [officer("K-1"), officer("K-2")],
        [request("R-1", at(1, 6), at(1, 22), officers_needed=2)],
        locked=[lock("R-1", "K-1", at(1, 6), at(1, 14))],
    ))
    ps = build_pieces(ctx)
    assert ps.split_requests == {0}
    only_k1 = {p.index: [0] for p in ps.pieces}
    assert trivial_bound(ctx, ps, only_k1) == 3.0
    both = {p.index: [0, 1] for p in ps.pieces}
    assert trivial_bound(ctx, ps, both) == 6.0
    # Nobody may take a piece: the lock alone still staffs one position.
    assert trivial_bound(ctx, ps, {p.index: [] for p in ps.pieces}) == 3.0
