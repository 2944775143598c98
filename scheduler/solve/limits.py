"""`OFFDUTY_TIME_LIMIT_CAP_S`: one setting that shortens every solve, whoever asked for how long.

Tests, CI and the README's own test run the documented commands as written; with the cap set
they keep their meaning (every command still solves) in a fraction of the time. Unset, or not
a positive finite number, leaves every limit as asked.
"""

from __future__ import annotations

import logging
import math
import os

from models import Problem

logger = logging.getLogger(__name__)

CAP_VARIABLE = "OFFDUTY_TIME_LIMIT_CAP_S"


def time_limit_cap() -> float | None:
    """The cap in seconds, or None when unset or unusable."""
    text = os.environ.get(CAP_VARIABLE, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        logger.warning("%s=%r is not a number of seconds; ignored", CAP_VARIABLE, text)
        return None
    return value if math.isfinite(value) and value > 0 else None


def capped(problem: Problem) -> Problem:
    """The problem with its time limit lowered to the cap, when one is set and lower."""
    cap = time_limit_cap()
    if cap is None or problem.options.time_limit_s <= cap:
        return problem
    options = problem.options.model_copy(update={"time_limit_s": cap})
    return problem.model_copy(update={"options": options})
