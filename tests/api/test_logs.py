"""JSON log lines: the event, the record's fields and the work-in-hand context, one per line;
at debug level too, where CP-SAT's search log joins them."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from api.logs import JsonFormatter, log_context
from tests.api.conftest import EXAMPLES


def _record(message: str, **fields: object) -> logging.LogRecord:
    record = logging.LogRecord("api.test", logging.INFO, __file__, 1, message, None, None)
    record.fields = fields
    return record


def test_fields_become_keys_of_one_json_object() -> None:
    line = JsonFormatter().format(_record("solve", request_id="r-1", status="optimal"))
    entry = json.loads(line)
    assert "\n" not in line
    assert (entry["event"], entry["level"], entry["logger"]) == ("solve", "INFO", "api.test")
    assert (entry["request_id"], entry["status"]) == ("r-1", "optimal")
    assert entry["time"].endswith("+00:00")


def test_context_fields_join_every_line_logged_while_they_are_set() -> None:
    token = log_context.set({"request_id": "r-2", "job_id": "j-1"})
    try:
        entry = json.loads(JsonFormatter().format(_record("stage coverage")))
    finally:
        log_context.reset(token)
    assert (entry["request_id"], entry["job_id"]) == ("r-2", "j-1")
    assert "request_id" not in json.loads(JsonFormatter().format(_record("later")))


def test_exceptions_are_kept_in_the_line() -> None:
    try:
        raise RuntimeError("kaput")
    except RuntimeError:
        record = _record("failed")
        import sys

        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert "RuntimeError: kaput" in entry["exception"]


DEBUG_SOLVE = """
import json, sys, threading
from api.isolation import solve_isolated
from api.logs import log_context, setup_logging
from models.problem import Problem
from scheduler.solve.solver import solve

setup_logging("DEBUG")
problem = Problem.model_validate(json.load(open(sys.argv[1])) | {"options": {"time_limit_s": 2}})
log_context.set({"request_id": "r-here"})
solve(problem)
log_context.set({"request_id": "r-child"})
solve_isolated(problem, stop_event=threading.Event())
"""


def test_at_debug_level_every_line_of_a_solve_is_json(tmp_path: Path) -> None:
    """CP-SAT's own search log included, in this process and in a solve's child process."""
    done = subprocess.run(
        [sys.executable, "-c", DEBUG_SOLVE, str(EXAMPLES / "small.json")],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == ""  # CP-SAT used to print its log here
    entries = [json.loads(line) for line in done.stderr.splitlines()]  # each line must parse
    cp_sat = [e for e in entries if e["event"].startswith("cp-sat coverage:")]
    assert {e["request_id"] for e in cp_sat} == {"r-here", "r-child"}
    assert all(e["level"] == "DEBUG" and e["logger"] == "scheduler.solve.stages" for e in cp_sat)
