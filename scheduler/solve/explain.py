"""A reason for every position the roster leaves unfilled.

NO_ELIGIBLE_OFFICER counts, per blocking rule, why each officer may not take the shift at all;
ALL_ELIGIBLE_BUSY names the officers who could take it and what holds each one in the final
roster (an overlapping shift, a daily, weekly or 24-hour cap).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence, Sized

import numpy as np

from models.result import Reason, Unfilled
from scheduler.context import Context, RequestData
from scheduler.rules.codes import OFFICER_RULES
from scheduler.rules.eligibility import StaticScreen
from scheduler.rules.load import LOAD_RULES, LoadView, OfficerLoad
from scheduler.solve.draft import Draft
from scheduler.solve.pieces import Piece, PieceSet
from scheduler.timeutil import from_minute

# An open piece's explanation, and one officer's checks for it, and the share of the limit
# explanations may take at most. With 15 us a check (then the only term) and 5%, a city's 90 s
# roster left 1,364-1,533 of its open positions "not examined". The load rules are now asked
# of a piece's officers at once (`LoadView`): fitted on the greedy rosters of S to L
# (0.034-2.49 s; docs/solver.md).
SECONDS_PER_PIECE = 0.5e-3
SECONDS_PER_CHECK = 7e-6
EXPLAIN_SHARE = 0.08
NOT_EXAMINED = Reason(
    code="TIME_LIMIT",
    message="not examined: the time limit ran out before this position's officers were checked",
)


def explain_seconds(ctx: Context, ps: PieceSet, draft: Draft, pools: Sequence[Sized]) -> float:
    """What explaining the positions `draft` leaves open may take: each of its open pieces,
    and every officer of its pool (those who pass the vector checks) checked for it. An
    estimate from a first roster, so that the search can keep that time."""
    open_ = OpenPositions(ctx, draft)
    pieces = [
        piece for req in ctx.requests if req.rejected is None for piece, _ in open_.of(ps, req)
    ]
    checks = sum(len(pools[piece.index]) for piece in pieces)
    return SECONDS_PER_PIECE * len(pieces) + SECONDS_PER_CHECK * checks


class OpenPositions:
    """How many positions of each piece a draft leaves open: those routed through it (all of a
    whole request's) less the officers it holds and the locked shifts on it. Worked out for
    every piece at once, in array steps, the first time a piece set is asked about: one piece
    at a time, the three askings of the greedy roster (the explanations' and the resplit's
    reserves, the explanations) took 0.30 s of a profiled 1.38 s solve of a fortnight of
    52,231 pieces at 0.5 s (docs/solver.md)."""

    def __init__(self, ctx: Context, draft: Draft) -> None:
        self.ctx = ctx
        self.draft = draft
        self.locked_on: Counter[tuple[int, int, int]] = Counter(
            (r, s, e) for r, _, s, e in ctx.locked
        )
        self._open: tuple[PieceSet, dict[int, list[tuple[int, int]]]] | None = None

    def of(self, ps: PieceSet, req: RequestData) -> Iterator[tuple[Piece, int]]:
        for p, missing in self._by_request(ps).get(req.index, []):
            yield ps.pieces[p], missing

    def _by_request(self, ps: PieceSet) -> dict[int, list[tuple[int, int]]]:
        """Per request with an open position, its open pieces (in `ps.by_request` order) and
        how many positions each leaves open."""
        if self._open is not None and self._open[0] is ps:
            return self._open[1]
        n = len(ps.pieces)
        requests = self.ctx.requests
        need = np.fromiter((r.model.officers_needed for r in requests), np.int64, len(requests))
        split = np.fromiter((piece.split for piece in ps.pieces), np.bool_, n)
        flow = np.zeros(n, dtype=np.int64)
        if self.draft.flow:
            flow[np.fromiter(self.draft.flow, np.int64, len(self.draft.flow))] = np.fromiter(
                self.draft.flow.values(), np.int64, len(self.draft.flow)
            )
        routed = np.where(split, flow, need[ps.requests]) if n else flow
        held = np.bincount(
            np.fromiter((p for p, _ in self.draft.assign), np.int64, len(self.draft.assign)),
            minlength=n,
        )
        missing = routed - held[:n]
        for (r, start, end), count in self.locked_on.items():
            for p in ps.by_request.get(r, []):
                if ps.pieces[p].start == start and ps.pieces[p].end == end:
                    missing[p] -= count
        left = missing.tolist()
        out = {
            r: [(p, left[p]) for p in ps.by_request[r] if left[p] > 0]
            for r in dict.fromkeys(ps.requests[missing > 0].tolist())
        }
        self._open = (ps, out)
        return out


def _blocked_counts(
    screen: StaticScreen, req: RequestData, s: int, e: int, locked: LoadView
) -> tuple[Counter[str], np.ndarray]:
    """Officers per first blocking rule (static, then locked shifts), and who is left. The
    shift alone is checked against on-duty time and locked shifts: a rule that bars it whatever
    else the roster holds makes the officer ineligible, not busy. The codes count in the order
    their first officer meets them, as one officer at a time did (the summary's ties follow it).
    """
    static, passed = screen.screen(req, s, e)
    counts: Counter[str] = Counter(static)
    officers = np.asarray(passed, dtype=np.int64)
    codes = list(LOAD_RULES)
    first = np.full(len(officers), len(codes), dtype=np.int64)  # no rule: eligible
    for i, hit in enumerate(locked.broken(officers, s, e).values()):
        first[hit & (first == len(codes))] = i
    blocked = first[first < len(codes)]
    for i in dict.fromkeys(blocked.tolist()):  # in the order of each code's first officer
        counts[codes[i]] += int((blocked == i).sum())
    return counts, officers[first == len(codes)]


def _summary(counts: Counter[str]) -> str:
    """E.g. "33 officers: officer lacks a required qualification (MISSING_QUALIFICATION)"."""
    return "; ".join(
        f"{n} officer{'s' if n > 1 else ''}: {OFFICER_RULES.get(code, code)} ({code})"
        for code, n in counts.most_common()
    )


def reasons_for(
    ctx: Context,
    screen: StaticScreen,
    req: RequestData,
    s: int,
    e: int,
    locked: LoadView,
    final: LoadView,
    proven: bool,
) -> list[Reason]:
    counts, eligible = _blocked_counts(screen, req, s, e, locked)
    if not len(eligible):
        return [
            Reason(
                code="NO_ELIGIBLE_OFFICER",
                counts=dict(counts),
                message=f"no officer may take this shift: {_summary(counts)}",
            )
        ]
    # Every load rule for every eligible officer at once; what holds them is listed only when
    # none is free.
    broken = final.broken(eligible, s, e)
    held = np.logical_or.reduce(list(broken.values()))
    free = [ctx.officers[o].id for o in eligible[~held].tolist()]
    if not free:
        holds = {
            ctx.officers[o].id: [code for code, hit in broken.items() if hit[j]]
            for j, o in enumerate(eligible.tolist())
        }
        busy = sorted(holds)
        return [
            Reason(
                code="ALL_ELIGIBLE_BUSY",
                officers=busy,
                counts=dict(counts),
                holds={oid: holds[oid] for oid in busy},
                message=f"{len(busy)} eligible officer{'s' if len(busy) > 1 else ''} all "
                f"held: "
                + ", ".join(f"{oid} ({'/'.join(holds[oid]).lower()})" for oid in busy[:10]),
            )
        ]
    needs_sup = req.model.officers_needed >= ctx.limits.supervisor_at
    if needs_sup and not any(ctx.officers[ctx.officer_index[oid]].supervisor for oid in free):
        return [
            Reason(
                code="SUPERVISOR_REQUIRED",
                officers=sorted(free),
                message=f"{len(free)} free officer(s) could work it, but no supervisor "
                f"(sergeant or above) is free to be on it",
            )
        ]
    code = "TIME_LIMIT" if not proven else "NOT_PLACED"
    return [
        Reason(
            code=code,
            officers=sorted(free),
            message=f"{len(free)} free officer(s) could work it; the solver stopped "
            f"before placing it"
            if not proven
            else "free officers remain but no roster with it keeps coverage optimal",
        )
    ]


def _no_split_message(ctx: Context, req: RequestData) -> str:
    lo, hi = ctx.policy.min_hours, ctx.policy.max_continuous_hours
    return (
        f"{req.minutes / 60:g} h is longer than the {hi:g} h maximum and cannot be cut "
        f"into segments of {lo:g}-{hi:g} h"
    )


def _uncovered(ctx: Context, ps: PieceSet, req: RequestData) -> list[tuple[int, int, int]]:
    """Runs of grid slots of a long request with how many positions no lock covers."""
    points = ps.grid_points[req.index]
    locks = [(s, e) for r, _, s, e in ctx.locked if r == req.index]
    runs: list[tuple[int, int, int]] = []
    for a, b in zip(points, points[1:], strict=False):
        free = req.model.officers_needed - sum(1 for s, e in locks if s <= a and e >= b)
        if runs and runs[-1][2] == free and runs[-1][1] == a:
            runs[-1] = (runs[-1][0], b, free)
        else:
            runs.append((a, b, free))
    return [run for run in runs if run[2] > 0]


def explain(
    ctx: Context,
    ps: PieceSet,
    draft: Draft,
    locked: dict[int, OfficerLoad],
    final: dict[int, OfficerLoad],
    proven: bool,
    until: float | None = None,
) -> list[Unfilled]:
    """Every open position with its reasons; past `until` (a `time.perf_counter()` instant)
    the positions left say they were not examined, so the result keeps its time limit."""
    out: list[Unfilled] = []
    screen = StaticScreen(ctx)
    open_ = OpenPositions(ctx, draft)
    locked_view, final_view = LoadView(ctx, locked), LoadView(ctx, final)

    def add(req: RequestData, s: int, e: int, n: int, reasons: list[Reason] | None = None) -> None:
        if reasons is None and until is not None and time.perf_counter() > until:
            reasons = [NOT_EXAMINED]
        out.append(
            Unfilled(
                request_id=req.id,
                start=from_minute(s, ctx.tz),
                end=from_minute(e, ctx.tz),
                positions=n,
                reasons=reasons
                or reasons_for(ctx, screen, req, s, e, locked_view, final_view, proven),
            )
        )

    for req in ctx.requests:
        if req.rejected is not None:
            continue
        need = req.model.officers_needed
        if req.index in ps.no_valid_split:
            add(
                req,
                req.start,
                req.end,
                need,
                [
                    Reason(
                        code="NO_VALID_SPLIT",
                        message=_no_split_message(ctx, req),
                    )
                ],
            )
            continue
        for piece, missing in open_.of(ps, req):
            add(req, piece.start, piece.end, missing)
        if req.index in ps.split_requests and not any(
            draft.flow.get(p) for p in ps.by_request[req.index]
        ):
            for s_, e_, n in _uncovered(ctx, ps, req):
                add(
                    req,
                    s_,
                    e_,
                    n,
                    [
                        Reason(
                            code="TIME_LIMIT",
                            message="no split of this long request was chosen in time",
                        )
                    ],
                )
    return out
