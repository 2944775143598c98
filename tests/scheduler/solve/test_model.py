"""The CP-SAT model's constraint families (solve/model.py), on cases that once slipped through.

Every roster goes through the solver-independent validator (`solve_checked`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from models.agency import PolicyOverrides
from models.common import TimeWindow
from scenarios.generator import generate
from scheduler.context import Context, prepare
from scheduler.rules.eligibility import candidates
from scheduler.rules.load import DAY
from scheduler.solve import model
from scheduler.solve.locks import check_locks
from scheduler.solve.model import _daily_and_weekly_caps, fill
from scheduler.solve.packing import chain_load
from scheduler.solve.pieces import PieceSet, build_pieces
from scheduler.solve.rows import Rows
from tests.scheduler.builders import ROCKPORT, at, officer, on_duty, problem, request, solve_checked


def test_rest_rule_keeps_windows_that_share_pieces_but_not_on_duty_load() -> None:
    # Rockport, one officer, gap 30 min, 16 h in any 24 h. On duty 16:00-23:00 on the 1st and
    # 14:30-24:00 on the 2nd. Requests on the 2nd: Q 06:00-08:00, S 07:00-09:00, P 08:30-14:00,
    # each fine alone (P: 5.5 + 9.5 = 15 h).
    # Window from 16:00 on the 1st: 7 h + 1.5 h on duty = 8.5 h; the most of Q, S, P one officer
    # can work is Q + P = 7.5 h, so 16 h: no row needed.
    # Window from 06:00 on the 2nd: the same Q, S, P but 9.5 h on duty: Q + P = 17 h > 16 h.
    # A model that keyed windows by their pieces alone skipped the second window and gave the
    # officer Q and P; only one of the three fits.
    tz = ROCKPORT
    prob = problem(
        [officer("R-1", [(at(1, 0, tz=tz), at(3, 0, tz=tz))], tz=tz,
                 on_duty=on_duty((at(1, 16, tz=tz), at(1, 23, tz=tz)),
                                 (at(2, 14, 30, tz=tz), at(3, 0, tz=tz))))],
        [request("Q", at(2, 6, tz=tz), at(2, 8, tz=tz)),
         request("S", at(2, 7, tz=tz), at(2, 9, tz=tz)),
         request("P", at(2, 8, 30, tz=tz), at(2, 14, tz=tz))],
        agency="rockport-tx",
    )
    result = solve_checked(prob)
    assert len(result.assignments) == 1
    assert sum(u.positions for u in result.unfilled) == 2


def test_shifts_worked_before_the_problem_count_toward_the_weekly_cap() -> None:
    # Kennesaw, own weekly cap 8 h. Monday 7 Dec 08:00-14:00 was already worked (a prior shift,
    # outside this problem): 6 h of the week are gone, so Wednesday's 4 h request (6 + 4 = 10 h)
    # no longer fits, though it has the higher priority, while Tuesday's 2 h request (billed at
    # the 4 h minimum, but 2 h worked) fits exactly: 6 + 2 = 8 h.
    prob = problem(
        [officer("K-1", max_hours_per_week=8,
                 prior_shifts=[{"start": at(7, 8).isoformat(), "end": at(7, 14).isoformat()}])],
        [request("R-WED", at(9, 10), at(9, 14), priority=5),
         request("R-TUE", at(8, 10), at(8, 12))],
    )
    result = solve_checked(prob)
    assert [(a.request_id, a.officer_id) for a in result.assignments] == [("R-TUE", "K-1")]
    [wed] = [u for u in result.unfilled if u.request_id == "R-WED"]
    assert wed.reasons[0].code == "NO_ELIGIBLE_OFFICER"
    assert wed.reasons[0].counts == {"WEEKLY_CAP": 1}


def test_a_prior_shift_keeps_the_travel_gap() -> None:
    # Worked until 14:00 on the 7th: a request from 14:15 is within the 30 min gap; from 14:30 fits.
    prior = [{"start": at(7, 8).isoformat(), "end": at(7, 14).isoformat()}]
    close = solve_checked(problem([officer("K-1", prior_shifts=prior)],
                                  [request("R-1", at(7, 14, 15), at(7, 18, 15))]))
    assert close.assignments == []
    apart = solve_checked(problem([officer("K-1", prior_shifts=prior)],
                                  [request("R-1", at(7, 14, 30), at(7, 18, 30))]))
    assert [(a.request_id, a.officer_id) for a in apart.assignments] == [("R-1", "K-1")]


class _Recorder:
    """A sink that records the rows a rule writes, over the pairs `Rows` numbered."""

    def __init__(self, rows: Rows) -> None:
        self.by_officer = rows.by_officer
        self.of_officer = rows.of_officer
        self.rows: list[tuple[list[int], list[int], int]] = []

    def var_array(self, variables: list[int]) -> np.ndarray:
        return np.asarray(variables, dtype=np.int64)

    def at_most(self, variables: list[int], coefs: list[int], most: int) -> None:
        self.rows.append(([int(v) for v in variables], [int(c) for c in coefs], most))

    def at_most_one(self, variables: list[int]) -> None:
        self.rows.append(([int(v) for v in variables], [1] * len(variables), 1))

    def at_most_ones(self, variables: list[int], lengths: list[int]) -> None:
        at = 0
        for n in lengths:
            self.at_most_one(variables[at : at + n])
            at += n


def _overlap_by_sweep(ctx, ps, m) -> None:
    """The overlap rows as written before the array version: one sweep per officer."""
    for items in m.by_officer.values():
        events = []
        for p, var in items:
            events.append((ps.pieces[p].start, 1, p, var))
            events.append((ps.pieces[p].end + ctx.limits.gap, 0, p, var))
        events.sort(key=lambda ev: (ev[0], ev[1]))
        active, grew = {}, False
        for _, is_start, p, var in events:
            if is_start:
                active[p], grew = var, True
            else:
                if grew and len(active) > 1:
                    m.at_most_one(list(active.values()))
                grew = False
                del active[p]


def _caps_candidate_by_candidate(ctx, ps, m) -> None:
    """The daily and weekly cap rows as written before the array version: each candidate's
    piece split into local days and weeks on its own."""
    from collections import Counter, defaultdict

    from scheduler.context import merge_windows
    from scheduler.solve.model import _cap, _locked_by_officer
    from scheduler.timeutil import split_by_local_day, split_by_local_week

    def minutes_by(blocks, split):
        out = Counter()
        for s, e in blocks:
            for key, mins in split(s, e, ctx.tz):
                out[key] += mins
        return out

    locked = _locked_by_officer(ctx)
    for oi, items in m.by_officer.items():
        reach = merge_windows([(ps.pieces[p].start, ps.pieces[p].end) for p, _ in items])
        for split, cap in (
            (split_by_local_day, ctx.limits.per_day),
            (split_by_local_week, ctx.officers[oi].week_cap),
        ):
            fixed_by, reach_by = minutes_by(locked.get(oi, []), split), minutes_by(reach, split)
            groups = defaultdict(list)
            for key in reach_by:
                if reach_by[key] + fixed_by[key] > cap:
                    groups[key] = []
            for p, var in items:
                for key, mins in split(ps.pieces[p].start, ps.pieces[p].end, ctx.tz):
                    if key in groups:
                        groups[key].append((p, var, mins))
            for key, group in groups.items():
                pieces, variables, minutes = np.asarray(group, dtype=np.int64).T
                _cap(ctx, ps, m, pieces, variables, minutes, cap - fixed_by[key])


@pytest.mark.parametrize(
    ("agency", "start", "week_cap"),
    [("kennesaw-ga", date(2026, 10, 26), 12), ("rockport-tx", date(2026, 3, 2), None)],
)
def test_the_cap_rows_in_arrays_equal_those_candidate_by_candidate(
    agency: str, start: date, week_cap: int | None
) -> None:
    ctx, ps, rows = _fortnight_rows(agency, start, week_cap)
    fast, slow = _Recorder(rows), _Recorder(rows)
    _daily_and_weekly_caps(ctx, ps, fast)
    _caps_candidate_by_candidate(ctx, ps, slow)
    assert fast.rows == slow.rows
    assert len(fast.rows) > 10  # not vacuous: caps bind


def _fortnight_rows(
    agency: str, start: date, week_cap: int | None
) -> tuple[Context, PieceSet, Rows]:
    """A DST fortnight of the agency (tight weekly caps if `week_cap`), with prior shifts, and
    the rows of every rule over its candidates."""
    policy = PolicyOverrides(max_hours_per_week=week_cap) if week_cap else None
    prob = generate(30, 90, 14, 3, agency=agency, start=start, policy=policy, long_share=0.3)
    # Every third officer worked 6 hours on the evening before the second day (a prior shift).
    zone = ZoneInfo("America/New_York" if agency == "kennesaw-ga" else "America/Chicago")
    evening = datetime.combine(start, time(18), tzinfo=zone)
    prior = [TimeWindow(start=evening, end=evening + timedelta(hours=6))]
    officers = [
        o.model_copy(update={"prior_shifts": prior}) if k % 3 == 0 else o
        for k, o in enumerate(prob.officers)
    ]
    ctx = prepare(prob.model_copy(update={"officers": officers}))
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    rows = Rows()
    fill(ctx, ps, candidates(ctx, ps, locked), rows)
    return ctx, ps, rows


@pytest.mark.parametrize(
    ("agency", "start"), [("kennesaw-ga", date(2026, 10, 26)), ("rockport-tx", date(2026, 3, 2))]
)
def test_the_overlap_rows_in_arrays_equal_those_of_a_sweep(agency: str, start: date) -> None:
    ctx, ps, rows = _fortnight_rows(agency, start, None)
    fast, slow = _Recorder(rows), _Recorder(rows)
    model._no_overlap(ctx, ps, fast)
    _overlap_by_sweep(ctx, ps, slow)
    assert fast.rows == slow.rows
    assert sum(len(cols) > 2 for cols, _, _ in fast.rows) > 10  # cliques, not only pairs


@pytest.mark.parametrize(
    ("agency", "start"), [("kennesaw-ga", date(2026, 10, 26)), ("rockport-tx", date(2026, 3, 2))]
)
def test_a_chain_that_proves_a_rest_row_binds_changes_no_row(
    agency: str, start: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The 24-hour rows skip the packing recursion where a chain of pieces already works more
    # than the room: the rows are those the recursion alone writes, and most of them are
    # proven by a chain.
    ctx, ps, rows = _fortnight_rows(agency, start, None)
    recursions = []
    packs_more = model.packs_more
    monkeypatch.setattr(model, "packs_more", lambda *a: recursions.append(1) or packs_more(*a))
    fast = _Recorder(rows)
    model._rolling_24h(ctx, ps, fast)
    chained = len(recursions)
    monkeypatch.setattr(model, "chain_load", lambda start, end, gap, t, inside: 0 * t)
    slow = _Recorder(rows)
    model._rolling_24h(ctx, ps, slow)
    assert fast.rows == slow.rows
    assert len(fast.rows) > 10  # not vacuous: the rest rule binds
    assert chained < len(recursions) / 2


def test_a_chain_takes_the_heaviest_piece_or_a_run_from_the_window_s_start() -> None:
    # Pieces in order of their end, 30 min of travel: A 08:00-10:00, C 10:30-12:00,
    # B 09:00-17:00, D 12:30-20:00, a window from 08:00 holding them all. B, the heaviest,
    # gives 480 minutes; the run from the first start A, C, D (each the first a gap after the
    # one before) gives 120 + 90 + 450 = 660, which is also the most one officer could work.
    # From 16:00, B's last hour and D's last 240 minutes: the heaviest, D, and no piece starts
    # in that window.
    hour = 60
    start = np.asarray([8 * hour, 10 * hour + 30, 9 * hour, 12 * hour + 30])
    end = np.asarray([10 * hour, 12 * hour, 17 * hour, 20 * hour])
    t = np.asarray([8 * hour, 16 * hour])
    inside = np.clip(np.minimum(end, t[:, None] + DAY) - np.maximum(start, t[:, None]), 0, None)
    assert chain_load(start, end, 30, t, inside).tolist() == [660, 240]
