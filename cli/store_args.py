"""Arguments shared by the store commands: where the store is, and aware times and dates.

`--db` takes a SQLite path or a database URL; without it the environment decides
(`OFFDUTY_DATABASE_URL`, else `OFFDUTY_DATABASE_PATH`, else `offduty.db`). `--agency` takes an
id or an agency file, which the store keeps under its id (store/agencies.py).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime

from cli.errors import StoreOpenError
from models import InputError
from scheduler.agencies import is_agency_file
from scheduler.input_bounds import typed_date, typed_time
from store import Store, open_store
from store.db import sqlite_file


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH|URL", default=None,
        help="store location (default: $OFFDUTY_DATABASE_URL, $OFFDUTY_DATABASE_PATH, offduty.db)",
    )
    parser.add_argument(
        "--agency", default=None,
        help="agency id (needed when the store holds several), or an agency file to keep in it",
    )


def store_from(args: argparse.Namespace, *, existing: bool = False) -> Store:
    """The store of `--db` (or the environment); a database error while opening it is the
    environment's failure (exit 1), whatever its kind. A command that only reads (`existing`)
    never creates one: a mistyped path made a folder and an empty store, and answered "no
    assignments match"."""
    from sqlalchemy.exc import DBAPIError

    if existing:
        path = sqlite_file(args.db)
        if path is not None and not path.exists():
            raise InputError("--db", f"no store at {path} (import data or run offduty demo first)")

    try:
        store = open_store(args.db)
    except DBAPIError as exc:
        raise StoreOpenError(exc) from exc
    given = getattr(args, "agency", None)
    if given and is_agency_file(given):
        # The store keeps agencies by id: a file's agency is kept, then named by its id.
        from store.agencies import keep_agency_file

        try:
            args.agency = keep_agency_file(store, given)
        except BaseException:
            store.close()
            raise
    elif given and existing:
        _known_agency(store, given)
    return store


def _known_agency(store: Store, agency: str) -> None:
    """A command that only reads names an agency the store holds: an unknown one answered
    "no assignments match" (or an audit verified nothing) and exited 0."""
    from store.records import known_agency

    try:
        with store.transaction() as session:
            known_agency(session, agency, "--agency")
    except BaseException:
        store.close()
        raise


def aware(text: str | None, field: str) -> datetime | None:
    """An ISO 8601 time with its UTC offset (`typed_time`), or None when not given."""
    return None if text is None else typed_time(text, field)


def required_aware(text: str, field: str) -> datetime:
    moment = aware(text, field)
    assert moment is not None
    return moment


def day(text: str | None, field: str) -> date | None:
    return None if text is None else typed_date(text, field)
