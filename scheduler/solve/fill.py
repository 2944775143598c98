"""Open positions an eligible, free officer can take, filled after the fairness polish.

The window search leaves some: an LP neighbourhood keeps only the pairs its LP uses, and every
shift outside a window stays fixed, so a position can stay open while an officer who passes
every rule is free for it (the explanations then say "free officer(s) could work it"): 47 on
Rockport's Christmas fortnight (M, 20 s, seed 1; docs/solver.md). Each is offered, most
valuable piece first, to the lightest officer of its pool who may take it; the checks are the
greedy and polish layer's (`pair_checks`), so the roster stays valid. Coverage comes first
(rules.md section 7: nothing below it may lower it), so a position is filled even where its
lightest taker ends above the largest total; the polish runs first, so that the fillings find
the totals it lowered (on Rockport's Christmas fortnight, M, with the filling before the
polish, the largest total rose from 74.5 h to 80.0-86.5 h).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import numpy as np

from scheduler.context import Context
from scheduler.rules.load import OfficerLoad
from scheduler.solve.draft import Draft
from scheduler.solve.explain import OpenPositions
from scheduler.solve.pieces import PieceSet
from scheduler.solve.polish import (
    Busy,
    Staff,
    WeekMinutes,
    final_loads,
    lightest_taker,
    polish,
    totals,
)
from scheduler.solve.resplit import resplit


@dataclass
class Filled:
    """The roster after `fill_and_polish`: its pieces and their pools (the search's, and the
    segments `resplit` added), the draft, how many positions were filled, how many shifts the
    polishes moved and how many open stretches were split again."""

    ps: PieceSet
    pools: list[np.ndarray]
    draft: Draft
    filled: int
    moved: int
    split: int = 0


def fill_and_polish(
    ctx: Context,
    ps: PieceSet,
    pools: list[np.ndarray],
    draft: Draft,
    locked: dict[int, OfficerLoad],
    deadline: float = float("inf"),
    fill_deadline: float | None = None,
    phase: Callable[[str], AbstractContextManager[None]] | None = None,
) -> Filled:
    """The fairness polish, then open positions filled (`fill_open`, and the first time the
    open stretches of long requests split again: `resplit`) and polished again while a filling
    finds a taker and the polish after it moves someone (a shift moved to a lighter officer
    frees a heavier one, who may take a position still open).

    The polishes may run to `deadline`; the fillings end by `fill_deadline` (the same if None:
    the solver keeps the explanations' time from them, as fillings took it on Rockport's
    Christmas fortnight, M, 20 s, and left 772 open positions "not examined"). A filling is
    kept only where the polish after it ends in time: a polish cut short can leave improvable
    pairs, and the roster before the filling had none. One is started only while the last
    polish's time is left before `fill_deadline` (Rockport's fortnight with a 4-hour
    continuous cap, M, 20 s: polishes of 0.58, 0.41 and 0.32 s, the last with 0.19 s to
    spare; a run of the code before this rule ended with 5 improvable pairs: docs/solver.md);
    its polish, which may last a little longer than the one before it, ends by `deadline`
    (held to `fill_deadline`, it undid every filling in 2 of 8 runs of Rockport's week with
    that cap, S, 1 s: docs/solver.md).
    `phase` (`Clock.phase`) counts the splitting again apart from the polish."""
    until = deadline if fill_deadline is None else min(deadline, fill_deadline)
    began = time.monotonic()
    draft, moved = polish(ctx, ps, pools, draft, locked, deadline)
    took = time.monotonic() - began
    filled = split = 0
    split_again = bool(ps.split_requests)
    while time.monotonic() + took < until:
        fair = Filled(ps, pools, draft, filled, moved, split)
        draft, more = fill_open(ctx, ps, pools, draft, locked, until - took)
        again = 0
        if split_again:
            split_again = False
            # Its polish after looks at every shift again, with more moves: twice the first's.
            with nullcontext() if phase is None else phase("resplit"):
                grown = resplit(ctx, ps, pools, draft, locked, until - 2 * took)
            ps, pools, draft, again = grown.ps, grown.pools, grown.draft, grown.stretches
        if not more + again:
            break
        began = time.monotonic()
        draft, last = polish(ctx, ps, pools, draft, locked, deadline)
        if time.monotonic() >= deadline:
            return fair  # the polish may have stopped short
        took = time.monotonic() - began
        filled, moved, split = filled + more, moved + last, split + again
        if not last:
            break
    return Filled(ps, pools, draft, filled, moved, split)


def fill_open(
    ctx: Context,
    ps: PieceSet,
    pools: list[np.ndarray],
    draft: Draft,
    locked: dict[int, OfficerLoad],
    deadline: float = float("inf"),
) -> tuple[Draft, int]:
    """The draft with each open position a free officer may take filled by the lightest such
    officer, and how many were; stops at `deadline` (a `time.monotonic()` instant), leaving
    the rest open."""
    open_ = OpenPositions(ctx, draft)
    wanted = [
        (piece, missing)
        for req in ctx.requests
        if req.rejected is None
        for piece, missing in open_.of(ps, req)
    ]
    if not wanted:
        return draft, 0
    wanted.sort(key=lambda pm: (-pm[0].weight, pm[0].start, pm[0].index))
    loads = final_loads(ctx, ps, draft, locked)
    total = totals(ctx, loads)
    assign = list(draft.assign)
    staff = Staff(ctx, ps, assign)
    # Array steps first: officers whose week is full or who hold a shift too near. Both only
    # narrow the pool; the layer's checks then run on the roster as it grows.
    weeks, busy = WeekMinutes(ctx, ps, loads), Busy(ctx, ps, assign, loads)
    filled = 0
    for piece, missing in wanted:
        if time.monotonic() >= deadline:
            break
        pool = busy.free(weeks.room(pools[piece.index], piece.index), piece.index)
        for _ in range(missing):
            taker = lightest_taker(ctx, piece, pool, staff, loads, total)
            if taker is None:
                break
            loads[taker].add(piece.start, piece.end)
            total[taker] += piece.minutes
            staff.shifts.setdefault(piece.request, []).append(len(assign))
            assign.append((piece.index, taker))
            filled += 1
    return Draft(assign, dict(draft.flow)), filled
