"""`offduty nightly`: staff the open requests of the coming days and store the proposal.

Meant for cron: quiet unless something is wrong, one summary line per agency, exit 0 when a
roster was stored, 1 when the solver found none. `--all-agencies` runs every agency side by side
(`--jobs N` processes, or `--dask ADDRESS`), each written on its own; a failed agency is named
and makes the exit 1, the others are written.
"""

from __future__ import annotations

import argparse
from typing import Any

from cli.argtypes import bounded_float, bounded_int
from cli.store_args import add_db_option, aware, store_from
from models import InputError
from scheduler.display import fractional_note
from store import StoreSettings
from store.nightly import NO_ROSTER, recent_runs, run_nightly
from store.nightly_all import run_all_agencies


def register(sub: Any) -> None:
    defaults = StoreSettings()
    parser = sub.add_parser(
        "nightly", help="propose a roster for the open requests in the horizon",
        description="Solve the open requests starting within the horizon and store the proposal "
        "with a run record, in one transaction.",
    )
    add_db_option(parser)
    parser.add_argument("--horizon", type=bounded_int(1, 366), default=defaults.horizon_days,
                        metavar="DAYS",
                        help=f"days ahead to staff (default {defaults.horizon_days})")
    parser.add_argument("--time-limit", type=bounded_float(0, 3600, low_open=True),
                        default=defaults.time_limit_s, metavar="S",
                        help=f"solver time limit per agency (default {defaults.time_limit_s:g})")
    parser.add_argument("--now", default=None, metavar="ISO",
                        help="run as of this time (with offset), for reproducible runs")
    parser.add_argument("--window-days", type=bounded_int(1, 366),
                        default=defaults.fairness_window_days,
                        help="fairness window: worked hours of this many past days count "
                        f"(default {defaults.fairness_window_days})")
    parser.add_argument("--force", action="store_true",
                        help="solve even when nothing changed since the last run")
    parser.add_argument("--all-agencies", action="store_true",
                        help="run every agency of the store side by side, each written on its own")
    parser.add_argument("--jobs", type=bounded_int(1, 256), default=None, metavar="N",
                        help="with --all-agencies: solve N agencies at once in local processes "
                        "(default 1)")
    parser.add_argument("--dask", default=None, metavar="ADDRESS",
                        help="with --all-agencies: solve on this Dask cluster "
                        "(default OFFDUTY_DASK_ADDRESS)")
    parser.set_defaults(func=run)
    register_runs(sub)


def run(args: argparse.Namespace) -> int:
    if args.all_agencies:
        return _run_all(args)
    for option, given in (("--jobs", args.jobs), ("--dask", args.dask)):
        if given is not None:
            # Without it one agency runs here, and the option was silently ignored.
            raise InputError(option, "applies only with --all-agencies")
    store = store_from(args)
    try:
        reports = run_nightly(
            store, agency=args.agency, now=aware(args.now, "--now"), horizon_days=args.horizon,
            window_days=args.window_days, time_limit_s=args.time_limit, force=args.force,
        )
    finally:
        store.close()
    for report in reports:
        print(report.summary())
    for line in fractional_note([r.positions_filled for r in reports]):
        print(line)
    return 1 if any(r.status in NO_ROSTER for r in reports) else 0


def _run_all(args: argparse.Namespace) -> int:
    """Every agency side by side: one line per agency, then the night's line; 1 if any failed."""
    if args.agency:
        raise InputError("--agency", "cannot be combined with --all-agencies")
    store = store_from(args)
    try:
        night = run_all_agencies(
            store, jobs=args.jobs or 1, dask_address=args.dask or StoreSettings().dask_address,
            now=aware(args.now, "--now"),
            horizon_days=args.horizon, window_days=args.window_days,
            time_limit_s=args.time_limit, force=args.force,
        )
    finally:
        store.close()
    for outcome in night.outcomes:
        print(outcome.summary())
    for line in fractional_note([o.report.positions_filled for o in night.outcomes if o.report]):
        print(line)
    print(night.summary())
    no_roster = any(o.report is not None and o.report.status in NO_ROSTER for o in night.outcomes)
    return 1 if night.failed or no_roster else 0


def register_runs(sub: Any) -> None:
    parser = sub.add_parser("runs", help="list the nightly runs recorded in the store")
    add_db_option(parser)
    parser.add_argument("--last", type=bounded_int(1, 100_000), default=10, metavar="N",
                        help="how many (default 10)")
    parser.set_defaults(func=run_list)


def run_list(args: argparse.Namespace) -> int:
    store = store_from(args, existing=True)
    try:
        with store.transaction() as session:
            runs = recent_runs(session, args.agency, args.last)
    finally:
        store.close()
    if not runs:
        print("no nightly run recorded")
    for run in runs:
        metrics, timings = run.metrics, run.timings
        print(
            f"run {run.id} {run.agency_id} as of {run.as_of:%Y-%m-%d %H:%M} UTC: "
            f"{run.solver_status}, {metrics.get('positions_filled', 0):g}/"
            f"{metrics.get('positions_requested', 0)} filled, +{metrics.get('added', 0)} "
            f"={metrics.get('kept', 0)} -{metrics.get('removed', 0)}, "
            f"solve {timings.get('solve_s', 0):.1f} s, inputs {run.inputs_hash[:12]}"
        )
    for line in fractional_note([r.metrics.get("positions_filled", 0) for r in runs]):
        print(line)
    return 0
