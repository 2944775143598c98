"""The suite's families: each one's generator settings really give the feature it stands for.

Counts are for seed 0 at size S (60 officers, 150 requests, 7 days); they were checked by hand
against the generated JSON, and each is compared with the same generator call without the
family's options, so a count cannot pass by accident.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from benchmarks.families import (
    FAMILIES,
    FEATURES,
    SUITE_SIZES,
    Family,
    generate_from,
    generator_args,
)
from models.problem import Problem
from scenarios.generator import generate, problem_json
from scheduler.agencies import get_agency
from scheduler.context import prepare
from scheduler.pricing.holidays import holiday_dates
from scheduler.rules.eligibility import candidates
from scheduler.solve.locks import check_locks, split_lock_violations, supervisor_lock_violations
from scheduler.solve.pieces import build_pieces


def _problem(name: str, size: str = "S", seed: int = 0) -> Problem:
    return generate_from(generator_args(FAMILIES[name], SUITE_SIZES[size], seed))


def _plain(name: str, seed: int = 0) -> Problem:
    """The same call without the family's shape options (agency and start kept)."""
    f, s = FAMILIES[name], SUITE_SIZES["S"]
    return generate(s.officers, s.requests, s.days, seed, agency=f.agency, start=f.start)


def _local_days(problem: Problem) -> set[date]:
    tz = get_agency(str(problem.agency)).tz
    return {r.start.astimezone(tz).date() for r in problem.requests}


def test_the_default_generator_output_is_unchanged_by_the_new_options() -> None:
    text = problem_json(generate(60, 150, 7, 0))
    assert hashlib.sha256(text.encode()).hexdigest()[:16] == "8f1e41815e4dff3e"


@pytest.mark.parametrize("size", ["S", "M"])
def test_every_feature_appears_at_s_and_at_m_on_two_seeds(size: str) -> None:
    covered: dict[str, int] = {}
    for family in FAMILIES.values():
        for feature in family.features:
            covered[feature] = covered.get(feature, 0) + len(family.seeds.get(size, ()))
    assert {f: n >= 2 for f, n in covered.items()} == {f: True for f in FEATURES}


def test_l_is_one_problem_of_2000_officers_6000_requests_14_days_at_90_s() -> None:
    at_l = [(f.name, f.seeds["L"]) for f in FAMILIES.values() if "L" in f.seeds]
    assert at_l == [("kennesaw-dst-autumn-tight", (0,))]
    assert SUITE_SIZES["L"].officers == 2000 and SUITE_SIZES["L"].requests == 6000
    assert (SUITE_SIZES["L"].days, SUITE_SIZES["L"].time_limit) == (14, 90.0)


@pytest.mark.parametrize(
    ("name", "holiday"),
    [
        ("kennesaw-thanksgiving-contract", "thanksgiving"),
        ("rockport-christmas-split", "christmas_day"),
    ],
)
@pytest.mark.parametrize("size", ["S", "M"])
def test_holiday_week_contains_the_holiday_with_requests_on_it(
    name: str, holiday: str, size: str
) -> None:
    family = FAMILIES[name]
    by_name = {v: k for k, v in holiday_dates(get_agency(family.agency), 2026).items()}
    day = by_name[holiday]  # type: ignore[index]
    assert day in {date(2026, 11, 26), date(2026, 12, 25)}
    assert family.start <= day < family.start + timedelta(days=SUITE_SIZES[size].days)
    assert day in _local_days(_problem(name, size))


@pytest.mark.parametrize(
    ("name", "transition", "offsets"),
    [
        ("rockport-dst-spring-supervisors", date(2026, 3, 8), {-6, -5}),
        ("kennesaw-dst-autumn-tight", date(2026, 11, 1), {-4, -5}),
    ],
)
@pytest.mark.parametrize("size", ["S", "M"])
def test_dst_week_contains_the_transition_in_the_agency_zone(
    name: str, transition: date, offsets: set[int], size: str
) -> None:
    family = FAMILIES[name]
    tz = get_agency(family.agency).tz
    before = datetime_at(transition - timedelta(days=1), tz)
    after = datetime_at(transition + timedelta(days=1), tz)
    assert before.utcoffset() != after.utcoffset()
    assert family.start <= transition < family.start + timedelta(days=SUITE_SIZES[size].days)
    problem = _problem(name, size)
    seen = {r.start.utcoffset() for r in problem.requests}
    assert seen == {timedelta(hours=h) for h in offsets}


