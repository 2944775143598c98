"""The draft roster: what the scheduler passes between its stages before the result is built.

The greedy builds one, the CP-SAT stages, the window search and the polish return one, and the
report and the explanations read the last. It belongs to none of them, so it lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Draft:
    """A roster inside the scheduler: non-locked (piece, officer) pairs and split flows."""

    assign: list[tuple[int, int]] = field(default_factory=list)
    flow: dict[int, int] = field(default_factory=dict)  # split piece -> positions routed through it
