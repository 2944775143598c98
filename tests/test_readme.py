"""The README runs: every `sh` and `console` block, in order, in a fresh copy of the repository.

Conventions (README.md, "This README is tested"): a `console` block is `$ command` lines (a line
ending in a backslash continues the command) each followed by its exact output; an `sh` block is
a script that must succeed; `<!-- readme-test: skip (why) -->` on the line before a block keeps it
from running; `text`, `yaml` and `json` blocks are shown output and files. Every block must carry
one of these tags, so a block added later either runs here or says why not.
`OFFDUTY_TIME_LIMIT_CAP_S` keeps each solve to one second.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TAGS = {"sh", "console", "text", "yaml", "json"}
SKIP = re.compile(r"^<!-- readme-test: skip \((?P<why>[^)]+)\) -->$")
IGNORED = (".venv", ".git", "out", "exports", "july4", "secrets", ".bench", "*.db",
           "*.db-journal", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
           ".hypothesis", "*.egg-info", "build")


@dataclass(frozen=True)
class Block:
    line: int
    tag: str
    body: str
    skip: str | None


def blocks(text: str) -> list[Block]:
    """Every fenced block of the README with its tag, its first line and its skip reason."""
    found: list[Block] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        if lines[index].startswith("```"):
            tag = lines[index][3:].strip()
            end = lines.index("```", index + 1)
            before = lines[index - 1] if index else ""
            match = SKIP.match(before)
            found.append(Block(index + 1, tag, "\n".join(lines[index + 1:end]),
                               match["why"] if match else None))
            index = end
        index += 1
    return found


def console_steps(body: str) -> list[tuple[str, str]]:
    """A console block as (command, expected output) pairs."""
    steps: list[tuple[str, list[str]]] = []
    continued = False
    for line in body.split("\n"):
        if continued:
            steps[-1] = (steps[-1][0] + "\n" + line, steps[-1][1])
        elif line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
        continued = line.endswith("\\") and not steps[-1][1]
    return [(command, "".join(out + "\n" for out in output)) for command, output in steps]


def test_every_block_is_tagged_and_every_skip_says_why() -> None:
    for block in blocks(README.read_text(encoding="utf-8")):
        assert block.tag in TAGS, f"README.md:{block.line}: untagged block ({block.tag!r})"
    assert "<!-- readme-test: skip -->" not in README.read_text(encoding="utf-8")


def test_console_blocks_split_into_commands_and_their_output() -> None:
    steps = console_steps("$ a \\\n    b\nout 1\nout 2\n$ c\n")
    assert steps == [("a \\\n    b", "out 1\nout 2\n"), ("c", "\n")]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFFDUTY_")}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["OFFDUTY_TIME_LIMIT_CAP_S"] = "1"
    return env


def _run(script: str, cwd: Path, where: str) -> str:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=_environment(),
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{where}: exit {done.returncode}\n{done.stderr[-2000:]}"
    return done.stdout


@pytest.mark.slow
def test_the_readme_runs_top_to_bottom(tmp_path: Path) -> None:
    clone = tmp_path / "offduty"
    shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns(*IGNORED))
    ran = 0
    for block in blocks(README.read_text(encoding="utf-8")):
        if block.skip or block.tag not in ("sh", "console"):
            continue
        where = f"README.md:{block.line}"
        if block.tag == "sh":
            _run(block.body, clone, where)
        else:
            for command, expected in console_steps(block.body):
                assert _run(command, clone, where) == expected, where
        ran += 1
    assert ran >= 7
    # What the blocks left behind is what .gitignore covers.
    status = subprocess.run(["git", "init", "-q", "."], cwd=clone, check=False)
    if status.returncode == 0:
        left = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                              cwd=clone, capture_output=True, text=True, check=True).stdout
        made = [line[3:] for line in left.splitlines()
                if not (clone / line[3:]).is_file() or not (ROOT / line[3:]).exists()]
        assert made == [], f"files the README makes that .gitignore misses: {made[:5]}"
