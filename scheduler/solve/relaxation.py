"""The LP relaxation of a CP-SAT model, solved by GLOP, and the neighbourhood it suggests.

The roster models have LP relaxations that GLOP solves quickly and that are nearly integral,
while CP-SAT alone needs many times longer to find that roster from the hint (its LP-guided dive
re-solves the LP again and again; figures in docs/solver.md). So the coverage stage of one
model (`lp_start.py`) solves the LP first and lets CP-SAT choose only among the pairs the
LP uses (`support`, a relaxation-induced neighbourhood, "RENS"; `fix_outside` fixes the rest to
0): nearly the same roster in a fraction of the time. The window search does the same from
arrays (`rows.Window.relax`), without a CP-SAT model to translate.

The model builder only writes linear constraints and at-most-one constraints, so the translation
covers those and refuses anything else.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh
from ortools.sat.python import cp_model

from scheduler.context import Context
from scheduler.solve.model import Model, OfficerPairs, fill
from scheduler.solve.pieces import PieceSet
from scheduler.solve.rows import Horizon, Rows

BIG = 2**60  # CP-SAT writes unbounded sides as int64 extremes
ZERO = 1e-6


@dataclass
class Relaxation:
    objective: float  # in the model's own sense and units (a bound on the integer optimum)
    values: np.ndarray  # per CP-SAT variable index
    # Per CP-SAT variable index, what raising it from 0 would cost the LP (GLOP minimizes:
    # never below 0 at the optimum, up to its tolerance); infinite where fixed to 0.
    reduced: np.ndarray | None = None
    # False for GLOP's last feasible point when its time ran out: a guide to a neighbourhood,
    # but its objective bounds nothing and it has no reduced costs.
    proven: bool = True


def _row(refs: list[int], coefs: list[float]) -> tuple[Any, Any, float]:
    """Literal references as variables, coefficients and a constant (not(x) is 1 - x), with
    repeated variables merged."""
    if min(refs, default=0) >= 0 and len(set(refs)) == len(refs):
        return refs, coefs, 0.0  # the usual case, without numpy's per-call cost
    ref = np.asarray(refs, dtype=np.int64)
    given = np.asarray(coefs, dtype=np.float64)
    negated = ref < 0
    constant = float(given[negated].sum())
    var = np.where(negated, -ref - 1, ref)
    coef: Any = np.where(negated, -given, given)
    if len(np.unique(var)) != len(var):
        var, where = np.unique(var, return_inverse=True)
        coef = np.bincount(where, weights=coef)
    return var, coef, constant


class Relaxing:
    """A CP-SAT model's LP relaxation, translated once and solved as often as asked, each time
    with some variables fixed to 0 (`lp_start.lp_start` solves a smaller split tier's LP,
    then the whole model's: translating took 0.3 s of the 2-hour points' 1.3 s)."""

    def __init__(self, cp: cp_model.CpModel) -> None:
        proto = cp.proto
        lp: Any = mbh.ModelBuilderHelper()  # its stubs mistype numpy arguments
        lower, upper = [], []
        for v in proto.variables:
            domain = v.domain
            lower.append(domain[0])
            upper.append(domain[len(domain) - 1])
        index = lp.add_var_array_with_bounds(
            np.array(lower, dtype=np.float64),
            np.array(upper, dtype=np.float64),
            np.zeros(len(lower), dtype=bool),
            "",
        )
        variables = [mbh.Variable(lp, int(i)) for i in index]
        for c in proto.constraints:
            if len(c.enforcement_literal):
                raise ValueError("enforced constraints are not translated")
            if c.has_linear():
                domain = list(c.linear.domain)
                var, coef, shift = _row(list(c.linear.vars), list(c.linear.coeffs))
                lo, hi = domain[0], domain[-1]
            elif c.has_at_most_one():
                literals = list(c.at_most_one.literals)
                var, coef, shift = _row(literals, [1.0] * len(literals))
                lo, hi = -BIG, 1
            else:
                raise ValueError(f"constraint not translated: {str(c)[:80]}")
            row = lp.add_linear_constraint()
            lp.add_terms_to_constraint(row, [variables[v] for v in var], list(coef))
            lp.set_constraint_lower_bound(row, lo - shift if lo > -BIG else -math.inf)
            lp.set_constraint_upper_bound(row, hi - shift if hi < BIG else math.inf)
        var, coef, shift = _row(list(proto.objective.vars), list(proto.objective.coeffs))
        lp.set_objective_coefficients([int(v) for v in var], [float(c) for c in coef])
        lp.set_maximize(False)
        self._lp = lp
        self._upper = upper
        self._scale = proto.objective.scaling_factor or 1.0
        self._offset = shift + proto.objective.offset
        self._solver: Any = None
        self._interrupted = False

    @classmethod
    def of_model(cls, ctx: Context, ps: PieceSet, m: Model) -> Relaxing:
        """The relaxation of a model `model.build` made and the coverage stage maximizes,
        written from the same rules as arrays (`rows.Rows`) instead of translated from the
        proto: 0.07 s against 0.16-0.25 s for 10,000 pairs, a quarter of a 1 s limit
        (docs/solver.md). Translated after all where the columns or the objective differ from
        the model's."""
        cands = {p.index: [o for o, _ in m.by_piece.get(p.index, [])] for p in ps.pieces}
        written = Written(ctx, ps, cands)
        return written.relaxing if written.columns_of(m) else cls(m.cp)

    @classmethod
    def _of_rows(cls, h: Horizon) -> Relaxing:
        relaxing = cls.__new__(cls)
        lp: Any = mbh.ModelBuilderHelper()  # its stubs mistype numpy arguments
        lower = np.zeros(len(h.upper))
        lp.fill_model_from_sparse_data(lower, h.upper, -h.weight, h.lo, h.hi, h.matrix())
        lp.set_maximize(False)  # the negated coverage, minimized, as CP-SAT's proto states it
        relaxing._lp = lp
        relaxing._upper = h.upper.tolist()
        relaxing._scale, relaxing._offset = -1.0, 0.0
        relaxing._solver = None
        relaxing._interrupted = False
        return relaxing

    def copy(self) -> Relaxing:
        """Another instance over a copy of the translation (made in C++), to solve beside this
        one in a thread: GLOP leaves Python's lock while it solves."""
        other = copy.copy(self)
        other._lp = mbh.ModelBuilderHelper()
        other._lp.overwrite_model(self._lp)
        other._solver = None
        other._interrupted = False
        return other

    def interrupt(self) -> None:
        """Stop a `solve` running in another thread (it then returns None), or about to."""
        self._interrupted = True
        if self._solver is not None:
            self._solver.interrupt_solve()

    def solve(
        self, seconds: float, zero: list[int] | None = None, unproven: bool = False
    ) -> Relaxation | None:
        """The LP optimum with the variables numbered in `zero` fixed to 0, or None if GLOP
        did not prove one in `seconds`; with `unproven`, then GLOP's last feasible point if it
        has one (`Relaxation.proven` False)."""
        lp = self._lp
        for i in zero or []:
            lp.set_var_upper_bound(i, 0.0)
        try:
            solver = mbh.ModelSolverHelper("glop")
            solver.set_time_limit_in_seconds(max(0.01, seconds))
            self._solver = solver
            if self._interrupted:  # stopped before GLOP existed: it honours an interrupt set first
                solver.interrupt_solve()
            solver.solve(lp)
        finally:
            for i in zero or []:
                lp.set_var_upper_bound(i, float(self._upper[i]))
        if solver.status() != mbh.SolveStatus.OPTIMAL:
            feasible = solver.status() == mbh.SolveStatus.FEASIBLE and solver.has_solution()
            if not (unproven and feasible):
                return None
            return Relaxation(math.nan, np.asarray(solver.variable_values()), proven=False)
        value = self._scale * (solver.objective_value() + self._offset)
        reduced = np.asarray(solver.reduced_costs(), dtype=np.float64)
        reduced[np.asarray(zero or [], dtype=np.int64)] = math.inf
        return Relaxation(value, np.asarray(solver.variable_values()), reduced)


