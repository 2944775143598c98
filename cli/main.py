"""Entry point of the `offduty` command.

Each module in `COMMANDS` exposes `register(subparsers)`; a subcommand sets `func(args) -> int`.
A user mistake (`InputError`, a bad argument) exits 2 with one line on stderr, an environment
failure (an unreachable database) exits 1; `cli/errors.py` maps every error to its line and
status, so no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from importlib import metadata

from pydantic import ValidationError

from cli.errors import describe
from cli.extras import MissingExtra, missing_extra

# Subcommand -> the module that registers it. Only the module of the command being run is
# imported (the store, the service and the charts pull in heavy libraries); `--help` imports all.
COMMANDS: dict[str, str] = {
    "agencies": "cli.quote",
    "quote": "cli.quote",
    "solve": "cli.solve",
    "schema": "cli.solve",
    "validate": "cli.validate",
    "generate": "cli.generate",
    "demo": "cli.demo",
    "import": "cli.importer",
    "nightly": "cli.nightly",
    "runs": "cli.nightly",
    "roster": "cli.roster",
    "confirm": "cli.roster",
    "cancel": "cli.roster",
    "worked": "cli.roster",
    "export": "cli.export",
    "scenario": "cli.scenario",
    "serve": "cli.serve",
    "keys": "cli.keys",
    "bench": "cli.bench",
    "approve": "cli.record",
    "assign": "cli.record",
    "unassign": "cli.record",
    "audit": "cli.record",
    "policy": "cli.record",
    "report": "cli.reports",
    "bench-agencies": "cli.bench_agencies",
    "bench-jobs": "cli.bench_agencies",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage plus message; we keep its exit code (2) and make it one line.
        self.exit(2, f"offduty: {message}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with one command's module registered, or every module when unknown/None."""
    parser = _Parser(
        prog="offduty", description="Scheduler and rate engine for off-duty police work."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser.add_argument("--version", action="version", version=f"offduty {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            missing = missing_extra(exc, command)
            if missing is None:
                raise
            if len(modules) == 1:
                raise missing from exc
            continue  # `--help` on a partial install lists the commands that can run
        module.register(sub)
    return parser


def _bad_setting(exc: ValidationError) -> str:
    """One line naming the environment setting a user got wrong (settings read OFFDUTY_*)."""
    first = exc.errors()[0]
    name = "OFFDUTY_" + "_".join(str(part) for part in first["loc"]).upper()
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"environment setting {name}={first.get('input')!r}: {first['msg']}{more}"


def _version() -> str:
    """The installed distribution's version (the source tree's when not installed)."""
    try:
        return metadata.version("offduty")
    except metadata.PackageNotFoundError:
        return "unknown"


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the line (the first word that is not an option)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _command(argv) is None and "--version" in argv and not {"-h", "--help"} & set(argv):
        print(f"offduty {_version()}")  # without loading every command's module
        return 0
    try:
        parser = build_parser(_command(argv))  # the defaults read OFFDUTY_* settings
    except ValidationError as exc:
        print(f"offduty: {_bad_setting(exc)}", file=sys.stderr)
        return 2
    except MissingExtra as exc:
        print(f"offduty: {exc}", file=sys.stderr)
        return 1
    if not argv:
        # A bare `offduty` is someone finding their way: show the commands, not an error.
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    # A handler of our own, removed on the way out: main() also runs in-process (tests, scripts),
    # and a root handler left bound to a stream that is later closed breaks every later log line.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO if args.verbose else logging.WARNING)
    try:
        return _run(args)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # The reader went away (`offduty schema | head`): nothing left to say, and stdout must
        # not be flushed again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("offduty: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # describe() reports anything it does not know as a bug
        if isinstance(exc, ModuleNotFoundError) and missing_extra(exc, args.command):
            print(f"offduty: {missing_extra(exc, args.command)}", file=sys.stderr)
            return 1  # a lazy import of an optional library the install lacks
        failure = describe(exc, args)
        print(f"offduty: {failure.message}", file=sys.stderr)
        return failure.status


if __name__ == "__main__":
    sys.exit(main())
