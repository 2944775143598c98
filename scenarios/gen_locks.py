"""Generated history around a problem: shifts worked before it starts and confirmed (locked) ones.

Prior shifts fall in the three days before the horizon, so when the horizon starts mid-week
they count toward the week's cap. Locks are taken from the greedy rotation-list roster of the
problem (prior shifts included): whole non-split requests, every officer greedy put on them, so
each lock set satisfies every rule that roster satisfies, the supervisor rule included.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from models.common import TimeWindow
from models.officer import Officer
from models.problem import AssignmentRef, Problem
from scenarios.gen_common import Horizon, after, at_local
from scheduler.solve.solver import rotation_roster
from scheduler.timeutil import from_minute

log = logging.getLogger(__name__)


def with_prior_shifts(
    rng: random.Random, horizon: Horizon, officers: list[Officer], share: float
) -> list[Officer]:
    """About `share` of the officers with one 4-8 h shift on one of the three days before."""
    out = []
    for officer in officers:
        if rng.random() >= share:
            out.append(officer)
            continue
        day = horizon.start - timedelta(days=rng.randint(1, 3))
        start = at_local(day, 2 * rng.randint(7, 15), horizon.tz)
        shift = TimeWindow(start=start, end=after(start, rng.randint(4, 8), horizon.tz))
        out.append(officer.model_copy(update={"prior_shifts": [shift]}))
    return out


def greedy_locks(rng: random.Random, problem: Problem, share: float) -> list[AssignmentRef]:
    """The greedy roster's assignments on about `share` of the non-split requests it staffed."""
    rotation = rotation_roster(problem)
    ctx, ps, draft = rotation.ctx, rotation.ps, rotation.draft
    by_request: dict[int, list[tuple[int, int]]] = {}
    for p, o in draft.assign:
        piece = ps.pieces[p]
        if piece.request not in ps.split_requests:
            by_request.setdefault(piece.request, []).append((p, o))
    tz = ctx.agency.tz
    locks = []
    for r in sorted(by_request):
        if rng.random() >= share:
            continue
        for p, o in sorted(by_request[r], key=lambda pair: ctx.officers[pair[1]].id):
            piece = ps.pieces[p]
            locks.append(
                AssignmentRef(
                    request_id=ctx.requests[r].id,
                    officer_id=ctx.officers[o].id,
                    start=from_minute(piece.start, tz),
                    end=from_minute(piece.end, tz),
                )
            )
    log.debug("locked %d assignments on %d requests", len(locks), len(by_request))
    return locks
