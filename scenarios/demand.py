"""Pure transformations of demand: add requests of a shape, scale or duplicate existing ones.

Like `scenarios.transforms`, each function returns a new problem and leaves its input as it
was. New request ids are derived from a readable base (`ADD-20260704-1`, `R-7-copy2`) and made
unique against the ids already in the problem.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from models.problem import Problem
from models.request import Request
from scenarios.changes import AddDemand, ScaleDemand
from scenarios.transforms import round_half_up
from scheduler.agencies import resolve_agency


def fresh_id(base: str, taken: set[str]) -> str:
    """`base`, or `base.2`, `base.3`, ... whichever is not taken yet; records the choice."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}.{n}"
    taken.add(candidate)
    return candidate


def add_demand(problem: Problem, change: AddDemand) -> Problem:
    """`count` new requests on each listed date, starting at the local time given.

    The end is `hours` of real elapsed time after the start (a night across a DST change keeps
    its length); each request is received `received_hours_before` its start.
    """
    tz = resolve_agency(problem.agency).tz
    taken = {r.id for r in problem.requests}
    added: list[Request] = []
    for day in change.dates:
        start = datetime.combine(day, change.start, tzinfo=tz)
        end = (start.astimezone(UTC) + timedelta(minutes=round(change.hours * 60))).astimezone(tz)
        lead = timedelta(hours=change.received_hours_before)
        received = (start.astimezone(UTC) - lead).astimezone(tz)
        for k in range(1, change.count + 1):
            added.append(
                Request(
                    id=fresh_id(f"{change.id_prefix}-{day:%Y%m%d}-{k}", taken),
                    employer=change.employer,
                    venue=change.venue,
                    job_type=change.job_type,
                    start=start,
                    end=end,
                    received_at=received,
                    officers_needed=change.officers_needed,
                    vehicle=change.vehicle,
                    priority=change.priority,
                )
            )
    return problem.model_copy(update={"requests": [*problem.requests, *added]})


def _in_scope(problem: Problem, change: ScaleDemand) -> list[Request]:
    if not change.dates:
        return list(problem.requests)
    tz = resolve_agency(problem.agency).tz
    days = set(change.dates)
    return [r for r in problem.requests if r.start.astimezone(tz).date() in days]


def scale_officers_needed(
    requests: Iterable[Request], factor: float, scope: set[str]
) -> list[Request]:
    """Each in-scope request asks round_half_up(officers_needed x factor) officers, 1 to 500."""
    return [
        r.model_copy(
            update={"officers_needed": max(1, min(500, round_half_up(r.officers_needed * factor)))}
        )
        if r.id in scope
        else r
        for r in requests
    ]


def duplicate_requests(
    requests: list[Request], factor: float, scope: list[str], seed: int
) -> list[Request]:
    """Each in-scope request floor(factor) times, and a seeded fraction of them once more.

    Copies follow their original; locks and hints stay on the originals.
    """
    whole = math.floor(factor)
    rng = random.Random(seed)
    extra = set(rng.sample(scope, round_half_up((factor - whole) * len(scope))))
    in_scope = set(scope)
    taken = {r.id for r in requests}
    result: list[Request] = []
    for r in requests:
        result.append(r)
        if r.id not in in_scope:
            continue
        for n in range(2, whole + 1 + (r.id in extra)):
            result.append(r.model_copy(update={"id": fresh_id(f"{r.id}-copy{n}", taken)}))
    return result


def scale_demand(problem: Problem, change: ScaleDemand, seed: int | None = None) -> Problem:
    """Demand scaled by `factor`, in officers per request or in duplicated requests."""
    scope = [r.id for r in _in_scope(problem, change)]
    if change.mode == "officers_needed":
        requests = scale_officers_needed(problem.requests, change.factor, set(scope))
    else:
        draw_seed = change.seed if seed is None else seed
        requests = duplicate_requests(list(problem.requests), change.factor, scope, draw_seed)
    return problem.model_copy(update={"requests": requests})
