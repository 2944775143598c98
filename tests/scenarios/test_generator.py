"""The seeded generator: determinism, exact shape, a realistic mix, and the bundled examples."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from models import InputError, Officer, Problem, Request
from scenarios.generator import generate, problem_json
from scheduler.agencies import get_agency
from scheduler.rules.request_rules import check_request

EXAMPLES = Path(__file__).resolve().parents[2] / "scenarios" / "examples"
KENNESAW = get_agency("kennesaw-ga")
T = TypeVar("T")


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def _share(items: Sequence[T]) -> Callable[[Callable[[T], bool]], float]:
    """A function giving the share of `items` that pass a test."""
    return lambda test: sum(1 for item in items if test(item)) / len(items)


def _all_times(problem: Problem) -> list[datetime]:
    times: list[datetime] = []
    for officer in problem.officers:
        times += [t for w in officer.availability + officer.on_duty for t in (w.start, w.end)]
    for r in problem.requests:
        times += [r.start, r.end, r.received_at]
    return times


@pytest.fixture(scope="module")
def week400() -> Problem:
    return generate(400, 1200, 7, seed=11)


def test_same_arguments_give_identical_json() -> None:
    assert problem_json(generate(20, 40, 7, seed=3)) == problem_json(generate(20, 40, 7, seed=3))


def test_another_seed_gives_another_problem() -> None:
    assert problem_json(generate(20, 40, 7, seed=3)) != problem_json(generate(20, 40, 7, seed=4))


def test_more_officers_leave_the_requests_times_and_employers_unchanged() -> None:
    def key(r: Request) -> tuple[str, datetime, datetime, str]:
        return r.id, r.start, r.end, r.employer.id

    fewer, more = generate(20, 40, 7, seed=3), generate(25, 40, 7, seed=3)
    assert [key(r) for r in fewer.requests] == [key(r) for r in more.requests]


def test_counts_ids_and_horizon() -> None:
    problem = generate(30, 80, 10, seed=5, start=date(2027, 1, 4))
    assert problem.agency == "kennesaw-ga"
    assert [o.id for o in problem.officers][:2] == ["K-0001", "K-0002"]
    assert len(problem.officers) == 30 and problem.officers[-1].id == "K-0030"
    assert len(problem.requests) == 80 and problem.requests[-1].id == "REQ-00080"
    starts = {r.start.astimezone(KENNESAW.tz).date() for r in problem.requests}
    assert min(starts) >= date(2027, 1, 4) and max(starts) <= date(2027, 1, 13)
    assert problem.locked == [] and problem.hint == [] and problem.options.time_limit_s == 10


@pytest.mark.parametrize(
    ("agency", "start"),
    [("kennesaw-ga", date(2026, 12, 7)), ("kennesaw-ga", date(2026, 10, 29)),
     ("rockport-tx", date(2026, 3, 5))],
)
def test_every_time_is_aware_in_the_agency_zone_and_every_end_after_its_start(
    agency: str, start: date
) -> None:
    problem = generate(15, 40, 7, seed=2, agency=agency, start=start)
    tz = get_agency(agency).tz
    for moment in _all_times(problem):
        assert moment.utcoffset() == moment.astimezone(tz).utcoffset()
    assert all(r.end > r.start for r in problem.requests)


def test_rockport_officers_carry_an_r_prefix_and_central_offsets() -> None:
    problem = generate(3, 2, 7, seed=1, agency="rockport-tx")
    assert [o.id for o in problem.officers] == ["R-0001", "R-0002", "R-0003"]
    assert problem.requests[0].start.utcoffset() == timedelta(hours=-6)


def test_officer_windows_are_hour_aligned_and_of_realistic_length(week400: Problem) -> None:
    for officer in week400.officers:
        assert 1 <= len(officer.availability) <= 5
        for window in officer.availability:
            assert window.start.minute == 0 and 6 <= _hours(window.start, window.end) <= 16
        assert 3 <= len(officer.on_duty) <= 5
        assert all(_hours(b.start, b.end) in (8, 10) for b in officer.on_duty)


def test_officer_mix(week400: Problem) -> None:
    officers = week400.officers
    share = _share(officers)
    assert 0.07 <= share(lambda o: o.rank.is_supervisor) <= 0.17
    assert 0.01 <= share(lambda o: o.status != "active") <= 0.08
    assert 0.50 <= share(lambda o: "traffic" in o.qualifications) <= 0.70
    assert 0.30 <= share(lambda o: "vehicle" in o.qualifications) <= 0.50
    assert 0.20 <= share(lambda o: "liquor_venue" in o.qualifications) <= 0.40
    assert 0.02 <= share(lambda o: bool(o.conflicts)) <= 0.09
    assert all(0 <= o.hours_to_date <= 40 for o in officers)
    assert share(lambda o: o.hours_to_date > 28) >= 0.05
    caps = [o.max_hours_per_week for o in officers if o.max_hours_per_week is not None]
    assert caps and all(cap < KENNESAW.policy.max_hours_per_week for cap in caps)


def test_request_mix(week400: Problem) -> None:
    requests = week400.requests
    share = _share(requests)
    lead = timedelta(hours=KENNESAW.policy.lead_time_hours)
    assert 0.15 <= share(lambda r: r.job_type == "traffic") <= 0.35
    assert 0.04 <= share(lambda r: r.received_at > r.start - lead) <= 0.12
    assert 0.02 <= share(lambda r: _hours(r.start, r.end) > 12) <= 0.07
    assert 0.04 <= share(lambda r: _hours(r.start, r.end) < 4) <= 0.12
    assert 0.06 <= share(lambda r: r.vehicle.kind == "static") <= 0.14
    assert not any(r.vehicle.kind == "moving" for r in requests)
    assert 0.85 <= share(lambda r: 6 <= r.start.hour < 22) < 1
    assert {r.priority for r in requests} == {1, 2, 3, 4, 5}
    assert max(r.officers_needed for r in requests) >= 8
    assert share(lambda r: r.customer_rate == "Samaritan's Purse") > 0
    assert share(lambda r: bool(r.preferred_officers)) > 0
    assert len({r.employer.id for r in requests}) <= len(requests) / 3


def test_every_request_level_refusal_occurs_at_about_its_share(week400: Problem) -> None:
    codes = Counter(
        hit.code for r in week400.requests for hit in check_request(r, KENNESAW, KENNESAW.policy)
    )
    total = len(week400.requests)
    assert 0.01 <= codes["PROHIBITED_EMPLOYER"] / total <= 0.05
    assert 0.01 <= codes["ALCOHOL_INSIDE"] / total <= 0.05
    assert 0.005 <= codes["ALCOHOL_OUTSIDE_UNAPPROVED"] / total <= 0.04
    assert 0.005 <= codes["PENDING_LITIGATION"] / total <= 0.04
    assert 0.005 <= codes["OUT_OF_CITY_UNAPPROVED"] / total <= 0.04


def test_rockport_has_moving_vehicles_and_no_contract_rate() -> None:
    problem = generate(50, 400, 7, seed=4, agency="rockport-tx")
    moving = [r for r in problem.requests if r.vehicle.kind == "moving"]
    assert moving and all(10 <= r.vehicle.miles <= 120 for r in moving)
    assert all(r.customer_rate is None for r in problem.requests)
    assert all(_hours(r.start, r.end) >= 1 for r in problem.requests)


@pytest.mark.parametrize(("name", "value"), [("officers", 0), ("requests", -1), ("days", 0)])
def test_bad_sizes_are_input_errors(name: str, value: int) -> None:
    sizes = {"officers": 5, "requests": 5, "days": 7} | {name: value}
    with pytest.raises(InputError, match=name):
        generate(sizes["officers"], sizes["requests"], sizes["days"], seed=1)


def test_problem_json_loads_back_as_the_same_problem() -> None:
    problem = generate(10, 20, 7, seed=9)
    assert Problem.model_validate_json(problem_json(problem)) == problem


def test_bundled_week_is_the_generator_output_for_its_documented_arguments() -> None:
    command = "offduty generate --officers 60 --requests 150 --days 7 --seed 7 --agency kennesaw-ga"
    assert command in (EXAMPLES / "README.md").read_text(encoding="utf-8")
    expected = generate(60, 150, 7, seed=7, agency="kennesaw-ga", start=date(2026, 12, 7))
    assert (EXAMPLES / "kennesaw-week.json").read_text(encoding="utf-8") == problem_json(expected)


def test_small_example_holds_a_refusal_a_long_and_a_short_request() -> None:
    problem = Problem.model_validate_json((EXAMPLES / "small.json").read_text(encoding="utf-8"))
    rockport = get_agency("rockport-tx")
    assert problem.agency == "rockport-tx"
    assert (len(problem.officers), len(problem.requests)) == (5, 6)
    refused = [r.id for r in problem.requests if check_request(r, rockport, rockport.policy)]
    assert refused == ["REQ-00005"]
    lengths = {r.id: _hours(r.start, r.end) for r in problem.requests}
    assert lengths["REQ-00003"] == 14 and lengths["REQ-00004"] == 1.5


def _could_work(officer: Officer, request: Request, gap: timedelta) -> bool:
    """A rough single-request eligibility (status, qualifications, conflict, availability, duty)."""
    return (
        officer.status == "active"
        and (request.job_type != "traffic" or "traffic" in officer.qualifications)
        and (request.vehicle.kind == "none" or "vehicle" in officer.qualifications)
        and request.employer.id not in officer.conflicts
        and any(w.start <= request.start and w.end >= request.end for w in officer.availability)
        and not any(b.start < request.end + gap and b.end + gap > request.start
                    for b in officer.on_duty)
    )


def test_bundled_week_is_mostly_fillable_one_request_at_a_time_but_not_all_at_once() -> None:
    problem = generate(60, 150, 7, seed=7)
    policy = KENNESAW.policy
    gap = timedelta(minutes=policy.travel_gap_minutes)
    staffable = [r for r in problem.requests if not check_request(r, KENNESAW, policy)]
    whole = [r for r in staffable if _hours(r.start, r.end) <= policy.max_continuous_hours]
    fillable = sum(
        min(r.officers_needed, sum(_could_work(o, r, gap) for o in problem.officers))
        for r in whole
    )
    assert 0.70 <= fillable / sum(r.officers_needed for r in whole) <= 0.95
    demand = sum(_hours(r.start, r.end) * r.officers_needed for r in staffable)
    capacity = sum(
        min(policy.max_hours_per_week, sum(_hours(w.start, w.end) for w in o.availability))
        for o in problem.officers if o.status == "active"
    )
    assert demand > 1.2 * capacity


def test_a_share_outside_0_to_1_is_an_input_error_naming_the_option() -> None:
    with pytest.raises(InputError) as caught:
        generate(5, 5, 2, seed=0, long_share=1.5)
    assert str(caught.value) == "long_share: must be a share between 0 and 1, got 1.5"


def test_with_share_gives_the_named_item_its_share_and_scales_the_rest() -> None:
    from scenarios.gen_requests import with_share

    weights = [("a", 3.0), ("b", 1.0), ("c", 4.0)]
    assert with_share(weights, "b", None) is weights
    # total 8: b gets 0.5 x 8 = 4; a and c share the other 4 as 3:4.
    assert with_share(weights, "b", 0.5) == [("a", 12 / 7), ("b", 4.0), ("c", 16 / 7)]


def test_rank_weights_give_supervisors_the_asked_share() -> None:
    from scenarios.gen_officers import rank_weights

    weights = rank_weights(0.05)
    assert round(sum(w for r, w in weights if r.is_supervisor), 9) == 0.05
    assert round(sum(w for r, w in weights if not r.is_supervisor), 9) == 0.95
    assert [r for r, _ in weights] == [r for r, _ in rank_weights()]
