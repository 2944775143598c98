"""Argument types that refuse what the commands cannot use, at the parser.

`type=float` accepts `nan`, `inf` and `1e999`, and `type=int` any size; these functions take
only finite numbers within the bounds the command can honour, so a bad value is argparse's
one-line error naming the option (exit 2) before anything runs.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


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
    bracket = "(" if low_open else "["

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        too_low = value <= low if low_open else value < low
        if not math.isfinite(value) or too_low or value > high:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a finite number in {bracket}{low:g}, {high:g}]"
            )
        return value

    parse.__name__ = "number"
    return parse


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """A whole number in [low, high]."""

    def parse(text: str) -> int:
        stripped = text.strip()
        # int() of thousands of digits is slow and then refused by Python; bound it first.
        if len(stripped) > 20:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}")
        try:
            value = int(stripped)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    parse.__name__ = "whole number"
    return parse
