"""The model's rows as arrays, built once for the horizon, and one window cut out of them.

The window search re-solves one window at a time with every shift outside it fixed. Building
each window's CP-SAT model in Python took a third of M's time limit (docs/solver.md), while
the rows of every window come from the same rules over the same candidates: only the fixed
shifts outside change. So the rules write their rows once, for all pairs, into `Rows`
(`model.fill`), and a window is a cut of those arrays (`Horizon.cut`): its pairs free, the
outside pairs fixed at the roster's values and moved to the right-hand sides, in a few array
operations.
The cut goes to GLOP as a sparse matrix, and only the pairs its LP uses become a CP-SAT model
(`Window.model`).

A cut is exact: a row of the whole horizon with the outside pairs fixed is the row a model of
the window alone would state with those shifts locked, and a row the rules left out because it
could never bind over all candidates cannot bind over fewer of them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse
from ortools.linear_solver.python import model_builder_helper as mbh
from ortools.sat.python import cp_model
from ortools.sat.python import cp_model_helper as cmh

from scheduler.solve.model import Model, OfficerPairs
from scheduler.solve.pieces import PieceSet

ZERO = 1e-6  # an LP value above this uses the pair
PAIR, FLOW, EXTRA = 0, 1, 2  # column kinds: a (piece, officer) pair, a split piece's flow, other


class Rows:
    """A `model.Sink` that keeps the rows as a sparse matrix: a column per variable, a row per
    constraint with its lower and upper side (at-most-one rows marked as such)."""

    def __init__(self) -> None:
        self.x: dict[tuple[int, int], int] = {}
        self.y: dict[int, int] = {}
        self.by_officer: dict[int, list[tuple[int, int]]] = {}
        self.by_piece: dict[int, list[tuple[int, int]]] = {}
        self.of_officer: dict[int, OfficerPairs] = {}
        self.fixed_minutes: dict[int, int] = {}
        self.locked_weight = 0
        self.upper: list[int] = []
        self._starts = [0]
        # Nonzeros: arrays as the rules give them, and runs of Python lists between them
        # (`_pending`): turning 3.4 million listed nonzeros into arrays took 0.24 s of the
        # rows of Rockport's Christmas fortnight (M; docs/solver.md).
        self._chunks: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending: tuple[list[int], list[int]] = ([], [])
        self._nonzeros = 0
        self._lo: list[float] = []
        self._hi: list[float] = []
        self._amo: list[bool] = []

    def new_pairs(self, count: int) -> list[int]:
        first = len(self.upper)
        self.upper.extend([1] * count)
        return list(range(first, first + count))

    def new_flow(self, most: int) -> int:
        self.upper.append(most)
        return len(self.upper) - 1

    def var_array(self, variables: list[int]) -> np.ndarray:
        return np.asarray(variables, dtype=np.int64)

    def at_most_one(self, variables: list[int]) -> None:
        self._row(variables, [1] * len(variables), -math.inf, 1, True)

    def at_most_ones(self, variables: Sequence[int] | np.ndarray, lengths: list[int]) -> None:
        """One at-most-one row per run of `lengths` variables, in order, in one step."""
        listed = not isinstance(variables, np.ndarray)
        self._terms(variables, [1] * len(variables) if listed else np.ones(len(variables), int))
        ends = np.cumsum(lengths) + self._nonzeros - len(variables)
        self._starts.extend(ends.tolist())
        rows = len(lengths)
        self._lo.extend([-math.inf] * rows)
        self._hi.extend([1] * rows)
        self._amo.extend([True] * rows)

    def at_most(
        self, variables: Sequence[int] | np.ndarray, coefs: Sequence[int] | np.ndarray, most: int
    ) -> None:
        self._row(variables, coefs, -math.inf, most, False)

    def equal(self, variables: list[int], coefs: list[int], value: int) -> None:
        self._row(variables, coefs, value, value, False)

    def _row(
        self,
        cols: Sequence[int] | np.ndarray,
        coefs: Sequence[int] | np.ndarray,
        lo: float,
        hi: float,
        amo: bool,
    ) -> None:
        self._terms(cols, coefs)
        self._starts.append(self._nonzeros)
        self._lo.append(lo)
        self._hi.append(hi)
        self._amo.append(amo)

    def _terms(self, cols: Sequence[int] | np.ndarray, coefs: Sequence[int] | np.ndarray) -> None:
        if isinstance(cols, np.ndarray):
            self._flush()
            self._chunks.append((cols, np.asarray(coefs)))
        else:
            self._pending[0].extend(cols)
            self._pending[1].extend(coefs)
        self._nonzeros += len(cols)

    def _flush(self) -> None:
        cols, coefs = self._pending
        if cols:
            self._chunks.append((np.asarray(cols, dtype=np.int64), np.asarray(coefs)))
            self._pending = ([], [])

    def freeze(self, ps: PieceSet) -> Horizon:
        """The rows as arrays, with each column's piece, kind and key (the lists are dropped)."""
        n = len(self.upper)
        piece = np.zeros(n, dtype=np.int64)
        officer = np.full(n, -1, dtype=np.int64)
        kind = np.full(n, EXTRA, dtype=np.int8)
        keys: list[Any] = [None] * n
        weight = np.zeros(n)
        # In array steps: a split-heavy fortnight has 185,000 pairs (docs/solver.md).
        pair_cols = np.fromiter(self.x.values(), dtype=np.int64, count=len(self.x))
        pair_piece = np.fromiter((p for p, _ in self.x), dtype=np.int64, count=len(self.x))
        piece[pair_cols], kind[pair_cols] = pair_piece, PAIR
        officer[pair_cols] = np.fromiter((o for _, o in self.x), dtype=np.int64, count=len(self.x))
        weight[pair_cols] = np.asarray([p.weight for p in ps.pieces], dtype=np.float64)[pair_piece]
        for key, col in zip(self.x, pair_cols.tolist(), strict=True):
            keys[col] = key
        for p, col in self.y.items():
            piece[col], kind[col], keys[col] = p, FLOW, p
        starts = np.asarray(self._starts, dtype=np.int64)
        row_of = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
        self._flush()
        chunks = self._chunks or [(np.zeros(0, dtype=np.int64), np.zeros(0))]
        coefs = np.concatenate([c for _, c in chunks]).astype(np.float64)
        horizon = Horizon(
            x=self.x,
            cols=np.concatenate([c for c, _ in chunks]).astype(np.int64),
            coefs=coefs,
            row_of=row_of,
            lo=np.asarray(self._lo),
            hi=np.asarray(self._hi),
            amo=np.asarray(self._amo, dtype=bool),
            nonnegative=np.bincount(row_of[coefs < 0], minlength=len(self._lo)) == 0,
            upper=np.asarray(self.upper, dtype=np.float64),
            piece=piece,
            officer=officer,
            kind=kind,
            keys=keys,
            weight=weight,
            request_of_piece=ps.requests,
            starts=starts,
        )
        self._chunks, self._starts, self._nonzeros = [], [0], 0
        return horizon


