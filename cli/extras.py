"""Which optional extra a command needs, and the one line saying so when it is not installed.

`pip install offduty` brings what solving and pricing need; the store, the service, the
scenario charts and the benchmark come with extras (pyproject.toml). A command whose extra is
missing fails on its first import of a library the core lacks; `missing_extra` turns that
`ModuleNotFoundError` into one line naming the extra to install.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

# The command's extra, when it needs one (commands not listed run on the core install).
COMMAND_EXTRA: dict[str, str] = {
    "serve": "service",
    "keys": "service",
    "import": "store",
    "nightly": "store",
    "runs": "store",
    "roster": "store",
    "confirm": "store",
    "cancel": "store",
    "worked": "store",
    "export": "store",
    "approve": "store",
    "assign": "store",
    "unassign": "store",
    "audit": "store",
    "policy": "store",
    "report": "store",
    "generate": "scenarios",
    "scenario": "scenarios",
    "bench": "bench",
    "bench-agencies": "all",
    "bench-jobs": "all",
    "demo": "all",
}

# Top-level modules of the optional libraries -> the extra that brings them.
MODULE_EXTRA: dict[str, str] = {
    "fastapi": "service",
    "starlette": "service",
    "uvicorn": "service",
    "jinja2": "service",
    "pydantic_settings": "store",
    "sqlalchemy": "store",
    "alembic": "store",
    "psycopg": "store",
    "openpyxl": "store",
    "icalendar": "store",
    "fpdf": "store",
    "pandas": "scenarios",
    "matplotlib": "scenarios",
    "dask": "scenarios",
    "distributed": "scenarios",
    "tqdm": "scenarios",
    "highspy": "bench",
}


class MissingExtra(Exception):
    """A command needs an optional library that is not installed."""


def missing_extra(exc: ModuleNotFoundError, command: str | None) -> MissingExtra | None:
    """The one-line error for an optional library missing, or None when `exc` is not that."""
    module = (exc.name or "").split(".")[0]
    if module not in MODULE_EXTRA:
        return None
    extra = COMMAND_EXTRA.get(command or "", MODULE_EXTRA[module])
    what = f"offduty {command}" if command else "this command"
    logger.debug("optional module %s missing for %s", module, what)
    return MissingExtra(
        f"{what} needs the [{extra}] extra ({module} is not installed): "
        f"pip install 'offduty[{extra}]'"
    )
