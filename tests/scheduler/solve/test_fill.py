"""Open positions a free officer can take, filled after the fairness polish (solve/fill.py), on
rosters small enough to check by hand: who takes each, who may not, and the polish around it."""

from __future__ import annotations

import time
from typing import Any

import pytest

from scheduler.context import Context, prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import fill
from scheduler.solve.draft import Draft
from scheduler.solve.fill import fill_and_polish, fill_open
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import build_pieces
from tests.scheduler.builders import at, officer, problem, request, validated_draft


def _setup(prob: Any) -> tuple[Context, Any, Any, Any, dict[str, int], dict[str, int]]:
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    pools = candidate_pools(ctx, ps)
    piece = {ctx.requests[p.request].id: p.index for p in ps.pieces}
    who = {o.id: o.index for o in ctx.officers}
    return ctx, ps, pools, locked, piece, who


def _shifts(ctx: Context, ps: Any, draft: Draft) -> set[tuple[str, str]]:
    return {(ctx.requests[ps.pieces[p].request].id, ctx.officers[o].id) for p, o in draft.assign}


def _fill_and_polish(*args: Any, **kwargs: Any) -> tuple[Draft, int, int]:
    done = fill_and_polish(*args, **kwargs)
    return done.draft, done.filled, done.moved


def _two_posts(k2_hours: float = 20) -> Any:
    # Wednesday 9 Dec. R-1 10:00-14:00 for 2 officers, R-2 16:00-20:00 for 1 (priority 1 each).
    # K-1 (0 h to date) holds R-1; K-2 (20 h unless told) and K-3 (2 h) are free all day.
    return problem(
        [officer("K-1"), officer("K-2", hours_to_date=k2_hours),
         officer("K-3", hours_to_date=2)],
        [request("R-1", at(9, 10), at(9, 14), officers_needed=2),
         request("R-2", at(9, 16), at(9, 20))],
    )


def test_each_open_position_goes_to_the_lightest_free_officer() -> None:
    # R-1's second position and R-2 are open. R-1 (worth 2 positions' share, first) takes the
    # lightest officer not on it: K-3 (2 h). R-2 then takes K-1 (0 h + R-1's 4 h = 4 h) before
    # K-3 (2 h + 4 h = 6 h) and K-2 (20 h).
    prob = _two_posts()
    ctx, ps, pools, locked, piece, who = _setup(prob)
    draft, filled = fill_open(ctx, ps, pools, Draft([(piece["R-1"], who["K-1"])], {}), locked)
    assert filled == 2
    assert _shifts(ctx, ps, draft) == {("R-1", "K-1"), ("R-1", "K-3"), ("R-2", "K-1")}


def test_coverage_first_a_position_is_filled_above_the_largest_total() -> None:
    # With K-2 at 6 h to date the largest total is 6 h: R-1's second position lifts K-3 from
    # 2 h to 6 h, and R-2 lifts anyone to 8 h or more: its lightest taker, K-1 (4 h), takes it
    # all the same (rules.md section 7: nothing below coverage may lower it).
    ctx, ps, pools, locked, piece, who = _setup(_two_posts(k2_hours=6))
    draft, filled = fill_open(ctx, ps, pools, Draft([(piece["R-1"], who["K-1"])], {}), locked)
    assert filled == 2
    assert _shifts(ctx, ps, draft) == {("R-1", "K-1"), ("R-1", "K-3"), ("R-2", "K-1")}


def test_a_deadline_already_passed_fills_nothing() -> None:
    ctx, ps, pools, locked, piece, who = _setup(_two_posts())
    start = Draft([(piece["R-1"], who["K-1"])], {})
    draft, filled = fill_open(ctx, ps, pools, start, locked, deadline=time.monotonic() - 1)
    assert (draft.assign, filled) == (start.assign, 0)


def test_a_supervised_request_takes_no_one_who_would_leave_it_unsupervised() -> None:
    # Kennesaw needs a supervisor from 5 positions. R-1 wants 5, 10:00-14:00, and holds P-1..P-4
    # with no sergeant: P-5 (0 h, first in order) may not join, the sergeant S-1 (0 h) may.
    # With only P-5 free, the position stays open.
    crew = [officer(f"P-{i}") for i in range(1, 6)]
    prob = problem(
        [*crew, officer("S-1", rank="sergeant")],
        [request("R-1", at(9, 10), at(9, 14), officers_needed=5)],
    )
    ctx, ps, pools, locked, piece, who = _setup(prob)
    start = Draft([(piece["R-1"], who[f"P-{i}"]) for i in range(1, 5)], {})
    draft, filled = fill_open(ctx, ps, pools, start, locked)
    assert filled == 1
    assert _shifts(ctx, ps, draft) == {("R-1", f"P-{i}") for i in range(1, 5)} | {("R-1", "S-1")}
    pools[piece["R-1"]] = pools[piece["R-1"]][pools[piece["R-1"]] != who["S-1"]]
    draft, filled = fill_open(ctx, ps, pools, start, locked)
    assert (filled, draft.assign) == (0, start.assign)


