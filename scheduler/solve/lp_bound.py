"""A coverage bound from the LP relaxation over every split, solved beside the search.

When long requests are offered fewer split points than they allow (`splits.fewer_splits`),
neither CP-SAT's bound nor the LP start's holds for the splits left out, and the bound was the
min-cost-flow relaxation's (`flow_bound.py`): on Rockport's Christmas week 633.4 for a best
roster of 478.1. The LP relaxation of the model over every piece and every candidate is valid
for any roster and much tighter (488.6 there), but solving it takes GLOP about two seconds. So
it runs in a thread while the search runs: GLOP leaves Python's lock while it solves, and the
search is in CP-SAT, which does too. Whatever the LP has not proven when the search ends is
interrupted, and the flow bound stands, or the bound of the Lagrangian steps (`lagrange_bound.py`)
the thread makes before it writes the LP's rows, where that is lower.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable

import numpy as np

from scheduler.context import Context, coverage_scale
from scheduler.rules.eligibility import candidates
from scheduler.rules.load import OfficerLoad
from scheduler.solve.lagrange_bound import LagrangeBound, Until
from scheduler.solve.model import fill
from scheduler.solve.objective import tighter_bound
from scheduler.solve.pieces import PieceSet
from scheduler.solve.rows import Rows, Window
from scheduler.solve.threads import beside

log = logging.getLogger(__name__)
# Writing the rows and solving the LP of every split, per pair, on a busy 2-core machine: 2.5 s
# for 32,530 pairs on Rockport's Christmas week (docs/solver.md).
LP_SECONDS_PER_PAIR = 1e-4
LP_SHARE = 0.5  # of the limit: at most this long beside the search
# The share of the LP's time its thread first gives Lagrangian steps (or until they stop
# lowering the bound): a bound for when the LP is not solved in time (docs/solver.md).
LAGRANGE_SHARE = 0.25
THREAD_NAME = "offduty-lp-bound"


class LpBound:
    """The LP bound over `ps` (every split) and all its candidates, computed in a thread."""

    def __init__(
        self,
        ctx: Context,
        ps: PieceSet,
        pools: list[np.ndarray],
        locked: dict[int, OfficerLoad],
        seconds: float,
        goal: float = 0.0,
    ) -> None:
        self.value: float | None = None
        self.pairs = sum(len(pool) for pool in pools)
        self.relaxation: LagrangeBound | None = None
        self._window: Window | None = None
        self._stopped = threading.Event()

        def rows() -> Rows:
            # First Lagrangian steps towards `goal` (the greedy roster's coverage), for a quarter
            # of the LP's time at most: a bound to fall back on when the LP is not solved in time
            # (docs/solver.md).
            relaxation = LagrangeBound(ctx, ps, pools)
            self.relaxation = relaxation
            relaxation.search(goal, Until(self._stopped, LAGRANGE_SHARE * seconds))
            written = Rows()
            if self._stopped.is_set():
                return written
            fill(ctx, ps, candidates(ctx, ps, locked, pools), written)
            return written

        self._thread = beside(self._run, (rows, ps, seconds), THREAD_NAME)

    @staticmethod
    def fits(pairs: int, limit: float) -> bool:
        return pairs * LP_SECONDS_PER_PAIR <= LP_SHARE * limit

    def _run(self, write: Callable[[], Rows], ps: PieceSet, seconds: float) -> None:
        try:
            rows = write()
            if self._stopped.is_set():
                return
            window = rows.freeze(ps).cut(set(ps.by_request), [])
            self._window = window
            if self._stopped.is_set():  # after `_window` is set: `finish` interrupts it otherwise
                return
            values = window.relax(seconds)
            if values is None or self._stopped.is_set():
                return
            objective = float(values @ window.objective[: len(values)])
            # The integer optimum is an integer; the slack covers GLOP's relative tolerance.
            best = math.floor(objective + 1e-6 * max(1.0, abs(objective)))
            self.value = (best + rows.locked_weight) / coverage_scale()
        except Exception:  # noqa: BLE001 - a bound is optional: never let it break a solve
            log.exception("the LP bound over every split failed; the flow bound stands")

    def finish(self, wait: float) -> float | None:
        """The bound, waiting at most `wait` seconds for it; an LP still running is stopped."""
        self._thread.join(max(0.0, wait))
        if self._thread.is_alive():
            self.stop()
            return None
        return self.value

    def stop(self) -> None:
        """Stop the thread without waiting: its LP is interrupted, its next step skipped."""
        self._stopped.set()
        if self._window is not None:
            self._window.interrupt()

    def tighter(self, bound: float | None, notes: list[str], wait: float) -> float | None:
        """The lower of the LP's and the first Lagrangian steps' bounds where it is below
        `bound` (None: the coverage itself, proven), waiting at most `wait` seconds for the LP;
        `notes` say which bound stands."""
        value = self.finish(wait)
        found: list[tuple[float, str]] = []
        if value is None:
            notes.append(
                f"the LP relaxation over every split ({self.pairs:,} pairs) was not solved in time"
            )
        else:
            found.append(
                (value, f"bound from the LP relaxation over every split ({self.pairs:,} pairs)")
            )
        relaxation = self.relaxation
        if relaxation is not None and not math.isinf(relaxation.best):
            found.append((relaxation.best, relaxation.note()))
        if not found:
            return bound
        lowest, note = min(found, key=lambda bound_and_note: bound_and_note[0])  # the LP on a tie
        return tighter_bound(bound, lowest, notes, note)
