"""The `serial` marker (tests/conftest.py): what `make test` keeps off the parallel run."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, SERIAL


def test_every_serial_path_exists() -> None:
    for path in SERIAL:
        assert (ROOT / path).exists(), f"{path} is listed as serial but no longer exists"


def test_the_listed_tests_and_only_they_are_marked_serial() -> None:
    chosen = ["tests/scheduler/solve/test_greedy.py", "tests/api/test_pool.py",
              "tests/test_serial_marker.py", "tests/api/test_errors.py"]
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-m", "serial", *chosen],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    ).stdout
    # `-q` twice (with the project's addopts) lists each file as "PATH: COUNT".
    files = {line.split(":")[0] for line in listed.splitlines() if line.startswith("tests/")}
    assert files == {"tests/scheduler/solve/test_greedy.py", "tests/api/test_pool.py"}