def _freeing_week() -> Any:
    # Wednesday. K-1 (30 h to date) holds R-1 10:00-14:00; K-2 (0 h) is free only 10:00-14:00;
    # K-3 (40 h) is away that day. R-2 13:00-17:00 is open and only K-1 could take it, were K-1
    # not on R-1 (they overlap).
    return problem(
        [officer("K-1", hours_to_date=30), officer("K-2", [(at(9, 10), at(9, 14))]),
         officer("K-3", [(at(10, 8), at(10, 20))], hours_to_date=40)],
        [request("R-1", at(9, 10), at(9, 14)), request("R-2", at(9, 13), at(9, 17))],
    )


def test_the_polish_frees_an_officer_for_a_position_still_open() -> None:
    # The polish moves R-1 to the lighter K-2, and the filling after it gives R-2 to K-1 (34 h,
    # below K-3's 40 h, the largest total): every position filled.
    ctx, ps, pools, locked, piece, who = _setup(_freeing_week())
    start = Draft([(piece["R-1"], who["K-1"])], {})
    assert fill_open(ctx, ps, pools, start, locked)[1] == 0
    draft, filled, moved = _fill_and_polish(ctx, ps, pools, start, locked)
    assert (filled, moved) == (1, 1)
    assert _shifts(ctx, ps, draft) == {("R-1", "K-2"), ("R-2", "K-1")}


def test_coverage_first_a_filling_may_lift_its_taker_above_the_largest_total() -> None:
    # The freeing week without K-3: after the polish K-1 has the largest total, 30 h, and R-2
    # lifts K-1 to 34 h; coverage comes first (rules.md section 7), so it is filled.
    prob = problem(
        [officer("K-1", hours_to_date=30), officer("K-2", [(at(9, 10), at(9, 14))])],
        [request("R-1", at(9, 10), at(9, 14)), request("R-2", at(9, 13), at(9, 17))],
    )
    ctx, ps, pools, locked, piece, who = _setup(prob)
    start = Draft([(piece["R-1"], who["K-1"])], {})
    draft, filled, moved = _fill_and_polish(ctx, ps, pools, start, locked)
    assert (filled, moved) == (1, 1)
    assert _shifts(ctx, ps, draft) == {("R-1", "K-2"), ("R-2", "K-1")}


def _slow_polish(monkeypatch: pytest.MonkeyPatch, seconds: list[float]) -> None:
    """The polish, each call lasting at least the next of `seconds`."""
    polish = fill.polish

    def slow(*args: Any) -> Any:
        began = time.monotonic()
        out = polish(*args)
        time.sleep(max(0.0, seconds.pop(0) - (time.monotonic() - began)))
        return out

    monkeypatch.setattr(fill, "polish", slow)


def test_a_filling_whose_polish_ends_past_the_deadline_is_undone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first polish is quick, the one after the filling lasts past the deadline: the roster
    # is the first polish's (R-2 open), which had no improvable pair.
    ctx, ps, pools, locked, piece, who = _setup(_freeing_week())
    _slow_polish(monkeypatch, [0.0, 0.6])
    start = Draft([(piece["R-1"], who["K-1"])], {})
    draft, filled, moved = _fill_and_polish(ctx, ps, pools, start, locked, time.monotonic() + 0.4)
    assert (filled, moved) == (0, 1)
    assert _shifts(ctx, ps, draft) == {("R-1", "K-2")}


def test_a_filling_whose_polish_ends_past_the_fillings_deadline_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The filling starts 0.2 s before the fillings' deadline; its polish lasts 0.3 s, past it
    # but within the polish's own deadline (0.6 s): the filling is kept. Undone, it left 10-20
    # positions open on Rockport's week with a 4-hour continuous cap at 1 s.
    ctx, ps, pools, locked, piece, who = _setup(_freeing_week())
    _slow_polish(monkeypatch, [0.0, 0.3])
    start = Draft([(piece["R-1"], who["K-1"])], {})
    now = time.monotonic()
    draft, filled, moved = _fill_and_polish(ctx, ps, pools, start, locked, now + 0.6, now + 0.2)
    assert (filled, moved) == (1, 1)
    assert _shifts(ctx, ps, draft) == {("R-1", "K-2"), ("R-2", "K-1")}
    validated_draft(ctx, ps, draft, locked)


def test_no_filling_starts_without_the_last_polish_s_time_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first polish takes 0.3 s of 0.5: 0.2 s is left, less than a polish took, so R-2 is
    # not filled (and no second polish is started).
    ctx, ps, pools, locked, piece, who = _setup(_freeing_week())
    calls = [0.3]
    _slow_polish(monkeypatch, calls)
    start = Draft([(piece["R-1"], who["K-1"])], {})
    draft, filled, moved = _fill_and_polish(ctx, ps, pools, start, locked, time.monotonic() + 0.5)
    assert (filled, moved, calls) == (0, 1, [])
    assert _shifts(ctx, ps, draft) == {("R-1", "K-2")}


def test_the_fillings_keep_to_their_own_deadline() -> None:
    # The explanations' time is kept from the fillings, not from the first polish: with the
    # fillings' deadline passed, the polish still moves R-1 to K-2 and R-2 stays open.
    ctx, ps, pools, locked, piece, who = _setup(_freeing_week())
    start = Draft([(piece["R-1"], who["K-1"])], {})
    passed = time.monotonic() - 1
    draft, filled, moved = _fill_and_polish(ctx, ps, pools, start, locked, fill_deadline=passed)
    assert (filled, moved) == (0, 1)
    assert _shifts(ctx, ps, draft) == {("R-1", "K-2")}
