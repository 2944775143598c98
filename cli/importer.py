"""`offduty import officers|availability|requests FILE`: load CSV or JSON into the store.

The whole file is one transaction: a bad row is reported with its line and column, and nothing
of the file is written.
"""

from __future__ import annotations

import argparse
from typing import Any

from cli.store_args import add_db_option, store_from
from store.duty_import import import_on_duty
from store.importer import import_file


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "import", help="import officers, availability or requests from CSV or JSON",
        description="Import a CSV (docs/csv-format.md) or JSON file; all rows or none.",
    )
    parser.add_argument("kind", choices=("officers", "availability", "requests", "on-duty"))
    parser.add_argument("file", help="a .csv or .json file")
    add_db_option(parser)
    parser.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    store = store_from(args)
    try:
        if args.kind == "on-duty":  # the duty system's export: replaces blocks by date range
            print(import_on_duty(store, args.file, agency=args.agency).summary())
            return 0
        report = import_file(store, args.kind, args.file, agency=args.agency)
    finally:
        store.close()
    print(report.summary())
    return 0
