"""The load rules for many officers at once (`LoadView`) against one officer at a time
(`OfficerLoad`), on generated weeks of both agencies with their greedy rosters held."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from models.agency import PolicyOverrides
from scenarios.generator import generate
from scheduler.context import prepare
from scheduler.rules import load as load_module
from scheduler.rules.eligibility import candidate_pools
from scheduler.rules.load import LOAD_RULES, LoadView, OfficerLoad
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import build_pieces
from scheduler.solve.polish import final_loads
from scheduler.solve.solver import _rotation_start
from tests.scheduler.builders import (
    ROCKPORT,
    at,
    officer,
    on_duty,
    problem,
    request,
    validated_draft,
)

WEEKS = [
    # Rockport's spring DST week (on-duty time across the change) with split requests;
    # Kennesaw's autumn DST week with 12-hour weekly caps, prior and locked shifts.
    ("rockport-tx", date(2026, 3, 2), {"long_share": 0.25}),
    (
        "kennesaw-ga",
        date(2026, 10, 29),
        {
            "policy": PolicyOverrides(max_hours_per_week=12),
            "prior_share": 0.25,
            "locked_share": 0.05,
        },
    ),
]


@pytest.mark.parametrize("vector_from", [0, 10**9])
@pytest.mark.parametrize(("agency", "start", "opts"), WEEKS)
def test_each_rule_for_many_officers_is_what_one_officer_at_a_time_gives(
    agency: str,
    start: date,
    opts: dict[str, Any],
    vector_from: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # vector_from 0: always the array steps; 10**9: always one officer at a time.
    monkeypatch.setattr(load_module, "VECTOR_FROM", vector_from)
    ctx = prepare(generate(80, 240, 7, 4, agency, start, **opts))
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    draft, _ = _rotation_start(ctx, ps, candidate_pools(ctx, ps), locked, None)
    validated_draft(ctx, ps, draft, locked)
    final = final_loads(ctx, ps, draft, locked)
    everyone = np.arange(len(ctx.officers))
    hits = dict.fromkeys(LOAD_RULES, 0)
    for loads in (locked, final):
        view = LoadView(ctx, loads)
        for piece in ps.pieces[::3]:
            broken = view.broken(everyone, piece.start, piece.end)
            assert list(broken) == list(LOAD_RULES)
            for code, rule in LOAD_RULES.items():
                one = [
                    rule(loads.get(o) or OfficerLoad(ctx, ctx.officers[o]), piece.start, piece.end)
                    for o in everyone.tolist()
                ]
                assert broken[code].tolist() == one, code
                hits[code] += sum(one)
    # Each rule is met, so each is compared where it bites as well as where it does not.
    assert all(hits.values()), hits


@pytest.mark.parametrize("vector_from", [0, 10**9])
def test_the_24_hour_rule_counts_on_duty_time_and_held_shifts_in_one_window(
    vector_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rockport: 16 hours in any 24. K-1 is on duty 06:00-14:00 (8 h) and holds 15:00-20:00
    # (5 h) on the 9th: 21:00-01:00 (4 h) makes 17 h in the 24 hours from 06:00, 21:00-00:00
    # makes 16 h. K-2 holds nothing.
    monkeypatch.setattr(load_module, "VECTOR_FROM", vector_from)
    duty = on_duty((at(9, 6, tz=ROCKPORT), at(9, 14, tz=ROCKPORT)))
    prob = problem(
        [officer("K-1", tz=ROCKPORT, on_duty=duty), officer("K-2", tz=ROCKPORT)],
        [request("R-1", at(9, 15, tz=ROCKPORT), at(9, 20, tz=ROCKPORT))],
        agency="rockport-tx",
    )
    ctx = prepare(prob)
    held = OfficerLoad(ctx, ctx.officers[0])
    held.add(ctx.requests[0].start, ctx.requests[0].end)
    view = LoadView(ctx, {0: held})
    nine = ctx.requests[0].end + 60
    both = np.array([0, 1])
    assert view.broken(both, nine, nine + 4 * 60)["REST_24H"].tolist() == [True, False]
    assert view.broken(both, nine, nine + 3 * 60)["REST_24H"].tolist() == [False, False]


def test_an_answer_kept_by_fits_is_dropped_when_the_shifts_change() -> None:
    # `fits` keeps its answers per shift until the officer's shifts change. The example above:
    # K-1 (on duty 06:00-14:00 on the 9th) may take 21:00-01:00 while holding nothing else, not
    # while holding 15:00-20:00 (17 h in the 24 hours from 06:00), and may again once it is
    # given up.
    duty = on_duty((at(9, 6, tz=ROCKPORT), at(9, 14, tz=ROCKPORT)))
    prob = problem(
        [officer("K-1", tz=ROCKPORT, on_duty=duty)],
        [request("R-1", at(9, 15, tz=ROCKPORT), at(9, 20, tz=ROCKPORT))],
        agency="rockport-tx",
    )
    ctx = prepare(prob)
    load = OfficerLoad(ctx, ctx.officers[0])
    evening = ctx.requests[0].start, ctx.requests[0].end
    late = evening[1] + 60, evening[1] + 5 * 60
    assert load.fits(*late)
    load.add(*evening)
    assert not load.fits(*late)
    assert not load.copy().fits(*late)
    load.remove(*evening)
    assert load.fits(*late)


@pytest.mark.parametrize(("agency", "start", "opts"), WEEKS)
def test_a_view_moved_shift_by_shift_is_the_view_of_the_moved_loads(
    agency: str, start: date, opts: dict[str, Any]
) -> None:
    # The polish keeps one view and moves a shift at a time (`LoadView.move`): after 60 random
    # moves its arrays are those of a view made afresh from the loads, and the 24-hour rule
    # asked for one shift per officer answers what it answers for each shift alone.
    ctx = prepare(generate(80, 240, 7, 4, agency, start, **opts))
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    draft, _ = _rotation_start(ctx, ps, candidate_pools(ctx, ps), locked, None)
    loads = final_loads(ctx, ps, draft, locked)
    view = LoadView(ctx, loads)
    rng = np.random.default_rng(7)
    officers = sorted(o for o, load in loads.items() if load.shifts)
    for _ in range(60):
        old = officers[rng.integers(len(officers))]
        if not loads[old].shifts:
            continue
        s, e = loads[old].shifts[rng.integers(len(loads[old].shifts))]
        new = int(rng.integers(len(ctx.officers)))
        loads[old].remove(s, e)
        loads.setdefault(new, OfficerLoad(ctx, ctx.officers[new])).add(s, e)
        view.move(s, e, old, new)
    fresh = LoadView(ctx, loads)
    for mine, theirs in ((view.shifts, fresh.shifts), (view.blocks, fresh.blocks)):
        for column in ("officer", "start", "end", "key"):
            assert getattr(mine, column).tolist() == getattr(theirs, column).tolist(), column
    assert (view.day_col, view.week_col) == (fresh.day_col, fresh.week_col)
    assert np.array_equal(view.day, fresh.day) and np.array_equal(view.week, fresh.week)
    pieces = [ps.pieces[p] for p in rng.integers(len(ps.pieces), size=400).tolist()]
    who = rng.integers(len(ctx.officers), size=len(pieces))
    starts = np.array([p.start for p in pieces])
    ends = np.array([p.end for p in pieces])
    asked = zip(who.tolist(), starts.tolist(), ends.tolist(), strict=True)
    each = [bool(fresh.over_rest(np.array([o]), s, e)[0]) for o, s, e in asked]
    assert view.over_rest(who, starts, ends).tolist() == each
    assert 0 < sum(each) < len(each)
