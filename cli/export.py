"""`offduty export roster|ics|invoices|payroll --out DIR [--from DATE --to DATE]`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from cli.store_args import add_db_option, day, store_from
from store.exports import EXPORT_KINDS, export


def register(sub: Any) -> None:
    parser = sub.add_parser("export", help="write the roster, calendars, invoices or payroll")
    parser.add_argument("kind", choices=EXPORT_KINDS)
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--from", dest="first", default=None, metavar="DATE",
                        help="first local date (inclusive)")
    parser.add_argument("--to", dest="last", default=None, metavar="DATE",
                        help="last local date (inclusive)")
    parser.add_argument("--date", dest="issued", default=None, metavar="DATE",
                        help="invoice date and calendar stamp (default today)")
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = store_from(args, existing=True)
    try:
        first, last = day(args.first, "--from"), day(args.last, "--to")
        issued = day(args.issued, "--date")
        stamp = datetime.combine(issued, time(12), tzinfo=UTC) if issued else None
        paths = export(store, args.kind, args.out, first, last, issued=stamp)
    finally:
        store.close()
    folder = paths[0].parent if paths else Path(args.out) / args.kind
    print(f"{args.kind}: {len(paths)} file(s) in {folder}")
    return 0
