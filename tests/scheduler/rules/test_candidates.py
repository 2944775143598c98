"""Candidate screening: the shortcuts in `candidates` keep exactly the pairs the full per-pair
check keeps (pool, employer conflict, every load rule against locked and on-duty time)."""

from __future__ import annotations

from datetime import date

import pytest

from scenarios.generator import generate
from scheduler.context import prepare
from scheduler.rules.eligibility import candidate_pools, candidates
from scheduler.rules.load import OfficerLoad
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import build_pieces


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
    ("agency", "start", "seed"),
    [("rockport-tx", date(2026, 12, 21), 5), ("kennesaw-ga", date(2026, 3, 2), 1)],
)
def test_screening_keeps_exactly_the_pairs_of_the_full_check(
    agency: str, start: date, seed: int
) -> None:
    ctx = prepare(generate(40, 80, 7, seed, agency=agency, start=start))
    ps = build_pieces(ctx)
    _, loads = check_locks(ctx, ps)
    pools = candidate_pools(ctx, ps)
    fast = candidates(ctx, ps, loads, pools)
    full = _full_check(ctx, ps, loads, pools)
    assert fast == full
    # Not a vacuous equality: the full check refuses some pool officers and keeps others.
    refused = sum(len(pools[p]) - len(full[p]) for p in full)
    assert refused > 0
    assert sum(len(c) for c in full.values()) > 0
