"""Every Markdown file the repository names exists in it.

A reference to a document that is not there (a style guide once was) sends a reader nowhere.
The names are read from the tracked source, tests and documents; a bare name (`rules.md`)
counts when some file of the repository ends with it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"[A-Za-z0-9_./-]*[A-Za-z0-9_]\.md\b")
READ = (".py", ".md", ".toml", ".yaml", ".html", ".ini")


def tracked_files() -> list[str]:
    """The repository's files, from git when it is a checkout, else from the tree."""
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = []
    if not out:
        skip = {".venv", ".git", "build"}
        out = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
               if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]
    return sorted(out)


def missing_references(files: list[str], read: dict[str, str]) -> list[str]:
    """`file: name` for each Markdown name in `read` that no file of `files` ends with."""
    md = [f for f in files if f.endswith(".md")]
    wrong = []
    for path, text in read.items():
        for name in sorted(set(NAME.findall(text))):
            bare = name.lstrip("./")
            if not any(f == bare or f.endswith("/" + bare) for f in md):
                wrong.append(f"{path}: {name}")
    return wrong


def test_every_named_markdown_file_exists() -> None:
    files = tracked_files()
    this = str(Path(__file__).resolve().relative_to(ROOT))  # its examples name missing files
    read = {f: (ROOT / f).read_text(encoding="utf-8") for f in files
            if (f.endswith(READ) or f == "Makefile") and f != this}
    assert "docs/style.md" in files
    assert missing_references(files, read) == []


@pytest.mark.parametrize(("text", "wrong"), [
    ("see STYLE.md", ["a.py: STYLE.md"]),
    ("see docs/rules.md and rules.md", []),
    ("see docs/solver.md#bounds", []),
    ("see other/rules.md", ["a.py: other/rules.md"]),
])
def test_a_missing_name_is_reported(text: str, wrong: list[str]) -> None:
    files = ["docs/rules.md", "docs/solver.md", "a.py"]
    assert missing_references(files, {"a.py": text}) == wrong
