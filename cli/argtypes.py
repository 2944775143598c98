"""Argument types that refuse what the commands cannot use, at the parser.

`type=float` accepts `nan`, `inf` and `1e999`, and `type=int` any size; these functions take
only finite numbers within the bounds the command can honour, so a bad value is argparse's
one-line error naming the option (exit 2) before anything runs.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from models import InputError
from scheduler.input_bounds import typed_number, typed_whole


def finite_float(text: str) -> float:
    """Any finite number (the model behind the option checks its range and names its field)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def bounded_float(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    """A finite number in [low, high] (or (low, high] with `low_open`)."""

    def parse(text: str) -> float:
        try:
            return typed_number(text, "", low, high, low_open=low_open)
        except InputError as exc:
            raise argparse.ArgumentTypeError(exc.message) from None

    parse.__name__ = "number"
    return parse


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """A whole number in [low, high]."""

    def parse(text: str) -> int:
        try:
            return typed_whole(text, "", low, high)
        except InputError as exc:
            raise argparse.ArgumentTypeError(exc.message) from None

    parse.__name__ = "whole number"
    return parse
