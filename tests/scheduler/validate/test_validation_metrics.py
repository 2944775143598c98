"""Recomputed metrics: coverage, hours, the fairness set, gini and improvable pairs, exactly."""

from __future__ import annotations

from typing import Any

from models.problem import Problem
from models.result import Assignment, Rejected
from scheduler.validate.metrics import gini
from scheduler.validate.validator import validate
from tests.scheduler.rosters import at, officer, problem, request, result, shift

WEEK = [{"start": at(1, 0).isoformat(), "end": at(8, 0).isoformat()}]


def base(*extra_officers: dict[str, Any], **policy: Any) -> Problem:
    """A (10 h to date), B (0 h), C probationary, D never available; R-3 is refused."""
    return problem(
        [
            officer("A", hours_to_date=10, rank="sergeant", availability=WEEK),
            officer("B", availability=WEEK),
            officer("C", status="probationary", hours_to_date=2, availability=WEEK),
            officer("D", availability=[]),
            *extra_officers,
        ],
        [
            request("R-1", at(1, 12), at(1, 16), priority=3),
            request("R-2", at(2, 8), at(2, 16), officers_needed=2, priority=5),
            request("R-3", at(3, 8), at(3, 12), venue={"alcohol_served": True, "post": "inside"}),
        ],
        **policy,
    )


ROSTER: list[Assignment] = [
    shift("R-1", "A", at(1, 12), at(1, 16)),
    shift("R-2", "A", at(2, 8), at(2, 16)),
    shift("R-2", "B", at(2, 8), at(2, 16)),
]


def test_coverage_hours_and_fairness_figures() -> None:
    metrics = validate(base(), result(ROSTER, coverage_upper_bound=13)).metrics
    assert metrics.positions_requested == 4  # the refused R-3 counts as requested
    assert metrics.positions_filled == 3.0
    assert metrics.coverage == 13.0  # 1 x 3 + 2 x 5
    assert metrics.coverage_upper_bound == 13  # copied: it cannot be recomputed
    assert metrics.hours_filled == 20.0
    # Fairness set {A: 22 h, B: 8 h}; C is barred and D never available.
    assert metrics.max_total_hours == 22.0
    assert metrics.spread_hours == 14.0
    assert metrics.gini == 0.2333  # |22 - 8| x 2 / (2 x 2^2 x 15)
    # A's R-1 shift (4 h) could go to B (8 < 22 - 4); A's R-2 overlaps B's own R-2 shift.
    assert metrics.improvable_pairs == 1


def test_split_position_counts_its_share() -> None:
    prob = problem([officer("A"), officer("B")],
                   [request("R-1", at(1, 6), at(1, 22), priority=2)])
    half = [shift("R-1", "A", at(1, 6), at(1, 14))]
    metrics = validate(prob, result(half)).metrics
    assert (metrics.positions_filled, metrics.coverage, metrics.hours_filled) == (0.5, 1.0, 8.0)


def test_locked_shifts_are_not_improvable() -> None:
    lock = {"request_id": "R-1", "officer_id": "A",
            "start": at(1, 12).isoformat(), "end": at(1, 16).isoformat()}
    prob = base()
    locked = problem([o.model_dump(mode="json") for o in prob.officers],
                     [r.model_dump(mode="json") for r in prob.requests], locked=[lock])
    report = validate(locked, result(ROSTER))
    assert report.ok
    assert report.metrics.improvable_pairs == 0


def test_improvable_pairs_respect_the_supervisor_rule() -> None:
    fresh = officer("F", availability=WEEK)
    # Kennesaw needs a supervisor from 5 officers: F can take A's R-1 and A's R-2 shift.
    assert validate(base(fresh), result(ROSTER)).metrics.improvable_pairs == 3
    # From 2 officers, sergeant A must stay on R-2: only R-1 can move (to B or to F).
    assert validate(base(fresh, supervisor_at=2), result(ROSTER)).metrics.improvable_pairs == 2


def test_improvable_pairs_need_a_total_strictly_below() -> None:
    # B at 14 h: A's 4 h shift would leave A at 18, B at 18: not an improvement.
    prob = problem(
        [officer("A", hours_to_date=10, availability=WEEK),
         officer("B", hours_to_date=14, availability=WEEK)],
        [request("R-1", at(1, 12), at(1, 16))],
    )
    report = validate(prob, result([shift("R-1", "A", at(1, 12), at(1, 16))]))
    assert report.metrics.improvable_pairs == 0
    assert report.metrics.spread_hours == 0.0
    assert report.metrics.gini == 0.0


def test_improvable_pairs_check_the_takers_caps() -> None:
    # B is below A but already works 10 h that day: R-1 would take B to 14 h, over 12.
    prob = problem(
        [officer("A", hours_to_date=30, availability=WEEK),
         officer("B", availability=WEEK)],
        [request("R-1", at(1, 12), at(1, 16)), request("R-0", at(1, 0), at(1, 10))],
    )
    roster = [shift("R-1", "A", at(1, 12), at(1, 16)), shift("R-0", "B", at(1, 0), at(1, 10))]
    report = validate(prob, result(roster))
    assert report.ok
    assert report.metrics.improvable_pairs == 0


