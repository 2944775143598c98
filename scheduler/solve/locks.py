"""Locked (confirmed) assignments: checked against every hard rule before anything is solved.

A lock that breaks a rule makes the problem infeasible; the solver reports the rule and the ids
instead of building a model that cannot be satisfied. A supervisor's override (rules.md section
8) rides on the lock as rule codes: exactly those are waived, for that lock alone.
"""

from __future__ import annotations

from models.result import Violation
from scheduler.context import Context
from scheduler.rules.eligibility import STATIC_RULES, static_block
from scheduler.rules.load import OfficerLoad
from scheduler.rules.supervisor import supervisor_covered
from scheduler.solve.pieces import PieceSet, find_piece, reachable
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


def static_codes(ctx: Context, r: int, o: int, s: int, e: int) -> list[str]:
    """Every static rule that bars the officer from the span (not only the first)."""
    off, req = ctx.officers[o], ctx.requests[r]
    return [code for code, rule in STATIC_RULES.items() if rule.one(off, req, s, e, ctx)]


def _lock_order(ctx: Context) -> list[tuple[int, int, int, int]]:
    """Locks by officer and start, each officer's overridden locks after the others: a rule
    between two shifts is then judged at the overridden one, where its waiver applies."""
    return sorted(ctx.locked, key=lambda lk: (lk[1], lk in ctx.waived, lk[2]))


def _rule_violations(
    ctx: Context, lock: tuple[int, int, int, int], load: OfficerLoad
) -> list[Violation]:
    """The static and load rules one lock breaks, less the codes overridden for it."""
    r, o, s, e = lock
    waived = ctx.waived.get(lock, frozenset())
    if waived:
        codes = static_codes(ctx, r, o, s, e)
    else:
        first = static_block(ctx.officers[o], ctx.requests[r], s, e, ctx)
        codes = [] if first is None else [first]
    found = [
        _violation(ctx, code, r, o, s, e, code.lower().replace("_", " "))
        for code in codes
        if code not in waived
    ]
    found += [
        _violation(ctx, code, r, o, s, e, "with the officer's other locked shifts")
        for code in load.blocking(s, e)
        if code not in waived
    ]
    return found


def check_locks(ctx: Context, ps: PieceSet) -> tuple[list[Violation], dict[int, OfficerLoad]]:
    """Violations among the locked assignments, and each officer's load of locked shifts.

    A lock's overridden codes (`ctx.waived`) are skipped for that lock alone; it still loads
    the officer, so every later shift of theirs is judged with it.
    """
    violations: list[Violation] = []
    loads: dict[int, OfficerLoad] = {}
    for off in ctx.officers:
        # Shifts worked or confirmed outside the problem load the officer like locked ones.
        for s, e in off.prior:
            loads.setdefault(off.index, OfficerLoad(ctx, off)).add(s, e)
    count: dict[int, int] = {}
    for lock in _lock_order(ctx):
        r, o, s, e = lock
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
        load = loads.setdefault(o, OfficerLoad(ctx, off))
        violations += _rule_violations(ctx, lock, load)
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


def split_lock_violations(ctx: Context, ps: PieceSet) -> list[Violation]:
    """Locked segments of a long request: never more than its positions at a moment, and on a
    one-position request, gaps between them that a valid split can still fill."""
    out: list[Violation] = []
    for r in sorted(ps.split_requests):
        locks = sorted((s, e, o) for lr, o, s, e in ctx.locked if lr == r)
        if not locks:
            continue
        req, lim = ctx.requests[r], ctx.limits
        points = ps.grid_points[r]
        for a, b in zip(points, points[1:], strict=False):
            on = [(s, e, o) for s, e, o in locks if s <= a and e >= b]
            if len(on) > req.model.officers_needed:
                s, e, o = on[-1]
                out.append(
                    _violation(
                        ctx,
                        "OVERSTAFFED",
                        r,
                        o,
                        s,
                        e,
                        f"more than {req.model.officers_needed} locked at once",
                    )
                )
                break
        if out or req.model.officers_needed != 1:
            continue
        bounds = [req.start] + [x for s, e, _ in locks for x in (s, e)] + [req.end]
        for a, b in zip(bounds[::2], bounds[1::2], strict=True):
            inside = [p for p in points if a <= p <= b]
            if a < b and b not in reachable(inside, lim.min_minutes, lim.max_continuous, True):
                s, e, o = locks[0]
                out.append(
                    _violation(
                        ctx,
                        "INVALID_SEGMENT",
                        r,
                        o,
                        s,
                        e,
                        "the locked segments leave a gap no valid split can fill",
                    )
                )
                break
    return out


def supervisor_lock_violations(
    ctx: Context, ps: PieceSet, cands: dict[int, list[int]]
) -> list[Violation]:
    """A locked officer on a supervised request whose moments no supervisor could cover."""
    out: list[Violation] = []
    for r, o, s, e in ctx.locked:
        req = ctx.requests[r]
        if req.model.officers_needed < ctx.limits.supervisor_at or ctx.officers[o].supervisor:
            continue
        sups = [
            (ls, le) for lr, lo, ls, le in ctx.locked if lr == r and ctx.officers[lo].supervisor
        ]
        sups += [
            (ps.pieces[p].start, ps.pieces[p].end)
            for p in ps.by_request.get(r, [])
            for c in cands[p]
            if ctx.officers[c].supervisor
        ]
        if not supervisor_covered([(s, e, False)] + [(a, b, True) for a, b in sups]):
            out.append(
                _violation(
                    ctx,
                    "SUPERVISOR_REQUIRED",
                    r,
                    o,
                    s,
                    e,
                    "no supervisor is locked or free to be on the request with them",
                )
            )
    return out
