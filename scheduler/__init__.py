"""The scheduler: rules, rate engine, CP-SAT model and solver, validator and reports.

Subpackages by concern (docs/architecture.md has the map):

- `pricing/`  the rate engine: rate card, shift pricing, cancellation, payroll, holidays.
- `validate/` the solver-independent validator and its recomputed metrics.
- `rules/`    rule codes, request-level refusals, officer screening and load checks.
- `solve/`    pieces, greedy, CP-SAT model and stages, window search, relaxation, bounds,
              polish, locks, explanations and the assembled result.

Modules left at this level are shared by all four: the prepared problem (`context`), time
(`timeutil`), agencies and problem files (`agencies`, `problem_io`, `input_bounds`), `summary`.

Imports flow one way: `models` <- `scheduler` <- `scenarios`, `store`, `api`, `cli`.
The four public entry points are re-exported here, each imported on first use: a command that
only reads an agency or the store does not pay for loading the solver (OR-Tools, pandas).
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.pricing import price_roster, quote
    from scheduler.solve.solver import solve
    from scheduler.validate import validate

__all__ = ["price_roster", "quote", "solve", "validate"]

_HOMES = {"price_roster": "scheduler.pricing", "quote": "scheduler.pricing",
          "solve": "scheduler.solve.solver", "validate": "scheduler.validate"}


def _entry(name: str) -> Any:
    return getattr(import_module(_HOMES[name]), name)


class _Package(ModuleType):
    """The entry points, imported on first use. `solve` and `validate` also name subpackages,
    and importing a subpackage binds its name on this package: the setter leaves the name on the
    entry point, as when it was imported eagerly (the subpackages stay in `sys.modules`, where
    imports find them)."""

    price_roster = property(lambda _: _entry("price_roster"))
    quote = property(lambda _: _entry("quote"))
    solve = property(lambda _: _entry("solve"), lambda _, module: None)
    validate = property(lambda _: _entry("validate"), lambda _, module: None)


sys.modules[__name__].__class__ = _Package
