"""How the `offduty` command reports a failure: one line on stderr and an exit code.

Every error that reaches the command line is mapped here, in one place, so no command needs its
own try/except: a user mistake exits 2 naming the field or file, an environment failure (a
database that cannot be reached, or a file that is not a database) exits 1 naming it. Library
errors are recognised by type (SQLAlchemy, decoding, csv, file system, arithmetic range); anything
else is a bug in offduty: one line saying so and where the traceback was written, exit 1.
"""

from __future__ import annotations

import argparse
import csv
import decimal
import errno
import logging
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from models.common import InputError

log = logging.getLogger(__name__)

USER_ERROR = 2
ENVIRONMENT_FAILURE = 1

# Positional file arguments are named by their value alone; options by their flag and value.
_POSITIONAL_FILES = ("file", "problem", "result")
# Errors of the machine rather than of the path the user gave.
_ENVIRONMENT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EROFS, errno.ENOMEM}


class StoreOpenError(Exception):
    """The store could not be opened (connected, read or migrated): the environment's failure."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@dataclass(frozen=True)
class Failure:
    """What to print (after `offduty: `) and the exit status."""

    message: str
    status: int


def describe(exc: BaseException, args: argparse.Namespace) -> Failure:
    """The one line and exit status for an error raised by a command."""
    for kinds, handler in _handlers():
        if isinstance(exc, kinds):
            return handler(exc, args)
    return _internal(exc)


def _handlers() -> list[tuple[tuple[type[BaseException], ...], Callable[..., Failure]]]:
    # Order matters: InputError and UnicodeDecodeError are ValueErrors; OSError comes after the
    # database errors because SQLAlchemy wraps driver errors that are not OSErrors.
    handlers: list[tuple[tuple[type[BaseException], ...], Callable[..., Failure]]] = [
        ((InputError,), _input_error),
        ((StoreOpenError,), _store_open_error),
    ]
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")  # never imported just to ask
    if sqlalchemy_exc is not None:
        handlers.append(((sqlalchemy_exc.ArgumentError,), _bad_database_url))
        handlers.append(((sqlalchemy_exc.DBAPIError,), _database_failure))
    handlers += [
        ((UnicodeDecodeError,), _not_utf8),
        ((csv.Error,), _bad_csv),
        ((OSError,), _os_error),
        ((OverflowError, decimal.InvalidOperation), _out_of_range),
    ]
    return handlers


def _input_error(exc: InputError, _args: argparse.Namespace) -> Failure:
    return Failure(str(exc), USER_ERROR)


def database_label(args: argparse.Namespace) -> str:
    """The store the command was pointed at, as `--db X` or the environment's URL (no password)."""
    given = getattr(args, "db", None)
    if given is not None:
        return f"--db {_hide_password(given)}"
    from store.settings import StoreSettings  # only store commands get here

    return f"database {_hide_password(StoreSettings().url())}"


def _hide_password(target: str) -> str:
    if "://" not in target:
        return target
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(target).render_as_string(hide_password=True)
    except ArgumentError:
        return target


def _bad_database_url(exc: Exception, args: argparse.Namespace) -> Failure:
    return Failure(f"{database_label(args)}: not a database path or URL ({_first_line(exc)})",
                   USER_ERROR)


def _database_failure(exc: Exception, args: argparse.Namespace) -> Failure:
    """A database that cannot be opened or reached is the environment's failure, exit 1; any
    other database error (a constraint, bad SQL) is a bug."""
    return _unusable_database(exc, args) or _internal(exc)


def _unusable_database(exc: Exception, args: argparse.Namespace) -> Failure | None:
    from sqlalchemy.exc import OperationalError

    cause = _first_line(getattr(exc, "orig", None) or exc)
    if "not a database" in cause:
        return Failure(f"{database_label(args)}: not a SQLite database ({cause})",
                       ENVIRONMENT_FAILURE)
    if isinstance(exc, OperationalError):
        return Failure(f"{database_label(args)}: cannot use the database: {cause}",
                       ENVIRONMENT_FAILURE)
    return None


def _store_open_error(exc: StoreOpenError, args: argparse.Namespace) -> Failure:
    """Any database error while opening the store (e.g. a schema the URL names is missing)."""
    cause = _first_line(getattr(exc.cause, "orig", None) or exc.cause)
    return _unusable_database(exc.cause, args) or Failure(
        f"{database_label(args)}: cannot open the store: {cause}", ENVIRONMENT_FAILURE)


def _not_utf8(exc: UnicodeDecodeError, args: argparse.Namespace) -> Failure:
    byte = exc.object[exc.start:exc.start + 1].hex()
    return Failure(f"{_input_files(args)}: not UTF-8 text (byte 0x{byte} at offset {exc.start})",
                   USER_ERROR)


def _bad_csv(exc: csv.Error, args: argparse.Namespace) -> Failure:
    return Failure(f"{_input_files(args)}: not a readable CSV file ({exc})", USER_ERROR)


def _os_error(exc: OSError, args: argparse.Namespace) -> Failure:
    status = ENVIRONMENT_FAILURE if exc.errno in _ENVIRONMENT_ERRNOS else USER_ERROR
    reason = exc.strerror or _first_line(exc)
    if exc.filename is None:
        return Failure(f"{_input_files(args)}: {reason}", status)
    name = str(exc.filename)
    where = _argument_holding(args, name)
    if where is None:
        return Failure(f"{name}: {reason}", status)
    return Failure(f"{where}: {reason}" + ("" if name in where else f" ({name})"), status)


def _out_of_range(exc: Exception, args: argparse.Namespace) -> Failure:
    # Bounds are checked where the input is read (scheduler/input_bounds.py); this is the net
    # for a value that slipped through, e.g. one already in a store written by an older offduty.
    detail = _first_line(exc) or type(exc).__name__
    return Failure(f"{_input_files(args)}: a number or date is outside the range offduty "
                   f"computes with ({detail})", USER_ERROR)


def _internal(exc: BaseException) -> Failure:
    """A bug: one line, the traceback written to a log file (and the log), exit 1."""
    text = "".join(traceback.format_exception(exc))
    log.debug("internal error\n%s", text)
    try:
        with tempfile.NamedTemporaryFile(
            "w", prefix="offduty-error-", suffix=".log", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(text)
        where = f"details in {handle.name}"
    except OSError:
        where = "run with -v for details"
    return Failure(f"internal error ({type(exc).__name__}: {_first_line(exc)}); {where}",
                   ENVIRONMENT_FAILURE)


def _input_files(args: argparse.Namespace) -> str:
    """The file(s) the command read, or the command itself when it reads none."""
    files = [str(getattr(args, name)) for name in _POSITIONAL_FILES
             if getattr(args, name, None) is not None]
    return ", ".join(files) if files else str(getattr(args, "command", "offduty"))


def _argument_holding(args: argparse.Namespace, path: str) -> str | None:
    """The argument whose path is, contains or lies inside `path` (`--out x`), if any."""
    for name, value in vars(args).items():
        if not isinstance(value, str | PurePath):
            continue
        text = str(value)
        if text and (text == path or text.startswith(path + "/") or path.startswith(text + "/")):
            return text if name in _POSITIONAL_FILES else f"--{name.replace('_', '-')} {text}"
    return None


def _first_line(exc: object) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else ""
