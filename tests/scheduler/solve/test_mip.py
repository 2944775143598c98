"""The MIP's rows on instances small enough to count them by hand.

Kennesaw: travel gap 30 min, 12 h a day, 24 h a week, 16 h in any 24 h, supervisor from 5.
"""

from __future__ import annotations

from models.problem import Problem
from scheduler.context import prepare
from scheduler.rules.eligibility import candidates
from scheduler.solve.locks import check_locks
from scheduler.solve.mip import MipModel, Rows, formulate
from scheduler.solve.pieces import build_pieces
from tests.scheduler.builders import at, officer, problem, request, window


def model(prob: Problem) -> MipModel:
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    return formulate(ctx, ps, candidates(ctx, ps, locked))


def row_sets(m: MipModel) -> list[tuple[float, float, dict[int, float]]]:
    rows, out = m.rows, []
    ends = [*rows.starts[1:], len(rows.index)]
    for k, (a, b) in enumerate(zip(rows.starts, ends, strict=True)):
        out.append(
            (rows.lower[k], rows.upper[k], dict(zip(rows.index[a:b], rows.value[a:b], strict=True)))
        )
    return out


def test_rows_are_stored_in_compressed_sparse_form() -> None:
    rows = Rows()
    rows.add([(0, 1.0), (2, 3.0)], hi=4)
    rows.add([(1, -1.0)], lo=0, hi=0)
    lower, upper, starts, index, value = rows.arrays()
    assert (list(lower), list(upper)) == ([float("-inf"), 0.0], [4.0, 0.0])
    assert (list(starts), list(index), list(value)) == ([0, 2], [0, 2, 1], [1.0, 3.0, -1.0])


def test_overlapping_shifts_of_one_officer_share_one_clique_row_and_nothing_else_binds() -> None:
    # Two 4-hour shifts 15 minutes apart (inside the travel gap), one request for one officer.
    m = model(
        problem(
            [officer("K-1")],
            [request("R-1", at(1, 8), at(1, 12)), request("R-2", at(1, 12, 15), at(1, 16, 15))],
        )
    )
    assert len(m.x) == 2
    assert row_sets(m) == [(float("-inf"), 1.0, {0: 1.0, 1: 1.0})]


def test_a_crew_with_a_supervisor_gets_a_staffed_column_and_its_rows() -> None:
    crew = [officer("K-1"), officer("K-2"), officer("S-1", rank="sergeant")]
    m = model(
        problem(crew, [request("R-1", at(1, 8), at(1, 12), officers_needed=2)], supervisor_at=2)
    )
    k1, k2, s1 = (m.x[0, o] for o in (0, 1, 2))
    ((staffed, others),) = m.staffed
    assert sorted(others) == [k1, k2]
    assert (float("-inf"), 0.0, {k1: 1.0, staffed: -1.0}) in row_sets(m)
    assert (float("-inf"), 0.0, {staffed: 1.0, s1: -1.0}) in row_sets(m)
    # A roster of K-1 and S-1 as column values: the staffed column follows K-1.
    values = m.values([(0, 0), (0, 2)], {})
    assert (values[k1], values[k2], values[s1], values[staffed]) == (1.0, 0.0, 1.0, 1.0)


def test_prior_shifts_leave_less_room_in_the_weekly_cap_row() -> None:
    # Own cap 12 h; 6 h worked Monday before the run. Wednesday and Thursday 4 h each fit alone
    # (10 h) but not together (14 h): one row, 240 x + 240 y <= 720 - 360 minutes.
    prior = [window(at(7, 8), at(7, 14))]
    m = model(
        problem(
            [officer("K-1", max_hours_per_week=12, prior_shifts=prior)],
            [request("R-1", at(9, 12), at(9, 16)), request("R-2", at(10, 12), at(10, 16))],
        )
    )
    assert len(m.x) == 2
    assert row_sets(m) == [(float("-inf"), 360.0, {0: 240.0, 1: 240.0})]


def test_prior_shifts_count_in_the_rolling_24_hour_rows() -> None:
    # 12 h worked Tuesday 12:00-24:00, then 00:30-04:30 and 05:00-09:00: each alone makes 16 h
    # in the 24 h from Tuesday noon (the cap), both 20 h. One row: 240 x + 240 y <= 960 - 720.
    # The Wednesday (8 h) and the week (20 h of 24) stay under their caps: no other row.
    prior = [window(at(1, 12), at(2, 0))]
    m = model(
        problem(
            [officer("K-1", prior_shifts=prior)],
            [request("R-1", at(2, 0, 30), at(2, 4, 30)), request("R-2", at(2, 5), at(2, 9))],
        )
    )
    assert len(m.x) == 2
    assert row_sets(m) == [(float("-inf"), 240.0, {0: 240.0, 1: 240.0})]
