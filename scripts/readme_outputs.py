"""Regenerate (or check) the command outputs README.md shows as `text` blocks.

A `text` block whose line before is `<!-- readme-output: COMMAND -->` shows what COMMAND prints:
this script runs COMMAND (from the repository root, `offduty` being the one installed beside this
Python) and writes its output into the block. `<!-- readme-output, time-limited: COMMAND -->`
marks an output that depends on how far the solver got in its time limit (the city-scale table):
it is rewritten only with `--all`, and never checked.

    python scripts/readme_outputs.py           # rewrite the reproducible blocks (make readme)
    python scripts/readme_outputs.py --all     # and the time-limited ones (minutes)
    python scripts/readme_outputs.py --check   # exit 1, naming the block, if one differs

The scenario comparisons solve in CP-SAT's deterministic time on one worker each and reach their
proven bound well within their limits, so they print the same table on every run.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARKER = re.compile(r"^<!-- readme-output(?P<limited>, time-limited)?: (?P<command>.+) -->$")


@dataclass(frozen=True)
class Shown:
    """One marked block: its command, where its body lies (line indexes), what it shows now."""

    command: str
    time_limited: bool
    first: int
    end: int
    body: str


def shown_outputs(text: str) -> list[Shown]:
    """Every marked `text` block of the README, in order."""
    lines = text.split("\n")
    found = []
    for index, line in enumerate(lines):
        match = MARKER.match(line)
        if match is None:
            continue
        if index + 1 >= len(lines) or lines[index + 1] != "```text":
            raise ValueError(f"README.md:{index + 1}: a readme-output marker must stand right "
                             "before a ```text block")
        end = lines.index("```", index + 2)
        found.append(Shown(match["command"], bool(match["limited"]), index + 2, end,
                           "\n".join(lines[index + 2:end])))
    return found


def run(command: str) -> str:
    """What the command prints, run from the repository root with this Python's `offduty`."""
    words = shlex.split(command)
    if words[0] != "offduty":
        raise ValueError(f"{command}: only offduty commands are regenerated")
    program = Path(sys.executable).parent / "offduty"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFFDUTY_")}
    done = subprocess.run([str(program), *words[1:]], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command}: exit {done.returncode}: {done.stderr.strip()[-500:]}")
    return done.stdout.rstrip("\n")


def regenerate(text: str, include_limited: bool) -> tuple[str, list[tuple[Shown, str]]]:
    """The README with every selected block rewritten, and (block, its new body) pairs."""
    lines = text.split("\n")
    fresh = []
    for shown in reversed(shown_outputs(text)):
        if shown.time_limited and not include_limited:
            continue
        body = run(shown.command)
        lines[shown.first:shown.end] = body.split("\n")
        fresh.append((shown, body))
    return "\n".join(lines), fresh[::-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--all", action="store_true", help="also the time-limited outputs")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    updated, fresh = regenerate(text, args.all and not args.check)
    stale = [(s, body) for s, body in fresh if body != s.body]
    for shown, body in stale:
        print(f"README.md:{shown.first}: {shown.command}: the shown output differs",
              file=sys.stderr)
        diff = difflib.unified_diff(shown.body.split("\n"), body.split("\n"), "shown", "printed",
                                    lineterm="", n=0)
        print("\n".join(diff), file=sys.stderr)
    if args.check:
        return 1 if stale else 0
    README.write_text(updated, encoding="utf-8")
    print(f"{len(fresh)} output(s) regenerated, {len(stale)} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