class Written:
    """The coverage LP of the pieces and their candidates, written as arrays (`rows.Rows`)
    before or without the CP-SAT model; `columns_of` says whether it is that model's
    relaxation, column for column."""

    def __init__(self, ctx: Context, ps: PieceSet, cands: dict[int, list[int]]) -> None:
        self.rows = Rows()
        fill(ctx, ps, cands, self.rows)
        self.horizon = self.rows.freeze(ps)
        self.relaxing = Relaxing._of_rows(self.horizon)

    def model(self) -> Model:
        """The CP-SAT model of these rows, column for column (`columns_of` holds), written into
        its proto from the arrays (`rows.Window.model`): building it again through the rules
        took 2-4 times as long as writing the rows, 0.29-0.34 s of a 1 s limit on a Kennesaw week
        under a 6-hour daily cap (docs/solver.md). Pairs that alone break a row are fixed to 0."""
        window, _ = self.horizon.whole()
        m = window.model()
        rows, x = self.rows, m.x
        m.by_piece = {p: [(oi, x[(p, oi)]) for oi, _ in held] for p, held in rows.by_piece.items()}
        m.by_officer = {
            oi: [(p, x[(p, oi)]) for p, _ in held] for oi, held in rows.by_officer.items()
        }
        for oi, pairs in rows.of_officer.items():
            variables = m.var_array([x[(p, oi)] for p in pairs.pieces.tolist()])
            m.of_officer[oi] = OfficerPairs(pairs.pieces, variables)
        m.fixed_minutes = dict(rows.fixed_minutes)
        m.locked_weight = rows.locked_weight
        return m

    def columns_of(self, m: Model) -> bool:
        """Whether the rows' columns are the model's variables, one for one, and the model
        maximizes the coverage of its pairs (`objective.coverage`)."""
        h, rows = self.horizon, self.rows
        proto = m.cp.proto
        if len(h.upper) != len(proto.variables) or len(rows.y) != len(m.y):
            return False
        if any(rows.x.get(key) != var.index for key, var in m.x.items()):
            return False
        if any(rows.y.get(p) != var.index for p, var in m.y.items()):
            return False
        objective = proto.objective
        if objective.scaling_factor != -1.0 or objective.offset != 0.0:
            return False
        stated = np.zeros(len(h.upper))
        np.add.at(stated, np.asarray(objective.vars, dtype=np.int64), np.asarray(objective.coeffs))
        return bool(np.array_equal(-stated, h.weight))


