"""The `scheduler` package: its entry points load on first use, under their documented names."""

from __future__ import annotations

import subprocess
import sys

import scheduler
import scheduler.solve.pieces  # noqa: F401  (binds the subpackage's name on `scheduler`)
import scheduler.validate.pairs  # noqa: F401  (as above)
from scheduler.pricing import price_roster, quote
from scheduler.solve.solver import solve
from scheduler.validate import validate


def test_the_entry_points_keep_their_names_after_their_subpackages_are_imported() -> None:
    from scheduler import price_roster as p
    from scheduler import quote as q
    from scheduler import solve as s
    from scheduler import validate as v

    assert (s, v, p, q) == (solve, validate, price_roster, quote)
    assert (scheduler.solve, scheduler.validate) == (solve, validate)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        scheduler.optimize  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert str(exc) == "module 'scheduler' has no attribute 'optimize'"
    else:
        raise AssertionError("scheduler.optimize resolved")


def test_reading_agencies_and_the_store_does_not_load_the_solver() -> None:
    # `offduty roster show` and the other store commands start in about half the time.
    code = ("import sys, scheduler.agencies, store, cli.roster; "
            "print(sorted(m for m in ('ortools', 'pandas', 'scheduler.solve') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
