"""A coverage bound from a Lagrangian relaxation over every split and every pool pair.

Where neither CP-SAT nor an LP fits the limit, the bound was the min-cost-flow relaxation's
(`flow_bound.py`), which drops overlaps and supervisors: on Rockport's DST fortnight (M) it was
50% above the best roster. This relaxation keeps, over the pieces of every split and the
candidate pools (a superset of the candidates):

- positions: at any moment of a request, at most its officers needed minus its locked ones;
- supervisors: at any moment, no more officers on a request that needs a supervisor than
  `officers_needed` times its supervisors on it (the model's row, locked shifts included);
- per officer: no two pieces closer than the travel gap, no more minutes in a local day or
  week than the caps leave beside the officer's prior and locked shifts, and where the 24-hour
  rest rule allows no more than a day's cap, that rule in the windows of three partitions of
  time into consecutive 24 hours (`ROLLING_OFFSETS`), on-duty minutes included.

It drops the rest rule's other windows, conflicts with locks and the chaining of pieces into
positions, so every roster the solver can return is feasible for it, and its optimum bounds
coverage.

The request rows (one per segment between consecutive piece boundaries, in position-hours) and
the caps (in hours) move into the objective with multipliers. What is left splits by officer
into weighted interval scheduling, solved exactly for all officers at once (`_Officers.best`).
For any non-negative multipliers the total is a valid bound (weak duality), so the subgradient
search over them may stop after any step and keep the lowest bound seen. Figures in
docs/solver.md: on Kennesaw's autumn DST fortnight (M) 527 steps in 8 s come within 0.1% of
where a minute of steps levels off, 6.1% above the best roster where the flow bound is 13.2%.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import numpy as np

from scheduler.context import Context, coverage_scale, piece_weight
from scheduler.rules.load import DAY
from scheduler.solve.objective import tighter_bound
from scheduler.solve.pieces import PieceSet
from scheduler.solve.stages import Turns
from scheduler.solve.threads import beside
from scheduler.timeutil import split_by_local_day, split_by_local_week

# Subgradient steps: the step scale starts at FIRST_STEP and halves after STALL steps without a
# lower bound; each direction keeps DEFLECTION of the last one (less zigzag between rows).
FIRST_STEP = 1.0
STALL = 20
DEFLECTION = 0.7
SMALLEST_STEP = 1e-3
JOIN_SECONDS = 0.5  # the longest a finished solve waits for a step to see its stop
THREAD_NAME = "offduty-lagrange-bound"
# Where the thread runs (docs/solver.md): at most this many pairs a second of the limit, and
# never above MOST_PAIRS, where a step takes 0.2 s and the thread's Python slowed the search
# (Kennesaw's autumn DST fortnight, L: 0.4% less coverage, and 138 steps in 30 s had not reached
# the flow bound).
PAIRS_PER_SECOND = 30_000
MOST_PAIRS = 1_000_000

# The rest rule's 24-hour windows are rolling; the relaxation keeps those of ROLLING_OFFSETS
# partitions of time into consecutive 24 hours (minutes after the epoch's midnight), each with
# the on-duty, prior and locked minutes inside it: a patrol shift of up to 16 hours lies whole
# in at least one of them (docs/solver.md).
ROLLING_OFFSETS = (0, 8 * 60, 16 * 60)


@lru_cache(maxsize=1 << 16)
def split_by_rolling_day(start: int, end: int, tz: ZoneInfo) -> tuple[tuple[tuple, int], ...]:
    """The minutes of [start, end) in each 24-hour window of each ROLLING_OFFSETS partition,
    keyed by (offset, window number); real elapsed minutes, whatever the clocks do."""
    parts = []
    for offset in ROLLING_OFFSETS:
        first, last = (start - offset) // DAY, (end - 1 - offset) // DAY
        for j in range(first, last + 1):
            lo, hi = max(start, offset + j * DAY), min(end, offset + (j + 1) * DAY)
            parts.append(((offset, j), hi - lo))
    return tuple(parts)


# The caps' periods: (kind, how a shift's minutes split into them).
Split = Callable[[int, int, ZoneInfo], tuple[tuple[Hashable, int], ...]]
PERIODS: tuple[tuple[str, Split], ...] = (
    ("day", split_by_local_day),
    ("week", split_by_local_week),
    ("24h", split_by_rolling_day),
)

log = logging.getLogger(__name__)


class Stop(Protocol):
    """What the steps check between them: a `threading.Event`, or `Until`."""

    def is_set(self) -> bool: ...


class Until:
    """Set when `stop` is, or once `seconds` have passed from now."""

    def __init__(self, stop: threading.Event, seconds: float) -> None:
        self._stop = stop
        self._deadline = time.perf_counter() + seconds

    def is_set(self) -> bool:
        return self._stop.is_set() or time.perf_counter() >= self._deadline


class _Waiting:
    """A `Stop` that first waits for this thread's turn (`stages.Turns`)."""

    def __init__(self, stop: threading.Event, turns: Turns) -> None:
        self._stop = stop
        self._turns = turns

    def is_set(self) -> bool:
        return not self._turns.wait(self._stop)


