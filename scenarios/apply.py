"""A variant: named, ordered changes, and the pure function that applies them to a baseline.

The changes run in file order, each on the previous one's output; the final problem is
validated again as a whole (a lock must still fit its request), and any error names the file
and line of the change that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from models.common import InputError, describe_validation_error
from models.problem import Problem
from scenarios.changes import (
    AddDemand,
    Change,
    ChangePolicy,
    MarkUnavailable,
    RemoveOfficers,
    ScaleDemand,
)
from scenarios.demand import add_demand, scale_demand
from scenarios.transforms import change_policy, change_rates, mark_unavailable, remove_officers


@dataclass(frozen=True)
class PlacedChange:
    """A change with its key (`remove_officers`, ...) and where it is written (`FILE:LINE`).

    `path` is its key path in the file (`variants.NAME.changes[0].remove_officers`).
    """

    kind: str
    change: Change
    where: str
    path: str = ""


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    changes: tuple[PlacedChange, ...]

    @property
    def is_random(self) -> bool:
        """Whether some change draws at random, so a sweep gives different draws."""
        return any(c.change.is_random for c in self.changes)


def apply_change(problem: Problem, change: Change, seed: int | None = None) -> Problem:
    """One change applied to a problem; `seed` replaces the change's own seed when given."""
    if isinstance(change, RemoveOfficers):
        return remove_officers(problem, change, seed)
    if isinstance(change, MarkUnavailable):
        return mark_unavailable(problem, change, seed)
    if isinstance(change, AddDemand):
        return add_demand(problem, change)
    if isinstance(change, ScaleDemand):
        return scale_demand(problem, change, seed)
    if isinstance(change, ChangePolicy):
        return change_policy(problem, change)
    return change_rates(problem, change)


def apply_variant(baseline: Problem, variant: Variant, seed: int | None = None) -> Problem:
    """The baseline with the variant's changes applied; the baseline itself is unchanged.

    `seed` (a sweep's draw seed) replaces the seed of every random change.
    """
    problem = baseline
    for placed in variant.changes:
        try:
            problem = apply_change(problem, placed.change, seed)
        except (InputError, ValidationError) as exc:
            err = describe_validation_error(exc) if isinstance(exc, ValidationError) else exc
            path = placed.path or placed.kind
            key = f"{path}.{err.field}" if err.field else path
            raise InputError(f"{placed.where}: {key}", err.message) from exc
    try:
        return Problem.model_validate(problem.model_dump(exclude_none=True))
    except ValidationError as exc:
        err = describe_validation_error(exc)
        where = variant.changes[0].where if variant.changes else "variant"
        message = f"{err.field}: {err.message}" if err.field else err.message
        raise InputError(f"{where}: {variant.name}", message) from exc
