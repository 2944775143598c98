"""`offduty report hours|approvals|billing`: the reports an auditor asks for.

Thin over `store.audit_reports`; each prints CSV lines (a header, then one line a row).
"""

from __future__ import annotations

import argparse
from typing import Any

from cli.store_args import add_db_option, day, store_from
from models import InputError
from store.audit_reports import HOURS_COLUMNS, hours_report, reconciliation, unapproved_work


def register(sub: Any) -> None:
    parser = sub.add_parser("report", help="hours against caps, unapproved work, billing vs work")
    parser.add_argument("kind", choices=("hours", "approvals", "billing"))
    parser.add_argument("--from", dest="first", default=None, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", default=None, metavar="YYYY-MM-DD")
    add_db_option(parser)
    parser.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    first, last = day(args.first, "--from"), day(args.last, "--to")
    if args.kind == "hours" and (first is None or last is None):
        raise InputError("--from", "the hours report needs --from and --to")
    if first and last and last < first:
        raise InputError("--to", f"{last} is before --from {first}")
    store = store_from(args, existing=True)
    try:
        with store.transaction() as session:
            if args.kind == "hours":
                assert first is not None and last is not None
                lines = [HOURS_COLUMNS, *(r.cells() for r in hours_report(
                    session, first, last, args.agency))]
            elif args.kind == "approvals":
                lines = [("request", "officer", "state", "start", "missing_approval"),
                         *((r, o, s, t.isoformat(), k) for r, o, s, t, k in
                           unapproved_work(session))]
            else:
                lines = [("request", "billed_h", "worked_h", "difference_h"),
                         *((c, f"{b}", f"{w}", f"{d}") for c, b, w, d in
                           reconciliation(session))]
    finally:
        store.close()
    for line in lines:
        print(",".join(str(cell) for cell in line))
    if len(lines) == 1:
        print("(none)")
    return 0