class LagrangeThread:
    """The relaxation built and searched in a thread beside the search, from the moment the
    greedy roster (`goal`, its coverage in piece-weight units without locked shifts) is known.
    Array work and CP-SAT both release Python's lock for most of their time. Every step's
    bound is valid, so `tighter` takes the lowest so far whenever the search ends."""

    def __init__(
        self,
        ctx: Context,
        ps: PieceSet,
        pools: list[np.ndarray],
        goal: float,
        turns: Turns | None = None,
    ) -> None:
        """`turns`: built and searched only while the solve's own thread does no Python work
        on its critical path (`stages.Turns`)."""
        self.relaxation: LagrangeBound | None = None
        self.pairs = sum(len(pool) for pool in pools)
        self._stop = threading.Event()
        self._turns = turns
        self._thread = beside(self._run, (ctx, ps, pools, goal), THREAD_NAME)

    @staticmethod
    def fits(pairs: int, limit: float) -> bool:
        return pairs <= min(MOST_PAIRS, PAIRS_PER_SECOND * limit)

    def _run(self, ctx: Context, ps: PieceSet, pools: list[np.ndarray], goal: float) -> None:
        turns = self._turns
        if turns is not None and not turns.wait(self._stop):
            return
        try:
            relaxation = LagrangeBound(ctx, ps, pools)
            self.relaxation = relaxation
            relaxation.search(goal, self._stop if turns is None else _Waiting(self._stop, turns))
        except Exception:  # noqa: BLE001 - a bound is optional: never let it break a solve
            log.exception("the Lagrangian bound failed; the bound before it stands")

    def finish(self) -> float | None:
        """Stop the steps; the lowest bound they found (coverage units), if any."""
        self.stop()
        self._thread.join(JOIN_SECONDS)
        relaxation = self.relaxation
        if relaxation is None or math.isinf(relaxation.best):
            return None
        return relaxation.best

    def stop(self) -> None:
        """Stop the steps without waiting for the one under way."""
        self._stop.set()

    def tighter(self, bound: float | None, notes: list[str]) -> float | None:
        """The Lagrangian bound where it is below `bound` (None: proven), `notes` saying so."""
        value = self.finish()
        if value is None or self.relaxation is None:
            return bound
        return tighter_bound(bound, value, notes, self.relaxation.note())


class _Officers:
    """Each officer's pairs in order of their end, and for each the number of that officer's
    pairs ending a travel gap before it starts: one weighted interval scheduling problem per
    officer, solved for all officers together one position at a time."""

    def __init__(self, officer: np.ndarray, start: np.ndarray, end: np.ndarray, gap: int) -> None:
        self.order = np.lexsort((start, end, officer))
        off, s, e = officer[self.order], start[self.order], end[self.order]
        self.officer = off
        self.first = np.searchsorted(off, off, side="left")  # each pair's officer's first pair
        if len(off):
            # The officer's pairs ending at least a gap before each one starts (their count).
            span = int(e.max() - s.min()) + gap + 2
            key = off * span + (e - s.min())
            self.pred = np.searchsorted(key, off * span + (s - gap - s.min()), side="right")
        else:
            self.pred = np.zeros(0, dtype=np.int64)

    def best(self, value: np.ndarray, stop: Stop) -> tuple[float, np.ndarray]:
        """The largest total of the positive `value`s (by pair, in the caller's order) that
        each officer can work, summed over officers, and the pairs (indices) reaching it."""
        v = value[self.order]
        positive = v > 0
        keep = np.flatnonzero(positive)
        if not len(keep):
            return 0.0, keep
        kept_before = np.concatenate(([0], np.cumsum(positive)))
        off, v = self.officer[keep], v[keep]
        base = np.flatnonzero(np.r_[True, off[1:] != off[:-1]])  # each officer's first
        count = np.diff(np.r_[base, len(off)])
        # Kept pairs of the officer before each kept pair's predecessors end.
        pred = kept_before[self.pred[keep]] - kept_before[self.first[keep]]
        table_base = base + np.arange(len(base))  # each officer's best-of-none entry
        table = np.zeros(len(v) + len(base))
        busiest = np.argsort(-count, kind="stable")
        active = np.searchsorted(-count[busiest], -np.arange(int(count.max())), side="left")
        for k, n in enumerate(active.tolist()):
            if k % 256 == 0 and stop.is_set():
                return math.inf, keep[:0]
            who = busiest[:n]
            idx = base[who] + k
            here = table_base[who]
            table[here + k + 1] = np.maximum(table[here + k], table[here + pred[idx]] + v[idx])
        total = float(table[table_base + count].sum())
        chosen = np.zeros(len(v), dtype=bool)
        cursor = count.copy()
        live = np.arange(len(base))
        while len(live):
            here = table_base[live] + cursor[live]
            take = table[here] > table[here - 1]
            idx = base[live] + cursor[live] - 1
            chosen[idx[take]] = True
            cursor[live] = np.where(take, pred[idx], cursor[live] - 1)
            live = live[cursor[live] > 0]
        return total, self.order[keep[chosen]]


