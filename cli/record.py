"""The system-of-record commands: `approve`, `assign`, `unassign`, `audit`, `policy`.

Each is a thin shell over one store function (`store.approvals`, `store.hand`, `store.audit`,
`store.policy`), the same functions the service calls, so a move checked here is checked the
same everywhere.
"""

from __future__ import annotations

import argparse
import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from cli.store_args import add_db_option, aware, store_from
from models import InputError
from scheduler.problem_io import load_json
from store import Store
from store.approvals import KINDS, approve, withdraw
from store.audit import EVENT_COLUMNS, event_cells, event_line, list_events, verify
from store.hand import HandMove, Override, assign, move, unassign
from store.policy import set_policy


def register(sub: Any) -> None:
    _approve(sub)
    _moves(sub)
    _audit(sub)
    _policy(sub)


def _approve(sub: Any) -> None:
    parser = sub.add_parser("approve", help="record (or --withdraw) the chief's approval")
    parser.add_argument("request", help="request id")
    parser.add_argument("--kind", required=True, choices=KINDS)
    parser.add_argument("--by", required=True, help="who approves (or withdraws)")
    parser.add_argument("--reference", default="", help="memo or letter number")
    parser.add_argument("--withdraw", action="store_true", help="withdraw the approval")
    add_db_option(parser)
    parser.set_defaults(func=run_approve)


def run_approve(args: argparse.Namespace) -> int:
    store = store_from(args)
    try:
        if args.withdraw:
            withdraw(store, args.request, args.kind, args.by, agency=args.agency)
            print(f"{args.request}: approval {args.kind} withdrawn by {args.by}")
        else:
            row = approve(store, args.request, args.kind, args.by, args.reference,
                          agency=args.agency)
            print(f"{args.request}: {args.kind} approved by {row.approved_by} "
                  f"(reference {row.reference})")
    finally:
        store.close()
    return 0


def _moves(sub: Any) -> None:
    for name, text in (("assign", "place an officer on a request by hand"),
                       ("unassign", "remove an officer from a request by hand")):
        parser = sub.add_parser(name, help=text)
        parser.add_argument("request", help="request id")
        parser.add_argument("--officer", required=True)
        parser.add_argument("--start", default=None, metavar="ISO")
        if name == "assign":
            parser.add_argument("--end", default=None, metavar="ISO")
            parser.add_argument("--replace", default=None, metavar="OFFICER",
                                help="hand this officer's shift to --officer in one step "
                                     "(both or neither; --start picks the shift)")
        parser.add_argument("--override-reason", default=None, metavar="TEXT",
                            help="override the rules the agency's policy lets a supervisor lift")
        parser.add_argument("--by", default=None, help="the supervisor who authorizes it")
        add_db_option(parser)
        parser.set_defaults(func=run_move)


def run_move(args: argparse.Namespace) -> int:
    override = None
    if args.override_reason is not None or args.by is not None:
        if args.override_reason is None or args.by is None:
            raise InputError("--override-reason", "an override needs both --override-reason "
                             "and --by")
        override = Override(args.override_reason, args.by)
    start = aware(args.start, "--start")
    store = store_from(args)
    try:
        if args.command == "assign" and args.replace is not None:
            done = _replace(store, args, start, override)
        elif args.command == "assign":
            done = assign(store, args.request, args.officer, start=start,
                          end=aware(args.end, "--end"), override=override, agency=args.agency)
        else:
            done = unassign(store, args.request, args.officer, start=start, override=override,
                            agency=args.agency)
    finally:
        store.close()
    print(done.summary())
    return 0


def _replace(store: Store, args: argparse.Namespace, start: datetime | None,
             override: Override | None) -> HandMove:
    """`assign --replace A --officer B`: A's shift goes to B (`store.hand.move`)."""
    if args.end is not None:
        raise InputError("--end", "--replace keeps the shift's times; give --start to pick one")
    return move(store, args.request, args.replace, args.officer, start=start, override=override,
                agency=args.agency)


def _audit(sub: Any) -> None:
    parser = sub.add_parser("audit", help="list the audit trail, or `audit verify` its chain")
    parser.add_argument("action", nargs="?", choices=("list", "verify"), default="list")
    parser.add_argument("--request", default=None)
    parser.add_argument("--officer", default=None)
    parser.add_argument("--since", default=None, metavar="ISO")
    parser.add_argument("--csv", default=None, metavar="FILE", help="write the events as CSV")
    add_db_option(parser)
    parser.set_defaults(func=run_audit)


def run_audit(args: argparse.Namespace) -> int:
    since = aware(args.since, "--since")
    store = store_from(args, existing=True)
    try:
        with store.transaction() as session:
            if args.action == "verify":
                found = verify(session)
                print(found.summary())
                return 0 if found.ok else 1
            rows = list_events(session, request=args.request, officer=args.officer,
                               since=since, agency=args.agency)
    finally:
        store.close()
    if args.csv:
        _write_csv(Path(args.csv), [event_cells(r) for r in rows])
        print(f"{len(rows)} event(s) written to {args.csv}")
        return 0
    print("\n".join(event_line(r) for r in rows) if rows else "no events match")
    return 0


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EVENT_COLUMNS)
        writer.writerows(rows)


def _policy(sub: Any) -> None:
    parser = sub.add_parser("policy", help="set an agency's policy overrides (audited)")
    parser.add_argument("changes", help='JSON object, e.g. \'{"overridable_rules": ["ON_DUTY"]}\'')
    add_db_option(parser)
    parser.set_defaults(func=run_policy)


def run_policy(args: argparse.Namespace) -> int:
    try:
        changes = load_json(args.changes)
    except json.JSONDecodeError as exc:
        raise InputError("changes", f"not a JSON object: {exc.msg}") from exc
    if not isinstance(changes, dict):
        raise InputError("changes", "expected a JSON object of policy names")
    if not args.agency:
        raise InputError("--agency", "name the agency whose policy changes")
    store = store_from(args)
    try:
        overrides = set_policy(store, args.agency, changes)
    finally:
        store.close()
    print(f"{args.agency}: policy overrides {overrides.model_dump(mode='json')}")
    return 0
