"""The validator's building blocks: merged windows, the rolling-window peak, span checks."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from itertools import accumulate

from hypothesis import given, settings
from hypothesis import strategies as st

from models.common import TimeWindow
from models.officer import Officer
from models.problem import Problem
from models.result import RosterResult
from scheduler.timeutil import from_minute, to_minute, week_monday
from scheduler.validate.officer import (
    clear_of_shifts,
    officer_violations,
    window_peak,
    within_caps,
)
from scheduler.validate.view import DAY, OfficerView, RosterView, Shift, build_view, merge_windows
from tests.scheduler.rosters import at, officer, problem, request, result, shift

T0 = to_minute(at(1, 0))


def window(h0: int, h1: int) -> TimeWindow:
    return TimeWindow(start=at(1, h0), end=at(1, h1))


def test_merge_windows_joins_overlaps_and_optionally_touching_ones() -> None:
    spans = [window(14, 18), window(8, 12), window(12, 13), window(17, 20)]
    assert merge_windows(spans, touching=True) == [
        (T0 + 8 * 60, T0 + 13 * 60), (T0 + 14 * 60, T0 + 20 * 60)]
    assert merge_windows(spans, touching=False) == [
        (T0 + 8 * 60, T0 + 12 * 60), (T0 + 12 * 60, T0 + 13 * 60), (T0 + 14 * 60, T0 + 20 * 60)]


def one_officer_view(
    duty: list[tuple[int, int]], shifts: list[tuple[str, int, int]]
) -> tuple[RosterView, OfficerView]:
    blocks = [{"start": at(1, a).isoformat(), "end": at(1, b).isoformat()} for a, b in duty]
    prob = problem([officer("K-1", on_duty=blocks)],
                   [request(rid, at(1, a), at(1, b)) for rid, a, b in shifts])
    view = build_view(prob, result([shift(rid, "K-1", at(1, a), at(1, b)) for rid, a, b in shifts]))
    return view, view.officers["K-1"]


def test_window_peak_sums_duty_and_shifts_in_the_best_window() -> None:
    _, ov = one_officer_view([(6, 10)], [("R-1", 11, 15), ("R-2", 16, 22)])
    peak, start = window_peak(ov, T0 + 16 * 60, T0 + 22 * 60)
    assert (peak, start) == (14 * 60, T0 + 6 * 60)  # 4 + 4 + 6 h from 06:00


def test_window_peak_with_an_extra_span() -> None:
    _, ov = one_officer_view([(6, 10)], [])
    extra = (T0 + 20 * 60, T0 + 24 * 60 + 6 * 60)  # 20:00 to 06:00 next day
    peak, start = window_peak(ov, extra[0], extra[1], extra)
    assert (peak, start) == (14 * 60, T0 + 6 * 60)


def test_span_checks_for_a_shift_the_officer_does_not_hold() -> None:
    view, ov = one_officer_view([], [("R-1", 8, 16)])
    close = Shift(
        index=9, officer_id="K-2", request_id="R-9", start=T0 + 16 * 60 + 29,
        end=T0 + 20 * 60, locked=False, days=[(at(1, 0).date(), 211)], weeks=[])
    assert not clear_of_shifts(view, ov, close)
    close.start = T0 + 16 * 60 + 30
    assert clear_of_shifts(view, ov, close)
    close.days = [(at(1, 0).date(), 4 * 60)]  # 8 + 4 = 12 h: exactly the daily cap
    assert within_caps(view, ov, close)
    close.days = [(at(1, 0).date(), 4 * 60 + 1)]
    assert not within_caps(view, ov, close)


@st.composite
def separate_blocks(draw: st.DrawFn) -> list[tuple[int, int]]:
    """Two to five non-overlapping busy blocks within three days, in quarter hours."""
    blocks, cursor = [], 0
    for _ in range(draw(st.integers(2, 5))):
        cursor += draw(st.integers(0, 16)) * 15
        length = draw(st.integers(1, 48)) * 15
        blocks.append((cursor, cursor + length))
        cursor += length
    return blocks


@settings(max_examples=60, deadline=None)
@given(blocks=separate_blocks(), focus=st.integers(0, 4))
def test_window_peak_equals_a_minute_by_minute_slide(
    blocks: list[tuple[int, int]], focus: int
) -> None:
    # The breakpoint argument in window_peak's docstring, checked against brute force.
    ov = OfficerView(officer=Officer(id="K-1"), available=[], on_duty=blocks, week_cap=0)
    ov.seal()
    lo, hi = blocks[focus % len(blocks)]
    slide = max(
        sum(max(0, min(b, t + DAY) - max(a, t)) for a, b in blocks)
        for t in range(lo - DAY + 1, hi)
    )
    assert window_peak(ov, lo, hi)[0] == slide


def naive_codes(view: RosterView) -> set[str]:
    """The schedule rules for one officer, minute by minute, with no cleverness at all."""
    policy, ov = view.policy, view.officers["K-1"]
    gap, shifts = policy.travel_gap_minutes, [(s.start, s.end) for s in view.shifts]
    duty = {m for w in ov.officer.on_duty for m in range(to_minute(w.start), to_minute(w.end))}
    free = {m for w in ov.officer.availability for m in range(to_minute(w.start), to_minute(w.end))}
    codes = set()
    if any(not set(range(s, e)) <= free for s, e in shifts):
        codes.add("NOT_AVAILABLE")
    if any(duty & set(range(s - gap, e + gap)) for s, e in shifts):
        codes.add("ON_DUTY")
    pairs = [(a, b) for i, a in enumerate(shifts) for b in shifts[:i]]
    if any(a[0] < b[1] + gap and b[0] < a[1] + gap for a, b in pairs):
        codes.add("OVERLAP")
    worked = [m for s, e in shifts for m in range(s, e)]
    # Busy minutes per minute of the horizon, then every 24-hour window by prefix sums.
    base = min([*worked, *duty]) - DAY
    load = [0] * (max([*worked, *duty]) - base + 2 * DAY)
    for m in [*worked, *duty]:
        load[m - base] += 1
    prefix = [0, *accumulate(load)]
    off_duty = [0] * len(load)
    for m in worked:
        off_duty[m - base] = 1
    mine = [0, *accumulate(off_duty)]
    cap = policy.max_hours_per_24h * 60
    for t in range(len(load) - DAY):
        if mine[t + DAY] > mine[t] and prefix[t + DAY] - prefix[t] > cap:
            codes.add("REST_24H")
            break
    days = Counter(from_minute(m, view.tz).date() for m in worked)
    if max(days.values()) > policy.max_hours_per_day * 60:
        codes.add("DAILY_CAP")
    weeks = Counter(week_monday(d) for d in days.elements())
    if max(weeks.values()) > policy.max_hours_per_week * 60:
        codes.add("WEEKLY_CAP")
    return codes


@st.composite
def one_officer_rosters(draw: st.DrawFn) -> tuple[Problem, RosterResult]:
    def span(d: int, q0: int, quarters: int) -> dict[str, str]:
        start = at(d, 0) + timedelta(minutes=15 * q0)
        end = start + timedelta(minutes=15 * quarters)
        return {"start": start.isoformat(), "end": end.isoformat()}

    spans = st.tuples(st.integers(1, 3), st.integers(0, 95), st.integers(4, 40))
    free = [span(*x) for x in draw(st.lists(spans, min_size=1, max_size=3))]
    duty = [span(*x) for x in draw(st.lists(spans, max_size=2))]
    shifts = [span(*x) for x in draw(st.lists(spans, min_size=1, max_size=4))]
    times = [(datetime.fromisoformat(w["start"]), datetime.fromisoformat(w["end"])) for w in shifts]
    requests = [request(f"R-{i}", s, e) for i, (s, e) in enumerate(times)]
    prob = problem([officer("K-1", availability=free, on_duty=duty)], requests,
                   max_hours_per_day=8, max_hours_per_week=14, max_hours_per_24h=12)
    roster = [shift(f"R-{i}", "K-1", s, e) for i, (s, e) in enumerate(times)]
    return prob, result(roster)


@settings(max_examples=60, deadline=None)
@given(case=one_officer_rosters())
def test_schedule_rules_agree_with_a_minute_by_minute_check(
    case: tuple[Problem, RosterResult],
) -> None:
    view = build_view(*case)
    found = {v.code for v in officer_violations(view, view.officers["K-1"])}
    assert found == naive_codes(view)
