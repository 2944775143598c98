"""`offduty generate`: write a seeded, realistic roster problem as JSON.

The same arguments always give the same file, so a generated problem can be shared as its
command line (the bundled examples are regenerated this way, see scenarios/examples/README.md).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from models.common import InputError
from scenarios.generator import DEFAULT_START, generate, problem_json
from scheduler.agencies import is_agency_file, load_agency_file


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "generate",
        help="write a seeded, realistic roster problem (JSON)",
        description="Generate a roster problem; the same arguments always give the same JSON.",
    )
    parser.add_argument("--officers", type=int, default=60, help="officers (default 60)")
    parser.add_argument("--requests", type=int, default=150, help="requests (default 150)")
    parser.add_argument("--days", type=int, default=7, help="days in the horizon (default 7)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--agency", default="kennesaw-ga",
                        help="agency id, or an agency file (written into the problem)")
    parser.add_argument(
        "--start", type=_iso_date, default=DEFAULT_START,
        help=f"first local date of the horizon, YYYY-MM-DD (default {DEFAULT_START.isoformat()})",
    )
    parser.add_argument("--out", type=Path, help="write here instead of standard output")
    parser.set_defaults(func=run)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def run(args: argparse.Namespace) -> int:
    problem = generate(
        officers=args.officers, requests=args.requests, days=args.days, seed=args.seed,
        agency=load_agency_file(args.agency) if is_agency_file(args.agency) else args.agency,
        start=args.start,
    )
    text = problem_json(problem)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError("--out", f"cannot write {args.out}: {exc.strerror}") from exc
    return 0