class LagrangeBound:
    """The relaxation over `ps` and `pools`; `search` looks for low multipliers."""

    def __init__(self, ctx: Context, ps: PieceSet, pools: list[np.ndarray]) -> None:
        sizes = np.asarray([len(pools[p.index]) for p in ps.pieces], dtype=np.int64)
        self.piece = np.repeat(np.arange(len(ps.pieces)), sizes)
        self.officer = (
            np.concatenate([pools[p.index] for p in ps.pieces]).astype(np.int64)
            if len(self.piece)
            else np.zeros(0, dtype=np.int64)
        )
        self.pairs = len(self.piece)
        self.value = np.asarray([p.weight for p in ps.pieces], dtype=np.float64)[self.piece]
        self.locked_weight = sum(piece_weight(ctx.requests[r], s, e) for r, _, s, e in ctx.locked)
        self.segments = _Segments(ctx, ps)
        supervisor = np.asarray([o.supervisor for o in ctx.officers], dtype=bool)[self.officer]
        # A supervisor counts 1 - officers_needed in the supervisor rows, another officer 1.
        self.factor = np.where(supervisor, 1.0 - self.segments.need[self.piece], 1.0)
        self.caps = _Caps(ctx, ps, self.piece, self.officer)
        start = np.asarray([p.start for p in ps.pieces], dtype=np.int64)[self.piece]
        end = np.asarray([p.end for p in ps.pieces], dtype=np.int64)[self.piece]
        self.officers = _Officers(self.officer, start, end, ctx.limits.gap)
        self.limit = np.concatenate((self.segments.limit, self.caps.limit))
        self.steps = 0
        self.best = math.inf  # the lowest bound so far, in coverage units with locked shifts

    def note(self) -> str:
        """What a result's notes say when this bound stands."""
        return (
            f"bound from the Lagrangian relaxation over every split ({self.pairs:,} pairs, "
            f"{self.steps} subgradient steps)"
        )

    def at(self, mult: np.ndarray, stop: Stop) -> tuple[float, np.ndarray]:
        """The relaxation's optimum at the multipliers (a valid bound, in piece-weight units
        without the locked shifts) and each row's left-hand side at the pairs reaching it."""
        rows = len(self.segments.limit)
        own, sup = self.segments.price(mult[:rows])
        reduced = self.value - own[self.piece] - self.factor * sup[self.piece]
        maybe = np.flatnonzero(reduced > 0)  # caps only lower a pair's value further
        reduced[maybe] -= self.caps.price(mult[rows:], maybe)
        total, chosen = self.officers.best(reduced, stop)
        used = np.concatenate(
            (
                self.segments.used(self.piece[chosen], self.factor[chosen]),
                self.caps.used(chosen),
            )
        )
        return float(mult @ self.limit) + total, used

    def search(self, target: float, stop: Stop, most: int | None = None) -> None:
        """Subgradient steps towards `target` (a known roster's coverage in piece-weight units,
        without locked shifts) until `stop` is set or the steps become too small; `best` holds
        the lowest bound. `most` caps the steps (tests)."""
        mult = np.zeros(len(self.limit))
        fixed = self.segments.unsupervised(len(self.limit))
        lowest, scale, since = math.inf, FIRST_STEP, 0
        direction = np.zeros(len(self.limit))
        while scale >= SMALLEST_STEP and not stop.is_set() and self.steps != most:
            value, used = self.at(mult, stop)
            if math.isinf(value):
                return
            self.steps += 1
            if value < lowest:
                improved = lowest - value > 1e-6 * abs(value) if not math.isinf(lowest) else True
                lowest = value
                # The integer optimum is an integer; the slack covers rounding in the sums.
                integral = math.floor(value + 1e-6 * max(1.0, abs(value)))
                self.best = (integral + self.locked_weight) / coverage_scale()
                since = 0 if improved else since + 1
            else:
                since += 1
            if since >= STALL:
                scale, since = scale / 2, 0
            slack = self.limit - used
            slack[fixed] = 0.0
            # A row with a zero multiplier and room left cannot lower the bound further.
            idle = mult <= 0
            slack[idle & (slack > 0)] = 0.0
            if value <= target or not slack.any():
                return  # the roster is optimal, or these pairs are (they keep every row)
            direction = slack + DEFLECTION * direction
            direction[idle & (direction > 0)] = 0.0
            if not direction.any():
                direction = slack
            norm = float(direction @ direction)
            mult = np.maximum(0.0, mult - scale * (value - target) / norm * direction)