def support(m: Model, lp: Relaxation, keep: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs the LP uses, and those in `keep` (the current roster, so that its hint stays a
    valid roster and a search among these pairs can only improve on it)."""
    return {key for key, var in m.x.items() if lp.values[var.index] > ZERO} | keep


def widened(
    m: Model, lp: Relaxation, keep: set[tuple[int, int]], count: int
) -> set[tuple[int, int]]:
    """`keep` and the `count` pairs outside it whose reduced cost is least: the pairs the LP
    would take next. Where the LP's own pairs hold no better roster, these do: Rockport with
    Kennesaw's 12-hour weekly caps (S, seed 0, 2 s) covered 463.6 among the LP's pairs and 472.7
    with eight times as many added, against the proven optimum 476.3 (docs/solver.md)."""
    assert lp.reduced is not None
    pairs = [key for key in m.x if key not in keep]
    cost = lp.reduced[[m.x[key].index for key in pairs]]
    return keep | {pairs[i] for i in cheapest(cost, count).tolist()}


def cheapest(cost: np.ndarray, count: int) -> np.ndarray:
    """The positions of the `count` least finite costs (all the finite ones where fewer)."""
    finite = np.flatnonzero(np.isfinite(cost))
    if count < len(finite):
        finite = finite[np.argpartition(cost[finite], count)[:count]]
    return finite


def rounded(m: Model, lp: Relaxation) -> tuple[set[tuple[int, int]], dict[int, int]]:
    """The LP optimum rounded to the nearest integers: pairs and split flows, a hint for the
    neighbourhood. It need not be a roster (CP-SAT takes it as a guide); hinted with the roster,
    CP-SAT found 419,639 in 0.2 s on Rockport's Christmas week (S, seed 2, 1 s) where the LP
    is 508,625, and 491,963 with this hint (docs/solver.md)."""
    pairs = {key for key, var in m.x.items() if lp.values[var.index] > 0.5}
    return pairs, {p: math.floor(lp.values[y.index] + 0.5) for p, y in m.y.items()}


def outside(m: Model, keep: AbstractSet[tuple[int, int]]) -> list[int]:
    """The variable numbers of the pairs outside `keep`."""
    return [var.index for key, var in m.x.items() if key not in keep]


def fix_outside(m: Model, keep: set[tuple[int, int]]) -> None:
    """Fix every pair outside `keep` to 0 in place. CP-SAT's presolve drops fixed variables in
    C++, which costs a fraction of building the smaller model again in Python."""
    variables = m.cp.proto.variables
    for i in outside(m, keep):
        variables[i].domain[1] = 0
