"""JSON log lines: the event, the record's fields and the work-in-hand context, one per line."""

from __future__ import annotations

import json
import logging

from api.logs import JsonFormatter, log_context


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