def datetime_at(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=tz)


def _longer_than_a_shift(problem: Problem) -> int:
    longest = problem.policy.apply(get_agency(str(problem.agency)).policy).max_continuous_hours
    return sum((r.end - r.start).total_seconds() / 3600 > longest for r in problem.requests)


def test_split_heavy_family_has_many_requests_longer_than_a_shift() -> None:
    problem = _problem("rockport-christmas-split")
    assert get_agency("rockport-tx").policy.min_hours == 2
    assert _longer_than_a_shift(problem) == 41  # of 150; the plain week has 5
    assert _longer_than_a_shift(_plain("rockport-christmas-split")) == 5
    assert max((r.end - r.start).total_seconds() / 3600 for r in problem.requests) <= 16


def test_supervisor_heavy_family_has_many_supervised_requests_and_few_sergeants() -> None:
    problem = _problem("rockport-dst-spring-supervisors")
    plain = _plain("rockport-dst-spring-supervisors")
    at = get_agency("rockport-tx").policy.supervisor_at

    def supervised(p: Problem) -> int:
        return sum(r.officers_needed >= at for r in p.requests)

    assert (supervised(problem), supervised(plain)) == (77, 32)
    sergeants = [o for o in problem.officers if o.rank.is_supervisor]
    assert len(sergeants) == 1 and sum(o.rank.is_supervisor for o in plain.officers) == 4


def test_tight_caps_family_caps_the_week_at_12_hours_and_officers_below_it() -> None:
    problem = _problem("kennesaw-dst-autumn-tight")
    assert problem.policy.max_hours_per_week == 12
    caps = {o.max_hours_per_week for o in problem.officers} - {None}
    assert caps == {8.0}


def test_prior_shifts_fall_in_the_three_days_before_the_start() -> None:
    problem = _problem("kennesaw-dst-autumn-tight")
    tz = get_agency("kennesaw-ga").tz
    start = FAMILIES["kennesaw-dst-autumn-tight"].start
    shifts = [w for o in problem.officers for w in o.prior_shifts]
    assert len(shifts) == 15
    for w in shifts:
        assert start - timedelta(days=3) <= w.start.astimezone(tz).date() < start
        assert 4 <= (w.end - w.start).total_seconds() / 3600 <= 8


def test_locked_shifts_exist_and_break_no_rule() -> None:
    problem = _problem("kennesaw-dst-autumn-tight")
    assert len(problem.locked) == 6
    ctx = prepare(problem)
    ps = build_pieces(ctx)
    violations, loads = check_locks(ctx, ps)
    cands = candidates(ctx, ps, loads)
    assert violations == []
    assert split_lock_violations(ctx, ps) == []
    assert supervisor_lock_violations(ctx, ps, cands) == []


def test_contract_family_has_samaritans_purse_requests() -> None:
    problem = _problem("kennesaw-thanksgiving-contract")
    rates = {r.customer_rate for r in problem.requests} - {None}
    assert rates == {"Samaritan's Purse"}
    contract = sum(r.customer_rate is not None for r in problem.requests)
    others = _plain("kennesaw-thanksgiving-contract").requests
    plain = sum(r.customer_rate is not None for r in others)
    assert (contract, plain) == (16, 2)


def test_generator_args_are_plain_json_data() -> None:
    options = {"policy": {"min_hours": 3}}
    family = Family("x", "rockport-tx", date(2026, 3, 2), ("rockport",), options)
    args = generator_args(family, SUITE_SIZES["S"], 1)
    assert args == {
        "officers": 60,
        "requests": 150,
        "days": 7,
        "seed": 1,
        "agency": "rockport-tx",
        "start": "2026-03-02",
        "policy": {"min_hours": 3},
    }
