"""The core install alone: `offduty solve` and `offduty quote` work, the rest names its extra.

Each case runs the CLI in a fresh interpreter where every library of an extra fails to import
(as on `pip install offduty` without extras), so what the core needs is proven, not assumed.
`test_core_install.py` does the same in a real environment installed without extras.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli.extras import MODULE_EXTRA

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "scenarios" / "examples" / "small.json"

# Blocks every optional library, then runs `offduty` with the arguments that follow.
CORE_ONLY = """
import importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
from cli.main import main
sys.exit(main(sys.argv[2:]))
"""


# ortools requires pandas itself, so the core install has it whatever the extras.
BLOCKED = sorted(set(MODULE_EXTRA) - {"pandas"})


def core_only(*argv: str) -> subprocess.CompletedProcess[str]:
    blocked = ",".join(BLOCKED)
    return subprocess.run([sys.executable, "-c", CORE_ONLY, blocked, *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_quote_runs_on_the_core_alone() -> None:
    done = core_only("quote", "--agency", "kennesaw-ga", "--start", "2026-12-01T16:00:00-05:00",
                     "--end", "2026-12-01T20:30:00-05:00",
                     "--received", "2026-11-17T09:00:00-05:00", "--officers", "3", "--json")
    assert done.returncode == 0, done.stderr
    # 3 officers x 4.5 h = 13.5 h at the regular 76.05 = 1026.675 -> 1026.68 (half-up)
    assert json.loads(done.stdout)["total"] == "1026.68"


def test_solve_runs_on_the_core_alone() -> None:
    done = core_only("solve", str(SMALL), "--time-limit", "5", "--deterministic", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["violations"] == []  # the validator's verdict, included in every result
    assert result["metrics"]["positions_requested"] == 7  # 6 requests, one asks for 2
    assert result["metrics"]["coverage"] == result["metrics"]["coverage_upper_bound"]


@pytest.mark.parametrize(("argv", "extra", "module"), [
    (("serve",), "service", "pydantic_settings"),
    (("nightly", "--help"), "store", "sqlalchemy"),
    (("scenario", "--help"), "scenarios", "matplotlib"),
])
def test_a_command_without_its_extra_names_it_in_one_line(
    argv: tuple[str, ...], extra: str, module: str
) -> None:
    done = core_only(*argv)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (f"offduty: offduty {argv[0]} needs the [{extra}] extra ({module} is "
                           f"not installed): pip install 'offduty[{extra}]'\n")


def test_help_on_the_core_lists_the_commands_that_run() -> None:
    done = core_only("--help")
    assert done.returncode == 0
    listed = set(re.search(r"\{([^}]*)\}", done.stdout)[1].split(","))  # type: ignore[index]
    assert {"solve", "quote", "validate", "agencies", "schema"} <= listed
    assert {"serve", "nightly", "roster", "scenario", "bench"} & listed == set()