def _integer_sides(sides: np.ndarray, infinite: int) -> list[int]:
    """Rows' whole-numbered sides as CP-SAT's integers, an infinite side as `infinite`, in
    array steps for the rows written only (a window's rows run into the tens of thousands)."""
    out = np.full(len(sides), infinite, dtype=np.int64)
    finite = np.isfinite(sides)
    out[finite] = sides[finite]
    return out.tolist()


@dataclass
class Horizon:
    """Every row of the horizon, as arrays (nonzeros in row order)."""

    x: dict[tuple[int, int], int]  # (piece, officer) -> its column
    cols: np.ndarray  # per nonzero: its column
    coefs: np.ndarray
    row_of: np.ndarray  # per nonzero: its row
    lo: np.ndarray  # per row
    hi: np.ndarray
    amo: np.ndarray
    nonnegative: np.ndarray  # per row: no negative coefficient
    upper: np.ndarray  # per column
    piece: np.ndarray
    officer: np.ndarray  # per column: a pair's officer, else -1
    kind: np.ndarray
    keys: list[Any]
    weight: np.ndarray  # per column: the coverage weight of a pair, else 0
    request_of_piece: np.ndarray
    starts: np.ndarray  # per row and one more: where its nonzeros start
    _shapes: dict[tuple[int, ...], _Shape] = field(default_factory=dict)
    _matrix: scipy.sparse.csr_matrix | None = None
    _pair_codes: np.ndarray | None = None  # per pair column, piece * _stride + officer, sorted
    _stride: int = 1
    _pair_columns: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def cut(self, requests: set[int], fixed_on: list[int]) -> Window:
        """The window of `requests`: their columns free, every other pair fixed, to 1 for the
        columns in `fixed_on` (the roster's shifts outside the window) and to 0 otherwise. Rows
        with no free column are dropped; the others keep their free terms, with the fixed ones
        moved to their sides. What depends only on the requests is kept for the next sweep."""
        key = tuple(sorted(requests))
        shape = self._shapes.get(key)
        if shape is None:
            inside_piece = np.isin(self.request_of_piece, list(requests))
            shape = self._shapes[key] = self._shape(inside_piece[self.piece] & (self.kind != EXTRA))
        return self._cut(shape, fixed_on)

    def cut_officers(self, officers: Collection[int], fixed_on: list[int]) -> Window:
        """The window of these officers over the whole horizon: their pairs free, and the split
        flows of every request they may work, so its segments can move; every other pair fixed
        as in `cut`. A day's window cannot move an officer's hours from one day to another, and
        where the weekly caps bind that is what coverage needs (docs/solver.md)."""
        free = (self.kind == PAIR) & np.isin(self.officer, list(officers))
        touched = np.unique(self.request_of_piece[self.piece[free]])
        free |= (self.kind == FLOW) & np.isin(self.request_of_piece[self.piece], touched)
        return self._cut(self._shape(free), fixed_on)

    def whole(self) -> tuple[Window, np.ndarray]:
        """Every request's window with nothing fixed (the one model's rows), and its columns'
        numbers here, so that values by horizon column (an LP's) can be read by window column."""
        shape = self._shape(self.kind != EXTRA)
        return self._cut(shape, []), shape.cols

    def _cut(self, shape: _Shape, fixed_on: list[int]) -> Window:
        value = np.zeros(len(self.upper))
        value[fixed_on] = 1.0
        value[shape.cols] = 0.0  # the window's own columns are free, never fixed
        activity = (self.matrix() @ value)[shape.rows]
        lo, hi = self.lo[shape.rows] - activity, self.hi[shape.rows] - activity
        upper = self.upper[shape.cols].copy()
        # A pair that alone breaks a row of nonnegative terms beside the fixed shifts can never
        # be chosen (the screening's question, answered by the rows): fixed to 0, so the LP
        # cannot take a fraction of it.
        rows, cols, coefs = shape.sub_rows, shape.sub_cols, shape.coefs
        alone = (coefs > hi[rows] + 1e-9) & self.nonnegative[shape.rows][rows]
        upper[cols[alone]] = 0
        return Window(
            keys=shape.keys,
            kind=self.kind[shape.cols],
            upper=upper,
            objective=self.weight[shape.cols],
            starts=shape.starts,
            cols=cols,
            coefs=coefs,
            lo=lo,
            hi=hi,
            amo=self.amo[shape.rows],
            piece=self.piece[shape.cols],
            officer=self.officer[shape.cols],
        )

    def _shape(self, free: np.ndarray) -> _Shape:
        """The window's columns (`free`, per column), the rows they appear in, and those rows'
        free nonzeros (rows and columns renumbered), in row order: the nonzeros of the free
        columns, in the horizon's order (row by row), by a mask rather than a sort (6 ms
        against 0.8 ms for a day of Rockport's Christmas fortnight, M). The mask is the free
        columns' looked up per nonzero: 3.4 ms for 16,000 columns of that fortnight's 3.07
        million nonzeros, as long as finding them through the nonzeros sorted by column, and
        without that sort (0.20 s once: docs/solver.md)."""
        cols = np.flatnonzero(free)
        nz = np.flatnonzero(free[self.cols])
        row = self.row_of[nz]
        first = np.flatnonzero(np.diff(row, prepend=-1))  # each row's first free nonzero
        local_col = np.full(len(self.upper), -1, dtype=np.int64)
        local_col[cols] = np.arange(len(cols))
        return _Shape(
            cols=cols,
            rows=row[first],
            starts=np.append(first, len(nz)),
            sub_rows=np.repeat(np.arange(len(first)), np.diff(np.append(first, len(nz)))),
            sub_cols=local_col[self.cols[nz]],
            coefs=self.coefs[nz],
            keys=[self.keys[c] for c in cols.tolist()],
        )

    def matrix(self) -> scipy.sparse.csr_matrix:
        """Every row as a sparse matrix: a cut's fixed activity is one product with it,
        where each window's shape kept its rows' fixed terms to sum them (docs/solver.md)."""
        if self._matrix is None:
            self._matrix = scipy.sparse.csr_matrix(
                (self.coefs, self.cols, self.starts), shape=(len(self.lo), len(self.upper))
            )
        return self._matrix

    def columns(self, pairs: np.ndarray) -> np.ndarray:
        """The columns of these (piece, officer) pairs (rows of an array), as `x` gives them
        one at a time."""
        if self._pair_codes is None:
            pair = np.flatnonzero(self.kind == PAIR)
            self._stride = int(self.officer.max(initial=0)) + 1
            codes = self.piece[pair] * self._stride + self.officer[pair]
            order = np.argsort(codes)
            self._pair_codes, self._pair_columns = codes[order], pair[order]
        codes = pairs[:, 0] * self._stride + pairs[:, 1]
        if not len(codes):
            return np.zeros(0, dtype=np.int64)
        last = len(self._pair_codes) - 1
        at = np.minimum(np.searchsorted(self._pair_codes, codes), max(last, 0))
        outside = (pairs[:, 1] < 0) | (pairs[:, 1] >= self._stride)  # would alias another
        if last < 0 or outside.any() or not np.array_equal(self._pair_codes[at], codes):
            raise KeyError("a pair the horizon's rows do not have")
        return self._pair_columns[at]


