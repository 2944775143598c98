"""Fairness polish: move shifts from heavier to lighter officers until no improvable pair is left.

rules.md section 7 calls a roster fair when no shift held by officer B could move to an eligible,
free officer A whose total is below B's total minus the shift's hours. Each such move lowers the
sum of squared totals, so repeating it ends; it never lowers coverage and never raises the largest
total (A ends below B's old total), so it keeps the earlier lexicographic stages intact.
"""

from __future__ import annotations

from scheduler.context import Context
from scheduler.eligibility import OfficerLoad
from scheduler.greedy import Draft, supervisor_covered
from scheduler.pieces import PieceSet


def final_loads(
    ctx: Context, ps: PieceSet, draft: Draft, locked: dict[int, OfficerLoad]
) -> dict[int, OfficerLoad]:
    """Every officer's load: locked shifts plus the draft's."""
    loads = {
        o.index: (locked[o.index].copy() if o.index in locked else OfficerLoad(ctx, o))
        for o in ctx.officers
    }
    for p, oi in draft.assign:
        loads[oi].add(ps.pieces[p].start, ps.pieces[p].end)
    return loads


def _staff(ctx: Context, ps: PieceSet, draft: Draft, request: int) -> list[tuple[int, int, int]]:
    spans = [(s, e, o) for r, o, s, e in ctx.locked if r == request]
    spans += [
        (ps.pieces[p].start, ps.pieces[p].end, o)
        for p, o in draft.assign
        if ps.pieces[p].request == request
    ]
    return spans


def _supervision_kept(ctx: Context, ps: PieceSet, draft: Draft, p: int, old: int, new: int) -> bool:
    piece = ps.pieces[p]
    if ctx.requests[piece.request].model.officers_needed < ctx.limits.supervisor_at:
        return True
    if ctx.officers[new].supervisor or not ctx.officers[old].supervisor:
        return True
    spans = []
    for s, e, o in _staff(ctx, ps, draft, piece.request):
        if (s, e, o) == (piece.start, piece.end, old):
            o = new
        spans.append((s, e, ctx.officers[o].supervisor))
    return supervisor_covered(spans)


def polish(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    draft: Draft,
    locked: dict[int, OfficerLoad],
) -> tuple[Draft, int]:
    """The draft with improvable pairs removed, and how many shifts moved."""
    loads = final_loads(ctx, ps, draft, locked)
    total = {
        o.index: o.hours_to_date + sum(e - s for s, e in loads[o.index].shifts)
        for o in ctx.officers
    }
    assign = list(draft.assign)
    moves = 0
    limit = 20 * (len(assign) + 1)
    improved = True
    while improved and moves < limit:
        improved = False
        for k in sorted(range(len(assign)), key=lambda i: -total[assign[i][1]]):
            p, b = assign[k]
            piece = ps.pieces[p]
            for a in sorted(cands[p], key=lambda o: total[o]):
                if total[a] >= total[b] - piece.minutes:
                    break
                loads[b].remove(piece.start, piece.end)
                fits = not loads[a].blocking(piece.start, piece.end)
                probe = Draft(assign, draft.flow)
                if fits and _supervision_kept(ctx, ps, probe, p, b, a):
                    loads[a].add(piece.start, piece.end)
                    total[a] += piece.minutes
                    total[b] -= piece.minutes
                    assign[k] = (p, a)
                    moves += 1
                    improved = True
                    break
                loads[b].add(piece.start, piece.end)
    return Draft(assign, dict(draft.flow)), moves