def test_improvable_pairs_keep_the_travel_gap_from_every_span_the_taker_is_busy() -> None:
    # A holds R-1, 18:00-22:00 on the 2nd (20 h to date); B (0 h) could take it but for what
    # B is busy with, each within the 30 minutes' travel gap or inside it.
    def pairs(**busy: Any) -> int:
        prob = problem(
            [officer("A", hours_to_date=20, availability=WEEK),
             officer("B", availability=WEEK, **busy)],
            [request("R-1", at(2, 18), at(2, 22))],
        )
        return validate(prob, result([shift("R-1", "A", at(2, 18), at(2, 22))])).metrics \
            .improvable_pairs

    def span(start: Any, end: Any) -> list[dict[str, str]]:
        return [{"start": start.isoformat(), "end": end.isoformat()}]

    assert pairs() == 1
    assert pairs(on_duty=span(at(2, 16), at(2, 17, 30))) == 1  # 30 minutes before: clear
    assert pairs(on_duty=span(at(2, 16), at(2, 17, 45))) == 0  # 15 minutes before
    assert pairs(prior_shifts=span(at(2, 22, 10), at(2, 23))) == 0  # 10 minutes after
    assert pairs(prior_shifts=span(at(2, 22, 30), at(2, 23))) == 1
    # A prior shift from 15:00 to 19:00 and an on-duty half hour inside it at 15:30: the span
    # that starts last before R-1 ends at 16:00, yet the prior shift still runs into R-1.
    inside = span(at(2, 15, 30), at(2, 16))
    assert pairs(prior_shifts=span(at(2, 15), at(2, 19)), on_duty=inside) == 0
    assert pairs(prior_shifts=span(at(2, 15), at(2, 16, 30)), on_duty=inside) == 1


def test_fairness_set_counts_who_could_take_a_piece_of_a_long_request() -> None:
    late = [{"start": at(1, 17).isoformat(), "end": at(1, 22).isoformat()}]
    middle = [{"start": at(1, 10).isoformat(), "end": at(1, 17).isoformat()}]
    prob = problem(
        [officer("A", hours_to_date=5, availability=late),
         officer("B", hours_to_date=1, availability=middle)],
        [request("R-1", at(1, 6), at(1, 22))],  # 16 h: pieces of 4-12 h
    )
    metrics = validate(prob, result([])).metrics
    # A can take the last 5 h (ends at the request's end); B's 7 h touch neither end.
    assert (metrics.max_total_hours, metrics.spread_hours, metrics.gini) == (5.0, 0.0, 0.0)


def test_tail_pieces_start_on_the_grid_counted_from_the_request_start() -> None:
    # 06:00 to 22:15: a last piece may start at 18:00 (4.25 h) but never at 18:15.
    def fair_with(window_start: int) -> float:
        window = [{"start": at(1, 18, window_start).isoformat(), "end": at(1, 22, 15).isoformat()}]
        prob = problem([officer("A", hours_to_date=7, availability=window), officer("B")],
                       [request("R-1", at(1, 6), at(1, 22, 15))])
        return validate(prob, result([])).metrics.spread_hours

    assert fair_with(0) == 7.0  # A (7 h) and B (0 h) both count
    assert fair_with(15) == 0.0  # only B counts


def test_gini_of_known_values() -> None:
    assert gini([]) == 0.0
    assert gini([0, 0]) == 0.0
    assert gini([60, 60, 60]) == 0.0
    assert gini([0, 0, 0, 600]) == 0.75
    assert gini([480, 1320]) == 0.2333


def test_mismatching_stated_metrics_are_listed() -> None:
    stated = result(ROSTER, positions_filled=2, positions_requested=4, coverage=13,
                    hours_filled=20, max_total_hours=22, spread_hours=14, gini=0.2333,
                    improvable_pairs=1)
    rejected = Rejected(request_id="R-3", code="ALCOHOL_INSIDE", codes=["ALCOHOL_INSIDE"],
                        message="inside")
    report = validate(base(), stated.model_copy(update={"rejected": [rejected]}))
    assert report.mismatches == ["positions_filled: result says 2, recomputed 3"]


def test_mismatching_refusals_are_listed() -> None:
    wrong = Rejected(request_id="R-1", code="LEAD_TIME", codes=["LEAD_TIME"], message="late")
    report = validate(base(), result(ROSTER).model_copy(update={"rejected": [wrong]}))
    assert report.ok  # a misstated refusal is not a broken rule
    assert report.mismatches[-2:] == [
        "R-1: the result refuses it (LEAD_TIME), the rules do not",
        "R-3: the rules refuse it (ALCOHOL_INSIDE), the result does not",
    ]
