"""The core install, for real: a fresh virtual environment, `pip install` of this checkout with
no extra, then `offduty quote`, `offduty solve` and `offduty serve` run from that environment.

`test_extras.py` proves the same by blocking the optional libraries' imports in this
interpreter; this module proves the packaging itself (the core dependencies of pyproject.toml
are enough, nothing imports an extra at start-up). The environment is made without pip of its
own and without system site-packages; this interpreter's pip installs into it (`--python`),
with pip's configured index and cache. When no index is reachable the tests skip and say so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

from models.problem import Problem
from models.result import RosterResult
from scheduler.validate.validator import validate

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "scenarios" / "examples" / "small.json"
# What pip prints when it cannot reach an index, rather than when the project is wrong.
OFFLINE = ("No matching distribution found", "Could not find a version that satisfies",
           "Failed to establish a new connection", "Temporary failure in name resolution",
           "Network is unreachable", "Max retries exceeded")
# Not part of the source: copied, they would only slow the copy (or, for `build`, leak stale files
# into the wheel).
LOCAL = (".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
         ".mypy_cache", ".ruff_cache", ".hypothesis", "out", "exports", "secrets", ".bench", "*.db")
# Libraries only the extras bring; none may be importable in the core environment.
EXTRA_ONLY = ("fastapi", "uvicorn", "sqlalchemy", "alembic", "pydantic_settings", "matplotlib",
              "highspy", "dask", "openpyxl")

pytestmark = pytest.mark.slow


def _clean_env() -> dict[str, str]:
    """This process's environment without what would point Python at this checkout or venv."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
    return {k: v for k, v in os.environ.items() if k not in drop}


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh environment holding this checkout without extras."""
    home = tmp_path_factory.mktemp("core")
    started = time.perf_counter()
    # pip builds in the source tree: a copy keeps the checkout clean.
    source = home / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LOCAL))
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(home / "venv")
    python = home / "venv" / "bin" / "python"
    done = subprocess.run(
        # No bytecode compiled ahead (half the install's time): each command compiles what it
        # imports, as any first run would.
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-compile", str(source)],
        cwd=home, env=_clean_env(), capture_output=True, text=True, timeout=600, check=False,
    )
    if done.returncode != 0:
        why = [line.strip() for line in done.stderr.splitlines()
               if any(sign in line for sign in OFFLINE)]
        if why:
            pytest.skip(f"no package index reachable to install the core: {why[0]}")
        pytest.fail(f"pip install of the core failed:\n{done.stderr}")
    print(f"core environment installed in {time.perf_counter() - started:.1f} s")
    return home / "venv" / "bin"


def offduty(bin_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """`offduty` of the core environment, run outside the checkout."""
    return subprocess.run([str(bin_dir / "offduty"), *argv], cwd=bin_dir.parent,
                          env=_clean_env(), capture_output=True, text=True, timeout=120,
                          check=False)


def test_the_core_environment_has_no_extra_and_not_this_checkout(core: Path) -> None:
    probe = ("import importlib.util, json, cli\n"
             f"print(json.dumps([[m for m in {list(EXTRA_ONLY)!r} "
             "if importlib.util.find_spec(m)], cli.__file__]))")
    done = subprocess.run([str(core / "python"), "-c", probe], cwd=core.parent,
                          env=_clean_env(), capture_output=True, text=True, timeout=60,
                          check=True)
    extras, cli_file = json.loads(done.stdout)
    assert extras == []
    assert Path(cli_file).is_relative_to(core.parent)  # the installed copy, not the checkout


def test_quote_runs_on_the_core_install(core: Path) -> None:
    done = offduty(core, "quote", "--agency", "kennesaw-ga",
                   "--start", "2026-12-01T16:00:00-05:00", "--end", "2026-12-01T20:30:00-05:00",
                   "--received", "2026-11-17T09:00:00-05:00", "--officers", "3", "--json")
    assert done.returncode == 0, done.stderr
    # 3 officers x 4.5 h = 13.5 h at the regular 76.05 = 1026.675 -> 1026.68 (half-up)
    assert json.loads(done.stdout)["total"] == "1026.68"


def test_solve_runs_on_the_core_install(core: Path) -> None:
    done = offduty(core, "solve", str(SMALL), "--time-limit", "5", "--deterministic", "--json")
    assert done.returncode == 0, done.stderr
    result = RosterResult.model_validate_json(done.stdout)
    # The bundled small problem: 6 requests, 7 positions; one refused (ALCOHOL_INSIDE), one
    # position unfilled (both eligible officers held), 9 shifts, coverage proven optimal.
    assert result.status == "optimal"
    assert result.metrics.positions_requested == 7
    assert len(result.assignments) == 9
    assert [r.reasons[0].code for r in result.unfilled] == ["ALL_ELIGIBLE_BUSY"]
    assert [(r.request_id, r.code) for r in result.rejected] == [("REQ-00005", "ALCOHOL_INSIDE")]
    assert result.metrics.coverage == result.metrics.coverage_upper_bound == 19.1429
    report = validate(Problem.model_validate_json(SMALL.read_text(encoding="utf-8")), result)
    assert report.ok and report.violations == [] and report.mismatches == []


def test_serve_on_the_core_install_names_its_extra(core: Path) -> None:
    done = offduty(core, "serve")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == ("offduty: offduty serve needs the [service] extra (pydantic_settings "
                           "is not installed): pip install 'offduty[service]'\n")
