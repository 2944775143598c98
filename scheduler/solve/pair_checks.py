"""The greedy and polish layer: the officer rules checked for one more piece of a roster.

`GREEDY_POLISH` is the registry of the officer rules this layer checks (see `rule_layers`): the
greedy's picks and the polish's moves both bind the checks once per piece (`bind_checks`) and ask
them for every officer tried (`may_take`). The load rules are the screening's, run in one
`OfficerLoad.fits` call; the crew's supervisor rule is `rules.supervisor`.
"""

from __future__ import annotations

from collections.abc import Callable

from scheduler.context import Context
from scheduler.rules.load import OfficerLoad
from scheduler.rules.rule_layers import NO_PAIR, Elsewhere
from scheduler.rules.supervisor import supervisor_covered
from scheduler.solve.pieces import Piece

# A crew: (start, end, is_supervisor) of everyone on a request once an officer joins it, or None
# when that officer joining cannot leave a staffed moment without a supervisor. It depends on the
# officer only through whether they are a supervisor, and a supervisor joining never leaves one:
# so one verdict serves every officer who is not.
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

    officers = ctx.officers
    verdict: list[bool] = []  # for every officer who is not a supervisor, once asked (`Crew`)

    def unsupervised(oi: int, load: OfficerLoad) -> bool:
        # Asked again for every officer tried, it was 0.87 s of a 1.9 s profile of splitting
        # open stretches again on Rockport's DST fortnight with supervisors (M, seed 0).
        if officers[oi].supervisor:
            return False
        if not verdict:
            spans = crew(oi)
            verdict.append(spans is not None and not supervisor_covered(spans))
        return verdict[0]

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
