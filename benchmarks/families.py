"""The benchmark's problem families (issue 11): each one a set of generator settings, as data.

A family fixes the agency, the first local day and the generator's shape options; a problem of
the suite is a family at a size (S, M or L) with a seed. Every feature the suite must cover
appears at S and at M: both agencies, a holiday week, a DST week in each direction, a
split-heavy family, a supervisor-heavy one, tight caps, locked and prior shifts and a
contract-rate customer. The dates are in 2026, the year of the generator's default start:
Thanksgiving 26 November, Christmas 25 December, spring forward 8 March, fall back 1 November.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from benchmarks.runners import Size
from models.agency import PolicyOverrides
from models.common import InputError
from models.problem import Problem
from scenarios.generator import generate, problem_json

log = logging.getLogger(__name__)

SUITE_SIZES = {
    "S": Size("S", officers=60, requests=150, days=7, time_limit=10.0),
    "M": Size("M", officers=400, requests=1200, days=14, time_limit=20.0),
    "L": Size("L", officers=2000, requests=6000, days=14, time_limit=90.0),
}
# The limit HiGHS gets for the stored reference: 12 times the size's limit.
REFERENCE_FACTOR = 12


@dataclass(frozen=True)
class Family:
    """One family: generator settings and the features the suite counts it for."""

    name: str
    agency: str
    start: date
    features: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    seeds: dict[str, tuple[int, ...]] = field(default_factory=lambda: {"S": (0, 1), "M": (0, 1)})


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "kennesaw-thanksgiving-contract",
            "kennesaw-ga",
            date(2026, 11, 23),
            ("kennesaw", "holiday", "contract"),
            {"contract_share": 0.10},
        ),
        Family(
            "rockport-christmas-split",
            "rockport-tx",
            date(2026, 12, 21),
            ("rockport", "holiday", "split-heavy"),
            {"long_share": 0.25},
        ),
        Family(
            "rockport-dst-spring-supervisors",
            "rockport-tx",
            date(2026, 3, 2),
            ("rockport", "dst-spring", "supervisor-heavy"),
            {"supervisor_share": 0.30, "supervisor_rank_share": 0.05},
        ),
        Family(
            "kennesaw-dst-autumn-tight",
            "kennesaw-ga",
            date(2026, 10, 29),
            ("kennesaw", "dst-autumn", "tight-caps", "locked", "prior-shifts"),
            {"policy": {"max_hours_per_week": 12}, "prior_share": 0.25, "locked_share": 0.05},
            {"S": (0, 1), "M": (0, 1), "L": (0,)},
        ),
    )
}
FEATURES = (
    "kennesaw",
    "rockport",
    "holiday",
    "dst-spring",
    "dst-autumn",
    "split-heavy",
    "supervisor-heavy",
    "tight-caps",
    "locked",
    "prior-shifts",
    "contract",
)


def get_family(name: str) -> Family:
    if name not in FAMILIES:
        raise InputError("family", f"unknown family {name!r} (known: {', '.join(FAMILIES)})")
    return FAMILIES[name]


def generator_args(family: Family, size: Size, seed: int) -> dict[str, Any]:
    """The exact keyword arguments of `generate` for one problem, as plain JSON data."""
    return {
        "officers": size.officers,
        "requests": size.requests,
        "days": size.days,
        "seed": seed,
        "agency": family.agency,
        "start": family.start.isoformat(),
        **family.options,
    }


def generate_from(args: dict[str, Any]) -> Problem:
    """The problem `generate` makes from `generator_args` output."""
    kwargs = dict(args)
    kwargs["start"] = date.fromisoformat(kwargs["start"])
    if "policy" in kwargs:
        kwargs["policy"] = PolicyOverrides(**kwargs["policy"])
    return generate(**kwargs)


def problem_hash(problem: Problem) -> str:
    """SHA-256 of the problem's JSON: a changed generator gives another hash."""
    return hashlib.sha256(problem_json(problem).encode("utf-8")).hexdigest()


def suite_problems(sizes: tuple[str, ...] = ("S", "M", "L")) -> list[tuple[Family, Size, int]]:
    """Every (family, size, seed) of the suite, size by size."""
    return [
        (family, SUITE_SIZES[name], seed)
        for name in sizes
        for family in FAMILIES.values()
        for seed in family.seeds.get(name, ())
    ]
