"""Open stretches of long requests split again after the search (solve/resplit.py), on rosters
small enough to check by hand: the segments chosen, who takes them, and the flows left."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest

from scenarios.generator import generate
from scheduler.context import Context, prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import resplit as resplit_module
from scheduler.solve.budget import polish_needs, resplit_seconds
from scheduler.solve.draft import Draft
from scheduler.solve.fill import fill_and_polish
from scheduler.solve.greedy import greedy_until
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import PieceSet, build_pieces, find_piece
from scheduler.solve.polish import final_loads
from scheduler.solve.resplit import SECONDS_PER_ARC, resplit, seconds_needed
from scheduler.solve.stages import Clock
from scheduler.timeutil import to_minute
from tests.scheduler.builders import at, lock, officer, problem, request, validated_draft


def _even(prob: Any) -> tuple[Context, PieceSet, Any, Any, dict[str, int]]:
    """The problem with its long requests offered their even splits only, as a large model's
    window search offers them."""
    ctx = prepare(prob)
    ps = build_pieces(ctx, sparse=True, step=None, duty_edges=False)
    _, locked = check_locks(ctx, ps)
    return ctx, ps, candidate_pools(ctx, ps), locked, {o.id: o.index for o in ctx.officers}


def _piece(ps: PieceSet, start: int, end: int) -> int:
    found = find_piece(ps, 0, start, end)
    assert found is not None
    return found.index


def _halves(ctx: Context, ps: PieceSet) -> tuple[int, int]:
    """The pieces 06:00-14:00 and 14:00-22:00 of Wednesday's R-1."""
    six, two, ten = (_hours(ctx, 9, h) for h in (6, 14, 22))
    return _piece(ps, six, two), _piece(ps, two, ten)


def _hours(ctx: Context, day: int, hour: int) -> int:
    """A local hour of December 2026 in the scheduler's minutes."""
    return to_minute(at(day, hour))


def _plan(ctx: Context, ps: PieceSet, draft: Draft) -> tuple[set, set]:
    """The routed segments (local hours of Wednesday 9 December) and the shifts."""
    hour = {_hours(ctx, 9, h): h for h in range(24)}
    routed = {
        (hour[ps.pieces[p].start], hour[ps.pieces[p].end], n) for p, n in draft.flow.items() if n
    }
    held = {
        (hour[ps.pieces[p].start], hour[ps.pieces[p].end], ctx.officers[o].id)
        for p, o in draft.assign
    }
    return routed, held


def _late_shift(locked: bool = False, **k2: Any) -> Any:
    # Wednesday 9 Dec. R-1 06:00-22:00 for one officer: Kennesaw splits it into segments of
    # 4 to 12 hours, evenly 06:00-14:00 and 14:00-22:00. K-1, free only 06:00-14:00, works the
    # first (a confirmed shift where `locked`); K-2 is free only 15:00-22:00, so cannot work
    # 14:00-22:00 (and 15:00 would leave a 1-hour segment).
    return problem(
        [officer("K-1", [(at(9, 6), at(9, 14))]), officer("K-2", [(at(9, 15), at(9, 22))], **k2)],
        [request("R-1", at(9, 6), at(9, 22))],
        locked=[lock("R-1", "K-1", at(9, 6), at(9, 14))] if locked else None,
    )


def test_an_open_stretch_is_split_where_a_free_officer_fits() -> None:
    # K-1's shift is confirmed, so the stretch 14:00-22:00 is split alone: only at 18:00 (each
    # side at least 4 hours). K-2 takes 18:00-22:00 and 14:00-18:00 stays open, so the position
    # still partitions the request.
    ctx, ps, pools, locked, who = _even(_late_shift(locked=True))
    first, second = _halves(ctx, ps)
    done = resplit(ctx, ps, pools, Draft([], {first: 1, second: 1}), locked)
    assert done.stretches == 1
    assert _plan(ctx, done.ps, done.draft) == (
        {(6, 14, 1), (14, 18, 1), (18, 22, 1)},
        {(18, 22, "K-2")},
    )
    # The search's pieces keep their numbers; new segments come after them (the even splits
    # into 2, 3 and 4 hold 14:00-18:00 and 18:00-22:00 already).
    assert done.ps.pieces[: len(ps.pieces)] == ps.pieces
    assert len(done.pools) == len(done.ps.pieces)


