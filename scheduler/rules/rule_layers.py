"""What every solver layer does about each officer rule, so none can silently miss one.

Each layer (the screening in `eligibility.py`, the CP-SAT rows in `model.py`, the greedy and polish
checks in `pair_checks.py`, the MIP rows in `mip.py`) keeps one registry keyed by the
codes of `codes.OFFICER_RULES`. An entry is either the layer's own implementation of the rule or
an `Elsewhere` naming the layer that enforces it instead and why that suffices there (the CP-SAT
model never sees a pair the screening removed, so it needs no STATUS_BARRED row). A test demands
every code in every layer. The validator keeps its own checks and reads none of this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scheduler.rules.codes import OFFICER_RULES

# The layers, in the order a roster passes through them.
LAYERS: tuple[str, ...] = ("screening", "cp_sat", "greedy_polish", "mip")


@dataclass(frozen=True)
class Elsewhere:
    """A rule this layer does not check itself: the layer that does, and why that suffices."""

    layer: str
    why: str

    def __post_init__(self) -> None:
        if self.layer not in LAYERS:
            raise ValueError(f"Elsewhere.layer: unknown layer {self.layer!r}")


# The one reason shared by every layer downstream of the screening for the static rules.
NO_PAIR = "enforced by screening: no pair exists for an officer the rule bars"


def registry_gaps(registry: Mapping[str, object]) -> tuple[list[str], list[str]]:
    """Officer rule codes a registry misses, and keys it has that are no officer rule."""
    missing = [code for code in OFFICER_RULES if code not in registry]
    unknown = [code for code in registry if code not in OFFICER_RULES]
    return missing, unknown


def own_rules(registry: Mapping[str, object]) -> list[str]:
    """The codes a layer implements itself (entries that are not `Elsewhere`)."""
    return [code for code, entry in registry.items() if not isinstance(entry, Elsewhere)]
