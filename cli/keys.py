"""`offduty keys new`: make an API key for the HTTP service.

The key is printed once and never stored: the service keeps only its sha256, in the entry this
command prints for the keys file (`OFFDUTY_API_KEYS_FILE`) or `OFFDUTY_API_KEYS`. `--agency`
takes an id or an agency file (read by `scheduler.agencies`, as every command's `--agency`);
the entry names a file's agency by the id inside it.
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from api.security import ALL_AGENCIES, new_key
from models.common import InputError
from scheduler.agencies import agency_from_arg, is_agency_file

_AGENCY_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def register(sub: Any) -> None:
    """Add the `keys` subcommand and its `new` action."""
    keys = sub.add_parser("keys", help="make API keys for the HTTP service")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    new = actions.add_parser("new", help="print a fresh key once, and the entry to store for it")
    new.add_argument("--agency", action="append", required=True,
                     help="agency id or agency file the key may use (repeat for several; "
                          "'*' for all)")
    new.add_argument("--name", default=None, help="a name for logs (default: from the agencies)")
    new.add_argument("--json", action="store_true", help="print {key, entry} as one JSON object")
    new.set_defaults(func=run_new)


def _agency_id(value: str) -> str:
    """An `--agency` value as the key's entry names it: `*`, an id, or a file's agency id."""
    if value == ALL_AGENCIES:
        return value
    if is_agency_file(value):
        return agency_from_arg(value).id
    if not _AGENCY_ID.match(value):
        raise InputError("--agency", f"{value!r} is not an agency id (or '*' for all)")
    return value


def run_new(args: argparse.Namespace) -> int:
    key, entry = new_key([_agency_id(value) for value in args.agency], args.name)
    stored = entry.model_dump(mode="json")
    if args.json:
        print(json.dumps({"key": key, "entry": stored}))
        return 0
    print(f"API key (shown once; give it to the client, it cannot be recovered):\n{key}\n")
    print("Add this entry to the keys file (a JSON or YAML list):")
    print(json.dumps(stored))
    return 0
