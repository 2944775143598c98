"""`offduty agencies` and `offduty quote`: the known agencies and a price for one request.

`--agency` takes an id (shipped, or a file of the `OFFDUTY_AGENCIES_DIR` folder) or the path of
an agency file. Input goes through the same `QuoteRequest` model the API uses, so a naive time,
an end before the start or an unknown job type is one line naming the field and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pydantic import ValidationError

from cli.argtypes import finite_float
from models.agency import Agency
from models.common import describe_validation_error
from models.quote import Quote, QuoteRequest
from scheduler.agencies import agency_entries, agency_from_arg, check_agency_file
from scheduler.pricing.rates import quote


def register(sub: Any) -> None:
    """Add the `agencies` and `quote` subcommands."""
    agencies = sub.add_parser(
        "agencies", help="list the shipped agencies and those of $OFFDUTY_AGENCIES_DIR")
    agencies.set_defaults(func=run_agencies)
    checks = agencies.add_subparsers(dest="agencies_command", parser_class=type(agencies))
    validate = checks.add_parser("validate", help="check one agency file and say what is wrong")
    validate.add_argument("file", help="an agency file (.yaml, .yml or .json)")
    validate.set_defaults(func=run_validate)

    parser = sub.add_parser("quote", help="price one request at an agency")
    parser.add_argument("--agency", required=True,
                        help="agency id (e.g. kennesaw-ga) or an agency file (.yaml/.json)")
    parser.add_argument("--start", required=True, help="ISO time with offset")
    parser.add_argument("--end", required=True, help="ISO time with offset")
    parser.add_argument("--received", required=True, help="when the request arrived (ISO)")
    parser.add_argument("--officers", type=int, default=1)
    parser.add_argument("--job-type", default="regular", help="regular or traffic")
    parser.add_argument("--customer-rate", default=None, help="a contract rate name")
    parser.add_argument("--vehicle", default="none", help="none, static or moving")
    parser.add_argument("--miles", type=finite_float, default=0.0,
                        help="miles per officer (moving)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run_quote)


def run_agencies(args: argparse.Namespace) -> int:
    """The known agencies, one line each with their source; a broken folder file is one line
    naming the file and the field (the others still list), and exit status 2 says that some
    agency cannot be used, so a script that checks the folder notices."""
    rows = [("id", "name", "zone", "regular", "minimum", "source")]
    broken: list[str] = []
    for entry in agency_entries():
        if entry.agency is None:
            broken.append(f"{entry.id}  BROKEN  {entry.problem}")
            continue
        agency = entry.agency
        rows.append((agency.id, agency.name, agency.time_zone, f"{agency.rates.regular:.2f}",
                     f"{agency.policy.min_hours:g} h", entry.source))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    for line in broken:
        print(line)
    return 2 if broken else 0


def run_validate(args: argparse.Namespace) -> int:
    """`ok: ...` for a valid agency file, else every problem on its own line and exit 2."""
    agency, problems = check_agency_file(args.file)
    if agency is None:
        for problem in problems:
            print(f"offduty: {problem}", file=sys.stderr)
        return 2
    print(f"ok: {agency.id} ({agency.name}), {agency.time_zone}, "
          f"regular rate ${agency.rates.regular:.2f}")
    return 0


def quote_request_from_args(args: argparse.Namespace, agency: Agency) -> QuoteRequest:
    """Validate the command line through the public quote model (errors exit 2, one line)."""
    data: dict[str, Any] = {
        "agency": agency.id,
        "start": args.start,
        "end": args.end,
        "received_at": args.received,
        "officers": args.officers,
        "job_type": args.job_type,
        "customer_rate": args.customer_rate,
        "vehicle": {"kind": args.vehicle, "miles": args.miles},
    }
    try:
        request = QuoteRequest.model_validate(data)
    except ValidationError as exc:
        raise describe_validation_error(exc, data) from exc
    return request  # its years and numbers are checked where it is priced (`rates._quoted`)


def format_quote(result: Quote) -> str:
    """A readable table of a quote's lines and total."""
    out = [
        f"agency {result.agency}, {result.officers} officer(s)"
        f"{', EMERGENCY (late request)' if result.emergency else ''}",
        f"per officer: worked {result.worked_hours_per_officer:g} h, billable "
        f"{result.billable_hours_per_officer:g} h, on holidays {result.holiday_hours:g} h",
        f"{'line':<34}{'quantity':>13}{'rate':>10}{'amount':>12}",
    ]
    for line in result.lines:
        label = line.rate_type + (f" at {line.padding_rate_type}" if line.padding_rate_type else "")
        unit = "mi" if line.unit == "mile" else "h"
        quantity = f"{line.quantity.normalize():f} {unit}"
        out.append(f"{label:<34}{quantity:>13}{line.rate:>10.2f}{line.amount:>12.2f}")
    out.append(f"{'total':<57}{result.total:>12.2f} {result.currency}")
    return "\n".join(out)


def run_quote(args: argparse.Namespace) -> int:
    agency = agency_from_arg(args.agency)
    result = quote(quote_request_from_args(args, agency), agency)
    if args.json:
        print(json.dumps(result.model_dump(mode="json")))
    else:
        print(format_quote(result))
    return 0
