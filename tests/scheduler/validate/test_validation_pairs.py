"""Improvable pairs: the array-filtered count equals a plain pair-by-pair count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.validate.metrics import fairness_set, officer_totals
from scheduler.validate.officer import fits_schedule, statically_eligible
from scheduler.validate.pairs import improvable_pairs, needs_supervisor_from_taker
from scheduler.validate.view import RosterView, build_view
from tests.scheduler.rosters import at, officer, problem, request, result, shift


def pair_by_pair(view: RosterView) -> int:
    """The definition of rules.md section 7, one pair at a time."""
    fair, totals = fairness_set(view), officer_totals(view)
    count = 0
    for held in view.shifts:
        rv = view.requests.get(held.request_id)
        if rv is None or rv.refused is not None or held.locked:
            continue
        sup = needs_supervisor_from_taker(view, held)
        threshold = totals[held.officer_id] - held.minutes
        for ov in fair:
            if ov.id == held.officer_id or totals[ov.id] >= threshold:
                continue
            if sup and not ov.officer.rank.is_supervisor:
                continue
            if statically_eligible(view, ov, rv, held.start, held.end) and fits_schedule(
                view, ov, held
            ):
                count += 1
    return count


@st.composite
def rosters(draw: st.DrawFn) -> tuple[Any, Any]:
    officers = []
    for i in range(draw(st.integers(2, 5))):
        duty_day = draw(st.integers(1, 3))
        windows = [
            {"start": at(d, h).isoformat(), "end": at(d, h + span).isoformat()}
            for d, h, span in draw(st.lists(
                st.tuples(st.integers(1, 3), st.integers(0, 8), st.integers(6, 15)), max_size=3
            ))
        ]
        officers.append(officer(
            f"K-{i}",
            availability=windows or [{"start": at(1, 0).isoformat(), "end": at(4, 0).isoformat()}],
            hours_to_date=draw(st.integers(0, 24)),
            rank=draw(st.sampled_from(["officer", "sergeant"])),
            qualifications=draw(st.sampled_from([[], ["traffic"]])),
            on_duty=[{"start": at(duty_day, 7).isoformat(), "end": at(duty_day, 15).isoformat()}],
            # Shifts outside the roster: the travel gap and the rolling 24 hours count them.
            prior_shifts=[
                {"start": at(d, h).isoformat(), "end": at(d, h + span).isoformat()}
                for d, h, span in draw(st.lists(
                    st.tuples(st.integers(1, 3), st.integers(0, 18), st.integers(1, 5)),
                    max_size=2,
                ))
            ],
        ))
    requests, assignments = [], []
    for j in range(draw(st.integers(1, 6))):
        day, hour = draw(st.integers(1, 3)), draw(st.integers(0, 15))
        # Up to 16 h, ends off the half hour too: over 12 h is split into pieces (fairness set).
        start = at(day, hour)
        end = start + timedelta(minutes=draw(st.integers(16, 64)) * 15)
        needed = draw(st.integers(1, 2))
        requests.append(request(f"R-{j}", start, end, officers_needed=needed,
                                job_type=draw(st.sampled_from(["regular", "traffic"]))))
        holders = draw(st.lists(st.integers(0, len(officers) - 1), max_size=needed, unique=True))
        assignments += [shift(f"R-{j}", f"K-{i}", start, end) for i in holders]
    gap = draw(st.sampled_from([0, 30, 120]))
    return problem(officers, requests, supervisor_at=2, travel_gap_minutes=gap), result(assignments)


@settings(max_examples=150, deadline=None)
@given(case=rosters())
def test_array_count_equals_pair_by_pair(case: tuple[Any, Any]) -> None:
    view = build_view(*case)
    fair = fairness_set(view)
    assert improvable_pairs(view, fair, officer_totals(view)) == pair_by_pair(view)


def fair_by_definition(view: RosterView) -> set[str]:
    """Officers assigned, plus those who alone could take a piece of a staffable request."""
    low = view.policy.min_hours * 60
    high = view.policy.max_continuous_hours * 60
    fair = {ov.id for ov in view.officers.values() if ov.shifts}
    for rv in view.requests.values():
        if rv.refused is not None:
            continue
        pieces = [(rv.start, rv.end)]
        if rv.minutes > high:
            grid = range(rv.start + 30, rv.end, 30)
            pieces = [(rv.start, g) for g in grid if low <= g - rv.start <= high]
            pieces += [(g, rv.end) for g in grid if low <= rv.end - g <= high]
        for ov in view.officers.values():
            if any(statically_eligible(view, ov, rv, s, e) for s, e in pieces):
                fair.add(ov.id)
    return fair


@settings(max_examples=60, deadline=None)
@given(case=rosters())
def test_fairness_set_equals_its_definition(case: tuple[Any, Any]) -> None:
    view = build_view(*case)
    assert {ov.id for ov in fairness_set(view)} == fair_by_definition(view)
