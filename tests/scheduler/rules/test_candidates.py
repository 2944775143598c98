"""Candidate screening: the shortcuts in `candidates` keep exactly the pairs the full per-pair
check keeps (pool, employer conflict, every load rule against locked and on-duty time)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from models.agency import PolicyOverrides
from scenarios.generator import generate
from scheduler.context import prepare
from scheduler.rules import eligibility
from scheduler.rules.eligibility import STATIC_RULES, _OfficerArrays, candidate_pools, candidates
from scheduler.rules.load import OfficerLoad
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import build_pieces
from scheduler.timeutil import split_by_local_day, split_by_local_week
from tests.scheduler.builders import officer, problem


def _full_check(ctx, ps, loads, pools) -> dict[int, list[int]]:
    out = {}
    for piece in ps.pieces:
        employer = ctx.requests[piece.request].model.employer.id
        kept = []
        for oi in pools[piece.index].tolist():
            if employer in ctx.officers[oi].conflicts:
                continue
            load = loads.get(oi) or OfficerLoad(ctx, ctx.officers[oi])
            if load.fits(piece.start, piece.end):
                kept.append(oi)
        out[piece.index] = sorted(kept)
    return out


@pytest.mark.parametrize(
    ("agency", "start", "seed", "opts"),
    [
        ("rockport-tx", date(2026, 12, 21), 5, {}),
        ("kennesaw-ga", date(2026, 3, 2), 1, {}),
        # Prior and locked shifts under a 10-hour rolling cap: the load check bites on pairs
        # near duty and on officers holding shifts.
        (
            "kennesaw-ga",
            date(2026, 10, 29),
            3,
            {
                "policy": PolicyOverrides(max_hours_per_24h=10),
                "prior_share": 0.5,
                "locked_share": 0.1,
                "long_share": 0.3,
            },
        ),
    ],
)
def test_screening_keeps_exactly_the_pairs_of_the_full_check(
    agency: str, start: date, seed: int, opts: dict[str, Any]
) -> None:
    ctx = prepare(generate(40, 80, 7, seed, agency=agency, start=start, **opts))
    ps = build_pieces(ctx)
    _, loads = check_locks(ctx, ps)
    pools = candidate_pools(ctx, ps)
    fast = candidates(ctx, ps, loads, pools)
    full = _full_check(ctx, ps, loads, pools)
    assert fast == full
    # The same as the loop over pieces that a capped screening runs, with a cap nothing meets.
    assert eligibility.candidates_until(ctx, ps, loads, pools, cap=10**6) == full
    # Not a vacuous equality: the full check refuses some pool officers and keeps others.
    refused = sum(len(pools[p]) - len(full[p]) for p in full)
    assert refused > 0
    assert sum(len(c) for c in full.values()) > 0


def _capped_full_check(ctx, ps, loads, pools, cap) -> dict[int, list[int]]:
    """With a cap: per piece, the first `cap` + positions officers of the spread order (fewest
    times kept so far, then fewest hours, then index) who pass the full check."""
    hours = np.array([o.hours_to_date for o in ctx.officers], dtype=np.int64)
    chosen = np.zeros(len(ctx.officers), dtype=np.int64)
    out = {}
    for piece in ps.pieces:
        req = ctx.requests[piece.request]
        pool = pools[piece.index]
        limit = cap + req.model.officers_needed
        if limit < len(pool):
            pool = pool[np.lexsort((pool, hours[pool], chosen[pool]))]
        kept = []
        for oi in pool.tolist():
            if len(kept) == limit:
                break
            if req.model.employer.id in ctx.officers[oi].conflicts:
                continue
            load = loads.get(oi) or OfficerLoad(ctx, ctx.officers[oi])
            if load.fits(piece.start, piece.end):
                kept.append(oi)
        chosen[kept] += 1
        out[piece.index] = sorted(kept)
    return out


@pytest.mark.parametrize("cap", [1, 4])
def test_a_capped_screening_keeps_the_first_officers_of_the_spread_order_that_fit(
    cap: int,
) -> None:
    # Locked and prior shifts: officers with a locked shift go through the full load check too.
    ctx = prepare(generate(40, 80, 7, 3, agency="kennesaw-ga", start=date(2026, 10, 29),
                           prior_share=0.25, locked_share=0.1))
    ps = build_pieces(ctx)
    _, loads = check_locks(ctx, ps)
    pools = candidate_pools(ctx, ps)
    fast = candidates(ctx, ps, loads, pools, cap=cap)
    assert fast == _capped_full_check(ctx, ps, loads, pools, cap)
    # Not vacuous: locked shifts, and the cap cuts pools the load rules also thin.
    assert loads
    assert sum(len(pools[p]) > cap + 2 for p in fast) > 0


def _pools_one_by_one(ctx, ps) -> list[np.ndarray]:
    """The pools piece by piece, as they were computed before the array version."""
    arrays = _OfficerArrays(ctx)
    pools = []
    for piece in ps.pieces:
        req = ctx.requests[piece.request]
        days = split_by_local_day(piece.start, piece.end, ctx.tz)
        if piece.minutes > ctx.limits.per_24h or max(m for _, m in days) > ctx.limits.per_day:
            pools.append(np.empty(0, dtype=np.int64))
            continue
        pool = arrays.free.containing(piece.start, piece.end)
        week_most = max(m for _, m in split_by_local_week(piece.start, piece.end, ctx.tz))
        keep = ~STATIC_RULES["MISSING_QUALIFICATION"].many(
            arrays, req, piece.start, piece.end, pool
        )
        keep &= arrays.week_cap[pool] >= week_most
        pools.append(pool[keep])
    return pools


@pytest.mark.parametrize(
    ("agency", "start", "seed"),
    [
        ("rockport-tx", date(2026, 12, 21), 3),  # Christmas, the 2-hour minimum: many splits
        ("rockport-tx", date(2026, 3, 2), 4),  # the spring DST change
        ("kennesaw-ga", date(2026, 10, 26), 2),  # the autumn DST change
    ],
)
def test_the_pools_in_arrays_equal_the_pools_piece_by_piece(
    agency: str, start: date, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = prepare(generate(40, 80, 7, seed, agency=agency, start=start, long_share=0.4))
    ps = build_pieces(ctx)
    expected = _pools_one_by_one(ctx, ps)
    # Chunks of at most 500 index rows: many chunks, and pieces alone in theirs.
    monkeypatch.setattr(eligibility, "POOL_CHUNK", 500)
    pools = candidate_pools(ctx, ps)
    assert len(pools) == len(expected) == len(ps.pieces)
    for got, want in zip(pools, expected, strict=True):
        assert got.tolist() == want.tolist()
    # Not vacuous: most pieces have officers, and the caps or qualifications empty some.
    assert sum(len(p) > 0 for p in pools) > len(pools) / 2
    assert any(len(p) == 0 for p in pools)


def test_a_problem_without_pieces_has_no_candidates() -> None:
    # Every request refused, or none sent: nothing to screen, with or without a cap.
    ctx = prepare(problem([officer("K-1")], []))
    ps = build_pieces(ctx)
    assert ps.pieces == []
    assert candidates(ctx, ps, {}) == {}
    assert eligibility.candidates_until(ctx, ps, {}, cap=4) == {}
