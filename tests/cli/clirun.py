"""Run `offduty` in-process through `main(argv)`, capturing its exit status, stdout and stderr.

Faster than a subprocess per case (the fuzz test runs hundreds), and argparse's own exits
(`SystemExit`) are turned into a status like the shell would see.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from cli.main import main

TINY_PROBLEM: dict[str, Any] = {
    "agency": "kennesaw-ga",
    "officers": [{
        "id": "K-1", "rank": "sergeant",
        "availability": [
            {"start": "2026-12-01T06:00:00-05:00", "end": "2026-12-01T22:00:00-05:00"},
        ],
    }],
    "requests": [{
        "id": "R-1", "employer": {"id": "EMP-1", "category": "grocery"},
        "start": "2026-12-01T08:00:00-05:00", "end": "2026-12-01T12:00:00-05:00",
        "received_at": "2026-11-20T09:00:00-05:00",
    }],
}


def run_cli(*argv: str) -> tuple[int, str, str]:
    """`offduty ARGV...` -> (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def write_problem(path: Path, problem: dict[str, Any] | None = None) -> Path:
    path.write_text(json.dumps(TINY_PROBLEM if problem is None else problem), encoding="utf-8")
    return path
