"""The rotation-list roster: what vendors do today, and the solver's always-available fallback.

Requests are taken by priority, then start; each position goes to the free eligible officer with
the fewest total hours (hours to date plus what this roster gave them), every hard rule kept.
A long request gets the split with the fewest, most even segments.

`GREEDY_POLISH` is the registry of the officer rules this layer checks for one more piece (the
greedy's picks and the polish's moves both run it through `may_take`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.context import Context
from scheduler.rules.eligibility import OfficerLoad
from scheduler.rules.rule_layers import NO_PAIR, Elsewhere
from scheduler.solve.pieces import Piece, PieceSet, even_bounds, find_piece


@dataclass
class Draft:
    """A roster inside the scheduler: non-locked (piece, officer) pairs and split flows."""

    assign: list[tuple[int, int]] = field(default_factory=list)
    flow: dict[int, int] = field(default_factory=dict)  # split piece -> positions routed through it


def supervisor_covered(spans: list[tuple[int, int, bool]]) -> bool:
    """True when every staffed moment of a request has a supervisor on it (rules.md section 5)."""
    sup = sorted((s, e) for s, e, is_sup in spans if is_sup)
    for s, e, _ in spans:
        cursor = s
        for a, b in sup:
            if a <= cursor < b:
                cursor = b
            if cursor >= e:
                break
        if cursor < e:
            return False
    return True


# A crew: (start, end, is_supervisor) of everyone on a request once an officer joins it, or None
# when that officer joining cannot leave a staffed moment without a supervisor.
Crew = Callable[[int], "list[tuple[int, int, bool]] | None"]
# A check bound to one piece: (officer, their load) -> whether the rule bars them from it.
Bound = Callable[[int, OfficerLoad], bool]
# A rule of this layer, bound once per piece and then asked for every officer tried (None: it
# cannot bar anyone from this piece).
PairCheck = Callable[[Context, Piece, "Crew | None"], "Bound | None"]


def employer_conflict(ctx: Context, piece: Piece, crew: Crew | None) -> Bound:
    """The pools keep conflicted officers (they feed the bound), so the greedy and polish check."""
    employer, officers = ctx.requests[piece.request].model.employer.id, ctx.officers
    return lambda oi, load: employer in officers[oi].conflicts


def supervisor_required(ctx: Context, piece: Piece, crew: Crew | None) -> Bound | None:
    """The officer joining would leave a staffed moment of a supervised request unsupervised."""
    if crew is None:
        return None

    def unsupervised(oi: int, load: OfficerLoad) -> bool:
        spans = crew(oi)
        return spans is not None and not supervisor_covered(spans)

    return unsupervised


def load_rules(ctx: Context, piece: Piece, crew: Crew | None) -> Bound:
    """The screening's load rules (`OfficerLoad.fits` runs `LOAD_RULES`) on the roster's shifts."""
    start, end = piece.start, piece.end
    return lambda oi, load: not load.fits(start, end)


_IN_POOL = Elsewhere("screening", NO_PAIR + " (pools and candidates only hold allowed officers)")

# The greedy and polish layer, in the order its checks run (cheapest first). The load rules are
# the screening's, run in one `fits` call against what the roster gives the officer.
GREEDY_POLISH: dict[str, PairCheck | Elsewhere] = {
    "EMPLOYER_CONFLICT": employer_conflict,
    "SUPERVISOR_REQUIRED": supervisor_required,
    "OVERLAP": load_rules,
    "REST_24H": load_rules,
    "DAILY_CAP": load_rules,
    "WEEKLY_CAP": load_rules,
    "STATUS_BARRED": _IN_POOL,
    "MISSING_QUALIFICATION": _IN_POOL,
    "NOT_AVAILABLE": _IN_POOL,
    "ON_DUTY": _IN_POOL,
}
_CHECKS: tuple[PairCheck, ...] = tuple(
    dict.fromkeys(c for c in GREEDY_POLISH.values() if not isinstance(c, Elsewhere))
)


def bind_checks(ctx: Context, piece: Piece, crew: Crew | None) -> list[Bound]:
    """The layer's checks for one piece, each bound once (a piece tries many officers)."""
    bound = (check(ctx, piece, crew) for check in _CHECKS)
    return [b for b in bound if b is not None]


