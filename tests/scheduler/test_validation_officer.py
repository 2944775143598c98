"""The validator's building blocks: merged windows, the rolling-window peak, span checks."""

from __future__ import annotations

from models.common import TimeWindow
from scheduler.timeutil import to_minute
from scheduler.validation_officer import clear_of_shifts, window_peak, within_caps
from scheduler.validation_view import OfficerView, RosterView, Shift, build_view, merge_windows
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
