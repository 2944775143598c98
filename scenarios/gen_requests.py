"""Generated customer requests and the pool of employers they come from.

Shares follow the product brief: about a quarter traffic jobs, a tenth with a vehicle, a few
requests every request-level rule refuses (prohibited employer, alcohol, pending litigation,
outside the city, late), some shorter than the agency minimum and some longer than the longest
continuous shift (so the scheduler must split them). Employers come from a pool, so several
requests share an employer, as officers' conflict lists expect.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from models.request import Approval, Employer, Request, Vehicle, Venue
from scenarios.gen_common import Horizon, after, at_local, half_hour_steps, pick

# Permitted categories and their share of the employer pool, with brand names to number.
_CATEGORIES: dict[str, tuple[int, tuple[str, ...]]] = {
    "grocery": (20, ("Kroger", "Publix", "Aldi", "Food Lion", "H-E-B", "Sprouts")),
    "retail": (20, ("Target", "Home Depot", "Walmart", "Best Buy", "Lowe's", "Kohl's")),
    "construction": (15, ("Baldwin Paving", "Allied Utility", "Summit Roadworks", "Metro Fiber")),
    "church": (10, ("First Baptist Church", "St. Mary's Church", "Grace Methodist", "New Hope")),
    "school": (10, ("North High School", "Lakeside Middle", "Westview Elementary", "Pine Academy")),
    "event": (10, ("Town Square Concerts", "Fall Festival", "Riverside 5K", "County Fairgrounds")),
    "restaurant": (15, ("Smokey's BBQ", "Taqueria La Luna", "Olive Garden", "Waffle House")),
}
_ALCOHOL_CATEGORIES = ("grocery", "event", "restaurant")
_TRAFFIC_CATEGORIES = ("construction", "event", "school", "church", "retail", "grocery")
# Request start slots (half hours after local midnight): mostly 06:00-22:00, busiest around
# the morning and the evening, a thin tail of late-night starts.
_START_SLOTS = [
    (slot, 3.0 if 14 <= slot < 20 or 32 <= slot < 40 else 2.0 if 12 <= slot < 44 else 0.2)
    for slot in range(48)
]
_PRIORITIES = [(1, 8), (2, 25), (3, 35), (4, 22), (5, 10)]


@dataclass(frozen=True)
class RequestMix:
    """Optional shares that replace the brief's defaults (None keeps the default draw).

    long_share: requests longer than the longest continuous shift (default about 4%).
    supervisor_share: requests needing at least `supervisor_at` officers (default: the few
    large events and the tail of the ordinary draw). contract_share: requests from a customer
    with a contract rate, where the agency has one (default about 2%).
    """

    long_share: float | None = None
    supervisor_share: float | None = None
    contract_share: float | None = None


@dataclass(frozen=True)
class EmployerPool:
    """Employers by the part they play: permitted by category, prohibited, in litigation."""

    by_category: dict[str, list[Employer]]
    prohibited: list[Employer]
    litigation: list[Employer]
    contract: list[tuple[Employer, str]]

    def ids(self) -> list[str]:
        """Ids of the permitted employers (the ones officers' conflict lists name)."""
        return [e.id for group in self.by_category.values() for e in group]


def employer_pool(rng: random.Random, horizon: Horizon, requests: int) -> EmployerPool:
    """About one employer per six requests, every permitted category represented."""
    size = max(len(_CATEGORIES), requests // 6)
    numbers = iter(range(1, 10**9))
    categories = list(_CATEGORIES)
    drawn = categories + rng.choices(
        categories, weights=[_CATEGORIES[c][0] for c in categories], k=size - len(categories)
    )
    by_category: dict[str, list[Employer]] = {c: [] for c in categories}
    for category in drawn:
        by_category[category].append(_employer(rng, next(numbers), category))
    prohibited = [
        _employer(rng, next(numbers), category)
        for category in _spread(rng, horizon.policy.prohibited_categories, max(2, size // 30))
    ]
    litigation = [
        _employer(rng, next(numbers), rng.choice(categories), litigation=True)
        for _ in range(max(1, size // 40))
    ]
    contract = [
        (Employer(id=f"EMP-{next(numbers):04d}", name=name, category="charity"), name)
        for name in sorted(horizon.agency.rates.contract_rates)
    ]
    return EmployerPool(by_category, prohibited, litigation, contract)


def _spread(rng: random.Random, items: list[str], count: int) -> list[str]:
    return [rng.choice(items) for _ in range(count)] if items else []


def _employer(rng: random.Random, number: int, category: str, litigation: bool = False) -> Employer:
    if category in _CATEGORIES:
        name = f"{rng.choice(_CATEGORIES[category][1])} #{rng.randint(100, 999)}"
    else:
        name = f"{category.replace('_', ' ').title()} {rng.choice(('LLC', 'Inc.', 'Group'))}"
    return Employer(
        id=f"EMP-{number:04d}", name=name, category=category, pending_litigation=litigation
    )


def generate_requests(
    rng: random.Random,
    horizon: Horizon,
    count: int,
    pool: EmployerPool,
    officer_ids: list[str],
    mix: RequestMix = RequestMix(),
) -> list[Request]:
    """`count` requests with ids REQ-00001..., starting inside the horizon."""
    return [_request(rng, horizon, n, pool, officer_ids, mix) for n in range(1, count + 1)]


def _request(
    rng: random.Random,
    horizon: Horizon,
    number: int,
    pool: EmployerPool,
    officer_ids: list[str],
    mix: RequestMix,
) -> Request:
    large = rng.random() < 0.02
    traffic = rng.random() < 0.25
    alcohol = pick(rng, [("none", 90), ("inside", 3), ("outside_approved", 5), ("outside", 2)])
    employer, contract = _pick_employer(rng, pool, traffic, alcohol != "none", large, mix)
    start = at_local(_start_day(rng, horizon), pick(rng, _START_SLOTS), horizon.tz)
    venue, approvals = _venue(rng, alcohol, f"{start.year}-{number:05d}")
    return Request(
        id=f"REQ-{number:05d}",
        employer=employer,
        venue=venue,
        job_type="traffic" if traffic else "regular",
        customer_rate=contract,
        start=start,
        end=after(start, _duration(rng, horizon, mix.long_share), horizon.tz),
        received_at=_received_at(rng, horizon, start),
        officers_needed=_needed(rng, horizon, large, mix.supervisor_share),
        vehicle=_vehicle(rng, horizon),
        approvals=approvals,
        priority=pick(rng, _PRIORITIES),
        preferred_officers=_preferred(rng, officer_ids),
    )


def _venue(rng: random.Random, alcohol: str, reference: str) -> tuple[Venue, list[Approval]]:
    """The post, and the approvals on file: about 4% outside the city, half of them approved."""
    approvals = []
    if alcohol == "outside_approved":
        approvals.append(Approval(kind="chief_alcohol_outside", reference=f"CP-{reference}"))
    outside_city = rng.random() < 0.04
    if outside_city and rng.random() < 0.5:
        approvals.append(Approval(kind="out_of_city_uniform", reference=f"OC-{reference}"))
    venue = Venue(
        within_city_limits=not outside_city,
        alcohol_served=alcohol != "none",
        post="inside" if alcohol == "inside" else "outside",
    )
    return venue, approvals


def with_share(
    weighted: list[tuple[str, float]], name: str, share: float | None
) -> list[tuple[str, float]]:
    """The weights with `name` given `share` of the total and the others scaled to the rest;
    unchanged when `share` is None (so the default draw stays exactly as it was)."""
    if share is None:
        return weighted
    rest = sum(w for n, w in weighted if n != name)
    total = sum(w for _, w in weighted)
    return [
        (n, total * share if n == name else w * total * (1 - share) / rest) for n, w in weighted
    ]


def _pick_employer(
    rng: random.Random,
    pool: EmployerPool,
    traffic: bool,
    alcohol: bool,
    large: bool,
    mix: RequestMix,
) -> tuple[Employer, str | None]:
    """The employer, and the contract rate name when the employer has one."""
    kinds = [("prohibited", 3.0), ("litigation", 2.0), ("contract", 2.0), ("permitted", 93.0)]
    kind = pick(rng, with_share(kinds, "contract", mix.contract_share))
    if kind == "prohibited" and pool.prohibited:
        return rng.choice(pool.prohibited), None
    if kind == "litigation" and pool.litigation:
        return rng.choice(pool.litigation), None
    if kind == "contract" and pool.contract:
        return rng.choice(pool.contract)
    categories = list(_CATEGORIES)
    if large:
        categories = ["event"]
    if traffic:
        categories = [c for c in categories if c in _TRAFFIC_CATEGORIES]
    if alcohol:
        categories = [c for c in categories if c in _ALCOHOL_CATEGORIES]
    employers = [e for c in categories for e in pool.by_category[c]]
    return rng.choice(employers), None


def _start_day(rng: random.Random, horizon: Horizon) -> date:
    """A day of the horizon, Friday and Saturday busiest."""
    dates = horizon.dates()
    weights = [1.4 if d.weekday() in (4, 5) else 1.1 if d.weekday() == 6 else 1.0 for d in dates]
    return rng.choices(dates, weights=weights)[0]


def _duration(rng: random.Random, horizon: Horizon, long_share: float | None = None) -> float:
    """Hours: mostly 4-8, some below the minimum, some 9-12, a few longer than a shift may run
    (`long_share` of them when given)."""
    minimum = horizon.policy.min_hours
    longest = horizon.policy.max_continuous_hours
    short = half_hour_steps(1.0, min(3.0, minimum - 0.5)) if minimum > 1 else []
    long = half_hour_steps(longest + 0.5, max(16.0, longest + 4.0))
    extended = half_hour_steps(8.5, min(12.0, longest)) if longest >= 8.5 else []
    kinds: list[tuple[str, float]] = [
        ("short", 8 if short else 0), ("normal", 80), ("extended", 8 if extended else 0)
    ]
    kind = pick(rng, with_share([*kinds, ("long", 4)], "long", long_share))
    if kind == "short":
        return rng.choice(short)
    if kind == "long":
        return rng.choice(long)
    if kind == "extended":
        return rng.choice(extended)
    return rng.choice(half_hour_steps(4.0, 8.0))


def _received_at(rng: random.Random, horizon: Horizon, start: datetime) -> datetime:
    """Mostly 4-20 days ahead in office hours; about 8% inside the agency's lead time."""
    if rng.random() < 0.08:
        # Where the agency has no lead time, "late" still means a rush: within two days.
        lead_minutes = int(horizon.policy.lead_time_hours * 60) or 48 * 60
        before = rng.randrange(60, lead_minutes, 5)
        return after(start, -before / 60, horizon.tz)
    day = start.date() - timedelta(days=rng.randint(4, 20))
    return after(at_local(day, 14, horizon.tz), rng.randrange(0, 12 * 60, 5) / 60, horizon.tz)


def _needed(
    rng: random.Random, horizon: Horizon, large: bool, supervisor_share: float | None
) -> int:
    """Officers on the request; with `supervisor_share`, that share of requests need from
    `supervisor_at` to three more officers (one extra draw per request, only then)."""
    if supervisor_share is not None and rng.random() < supervisor_share:
        low = horizon.policy.supervisor_at
        return rng.randint(low, low + 3)
    return rng.randint(8, 15) if large else _officers_needed(rng)


def _officers_needed(rng: random.Random) -> int:
    return pick(rng, [(1, 40), (2, 28), (3, 12), (4, 8), (5, 6), (6, 6)])


def _vehicle(rng: random.Random, horizon: Horizon) -> Vehicle:
    """About 10% with a vehicle; moving (by the mile) only where the agency bills mileage."""
    rates = horizon.agency.rates
    if rates.vehicle_static_per_hour is None or rng.random() >= 0.10:
        return Vehicle()
    if rates.vehicle_moving_per_mile is not None and rng.random() < 0.3:
        return Vehicle(kind="moving", miles=float(rng.randint(10, 120)))
    return Vehicle(kind="static")


def _preferred(rng: random.Random, officer_ids: list[str]) -> list[str]:
    """About 5% of customers ask for one or two officers by name."""
    if not officer_ids or rng.random() >= 0.05:
        return []
    return rng.sample(officer_ids, min(len(officer_ids), rng.randint(1, 2)))
