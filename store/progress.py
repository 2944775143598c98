"""Progress for long imports and solves: a bar on a terminal, silence anywhere else.

Output goes to stderr so a command's stdout stays clean for pipes; when stderr is not a
terminal (cron, CI, tests) nothing is drawn.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")
MIN_ROWS_FOR_BAR = 200


def on_terminal() -> bool:
    return sys.stderr.isatty()


def progress(items: list[T], *, desc: str, unit: str = "it") -> Iterable[T]:
    """Iterate with a bar when there is a terminal and enough rows to be worth one."""
    if not on_terminal() or len(items) < MIN_ROWS_FOR_BAR:
        return items
    return tqdm(items, desc=desc, unit=unit, file=sys.stderr, leave=False)


def counting(items: Iterable[T], *, desc: str, unit: str = "it") -> Iterable[T]:
    """Iterate with a running count (no total known, as rows read from a file) when there is a
    terminal: checking the rows of a large import printed nothing until its writing began."""
    if not on_terminal():
        return items
    return tqdm(items, desc=desc, unit=unit, file=sys.stderr, leave=False,
                miniters=MIN_ROWS_FOR_BAR)


@contextmanager
def timed_bar(desc: str, limit_s: float) -> Iterator[None]:
    """A bar filling over the solver's time limit while the body runs (a solve gives no ticks)."""
    if not on_terminal():
        yield
        return
    done = threading.Event()
    bar = tqdm(total=round(limit_s, 1), desc=desc, unit="s", file=sys.stderr, leave=False,
               bar_format="{desc}: {bar} {n:.0f}/{total:.0f} s")

    def tick() -> None:
        started = time.monotonic()
        while not done.wait(0.25):
            bar.n = min(bar.total, round(time.monotonic() - started, 1))
            bar.refresh()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
        bar.close()
