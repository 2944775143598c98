"""`offduty solve` and `offduty schema`: a roster for a problem file, and the public JSON shapes.

`solve` prints the roster for a person (scheduler/roster_text.py: the figures, then by request,
by officer and what stayed unfilled); `--json` prints the roster result for programs instead,
and `--out FILE` writes that JSON beside either.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli.argtypes import bounded_float, bounded_int
from models.common import InputError
from scheduler.problem_io import load_problem, problem_schema, result_schema
from scheduler.roster_text import roster_text
from scheduler.solve.solver import solve


def register(sub: Any) -> None:
    p = sub.add_parser("solve", help="solve a roster problem (JSON) and print the roster")
    p.add_argument("problem", help="roster problem file (JSON or YAML, roster-contract shape)")
    p.add_argument("--json", action="store_true",
                   help="print the full roster result as JSON instead of the readable roster")
    p.add_argument("--time-limit", type=bounded_float(0, 3600, low_open=True),
                   help="seconds, at most 3600 (overrides options.time_limit_s)")
    p.add_argument("--workers", type=bounded_int(1, 64),
                   help="CP-SAT workers, 1-64 (overrides options.num_workers)")
    p.add_argument("--deterministic", action="store_true", help="same roster on every run")
    p.add_argument("--out", help="also write the roster result JSON to this file")
    p.set_defaults(func=run_solve)
    s = sub.add_parser("schema", help="print the JSON Schema of the roster problem and result")
    s.add_argument("--which", choices=["problem", "result", "both"], default="both")
    s.set_defaults(func=run_schema)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    update: dict[str, Any] = {}
    # The parser bounds both (cli/argtypes.py).
    if args.time_limit is not None:
        update["time_limit_s"] = args.time_limit
    if args.workers is not None:
        update["num_workers"] = args.workers
    if args.deterministic:
        update["deterministic"] = True
    return update


def _check_out(out: str | None) -> None:
    """Refuse an --out whose folder is missing before solving, not after."""
    if out is not None and not Path(out).resolve().parent.is_dir():
        raise InputError("--out", f"cannot write {out}: folder {Path(out).parent} does not exist")


def run_solve(args: argparse.Namespace) -> int:
    _check_out(args.out)
    problem = load_problem(args.problem)
    update = _options(args)
    if update:
        problem = problem.model_copy(update={"options": problem.options.model_copy(update=update)})
    result = solve(problem)
    text = result.model_dump_json(indent=2)
    if args.out:
        try:
            Path(args.out).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError("--out", f"cannot write {args.out}: {exc.strerror}") from exc
    print(text if args.json else roster_text(problem, result))
    return 0 if result.status in ("optimal", "feasible") else 1


def run_schema(args: argparse.Namespace) -> int:
    shapes = {"problem": problem_schema(), "result": result_schema()}
    out = shapes if args.which == "both" else shapes[args.which]
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0