def test_a_stretch_takes_in_the_shift_before_it() -> None:
    # K-1's shift is not confirmed: the stretch is 06:00-22:00, K-1's given up with it. Every
    # path works at most 12 hours (K-1 until x, K-2 from y, 4 hours or more open between); the
    # longest path keeps the first it finds among equals (segments in order of start, one
    # replacing another only when worth more): K-1 06:00-11:00, 11:00-15:00 open, K-2
    # 15:00-22:00. 12 hours worked where K-1 alone worked 8.
    ctx, ps, pools, locked, who = _even(_late_shift())
    first, second = _halves(ctx, ps)
    start = Draft([(first, who["K-1"])], {first: 1, second: 1})
    done = resplit(ctx, ps, pools, start, locked)
    assert done.stretches == 1
    assert _plan(ctx, done.ps, done.draft) == (
        {(6, 11, 1), (11, 15, 1), (15, 22, 1)},
        {(6, 11, "K-1"), (15, 22, "K-2")},
    )
    # The validator finds the roster valid: 12 of 16 hours is 0.75 of a position.
    assert validated_draft(ctx, done.ps, done.draft, locked).metrics.positions_filled == 0.75


def test_a_stretch_too_short_to_split_is_widened_by_its_neighbour() -> None:
    # R-1 06:00-20:00 splits evenly 06:00-13:00 and 13:00-20:00 (7 hours each: too short to
    # split again into two of 4). K-1, free 06:00-13:00, holds the first; K-2 is free only
    # 12:00-18:00, so cannot take 13:00-20:00 whole. Widened by K-1's shift: whoever works
    # from 12:00 on must stop by 16:00 (4 hours left open before 20:00), and K-2's segment needs
    # 4 hours: K-1 06:00-12:00, K-2 12:00-16:00, 16:00-20:00 open, 10 hours worked where 7 were,
    # the only path worth that much.
    prob = problem(
        [officer("K-1", [(at(9, 6), at(9, 13))]), officer("K-2", [(at(9, 12), at(9, 18))])],
        [request("R-1", at(9, 6), at(9, 20))],
    )
    ctx, ps, pools, locked, who = _even(prob)
    six, one, eight = (_hours(ctx, 9, h) for h in (6, 13, 20))
    first, second = _piece(ps, six, one), _piece(ps, one, eight)
    start = Draft([(first, who["K-1"])], {first: 1, second: 1})
    done = resplit(ctx, ps, pools, start, locked)
    assert done.stretches == 1
    assert _plan(ctx, done.ps, done.draft) == (
        {(6, 12, 1), (12, 16, 1), (16, 20, 1)},
        {(6, 12, "K-1"), (12, 16, "K-2")},
    )
    # 10 of 14 hours of the position, valid.
    filled = validated_draft(ctx, done.ps, done.draft, locked).metrics.positions_filled
    assert filled == round(10 / 14, 4)


def test_a_stretch_nobody_can_work_stays_as_it_was() -> None:
    # K-2 is suspended: K-1's shift given up and taken again works 8 hours at most, no more than
    # before, and nothing changes.
    ctx, ps, pools, locked, who = _even(_late_shift(status="suspended"))
    first, second = _halves(ctx, ps)
    start = Draft([(first, who["K-1"])], {first: 1, second: 1})
    done = resplit(ctx, ps, pools, start, locked)
    assert done.stretches == 0
    assert (done.draft.assign, done.draft.flow) == (start.assign, start.flow)


