"""The open positions of a roster (`explain.OpenPositions`), worked out for every piece at once,
against their definition piece by piece: those routed through a piece (all of a whole
request's, a split piece's flow) less the officers it holds and the locked shifts on it."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from scenarios.generator import generate
from scheduler.context import prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve.explain import OpenPositions
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import build_pieces
from scheduler.solve.solver import _rotation_start
from tests.scheduler.builders import validated_draft


@pytest.mark.parametrize(
    ("agency", "start"), [("rockport-tx", date(2026, 12, 21)), ("kennesaw-ga", date(2026, 3, 2))]
)
def test_open_positions_are_those_of_each_piece_by_definition(agency: str, start: date) -> None:
    # Few officers for many requests, a quarter of them long, a tenth of the rest locked: the
    # greedy roster leaves whole and split pieces open, some of them partly locked.
    ctx = prepare(generate(30, 200, 7, 3, agency, start, long_share=0.25, locked_share=0.1))
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    draft, _ = _rotation_start(ctx, ps, candidate_pools(ctx, ps), locked, None)
    validated_draft(ctx, ps, draft, locked)
    held = Counter(p for p, _ in draft.assign)
    on_lock = Counter((r, s, e) for r, _, s, e in ctx.locked)
    expected, kinds = {}, Counter()
    for req in ctx.requests:
        for p in ps.by_request.get(req.index, []):
            piece = ps.pieces[p]
            routed = draft.flow.get(p, 0) if piece.split else req.model.officers_needed
            locks = on_lock[(req.index, piece.start, piece.end)]
            if routed - held[p] - locks > 0:
                expected[p] = routed - held[p] - locks
                kinds[(piece.split, locks > 0, held[p] > 0)] += 1
    open_ = OpenPositions(ctx, draft)
    found = {piece.index: n for req in ctx.requests for piece, n in open_.of(ps, req)}
    assert found == expected
    # Open whole and split pieces, some partly held, and a whole one partly locked.
    assert kinds[(False, False, False)] and kinds[(True, False, False)], kinds
    assert kinds[(False, False, True)] and kinds[(False, True, False)], kinds
