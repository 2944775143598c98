"""The seeded problem generator shared by tests, the benchmark and what-if scenarios.

`generate` is a pure function of its arguments: the same arguments give byte-identical JSON on
every machine and every run, because all randomness flows from `random.Random(seed)` and nothing
reads the clock. Officers, employers and requests each draw from their own stream (seeded from
the first), so asking for more officers leaves the requests' times and places unchanged.

The instance is meant to be hard but realistic: with the agency's default policy, demand exceeds
what the officers may work in a week, while most single requests have several eligible officers.
"""

from __future__ import annotations

import random
from datetime import date

from models.common import InputError
from models.problem import Problem, SolveOptions
from scenarios.gen_common import Horizon
from scenarios.gen_officers import generate_officers
from scenarios.gen_requests import employer_pool, generate_requests
from scheduler.agencies import get_agency

DEFAULT_START = date(2026, 12, 7)
# Far beyond any benchmark, low enough that a typo cannot exhaust memory.
_LIMITS = {"officers": 100_000, "requests": 300_000, "days": 366}


def generate(
    officers: int,
    requests: int,
    days: int,
    seed: int,
    agency: str = "kennesaw-ga",
    start: date = DEFAULT_START,
) -> Problem:
    """A roster problem of `officers` officers and `requests` requests over `days` local days.

    The horizon runs from 00:00 local on `start` for `days` days in the agency's zone; requests
    start inside it (a late one may end the morning after). Options are the defaults, with no
    locked assignments and no hint.
    """
    _check_sizes(officers=officers, requests=requests, days=days)
    horizon = Horizon(agency=get_agency(agency), start=start, days=days)
    master = random.Random(seed)
    employer_rng, officer_rng, request_rng = (random.Random(master.getrandbits(64)) for _ in "eor")
    pool = employer_pool(employer_rng, horizon, requests)
    staff = generate_officers(officer_rng, horizon, officers, pool.ids())
    demand = generate_requests(request_rng, horizon, requests, pool, [o.id for o in staff])
    return Problem(agency=agency, officers=staff, requests=demand, options=SolveOptions())


def problem_json(problem: Problem) -> str:
    """The problem as indented JSON that loads back as the same `Problem`.

    A plain dump writes every unset policy override as null, which `PolicyOverrides` rightly
    refuses on input, so unset overrides are left out.
    """
    unset = {name for name, value in problem.policy if value is None}
    return problem.model_dump_json(indent=2, exclude={"policy": unset}) + "\n"


def _check_sizes(**sizes: int) -> None:
    for name, value in sizes.items():
        lowest = 0 if name == "requests" else 1
        if not lowest <= value <= _LIMITS[name]:
            raise InputError(name, f"must be between {lowest} and {_LIMITS[name]}, got {value}")
