"""The fairness sweep's objective for one window of the city-scale search (`windows.py`).

The coverage sweeps leave some officers far heavier than others. A window's fairness solve keeps
the window's coverage and lowers a convex penalty of its officers' totals, which, unlike the
largest total alone, keeps lowering the heavy officers when the heaviest cannot shed a shift in
this window.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from scheduler.context import Context
from scheduler.solve.draft import Draft, roster_rows
from scheduler.solve.pieces import PieceSet
from scheduler.solve.rows import PAIR, Window

STEP = 180  # minutes between the thresholds of the fairness penalty
SLOPES = (16, 8, 4, 2, 1)  # per minute above each threshold, the highest (3 h below the top) first


def excess(
    ctx: Context, ps: PieceSet, win: Window, draft: Draft, inside_req: set[int], covered: float
) -> float:
    """Minimize a convex penalty of the window officers' totals, the window's coverage kept:
    minutes above the roster's largest total are forbidden, and each minute above thresholds
    3, 6, ... 15 hours below it costs 1, 3, 7, 15 or 31, more the higher it lies. Unlike the
    largest total alone, this keeps lowering the heavy officers when the largest one cannot
    shed a shift in this window, and it is an LP whose relaxation stays close to integral.
    Returns the penalty of the current roster."""
    roster = roster_rows(draft)
    inside = np.isin(ps.requests[roster[:, 0]], list(inside_req))
    totals, fixed = _totals(ctx, ps, roster, inside)
    top = max(totals, default=0)
    thresholds = [top - STEP * k for k in range(1, len(SLOPES) + 1)]
    pairs = win.pair_columns()
    win.add_row(list(pairs.values()), [ps.pieces[p].weight for p, _ in pairs], covered, math.inf)
    by_officer: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (p, o), col in pairs.items():
        by_officer[o].append((col, ps.pieces[p].minutes))
    win.maximize = False
    win.objective[:] = 0
    current = 0.0
    for o, items in by_officer.items():
        cols, mins = [c for c, _ in items], [n for _, n in items]
        win.add_row(cols, mins, -math.inf, max(top, totals[o]) - fixed[o])
        most = fixed[o] + sum(mins)
        for threshold, slope in zip(thresholds, SLOPES, strict=True):
            if most <= threshold:
                continue
            over = win.add_column(most - threshold, slope)
            # total - over <= threshold
            win.add_row([*cols, over], [*mins, -1], -math.inf, threshold - fixed[o])
            current += slope * max(0, totals[o] - threshold)
    return current


def hold_the_top(
    ctx: Context, ps: PieceSet, win: Window, draft: Draft, roster: np.ndarray | None = None
) -> None:
    """Rows of an officers' window (`rows.Horizon.cut_officers`): no officer of it ends above
    the roster's largest total, or their own if it is higher. Such a window frees a group's
    pairs over the whole horizon, and without these rows its coverage solve piled shifts onto
    a few officers (docs/solver.md). In array steps: a city's roster has 20,000 shifts, and
    this ran once per window (26 ms each at L, docs/solver.md). `roster`: the draft's
    `roster_rows`, where the caller has them."""
    columns = np.flatnonzero(win.kind == PAIR)
    if not len(columns):
        return
    piece, officer = win.piece[columns], win.officer[columns]
    minutes = ps.ends[piece] - ps.starts[piece]
    roster = roster_rows(draft) if roster is None else roster
    n = len(ctx.officers)
    totals, fixed = _totals(
        ctx, ps, roster, np.isin(roster[:, 0] * n + roster[:, 1], piece * n + officer)
    )
    top = max(totals)
    order = np.argsort(officer, kind="stable")
    first = np.flatnonzero(np.diff(officer[order], prepend=-1)).tolist() + [len(order)]
    for a, b in zip(first, first[1:], strict=False):
        at = order[a:b]
        o = int(officer[at[0]])
        win.add_row(
            columns[at].tolist(), minutes[at].tolist(), -math.inf, max(top, totals[o]) - fixed[o]
        )


def _totals(
    ctx: Context, ps: PieceSet, roster: np.ndarray, inside: np.ndarray
) -> tuple[list[int], list[int]]:
    """Per officer, the total minutes (hours to date, the roster's shifts and the locked ones)
    and the part of it fixed outside the window: all but the roster's shifts `inside` it (a
    mask over the roster's rows of (piece, officer))."""
    n = len(ctx.officers)
    worked = ps.ends[roster[:, 0]] - ps.starts[roster[:, 0]]
    totals = np.asarray([o.hours_to_date for o in ctx.officers], dtype=np.int64)
    totals += np.bincount(roster[:, 1], weights=worked, minlength=n).astype(np.int64)
    for _, o, s, e in ctx.locked:
        totals[o] += e - s
    free = np.bincount(roster[inside, 1], weights=worked[inside], minlength=n).astype(np.int64)
    return totals.tolist(), (totals - free).tolist()