def test_a_deadline_already_passed_splits_nothing() -> None:
    ctx, ps, pools, locked, who = _even(_late_shift())
    first, second = _halves(ctx, ps)
    start = Draft([(first, who["K-1"])], {first: 1, second: 1})
    done = resplit(ctx, ps, pools, start, locked, deadline=time.monotonic() - 1)
    assert (done.stretches, done.draft.assign, done.draft.flow) == (0, start.assign, start.flow)


def test_a_whole_open_position_is_split_around_what_its_officers_can_work() -> None:
    # Two positions of R-1; the second is open end to end (06:00-14:00 and 14:00-22:00 both
    # open once): one run of 16 hours with no shift before or after it. K-3 is free
    # 06:00-11:00, K-4 15:00-22:00 (K-1 and K-2 hold the first position, and neither can work
    # 11:00-15:00 beside it). The longest path gives 06:00-11:00 to K-3 (5 h), leaves
    # 11:00-15:00 open (4 h, the minimum) and gives 15:00-22:00 to K-4 (7 h): 12 of 16 hours.
    prob = problem(
        [officer("K-1"), officer("K-2"), officer("K-3", [(at(9, 6), at(9, 11))]),
         officer("K-4", [(at(9, 15), at(9, 22))])],
        [request("R-1", at(9, 6), at(9, 22), officers_needed=2)],
    )
    ctx, ps, pools, locked, who = _even(prob)
    first, second = _halves(ctx, ps)
    start = Draft([(first, who["K-1"]), (second, who["K-2"])], {first: 2, second: 2})
    done = resplit(ctx, ps, pools, start, locked)
    routed, held = _plan(ctx, done.ps, done.draft)
    assert done.stretches == 1
    assert held == {(6, 14, "K-1"), (14, 22, "K-2"), (6, 11, "K-3"), (15, 22, "K-4")}
    assert routed == {(6, 14, 1), (14, 22, 1), (6, 11, 1), (11, 15, 1), (15, 22, 1)}
    # Valid, and the first position's 16 hours and the second's 12 fill 1.75 positions.
    assert validated_draft(ctx, done.ps, done.draft, locked).metrics.positions_filled == 1.75


def test_the_fillings_split_open_stretches_and_polish_after() -> None:
    # Through `fill_and_polish`: the late shift's stretch is split as above, and nobody else
    # could take either shift, so the polish moves none.
    ctx, ps, pools, locked, who = _even(_late_shift())
    first, second = _halves(ctx, ps)
    start = Draft([(first, who["K-1"])], {first: 1, second: 1})
    done = fill_and_polish(ctx, ps, pools, start, locked)
    assert (done.filled, done.moved, done.split) == (0, 0, 1)
    assert _plan(ctx, done.ps, done.draft)[1] == {(6, 11, "K-1"), (15, 22, "K-2")}


def test_the_reserve_counts_the_segments_of_the_open_stretches() -> None:
    # The late shift's one stretch, 06:00-22:00 widened by K-1's shift: 33 grid points, and
    # segments of 4 to 12 hours on some partition of it: 17 from 06:00 (to 10:00 ... 18:00),
    # 45 from 10:00-14:00 to a point no later than 18:00 (9 + 8 + ... + 1), and 17 from
    # 10:00-18:00 to 22:00. 79 segments.
    ctx, ps, pools, locked, who = _even(_late_shift())
    first, second = _halves(ctx, ps)
    start = Draft([(first, who["K-1"])], {first: 1, second: 1})
    assert seconds_needed(ctx, ps, start) == 79 * SECONDS_PER_ARC
    # The budget keeps that and a polish of the greedy roster's one shift after it (0.3 ms a
    # shift at 2,000 officers, in proportion below: 0.3 us) where the polish's own reserve does
    # not hold two, and nothing without long requests.
    minute = Clock(60.0, False)
    after = polish_needs(ctx, minute, 1)
    assert after == 3e-4 * 2 / 2000
    assert resplit_seconds(ctx, minute, ps, start, 0.0) == 79 * SECONDS_PER_ARC + 2 * after
    assert resplit_seconds(ctx, minute, ps, start, after) == 79 * SECONDS_PER_ARC + after
    assert resplit_seconds(ctx, minute, ps, start, 1.0) == 79 * SECONDS_PER_ARC
    short = prepare(problem([officer("K-1")], [request("R-1", at(9, 6), at(9, 14))]))
    assert resplit_seconds(short, minute, build_pieces(short), Draft(), 0.0) == 0.0


