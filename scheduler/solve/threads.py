"""The threads a solve runs beside its search: the LP start's whole LP, the LP bound, the
Lagrangian steps.

None is a daemon. When a solve ends, however it ends, each is told to stop (its LP interrupted,
its stop event set: `solver.solve`'s `finally`), and GLOP returns within about a tenth of a
second; but a daemon thread still inside GLOP
when the interpreter exits is torn down mid-call and the C++ runtime aborts the process
("terminate called without an active exception", exit status 134). `offduty solve` did so on
every run of a Kennesaw week with a 1-hour minimum and half its requests long, at 30 s, where
the LP bound was interrupted. The interpreter joins a thread that is not a daemon before it
finalizes, so an exit waits for the stop instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def beside(target: Callable[..., None], args: tuple[Any, ...], name: str) -> threading.Thread:
    """`target(*args)` started in a thread named `name` that the interpreter's exit waits for."""
    thread = threading.Thread(target=target, args=args, name=name, daemon=False)
    thread.start()
    return thread