@dataclass
class _Shape:
    """What a window's cut takes from the horizon, whatever the roster outside it."""

    cols: np.ndarray  # the window's columns, by their horizon number
    rows: np.ndarray  # the rows they appear in
    starts: np.ndarray  # free nonzeros: row starts, rows and columns renumbered, coefficients
    sub_rows: np.ndarray
    sub_cols: np.ndarray
    coefs: np.ndarray
    # The columns' keys, read once for a window cut again and again: a day's window on L is
    # cut once or twice a sweep, and its keys alone took 4 ms a cut (docs/solver.md).
    # `Window._settle` extends a copy, never this list.
    keys: list[Any]


@dataclass
class Window:
    """One window's rows over its own columns, numbered from 0; `objective` is coverage to
    maximize until a caller sets another (with the columns and rows it needs: `add_column`,
    `add_row`)."""

    keys: list[Any]  # per column: (piece, officer) for a pair, the piece for a flow
    kind: np.ndarray
    upper: np.ndarray
    objective: np.ndarray
    starts: np.ndarray
    cols: np.ndarray
    coefs: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    amo: np.ndarray
    piece: np.ndarray  # per column of `keys` as cut (not those added after): its piece
    officer: np.ndarray  # and a pair's officer, else -1
    maximize: bool = True
    _extra_cols: list[tuple[float, float]] = field(default_factory=list)  # upper, objective
    _extra_rows: list[tuple[list[int], Sequence[float], float, float]] = field(default_factory=list)
    _lp_solver: Any = None
    _interrupted: bool = False

    @property
    def pairs(self) -> int:
        return int(np.count_nonzero(self.kind == PAIR))

    def support(self, values: np.ndarray, keep: set[tuple[int, int]]) -> np.ndarray:
        """The columns CP-SAT gets after the LP: every column that is not a pair, the pairs
        the LP uses, and those in `keep` (the current roster, so that its hint stays a valid
        roster and a search among these pairs can only improve on it). `values` may be another
        cut's of the same window (`windows._Ahead`): the pairs come first in both, in one order,
        and only the columns added after them (`add_column`) may differ in number."""
        self._settle()
        used = np.zeros(len(self.keys), dtype=bool)
        shared = min(len(values), len(self.keys))
        used[:shared] = values[:shared] > ZERO
        chosen = (self.kind != PAIR) | used
        columns = self.pair_columns()
        chosen[[columns[key] for key in keep if key in columns]] = True
        return chosen

    def rounded(self, values: np.ndarray) -> tuple[set[tuple[int, int]], dict[int, int]]:
        """An LP optimum's `values` (by column) rounded to the nearest integers: pairs and
        split flows, a hint for the search among the LP's pairs (`relaxation.rounded`, for a
        model's variables)."""
        pairs = np.flatnonzero((self.kind == PAIR) & (values[: len(self.keys)] > 0.5))
        flows = np.flatnonzero(self.kind == FLOW)
        return (
            {self.keys[c] for c in pairs.tolist()},
            {self.keys[c]: math.floor(values[c] + 0.5) for c in flows.tolist()},
        )

    def pair_columns(self) -> dict[tuple[int, int], int]:
        return {self.keys[c]: c for c in np.flatnonzero(self.kind == PAIR).tolist()}

    def add_column(self, upper: float, objective: float = 0.0) -> int:
        self._extra_cols.append((upper, objective))
        return len(self.keys) + len(self._extra_cols) - 1

    def add_row(self, cols: list[int], coefs: Sequence[float], lo: float, hi: float) -> None:
        self._extra_rows.append((cols, coefs, lo, hi))

    def _settle(self) -> None:
        """Merge the added columns and rows into the arrays."""
        if self._extra_cols:
            n = len(self._extra_cols)
            self.keys = self.keys + [None] * n
            self.kind = np.concatenate((self.kind, np.full(n, EXTRA, dtype=np.int8)))
            self.upper = np.concatenate((self.upper, [u for u, _ in self._extra_cols]))
            self.objective = np.concatenate((self.objective, [g for _, g in self._extra_cols]))
            self._extra_cols = []
        if self._extra_rows:
            rows = self._extra_rows
            added = np.asarray([c for r in rows for c in r[0]], dtype=np.int64)
            self.cols = np.concatenate((self.cols, added))
            self.coefs = np.concatenate((self.coefs, [c for r in rows for c in r[1]]))
            ends = self.starts[-1] + np.cumsum([len(r[0]) for r in rows])
            self.starts = np.concatenate((self.starts, ends))
            self.lo = np.concatenate((self.lo, [r[2] for r in rows]))
            self.hi = np.concatenate((self.hi, [r[3] for r in rows]))
            self.amo = np.concatenate((self.amo, np.zeros(len(rows), dtype=bool)))
            self._extra_rows = []

    def relax(self, seconds: float) -> np.ndarray | None:
        """The LP optimum's column values (GLOP), or None if it proved none in time."""
        self._settle()
        matrix = scipy.sparse.csr_matrix(
            (self.coefs, self.cols, self.starts), shape=(len(self.lo), len(self.keys))
        )
        lp: Any = mbh.ModelBuilderHelper()  # its stubs mistype numpy arguments
        lp.fill_model_from_sparse_data(
            np.zeros(len(self.keys)), self.upper, self.objective, self.lo, self.hi, matrix
        )
        lp.set_maximize(self.maximize)
        solver = mbh.ModelSolverHelper("glop")
        solver.set_time_limit_in_seconds(max(0.01, seconds))
        self._lp_solver = solver
        if self._interrupted:  # stopped before GLOP existed: it honours an interrupt set first
            solver.interrupt_solve()
        solver.solve(lp)
        if solver.status() != mbh.SolveStatus.OPTIMAL:
            return None
        return np.asarray(solver.variable_values())

    def interrupt(self) -> None:
        """Stop a `relax` running in another thread (it then returns None), or about to."""
        self._interrupted = True
        if self._lp_solver is not None:
            self._lp_solver.interrupt_solve()

    def model(self, keep: np.ndarray | None = None) -> Model:
        """The CP-SAT model over the columns in `keep`, the other pairs fixed to 0: only their
        rows' free terms are written. With `keep` None, every column, pairs that can never be
        chosen included (fixed to 0), so that the model's variables are the window's columns.

        Written into the model's proto directly, a list of column numbers per row: building an
        expression object per row and per variable took a third of the model phase on M's
        DST fortnight (docs/solver.md)."""
        self._settle()
        if keep is None:
            keep = np.ones(len(self.keys), dtype=bool)
        else:
            keep = keep & ((self.kind != PAIR) | (self.upper > 0))
        kept = np.flatnonzero(keep)
        number = np.full(len(self.keys), -1, dtype=np.int64)  # column -> CP-SAT variable
        number[kept] = np.arange(len(kept))
        m = Model(cp_model.CpModel())
        proto = m.cp.proto
        uppers = self.upper[kept].astype(np.int64).tolist()
        proto.merge_text_format("".join(f"variables {{ domain: [0, {u}] }}\n" for u in uppers))
        for i, (c, kind) in enumerate(zip(kept.tolist(), self.kind[kept].tolist(), strict=True)):
            if kind == PAIR:
                m.x[self.keys[c]] = cmh.IntVar(proto, i)
            elif kind == FLOW:
                m.y[self.keys[c]] = cmh.IntVar(proto, i)
        # The kept terms of every row, filtered in arrays: rows run over every column of the
        # window, and most of a large window's pairs are not kept after its LP.
        on = keep[self.cols]
        row_of = np.repeat(np.arange(len(self.lo)), np.diff(self.starts))[on]
        starts = np.concatenate(([0], np.cumsum(np.bincount(row_of, minlength=len(self.lo)))))
        # A row its kept terms cannot break, whatever their values, is left out: half of the
        # rows on Rockport's DST fortnight (M) once the LP has dropped most pairs.
        reach = self.coefs[on] * self.upper[self.cols[on]]
        most = np.bincount(row_of, weights=np.maximum(reach, 0), minlength=len(self.lo))
        least = np.bincount(row_of, weights=np.minimum(reach, 0), minlength=len(self.lo))
        binds = ((most > self.hi + 1e-9) | (least < self.lo - 1e-9)) & (np.diff(starts) > 0)
        terms = number[self.cols[on]].tolist()
        coefs = self.coefs[on].astype(np.int64).tolist()
        bounds = starts.tolist()
        written = np.flatnonzero(binds)
        rows = proto.constraints
        for r, amo, low, high in zip(
            written.tolist(),
            self.amo[written].tolist(),
            _integer_sides(np.ceil(self.lo[written] - 1e-9), cp_model.INT_MIN),
            _integer_sides(np.floor(self.hi[written] + 1e-9), cp_model.INT_MAX),
            strict=True,
        ):
            a, b = bounds[r], bounds[r + 1]
            if amo and high >= 1:
                rows.add().at_most_one.literals.extend(terms[a:b])
                continue
            linear = rows.add().linear
            linear.vars.extend(terms[a:b])
            linear.coeffs.extend(coefs[a:b])
            linear.domain.extend((low, high))
        on_goal = np.flatnonzero(keep & (self.objective != 0))
        weights = self.objective[on_goal].astype(np.int64)
        # CP-SAT minimizes: a maximum is the minimum of the negated sum, scaled back by -1.
        proto.objective.vars.extend(number[on_goal].tolist())
        proto.objective.coeffs.extend((-weights if self.maximize else weights).tolist())
        proto.objective.scaling_factor = -1.0 if self.maximize else 1.0
        return m