def test_the_reserve_is_at_most_a_share_of_the_limit_or_a_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # At 10 ms a segment the 79 segments need 0.79 s: 5% of 60 s (3 s) holds it, 5% of 10 s
    # (0.5 s) and the 0.15 s floor at 1 s cut it.
    ctx, ps, pools, locked, who = _even(_late_shift())
    first, second = _halves(ctx, ps)
    start = Draft([(first, who["K-1"])], {first: 1, second: 1})
    monkeypatch.setattr(resplit_module, "SECONDS_PER_ARC", 0.01)
    assert resplit_seconds(ctx, Clock(60.0, False), ps, start, 1.0) == pytest.approx(0.79)
    assert resplit_seconds(ctx, Clock(10.0, False), ps, start, 1.0) == pytest.approx(0.5)
    assert resplit_seconds(ctx, Clock(1.0, False), ps, start, 1.0) == pytest.approx(0.15)


def test_splitting_again_is_timed_as_its_own_phase() -> None:
    ctx, ps, pools, locked, who = _even(_late_shift())
    first, second = _halves(ctx, ps)
    seen: list[str] = []

    @contextmanager
    def phase(name: str) -> Iterator[None]:
        seen.append(name)
        yield

    start = Draft([(first, who["K-1"])], {first: 1, second: 1})
    done = fill_and_polish(ctx, ps, pools, start, locked, phase=phase)
    assert (seen, done.split) == (["resplit"], 1)


@pytest.mark.parametrize(("agency", "start", "opts"), [
    # Rockport's Christmas week, many long requests; its DST week with supervisors.
    ("rockport-tx", date(2026, 12, 21), {"long_share": 0.25}),
    ("rockport-tx", date(2026, 3, 2), {"long_share": 0.25, "supervisor_share": 0.30}),
])
def test_the_segments_worth_a_taker_are_those_a_lightest_taker_is_found_for(
    agency: str, start: date, opts: dict[str, Any]
) -> None:
    # The takers' arrays are now taken for a whole stretch at once (`_Roster._near`), and a
    # segment's worth asks only whether anyone may take it: the same segments as asking each
    # one's lightest taker, on every segment of every stretch of a greedy roster.
    ctx, ps, pools, locked, _ = _even(generate(60, 150, 7, 1, agency, start, **opts))
    draft, _ = greedy_until(ctx, ps, {p.index: pools[p.index] for p in ps.pieces},
                            final_loads(ctx, ps, Draft([], {}), locked), None)
    validated_draft(ctx, ps, draft, locked)
    stretches = resplit_module._stretches(ctx, ps, draft)
    grown = resplit_module._Grown(ctx, ps, pools)
    roster = resplit_module._Roster(ctx, grown.ps, grown.pools, draft, locked)
    for st in stretches:
        st.spans = resplit_module.arcs_of(ctx, st)
    grown.add_arcs(ctx, stretches)
    worth = 0
    for st in stretches:
        for k in st.released:
            roster._hold(k, on=False)
        back = sorted({roster._shift(k)[1] for k in st.released})
        near = roster._near(st.arcs, back)
        found = [roster._may_take(p, near[p]) for p in st.arcs]
        assert found == [roster.taker(p, back) is not None for p in st.arcs]
        worth += sum(found)
        for k in st.released:
            roster._hold(k, on=True)
    assert len(stretches) > 10 and worth > 0
