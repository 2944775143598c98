"""`offduty scenario run|compare FILE`: what-if scenarios solved and compared in one table.

`run` solves the baseline and one variant (or all of them); `compare` solves every variant and
can write the table, the rosters and the charts to a folder. `--draws N --seed S` sweeps the
random variants (draw i uses seed S+i); the draws run on local processes, or on a Dask
cluster with `--dask ADDRESS`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from models.common import InputError
from scenarios.output import write_outputs
from scenarios.runner import Run, run
from scenarios.spec import MAX_DRAWS, load_scenario
from scenarios.table import format_table
from scheduler.display import fractional_note


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="scenario file (YAML)")
    parser.add_argument("--draws", type=int, default=None,
                        help="solve each random variant N times (default: the file's sweep, or 1)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the first draw; draw i uses seed+i (default: the file's)")
    parser.add_argument("--dask", metavar="ADDRESS", default=None,
                        help="solve on a Dask cluster, e.g. tcp://127.0.0.1:8786")
    parser.add_argument("--jobs", type=int, default=None,
                        help="local worker processes (default: one per core; 1 solves in-process)")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="write table.csv, table.xlsx, rosters/*.json and charts/*.png here")


def register(sub: Any) -> None:
    """Add `scenario run` and `scenario compare`."""
    parser = sub.add_parser("scenario", help="what-if scenarios: solve and compare variants")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    run_parser = actions.add_parser("run", help="solve the baseline and one variant (or all)")
    _common(run_parser)
    run_parser.add_argument("--variant", metavar="NAME", default=None, help="the variant to run")
    run_parser.set_defaults(func=run_scenario)
    compare_parser = actions.add_parser("compare", help="solve every variant and compare")
    _common(compare_parser)
    compare_parser.set_defaults(func=run_scenario, variant=None)


def _solve(args: argparse.Namespace) -> Run:
    scenario = load_scenario(args.file)
    draws = scenario.sweep.draws if args.draws is None else args.draws
    # As the file's sweep.draws: --draws 1000000000 was taken, and ran until killed.
    if not 1 <= draws <= MAX_DRAWS:
        raise InputError("--draws", f"must be 1 to {MAX_DRAWS:,}")
    if args.seed is not None and args.seed < 0:
        raise InputError("--seed", "must be at least 0")
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs", "must be at least 1")
    seed = args.seed
    if seed is None and ("seed" in scenario.sweep.model_fields_set or draws > 1):
        seed = scenario.sweep.seed
    variants = None if args.variant is None else [scenario.variant(args.variant)]
    return run(
        scenario, variants, draws=draws, seed=seed,
        executor="dask" if args.dask else "pool", address=args.dask, workers=args.jobs,
    )


def run_scenario(args: argparse.Namespace) -> int:
    """Solve, print the table, and write the outputs when --out is given."""
    result = _solve(args)
    print(f"{result.scenario.name}: {len(result.outcomes)} rosters")
    print(format_table(result.table()))
    for line in fractional_note([o.result.metrics.positions_filled for o in result.outcomes]):
        print(line)
    if args.out:
        written = write_outputs(result, Path(args.out))
        print(f"wrote {len(written)} files to {args.out}")
    return 0
