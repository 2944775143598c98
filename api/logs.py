"""Structured logs: one JSON object per line, with the fields a record carries in `fields`.

Routes and middleware log through `logging.getLogger(__name__)` with
`extra={"fields": {...}}`; only ids, statuses and timings go there, never officer names or keys.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Fields of the work in hand (request id, job id), added to every record logged while it runs,
# so the solver's own progress lines can be matched to the request that caused them.
log_context: ContextVar[dict[str, Any] | None] = ContextVar("log_context", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update(log_context.get() or {})
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def setup_logging(level: str = "INFO") -> None:
    """Send the service's logs to stderr as JSON lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
