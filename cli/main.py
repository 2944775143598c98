"""Entry point of the `offduty` command.

Each module in `COMMANDS` exposes `register(subparsers)`; a subcommand sets `func(args) -> int`.
A user mistake (`InputError`) exits 2 with one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from models.common import InputError

COMMANDS: tuple[str, ...] = (
    "cli.serve", "cli.keys",
    "cli.quote",
    "cli.solve",
    "cli.demo",
    "cli.generate",
    "cli.scenario",
    "cli.validate",
    "cli.importer", "cli.nightly", "cli.roster", "cli.export",
    "cli.bench",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage plus message; we keep its exit code (2) and make it one line.
        self.exit(2, f"offduty: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="offduty", description="Scheduler and rate engine for off-duty police work."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"offduty: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`offduty schema | head`): nothing left to say.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("offduty: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
