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

from models.agency import Agency, PolicyOverrides
from models.common import InputError
from models.problem import Problem, SolveOptions
from scenarios.gen_common import Horizon
from scenarios.gen_locks import greedy_locks, with_prior_shifts
from scenarios.gen_officers import generate_officers
from scenarios.gen_requests import RequestMix, employer_pool, generate_requests
from scheduler.agencies import resolve_agency

DEFAULT_START = date(2026, 12, 7)
# Far beyond any benchmark, low enough that a typo cannot exhaust memory.
_LIMITS = {"officers": 100_000, "requests": 300_000, "days": 366}


def generate(
    officers: int,
    requests: int,
    days: int,
    seed: int,
    agency: str | Agency = "kennesaw-ga",
    start: date = DEFAULT_START,
    *,
    policy: PolicyOverrides | None = None,
    long_share: float | None = None,
    supervisor_share: float | None = None,
    supervisor_rank_share: float | None = None,
    contract_share: float | None = None,
    prior_share: float = 0.0,
    locked_share: float = 0.0,
) -> Problem:
    """A roster problem of `officers` officers and `requests` requests over `days` local days.

    The horizon runs from 00:00 local on `start` for `days` days in the agency's zone; requests
    start inside it (a late one may end the morning after). Options are the defaults, with no
    hint. The keyword options shape a problem family; left at their defaults, the output is
    exactly what it was before they existed:
    - policy: overrides written into the problem and used by the generator (caps, minimum);
    - long_share, supervisor_share, contract_share: shares of requests longer than the longest
      continuous shift, needing a supervisor, from a contract-rate customer (`RequestMix`);
    - supervisor_rank_share: the share of officers of sergeant rank and above (default ~12%);
    - prior_share: the share of officers with a shift in the three days before the start;
    - locked_share: the share of the greedy roster's non-split requests locked as confirmed.
    """
    _check_sizes(officers=officers, requests=requests, days=days)
    _check_shares(
        long_share=long_share,
        supervisor_share=supervisor_share,
        supervisor_rank_share=supervisor_rank_share,
        contract_share=contract_share,
        prior_share=prior_share,
        locked_share=locked_share,
    )
    overrides = policy if policy is not None else PolicyOverrides()
    horizon = Horizon(agency=resolve_agency(agency), start=start, days=days, overrides=overrides)
    master = random.Random(seed)
    employer_rng, officer_rng, request_rng = (random.Random(master.getrandbits(64)) for _ in "eor")
    pool = employer_pool(employer_rng, horizon, requests)
    staff = generate_officers(
        officer_rng, horizon, officers, pool.ids(), supervisor_share=supervisor_rank_share
    )
    mix = RequestMix(long_share, supervisor_share, contract_share)
    demand = generate_requests(request_rng, horizon, requests, pool, [o.id for o in staff], mix)
    # Drawn after the three streams above, so the officers and requests stay as they were.
    history_rng = random.Random(master.getrandbits(64))
    if prior_share:
        staff = with_prior_shifts(history_rng, horizon, staff, prior_share)
    problem = Problem(
        agency=agency, officers=staff, requests=demand, policy=overrides, options=SolveOptions()
    )
    if locked_share:
        problem = problem.model_copy(
            update={"locked": greedy_locks(history_rng, problem, locked_share)}
        )
    return problem


def problem_json(problem: Problem) -> str:
    """The problem as indented JSON that loads back as the same `Problem`.

    A plain dump writes every unset policy override as null, which `PolicyOverrides` rightly
    refuses on input, so unset overrides are left out.
    """
    unset = {name for name, value in problem.policy if value is None}
    return problem.model_dump_json(indent=2, exclude={"policy": unset}) + "\n"


def _check_shares(**shares: float | None) -> None:
    for name, value in shares.items():
        if value is not None and not 0 <= value <= 1:
            raise InputError(name, f"must be a share between 0 and 1, got {value}")


def _check_sizes(**sizes: int) -> None:
    for name, value in sizes.items():
        lowest = 0 if name == "requests" else 1
        if not lowest <= value <= _LIMITS[name]:
            raise InputError(name, f"must be between {lowest} and {_LIMITS[name]}, got {value}")
