"""`offduty demo`: prices the bundled example requests so a newcomer sees the engine at work.

A placeholder until the solver demo replaces its body; it reads `scenarios/examples/quotes.json`.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from typing import Any

from cli.quote import format_quote
from models.quote import QuoteRequest
from scheduler.rates import quote


def register(sub: Any) -> None:
    """Add the `demo` subcommand."""
    parser = sub.add_parser("demo", help="price the bundled example requests")
    parser.set_defaults(func=run_demo)


def bundled_quotes() -> list[tuple[str, QuoteRequest]]:
    """The example requests shipped with offduty, by name."""
    text = resources.files("scenarios").joinpath("examples/quotes.json").read_text("utf-8")
    data = json.loads(text)
    return [(item["name"], QuoteRequest.model_validate(item["request"])) for item in data["quotes"]]


def run_demo(args: argparse.Namespace) -> int:
    for name, request in bundled_quotes():
        print(f"== {name}")
        print(format_quote(quote(request)))
        print()
    return 0
