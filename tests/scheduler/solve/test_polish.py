"""The fairness polish (solve/polish.py): its checks of many shifts at once against those of one
shift at a time, on generated weeks of both agencies."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from models.agency import PolicyOverrides
from scenarios.generator import generate
from scheduler.context import Context, prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.rules.load import OfficerLoad
from scheduler.solve import polish as polish_module
from scheduler.solve.draft import Draft
from scheduler.solve.greedy import greedy_until
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import PieceSet, build_pieces
from scheduler.solve.polish import Busy, WeekMinutes, final_loads, polish
from scheduler.timeutil import split_by_local_week
from tests.scheduler.builders import validated_draft

WEEKS = [
    # Rockport's Christmas week, many long requests split in pieces; supervisors on its DST week;
    # Kennesaw's autumn DST week with 12-hour weekly caps, prior and locked shifts.
    ("rockport-tx", date(2026, 12, 21), {"long_share": 0.25}),
    ("rockport-tx", date(2026, 3, 2), {"supervisor_share": 0.30, "supervisor_rank_share": 0.05}),
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


def _greedy(
    agency: str, start: date, opts: dict[str, Any]
) -> tuple[Context, PieceSet, list[np.ndarray], dict[int, OfficerLoad], Draft]:
    """A generated week and an unfair valid roster of it: the greedy roster made as if the
    first half of the officers had worked 80 hours more to date (the rules it keeps do not
    depend on hours to date, the fairness totals do)."""
    prob = generate(120, 360, 7, 3, agency, start, **opts)
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    pools = candidate_pools(ctx, ps)
    heavy = [
        o.model_copy(update={"hours_to_date": o.hours_to_date + 80}) if i < 60 else o
        for i, o in enumerate(prob.officers)
    ]
    skewed = prepare(prob.model_copy(update={"officers": heavy}))
    loads = final_loads(skewed, ps, Draft([], {}), locked)
    draft, _ = greedy_until(skewed, ps, {p.index: pools[p.index] for p in ps.pieces}, loads, None)
    return ctx, ps, pools, locked, draft


class _EveryShift(polish_module.Movable):
    """Every shift checked one at a time, as before the checks of a block at once."""

    def __init__(self, ps: Any, pools: Any, assign: Any, ks: list[int], *rest: Any) -> None:
        self.could = np.ones(len(ks), dtype=bool)

    def moved(self, j: int, b: int, a: int) -> None:
        pass


@pytest.mark.parametrize(("agency", "start", "opts"), WEEKS)
def test_the_polish_moves_the_shifts_it_moved_checking_every_shift(
    agency: str, start: date, opts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, ps, pools, locked, draft = _greedy(agency, start, opts)
    fast, moved = polish(ctx, ps, pools, draft, locked)
    monkeypatch.setattr(polish_module, "Movable", _EveryShift)
    slow, moved_slow = polish(ctx, ps, pools, draft, locked)
    assert moved > 20
    assert (fast.assign, moved) == (slow.assign, moved_slow)
    # Both rosters are valid by the independent check, and only the polished one is fair.
    assert validated_draft(ctx, ps, draft, locked).metrics.improvable_pairs > 0
    assert validated_draft(ctx, ps, fast, locked).metrics.improvable_pairs == 0


@pytest.mark.parametrize(("agency", "start", "opts"), WEEKS)
def test_free_and_week_room_for_many_pairs_equal_those_of_one_piece(
    agency: str, start: date, opts: dict[str, Any]
) -> None:
    ctx, ps, pools, locked, draft = _greedy(agency, start, opts)
    loads = final_loads(ctx, ps, draft, locked)
    busy = Busy(ctx, ps, list(draft.assign), loads)
    weeks = WeekMinutes(ctx, ps, loads)
    pieces = [p.index for p in ps.pieces if len(pools[p.index])]
    counts = np.array([len(pools[p]) for p in pieces])
    officer = np.concatenate([pools[p] for p in pieces]).astype(np.int64)
    shift = np.repeat(np.arange(len(pieces)), counts)
    free = busy.free_pairs(officer, ps.starts[pieces][shift], ps.ends[pieces][shift])
    room = weeks.room_spans(officer, ps.starts[pieces][shift], ps.ends[pieces][shift])
    one_free = np.concatenate([np.isin(pools[p], busy.free(pools[p], p)) for p in pieces])
    one_room = np.concatenate([np.isin(pools[p], weeks.room(pools[p], p)) for p in pieces])
    assert np.array_equal(free, one_free) and np.array_equal(room, one_room)
    assert 0 < free.sum() < len(free) and 0 < room.sum() <= len(room)
    # Intervals across each Monday midnight inside the weeks, for every officer: the minutes on
    # each side count in their own week, as `split_by_local_week` cuts them.
    edges = weeks.edges[1:-1]
    who = np.tile(np.arange(len(ctx.officers)), len(edges))
    start = np.repeat(edges, len(ctx.officers)) - 6 * 60
    end = start + 12 * 60
    expected = [
        all(weeks.minutes[o, weeks.column[w]] + m <= weeks.cap[o]
            for w, m in split_by_local_week(int(s), int(e), ctx.tz))
        for o, s, e in zip(who.tolist(), start, end, strict=True)
    ]
    assert len(edges) and np.array_equal(weeks.room_spans(who, start, end), expected)
