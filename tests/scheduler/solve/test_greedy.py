"""The rotation-list roster's array step (solve/greedy.py, `_Held`): the officers it drops for an
overlap are exactly those `OfficerLoad.overlap` refuses, so the roster does not change."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.context import prepare
from scheduler.rules.load import OfficerLoad
from scheduler.solve.greedy import _Held
from scheduler.solve.pieces import Piece
from scheduler.timeutil import to_minute
from tests.scheduler.builders import at, officer, problem, request

_CTX = prepare(
    problem(
        [officer(f"K-{i}") for i in range(4)],
        [request("R-1", at(9, 10), at(9, 14))],
    )
)
_NOON = to_minute(at(9, 12))
# A shift: officer, start and length in minutes around Wednesday noon.
_SHIFT = st.tuples(st.integers(0, 3), st.integers(-900, 900), st.integers(30, 720))


def _loads(shifts: list[tuple[int, int, int]]) -> dict[int, OfficerLoad]:
    loads = {o.index: OfficerLoad(_CTX, o) for o in _CTX.officers}
    for o, start, minutes in shifts:
        s = _NOON + start
        if not loads[o].overlap(s, s + minutes):  # one officer's shifts never overlap
            loads[o].add(s, s + minutes)
    return loads


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_SHIFT, max_size=12),
    st.lists(_SHIFT, max_size=12),
    st.integers(-900, 900),
    st.integers(30, 720),
)
def test_the_held_shifts_drop_exactly_the_officers_an_overlap_refuses(
    before: list[tuple[int, int, int]],
    given_out: list[tuple[int, int, int]],
    start: int,
    minutes: int,
) -> None:
    # Shifts held before the roster (`before`) and given by it (`given_out`, added one by
    # one), then one piece: the pool left is every officer whom `overlap` (travel gap
    # included) does not refuse.
    loads = _loads(before)
    held = _Held(_CTX, loads)
    for o, s, m in given_out:
        s += _NOON
        if not loads[o].overlap(s, s + m):
            loads[o].add(s, s + m)
            held.add(s, s + m, o)
    piece = Piece(0, 0, _NOON + start, _NOON + start + minutes, 1, False)
    free = held.free(np.arange(4, dtype=np.int64), piece)
    assert free.tolist() == [o for o in range(4) if not loads[o].overlap(piece.start, piece.end)]


def test_the_arrays_grow_past_their_first_room() -> None:
    loads = _loads([])
    held = _Held(_CTX, loads)
    for k in range(1500):  # the first room holds 1,024
        held.add(_NOON + 10 * k, _NOON + 10 * k + 5, k % 3)
    assert held.size == 1500
    piece = Piece(0, 0, _NOON + 14_990, _NOON + 15_000, 1, False)
    # The last shift (officer 1499 % 3 = 2) ends 14,995: within the gap. Officers 0 and 1 hold
    # 14,970-14,975 and 14,980-14,985: within it too. Officer 3 holds nothing.
    assert held.free(np.arange(4, dtype=np.int64), piece).tolist() == [3]
