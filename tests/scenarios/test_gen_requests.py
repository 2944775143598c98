"""Generated employers and requests: the pool's parts and the agency-dependent choices."""

from __future__ import annotations

import random
from datetime import date, timedelta

from scenarios.gen_common import Horizon
from scenarios.gen_requests import employer_pool, generate_requests
from scheduler.agencies import get_agency

KENNESAW = Horizon(agency=get_agency("kennesaw-ga"), start=date(2026, 12, 7), days=7)
ROCKPORT = Horizon(agency=get_agency("rockport-tx"), start=date(2026, 12, 7), days=7)


def test_pool_holds_every_permitted_category_and_one_employer_per_six_requests() -> None:
    pool = employer_pool(random.Random(1), KENNESAW, 600)
    assert sorted(pool.by_category) == [
        "church", "construction", "event", "grocery", "restaurant", "retail", "school",
    ]
    assert all(pool.by_category.values())
    assert len(pool.ids()) == 100


def test_prohibited_and_litigation_employers_come_from_the_agency_and_are_flagged() -> None:
    pool = employer_pool(random.Random(1), KENNESAW, 600)
    assert len(pool.prohibited) == 3 and len(pool.litigation) == 2
    assert all(e.category in KENNESAW.policy.prohibited_categories for e in pool.prohibited)
    assert all(e.pending_litigation for e in pool.litigation)


def test_contract_customers_only_where_the_agency_has_a_contract_rate() -> None:
    kennesaw = employer_pool(random.Random(1), KENNESAW, 60)
    assert [(e.name, rate) for e, rate in kennesaw.contract] == [
        ("Samaritan's Purse", "Samaritan's Purse")
    ]
    assert employer_pool(random.Random(1), ROCKPORT, 60).contract == []


def test_employer_ids_are_unique_across_the_pools_parts() -> None:
    pool = employer_pool(random.Random(2), KENNESAW, 300)
    ids = pool.ids() + [e.id for e in pool.prohibited + pool.litigation]
    ids += [e.id for e, _ in pool.contract]
    assert len(ids) == len(set(ids))


def test_short_requests_stay_below_the_minimum_and_late_ones_inside_the_lead_time() -> None:
    pool = employer_pool(random.Random(3), KENNESAW, 800)
    requests = generate_requests(random.Random(3), KENNESAW, 800, pool, ["K-0001"])
    hours = [(r.end - r.start).total_seconds() / 3600 for r in requests]
    assert sorted({h for h in hours if h < 4}) == [1.0, 1.5, 2.0, 2.5, 3.0]
    late = [r for r in requests if r.received_at > r.start - timedelta(hours=72)]
    assert late and all(r.received_at <= r.start - timedelta(hours=1) for r in late)


def test_rockport_short_requests_are_below_its_two_hour_minimum() -> None:
    pool = employer_pool(random.Random(3), ROCKPORT, 800)
    requests = generate_requests(random.Random(3), ROCKPORT, 800, pool, [])
    hours = {(r.end - r.start).total_seconds() / 3600 for r in requests}
    assert sorted(h for h in hours if h < 2) == [1.0, 1.5]
    assert all(not r.preferred_officers for r in requests)
