"""The coverage objective: its CP-SAT expression, and the bound on it that needs no solver.

Coverage is the sum of the weights of the pieces a roster staffs (a whole position is 1,000 per
priority point, `piece_weight`), locked shifts added by the callers. The lexicographic stages
maximize the `coverage` expression; the window search states the same weights as the objective
column of its rows (`rows.Rows.freeze`, from `Piece.weight`). The MIP
(`scheduler/solve/mip.py`, solved by the benchmark's HiGHS harness) states the same objective
as a cost vector over its columns: another encoding, not another meaning. The validator keeps its
own count (`validate/metrics.py`), on purpose: it must not share code with the solver.

`trivial_bound` is the one bound used where no solver proves better: the greedy roster alone,
a limit too short to build the model, and the MIP's dual bound before presolve.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
from ortools.sat.python.cp_model import LinearExpr

from scheduler.context import Context
from scheduler.solve.draft import Draft
from scheduler.solve.model import Model
from scheduler.solve.pieces import PieceSet


def coverage(ps: PieceSet, m: Model) -> LinearExpr:
    """The weighted coverage of the model's pair variables, as one CP-SAT linear expression
    (one weighted sum, built in C++, not a Python sum of products)."""
    return LinearExpr.weighted_sum(list(m.x.values()), [ps.pieces[p].weight for p, _ in m.x])


def covered(ps: PieceSet, draft: Draft) -> int:
    """The coverage of a roster's pairs, locked shifts left out, in the pieces' weight units."""
    return sum(ps.pieces[p].weight for p, _ in draft.assign)


def trivial_bound(
    ctx: Context, ps: PieceSet, cands: Mapping[int, Sequence[int]] | Sequence[np.ndarray]
) -> float:
    """Every request filled by at most as many officers as may work some piece of it, locked
    officers included (each counted once), at its priority. `cands`: each piece's officers, as
    the candidates (a dict of lists) or the pools (arrays by piece number).

    At any moment a request holds at most one position per distinct officer, so this bounds its
    coverage whatever the split; counting an officer once even when they hold a lock on one
    segment and are a candidate for another keeps it as tight as it can be without a solver.
    The officers are counted only up to the positions: where one piece alone has as many, the
    request is full. At city scale the pools hold 50 million pairs (Rockport's Christmas
    fortnight, L), and counting each request's officers in sets took 8.7 s of a 30 s limit.
    """
    locked: dict[int, set[int]] = defaultdict(set)
    for r, o, *_ in ctx.locked:
        locked[r].add(o)
    total = 0
    for r, pieces in ps.by_request.items():
        need = ctx.requests[r].model.officers_needed
        if max(len(cands[p]) for p in pieces) >= need:
            count = need
        else:  # every piece has fewer officers than the positions: a few dozen at most
            officers = {int(o) for p in pieces for o in cands[p]} | locked[r]
            count = min(need, len(officers))
        total += ctx.requests[r].model.priority * count
    return float(total)


# What the bound's other sources say in a result's notes.
BOUND_NOTES = (
    "bound from the flow relaxation",
    "bound from each request's possible officers",
    "bound from each request's positions",
    "bound from the Lagrangian relaxation",
)


def tighter_bound(bound: float | None, value: float, notes: list[str], note: str) -> float | None:
    """`value` where it is below `bound` (None: the coverage itself, proven), its `note` then
    replacing the notes of the bounds it beats."""
    if bound is None or value >= bound:
        return bound
    notes[:] = [n for n in notes if not n.startswith(BOUND_NOTES)]
    notes.append(note)
    return value
