"""The dispatcher's commands: `roster show`, `confirm`, `cancel`, `worked`.

`roster show` has four views: one line per shift (the default), `--by request` (needs N,
filled K, K open), `--hours` (each officer's week against the caps) and `--unfilled` (why the
latest run left positions open).
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from cli.store_args import add_db_option, aware, day, required_aware, store_from
from models import InputError
from models.common import elapsed
from store.records import agency_of
from store.roster import (
    RosterFilter,
    format_table,
    latest_runs,
    request_labels,
    roster_lines,
    run_footer,
    unfilled_lines,
)
from store.roster_views import format_hours, format_requests, hours_rows, request_views
from store.schema import AgencyRow
from store.workflow import cancel, confirm, record_worked


def register(sub: Any) -> None:
    roster = sub.add_parser("roster", help="show stored assignments")
    _show(roster.add_subparsers(dest="roster_command", required=True))
    _confirm(sub)
    _cancel(sub)
    _worked(sub)


def _show(sub: Any) -> None:
    parser = sub.add_parser("show", help="a readable table of the roster")
    add_db_option(parser)
    parser.add_argument("--date", default=None, help="one local date (YYYY-MM-DD)")
    parser.add_argument("--officer", default=None, help="one officer id")
    parser.add_argument("--request", default=None, help="one request id")
    parser.add_argument("--cancelled", action="store_true", help="include cancelled shifts")
    view = parser.add_mutually_exclusive_group()
    view.add_argument("--by", choices=("shift", "request"), default="shift",
                      help="one line per shift (default), or per request: needs N, filled K")
    view.add_argument("--hours", action="store_true",
                      help="hours per officer per week against the weekly and daily caps "
                           "(with --date: that date's week)")
    view.add_argument("--unfilled", action="store_true",
                      help="list the latest run's unfilled positions and refused requests")
    parser.set_defaults(func=run_show)


def run_show(args: argparse.Namespace) -> int:
    when = day(args.date, "--date")
    filters = RosterFilter(first=when, last=when, officer=args.officer, request=args.request,
                           agency=args.agency, include_cancelled=args.cancelled)
    store = store_from(args, existing=True)
    try:
        with store.transaction() as session:
            if args.hours:
                rows = hours_rows(session, filters)
                print(format_hours(rows) if rows else "no assignments match")
                return 0
            if args.by == "request":
                views = request_views(session, filters)
                print(format_requests(views) if views else "no requests match")
                return 0
            lines = roster_lines(session, filters)
            runs = latest_runs(session, args.agency)
            if args.unfilled:
                for run in runs:
                    agency = agency_of(session.get_one(AgencyRow, run.agency_id))
                    labels = request_labels(session, run.agency_id)
                    print("\n".join(unfilled_lines(run, labels, agency.tz)))
                return 0
    finally:
        store.close()
    print(format_table(lines) if lines else "no assignments match")
    for run in runs:
        print(run_footer(run))
    return 0


def _confirm(sub: Any) -> None:
    parser = sub.add_parser("confirm", help="confirm the proposals of a request (or --all)")
    parser.add_argument("request", nargs="?", help="request id")
    parser.add_argument("--all", action="store_true", help="confirm every proposal")
    add_db_option(parser)
    parser.set_defaults(func=run_confirm)


def run_confirm(args: argparse.Namespace) -> int:
    if (args.request is None) == (not args.all):
        raise InputError("confirm", "give one request id or --all")
    store = store_from(args)
    try:
        count = confirm(store, args.request, agency=args.agency)
    finally:
        store.close()
    print(f"confirmed {count} assignment(s)")
    return 0


def _cancel(sub: Any) -> None:
    parser = sub.add_parser("cancel", help="cancel a request and print the cancellation charge")
    parser.add_argument("request", help="request id")
    parser.add_argument("--at", default=None, metavar="ISO",
                        help="when the customer gave notice (default: now)")
    parser.add_argument("--officer", default=None,
                        help="reduce the request by this officer instead of cancelling it")
    add_db_option(parser)
    parser.set_defaults(func=run_cancel)


def run_cancel(args: argparse.Namespace) -> int:
    store = store_from(args)
    try:
        result = cancel(store, args.request, at=aware(args.at, "--at"), officer=args.officer,
                        agency=args.agency)
    finally:
        store.close()
    print(result.summary())
    for charge in result.charges:
        for line in charge.lines:
            print(f"  {line.description or line.rate_type}: {line.quantity} h x {line.rate:.2f}"
                  f" = {line.amount:.2f}")
    return 0


def _worked(sub: Any) -> None:
    parser = sub.add_parser("worked", help="record the hours an officer actually worked")
    parser.add_argument("request", help="request id")
    parser.add_argument("--officer", required=True)
    parser.add_argument("--start", required=True, metavar="ISO")
    parser.add_argument("--end", required=True, metavar="ISO")
    parser.add_argument("--now", default=None, metavar="ISO",
                        help="record as of this time (default: now); the shift must have begun")
    add_db_option(parser)
    parser.set_defaults(func=run_worked)


def run_worked(args: argparse.Namespace) -> int:
    start = required_aware(args.start, "--start")
    end = required_aware(args.end, "--end")
    store = store_from(args)
    try:
        record_worked(store, args.request, args.officer, start, end, agency=args.agency,
                      now=aware(args.now, "--now"))
    finally:
        store.close()
    hours = elapsed(start, end) / timedelta(hours=1)
    print(f"{args.request}: {args.officer} worked {hours:g} h")
    return 0