class _Segments:
    """Each request's segments between consecutive piece boundaries, numbered across requests:
    a position row and a supervisor row per segment, both in position-hours."""

    def __init__(self, ctx: Context, ps: PieceSet) -> None:
        locked: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for r, o, s, e in ctx.locked:
            locked[r].append((o, s, e))
        self.lo = np.zeros(len(ps.pieces), dtype=np.int64)
        self.hi = np.zeros(len(ps.pieces), dtype=np.int64)
        self.need = np.zeros(len(ps.pieces))
        hours: list[float] = []
        room: list[float] = []
        sup_room: list[float] = []
        supervised: list[bool] = []
        for r, piece_ids in ps.by_request.items():
            req = ctx.requests[r]
            need = req.model.officers_needed
            starts = np.asarray([ps.pieces[p].start for p in piece_ids], dtype=np.int64)
            ends = np.asarray([ps.pieces[p].end for p in piece_ids], dtype=np.int64)
            points = np.unique(np.concatenate((starts, ends)))
            first = len(hours)
            self.lo[piece_ids] = first + np.searchsorted(points, starts)
            self.hi[piece_ids] = first + np.searchsorted(points, ends)
            rule = need >= ctx.limits.supervisor_at
            if rule:
                self.need[piece_ids] = need
            for a, b in zip(points[:-1].tolist(), points[1:].tolist(), strict=True):
                here = [o for o, s, e in locked.get(r, []) if s <= a and e >= b]
                sups = sum(ctx.officers[o].supervisor for o in here)
                hours.append((b - a) / 60)
                room.append(need - len(here))
                sup_room.append((need - 1) * sups - (len(here) - sups))
                supervised.append(rule)
        self.hours = np.asarray(hours)
        self.supervised = np.asarray(supervised, dtype=bool)
        self.limit = np.concatenate(
            (np.asarray(room) * self.hours, np.asarray(sup_room) * self.hours)
        )

    def unsupervised(self, rows: int) -> np.ndarray:
        """The supervisor rows of requests without the rule: their multipliers stay 0."""
        mask = np.zeros(rows, dtype=bool)
        mask[len(self.hours) : 2 * len(self.hours)] = ~self.supervised
        return mask

    def price(self, mult: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per piece, the position rows' and the supervisor rows' multipliers over its
        segments, each times the segment's hours."""
        n = len(self.hours)
        own = np.concatenate(([0.0], np.cumsum(mult[:n] * self.hours)))
        sup = np.concatenate(([0.0], np.cumsum(mult[n:] * self.hours)))
        return own[self.hi] - own[self.lo], sup[self.hi] - sup[self.lo]

    def used(self, pieces: np.ndarray, factor: np.ndarray) -> np.ndarray:
        """Each row's left-hand side when each of `pieces` is worked once (`factor`: the
        officer's coefficient in the supervisor rows)."""
        n = len(self.hours)
        count = np.zeros(n + 1)
        np.add.at(count, self.lo[pieces], 1.0)
        np.add.at(count, self.hi[pieces], -1.0)
        weighted = np.zeros(n + 1)
        np.add.at(weighted, self.lo[pieces], factor)
        np.add.at(weighted, self.hi[pieces], -factor)
        return np.concatenate(
            (np.cumsum(count)[:n] * self.hours, np.cumsum(weighted)[:n] * self.hours)
        )


class _Caps:
    """Each officer's hours per local day and per week, against what the caps leave beside
    the officer's fixed (prior and locked) shifts: one row per officer and period a pair
    touches, with the pair's hours in that period as its coefficient."""

    def __init__(self, ctx: Context, ps: PieceSet, piece: np.ndarray, officer: np.ndarray) -> None:
        periods: dict[tuple[str, Hashable], int] = {}  # (kind, which one) -> number
        parts: list[tuple[int, int, int]] = []  # (piece, period, minutes), by piece
        periods_of = _periods(ctx)
        for p in ps.pieces:
            for kind, split in periods_of:
                for key, minutes in split(p.start, p.end, ctx.tz):
                    parts.append((p.index, periods.setdefault((kind, key), len(periods)), minutes))
        table = np.asarray(parts, dtype=np.int64).reshape(-1, 3)
        per_piece = np.bincount(table[:, 0], minlength=len(ps.pieces))
        first = np.cumsum(per_piece) - per_piece
        n = per_piece[piece]
        pair = np.repeat(np.arange(len(piece)), n)
        part = np.repeat(first[piece], n) + (np.arange(len(pair)) - np.repeat(np.cumsum(n) - n, n))
        code = officer[pair] * len(periods) + table[part, 1]
        codes, row = np.unique(code, return_inverse=True)
        # Padded to the most parts of a piece (a day or two, a week or two): entry k of a pair
        # is its k-th part, or a zero-hour part of row 0.
        width = int(per_piece.max(initial=1))
        slot = part - np.repeat(first[piece], n)
        self.row = np.zeros((len(piece), width), dtype=np.int64)
        self.hours = np.zeros((len(piece), width))
        self.row[pair, slot] = row
        self.hours[pair, slot] = table[part, 2] / 60
        names = list(periods)
        fixed = _fixed_minutes(ctx)
        limit = []
        for c in codes.tolist():
            o, period = divmod(c, len(periods))
            kind, key = names[period]
            cap = {
                "day": ctx.limits.per_day,
                "week": ctx.officers[o].week_cap,
                "24h": ctx.limits.per_24h,
            }[kind]
            limit.append(max(0, cap - fixed[o][kind, key]) / 60)
        self.limit = np.asarray(limit, dtype=np.float64)

    def price(self, mult: np.ndarray, pairs: np.ndarray) -> np.ndarray:
        """Each of `pairs`' hours in its periods times their multipliers."""
        return (self.hours[pairs] * mult[self.row[pairs]]).sum(axis=1)

    def used(self, pairs: np.ndarray) -> np.ndarray:
        """Each row's hours when `pairs` are worked."""
        return np.bincount(
            self.row[pairs].ravel(), weights=self.hours[pairs].ravel(), minlength=len(self.limit)
        )


def _periods(ctx: Context) -> tuple[tuple[str, Split], ...]:
    """The periods the caps are kept in: the rest rule's windows only where it allows no more
    than a day's cap. Where it allows more (the agencies' 16 hours against 12), its rows did not
    lower the bound but slowed the steps beside the search: on Rockport's DST fortnight (M, 20 s)
    390 steps instead of 836 and a bound 2.1% higher (docs/solver.md)."""
    if ctx.limits.per_24h <= ctx.limits.per_day:
        return PERIODS
    return tuple(period for period in PERIODS if period[0] != "24h")


def _fixed_minutes(ctx: Context) -> dict[int, Counter[tuple[str, Hashable]]]:
    """Per officer, the minutes of prior and locked shifts per (kind, local day, week or
    24-hour window), and in the 24-hour windows the on-duty minutes too (the rest rule counts
    them)."""
    out: dict[int, Counter[tuple[str, Hashable]]] = defaultdict(Counter)
    shifts = [(o.index, s, e, False) for o in ctx.officers for s, e in o.prior]
    shifts += [(o, s, e, False) for _, o, s, e in ctx.locked]
    shifts += [(o.index, s, e, True) for o in ctx.officers for s, e in o.on_duty]
    periods = _periods(ctx)
    for o, s, e, on_duty in shifts:
        for kind, split in periods:
            if on_duty and kind != "24h":
                continue
            for key, minutes in split(s, e, ctx.tz):
                out[o][kind, key] += minutes
    return out
