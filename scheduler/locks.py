"""Locked (confirmed) assignments: checked against every hard rule before anything is solved.

A lock that breaks a rule makes the problem infeasible; the solver reports the rule and the ids
instead of building a model that cannot be satisfied.
"""

from __future__ import annotations

from models.result import Violation
from scheduler.context import Context
from scheduler.eligibility import OfficerLoad, static_block
from scheduler.pieces import PieceSet, find_piece
from scheduler.timeutil import from_minute


def _violation(ctx: Context, code: str, r: int, o: int, s: int, e: int, why: str) -> Violation:
    req, off = ctx.requests[r], ctx.officers[o]
    when = f"{from_minute(s, ctx.tz).isoformat()} - {from_minute(e, ctx.tz).isoformat()}"
    return Violation(
        code=code,
        message=f"locked {off.id} on {req.id} {when}: {why}",
        officer_id=off.id,
        request_id=req.id,
    )


def check_locks(ctx: Context, ps: PieceSet) -> tuple[list[Violation], dict[int, OfficerLoad]]:
    """Violations among the locked assignments, and each officer's load of locked shifts."""
    violations: list[Violation] = []
    loads: dict[int, OfficerLoad] = {}
    count: dict[int, int] = {}
    for r, o, s, e in sorted(ctx.locked, key=lambda lk: (lk[1], lk[2])):
        req, off = ctx.requests[r], ctx.officers[o]
        if req.rejected is not None:
            violations.append(
                _violation(
                    ctx,
                    "REQUEST_REFUSED_STAFFED",
                    r,
                    o,
                    s,
                    e,
                    f"the request is refused ({req.rejected.code})",
                )
            )
            continue
        if find_piece(ps, r, s, e) is None:
            violations.append(
                _violation(
                    ctx,
                    "INVALID_SEGMENT",
                    r,
                    o,
                    s,
                    e,
                    "not the whole request nor a valid segment of it",
                )
            )
        code = static_block(off, req, s, e, ctx)
        if code is not None:
            violations.append(_violation(ctx, code, r, o, s, e, code.lower().replace("_", " ")))
        load = loads.setdefault(o, OfficerLoad(ctx, off))
        for code in load.blocking(s, e):
            violations.append(
                _violation(ctx, code, r, o, s, e, "with the officer's other locked shifts")
            )
        load.add(s, e)
        if r not in ps.split_requests:
            count[r] = count.get(r, 0) + 1
            if count[r] > req.model.officers_needed:
                violations.append(
                    _violation(
                        ctx,
                        "OVERSTAFFED",
                        r,
                        o,
                        s,
                        e,
                        f"more than {req.model.officers_needed} locked officers",
                    )
                )
    return violations, loads
