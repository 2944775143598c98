"""Who may import whom: the package map of docs/architecture.md, read from the source itself.

Imports are read with `ast` (no module is executed), including imports inside functions, so a
lazy import breaks a rule as surely as a top-level one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "scheduler", "scenarios", "store", "api", "benchmarks", "cli")
SERVICE = {"api", "store", "cli"}
# Top-level packages each package may import besides itself. api, store and cli are imported
# only by themselves, the cli and the tests (and by the benchmark harness that drives them).
ALLOWED = {
    "models": set(),
    "scheduler": {"models"},
    "scenarios": {"models", "scheduler"},
    "store": {"models", "scheduler"},
    "api": {"models", "scheduler", "store"},
    "benchmarks": {"models", "scheduler", "scenarios", "store", "api"},
    "cli": set(PACKAGES),
}


def module_name(path: Path, root: Path) -> str:
    """`scheduler/validate/view.py` -> `scheduler.validate.view` (a package is its `__init__`)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every absolute module name a file imports, wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> the modules of `packages` it imports (names that are not modules dropped)."""
    files = {module_name(p, root): p for pkg in packages for p in (root / pkg).rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in files} for name, path in files.items()}


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Modules reached from `start` by imports, package `__init__`s not followed."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for m in graph.get(todo.pop(), set()):
            if m not in seen and m not in PACKAGES:
                seen.add(m)
                todo.append(m)
    return seen


GRAPH = import_graph(ROOT, PACKAGES)


def _top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_import_only_what_the_map_allows(package: str) -> None:
    wrong = sorted(f"{m} -> {i}" for m, deps in GRAPH.items() if _top(m) == package
                   for i in deps if _top(i) not in ALLOWED[package] | {package})
    assert wrong == []


def test_models_import_nothing_from_scheduler() -> None:
    assert [m for m, deps in GRAPH.items() if _top(m) == "models"
            and any(_top(d) == "scheduler" for d in deps)] == []


def test_nothing_outside_the_service_imports_it() -> None:
    outside = [m for m, deps in GRAPH.items() if _top(m) in {"models", "scheduler", "scenarios"}
               and any(_top(d) in SERVICE for d in deps)]
    assert outside == []


def test_the_validator_reaches_nothing_of_the_solver() -> None:
    validator = [m for m in GRAPH if m.startswith("scheduler.validate.")]
    assert len(validator) == 5
    for name in validator:
        assert {m for m in reachable(GRAPH, name) if m.startswith("scheduler.solve")} == set()


def test_the_rules_reach_nothing_of_the_solver() -> None:
    # The screening reads pieces through `rules.piece_view`, not `solve.pieces`: no cycle.
    rules = [m for m in GRAPH if m.startswith("scheduler.rules.")]
    assert {"scheduler.rules.eligibility", "scheduler.rules.load"} <= set(rules)
    reached = {f"{name} -> {m}" for name in rules for m in reachable(GRAPH, name)
               if m.startswith("scheduler.solve")}
    assert reached == set()


def test_pricing_reaches_no_rule_solver_or_validator_module() -> None:
    for name in (m for m in GRAPH if m.startswith("scheduler.pricing.")):
        reached = reachable(GRAPH, name)
        assert {m for m in reached if m.startswith(("scheduler.solve", "scheduler.rules",
                                                    "scheduler.validate"))} == set()


def test_the_rule_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    (tmp_path / "scheduler" / "validate").mkdir(parents=True)
    (tmp_path / "scheduler" / "solve").mkdir()
    (tmp_path / "scheduler" / "solve" / "greedy.py").write_text('"""g."""\n')
    (tmp_path / "scheduler" / "validate" / "view.py").write_text(
        '"""v."""\n\n\ndef f() -> None:\n    from scheduler.solve import greedy  # noqa\n')
    graph = import_graph(tmp_path, ("scheduler",))
    assert graph["scheduler.validate.view"] == {"scheduler.solve.greedy"}
    assert reachable(graph, "scheduler.validate.view") == {"scheduler.solve.greedy"}
