"""The LP neighbourhood's share of the search time (solve/lexicographic.py)."""

from __future__ import annotations

from scheduler.solve.lexicographic import (
    NEIGHBOURHOOD_SHARE,
    SHORT_NEIGHBOURHOOD_SHARE,
    _neighbourhood_share,
)
from scheduler.solve.stages import Clock


def test_the_neighbourhood_gets_more_where_the_whole_model_has_no_time() -> None:
    # 3,332 pairs at 0.4 ms need 1.33 s: a 1 s limit leaves less, a 10 s limit more.
    assert _neighbourhood_share(Clock(1.0), 3_332) == SHORT_NEIGHBOURHOOD_SHARE == 0.6
    assert _neighbourhood_share(Clock(10.0), 3_332) == NEIGHBOURHOOD_SHARE == 0.3
    # A deterministic budget is spent whatever the stage proves: never the larger share.
    assert _neighbourhood_share(Clock(1.0, deterministic=True), 3_332) == 0.3
