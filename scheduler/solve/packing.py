"""What one officer could work of some pieces: the packing checks that decide which of the
rules' rows can bind (`model.py`), as array steps where a rule asks them thousands of times.

Pieces an officer works must be a travel gap apart. `max_packing` and `packs_more` answer
exactly (weighted interval scheduling); `chain_load` gives a selection's minutes per 24-hour
window, a lower bound that settles most windows without the recursion (docs/solver.md).
"""

from __future__ import annotations

import bisect

import numpy as np

from scheduler.rules.load import DAY
from scheduler.solve.pieces import PieceSet


def max_packing(items: list[tuple[int, int, int]], gap: int) -> int:
    """Largest total weight of items (start, end, weight) that one officer could all work."""
    items = sorted(items, key=lambda it: it[1])
    ends = [e for _, e, _ in items]
    best = [0] * (len(items) + 1)
    for i, (s, _, w) in enumerate(items):
        j = bisect.bisect_right(ends, s - gap, 0, i)  # items finishing a gap before s
        best[i + 1] = max(best[i], best[j] + w)
    return best[-1]


def packs_more(before: list[int], weights: list[int], most: int) -> bool:
    """Whether one officer could work more than `most` of some items, given in order of their
    end with their weights; `before[i]` is how many items end a travel gap before the i-th
    starts. The recursion of `max_packing`, stopped as soon as it passes `most`: most rows a
    rule writes do bind, and this is the model's busiest loop (docs/solver.md): compared, not
    through `max`, it runs 2.6 times faster (2,000 random sets of 1-200 items)."""
    best = [0]
    last = 0  # best[-1]: the most of the items so far
    for j, w in zip(before, weights, strict=True):
        value = best[j] + w
        if value > last:
            if value > most:
                return True
            last = value
        best.append(last)
    return False


def officer_reach(ps: PieceSet, pieces: np.ndarray) -> list[tuple[int, int]]:
    """The union of an officer's candidate pieces: no selection can work more than this.
    Merged in array steps (`context.merge_windows` in Python took a sixth of a split-heavy
    model's rows: docs/solver.md): touching pieces join, as there."""
    order = np.argsort(ps.starts[pieces], kind="stable")
    starts, ends = ps.starts[pieces][order], ps.ends[pieces][order]
    reached = np.maximum.accumulate(ends)
    opens = np.flatnonzero(starts[1:] > reached[:-1]) + 1  # a gap before these pieces
    first = np.concatenate(([0], opens))
    last = np.concatenate((opens - 1, [len(starts) - 1]))
    return list(zip(starts[first].tolist(), reached[last].tolist(), strict=True))


def chain_load(
    start: np.ndarray, end: np.ndarray, gap: int, t: np.ndarray, inside: np.ndarray
) -> np.ndarray:
    """Per 24-hour window from `t` (a row of `inside`: the minutes of each piece in it, pieces
    in order of their end), the minutes of a selection an officer could work: a chain of
    pieces, each the longest of those starting first a travel gap after the one before, from
    the window's piece with the most minutes or from its first. Any chain is a selection, so
    where one works more than the room the window binds without `packs_more`'s recursion
    (docs/solver.md)."""
    n = len(end)
    if n == 0 or len(t) == 0:
        return np.zeros(len(t), dtype=np.int64)
    by_start = np.lexsort((-end, start))  # ties: the longest first
    first_after = np.searchsorted(start[by_start], end + gap, side="left")
    after = np.append(np.append(by_start, n)[first_after], n)
    padded = np.concatenate((inside, np.zeros((len(t), 1), dtype=inside.dtype)), axis=1)
    starts = np.append(start, np.iinfo(np.int64).max)
    some = inside.any(axis=1)
    heaviest = np.where(some, np.argmax(inside, axis=1), n)
    opening = np.append(by_start, n)[np.searchsorted(start[by_start], t, side="left")]
    return np.maximum(
        _follow(padded, after, starts, t, heaviest), _follow(padded, after, starts, t, opening)
    )


def _follow(
    padded: np.ndarray, after: np.ndarray, starts: np.ndarray, t: np.ndarray, at: np.ndarray
) -> np.ndarray:
    """The minutes of each window's chain from its piece `at` (n: none): each step starts
    later than the last (a gap after its end), so every chain leaves its window."""
    n = len(after) - 1
    load = np.zeros(len(t), dtype=np.int64)
    k = np.arange(len(t))
    going = at < n
    k, at = k[going], at[going]
    while len(k):
        load[k] += padded[k, at]
        at = after[at]
        going = starts[at] < t[k] + DAY
        k, at = k[going], at[going]
    return load