def may_take(checks: list[Bound], oi: int, load: OfficerLoad) -> bool:
    """Whether officer `oi`, holding `load`, may take the piece the checks are bound to."""
    for barred in checks:  # noqa: SIM110 - a plain loop: called for every officer tried
        if barred(oi, load):
            return False
    return True


def even_split(ctx: Context, ps: PieceSet, request: int) -> list[Piece]:
    """The partition with the fewest segments, as even as the grid allows."""
    req = ctx.requests[request]
    points = ps.grid_points[request]
    k = -(-req.minutes // ctx.limits.max_continuous)
    while k <= len(points):
        bounds = even_bounds(points, req.start, req.minutes, k)
        pieces = [find_piece(ps, request, a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
        if all(p is not None for p in pieces):
            return [p for p in pieces if p is not None]
        k += 1
    return []


class _Rotation:
    def __init__(self, ctx: Context, loads: dict[int, OfficerLoad]) -> None:
        self.ctx = ctx
        self.loads = loads
        self.total = {
            o.index: o.total(sum(e - s for s, e in loads[o.index].shifts)) for o in ctx.officers
        }

    def pick(self, piece: Piece, pool: list[int], taken: set[int], crew: Crew | None) -> int | None:
        # The pool may be a superset of the candidates (city scale passes the vector-checked
        # pools): the layer's checks run on every officer tried.
        checks = bind_checks(self.ctx, piece, crew)
        for oi in sorted(pool, key=lambda i: (self.total[i], self.ctx.officers[i].id)):
            if oi not in taken and may_take(checks, oi, self.loads[oi]):
                return oi
        return None

    def give(self, piece: Piece, oi: int) -> None:
        self.loads[oi].add(piece.start, piece.end)
        self.total[oi] += piece.minutes


def greedy(
    ctx: Context, ps: PieceSet, cands: dict[int, list[int]], loads: dict[int, OfficerLoad]
) -> Draft:
    """Fill positions in rotation order; `loads` (officer -> locked shifts) is updated in place."""
    rot = _Rotation(ctx, loads)
    draft = Draft()
    locked_per_request: dict[int, int] = {}
    for r, _, _, _ in ctx.locked:
        locked_per_request[r] = locked_per_request.get(r, 0) + 1
    order = sorted(
        ps.by_request,
        key=lambda r: (-ctx.requests[r].model.priority, ctx.requests[r].start, ctx.requests[r].id),
    )
    for r in order:
        req = ctx.requests[r]
        if r in ps.split_requests:
            if locked_per_request.get(r):
                continue  # locked segments fix part of the split: leave it to the solver
            segments = even_split(ctx, ps, r)
            positions = req.model.officers_needed
            for piece in segments:
                draft.flow[piece.index] = positions
        else:
            segments = [ps.pieces[ps.by_request[r][0]]]
            positions = req.model.officers_needed - locked_per_request.get(r, 0)
        needs_sup = req.model.officers_needed >= ctx.limits.supervisor_at
        for piece in segments:
            _fill_piece(ctx, rot, draft, piece, positions, cands[piece.index], needs_sup)
    return draft


def _fill_piece(
    ctx: Context,
    rot: _Rotation,
    draft: Draft,
    piece: Piece,
    positions: int,
    pool: list[int],
    needs_sup: bool,
) -> None:
    taken: set[int] = set()
    # Locked officers on the whole piece, then each officer this roster puts on it.
    staff = [
        o for r, o, s, e in ctx.locked if r == piece.request and s <= piece.start and e >= piece.end
    ]

    def crew(oi: int) -> list[tuple[int, int, bool]]:
        return [(piece.start, piece.end, ctx.officers[o].supervisor) for o in [*staff, oi]]

    for _ in range(positions):
        # Once a supervisor is on the whole piece, nobody joining can leave it unsupervised.
        supervised = any(ctx.officers[o].supervisor for o in staff)
        choice = rot.pick(piece, pool, taken, crew if needs_sup and not supervised else None)
        if choice is None:
            return  # without a supervisor nobody may staff it; otherwise nobody is free
        rot.give(piece, choice)
        taken.add(choice)
        staff.append(choice)
        draft.assign.append((piece.index, choice))
