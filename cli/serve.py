"""`offduty serve`: run the HTTP service with uvicorn.

Settings come from `OFFDUTY_*` environment variables (see `api.settings`); the flags here
override the address and the number of solve workers. The service is one process: its job
store and solve pool live in memory, and each solve runs in a short-lived child process.
"""

from __future__ import annotations

import argparse
from typing import Any

from pydantic import ValidationError
from pydantic_settings import SettingsError

from models.common import InputError, describe_validation_error


def register(sub: Any) -> None:
    """Add the `serve` subcommand."""
    parser = sub.add_parser("serve", help="run the HTTP service (settings: OFFDUTY_* variables)")
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=None,
                        help="solves that run at once (OFFDUTY_SOLVE_WORKERS, default 2)")
    parser.add_argument("--db", metavar="PATH|URL", default=None,
                        help="the store the console at / serves (default: $OFFDUTY_DATABASE_URL, "
                        "$OFFDUTY_DATABASE_PATH, offduty.db)")
    parser.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.logs import setup_logging
    from api.main import create_app
    from api.settings import Settings
    from cli.store_args import store_from
    from scheduler.agencies import agencies_dir

    overrides = {
        name: value
        for name, value in (("host", args.host), ("port", args.port),
                            ("solve_workers", args.workers))
        if value is not None
    }
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        err = describe_validation_error(exc)
        raise InputError(f"OFFDUTY_{err.field.upper()}", err.message) from exc
    except SettingsError as exc:
        raise InputError("settings", str(exc)) from exc
    setup_logging(settings.log_level)
    agencies_dir()  # a folder that is not one stops the service here (exit 2), not per call
    app = create_app(settings)
    # The store opens after the settings and keys are checked; an unreachable database fails
    # here, before listening (exit 1).
    app.state.store = store_from(args)
    print(f"offduty console at http://{settings.host}:{settings.port}/ (API at /v1, docs at "
          "/docs)", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False,
                timeout_graceful_shutdown=10)
    return 0
