"""Stored HiGHS references (issue 11): the MIP given 12 times a size's limit, computed once.

`offduty bench --refs` runs, for every S and M problem of the suite, the HiGHS MIP at 12x the
limit (the reference to beat) and at the limit itself (the same-limit figure `offduty bench`
takes from here at M, where rerunning it would break the time budget). Each problem's file in
benchmarks/refs/ holds the exact generator arguments and the SHA-256 of the generated problem,
so a changed generator is detected before a stale reference is compared against.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.families import (
    REFERENCE_FACTOR,
    Family,
    generate_from,
    generator_args,
    problem_hash,
)
from benchmarks.runners import Job, Outcome, Size

log = logging.getLogger(__name__)

REFS_DIR = Path(__file__).resolve().parent / "refs"
REF_SIZES = ("S", "M")  # L has no MIP reference: HiGHS finds nothing useful at that size
KEPT = ("status", "coverage", "coverage_upper_bound", "max_total_hours", "max_total_lower_bound")


class StaleReference(ValueError):
    """A reference whose stored inputs no longer match what the generator makes."""


@dataclass(frozen=True)
class Reference:
    """One problem's stored HiGHS runs: "reference" (12x the limit) and "same_limit"."""

    family: str
    size: str
    seed: int
    generator: dict[str, Any]
    problem_sha256: str
    runs: dict[str, dict[str, Any]]
    computed: str = ""
    note: str = ""

    def run(self, kind: str) -> dict[str, Any]:
        return self.runs.get(kind, {})


def ref_path(folder: Path, family: str, size: str, seed: int) -> Path:
    return folder / f"{family}-{size}-s{seed}.json"


def run_figures(outcome: Outcome) -> dict[str, Any]:
    """What a reference keeps of one HiGHS run."""
    figures: dict[str, Any] = {k: outcome.metrics.get(k) for k in KEPT[1:]}
    return {
        "status": outcome.status,
        "time_limit_s": outcome.time_limit,
        "wall_s": outcome.final_s,
        **figures,
    }


def reference_jobs(family: Family, size: Size, seed: int) -> dict[str, Job]:
    """The two HiGHS runs of one problem's reference file."""
    long = Size(
        size.name, size.officers, size.requests, size.days, size.time_limit * REFERENCE_FACTOR
    )
    return {
        "reference": Job(long, "mip", seed, workers=1, family=family.name),
        "same_limit": Job(size, "mip", seed, workers=1, family=family.name),
    }


def make_reference(
    family: Family, size: Size, seed: int, runs: dict[str, Outcome], note: str = ""
) -> Reference:
    args = generator_args(family, size, seed)
    return Reference(
        family=family.name,
        size=size.name,
        seed=seed,
        generator=args,
        problem_sha256=problem_hash(generate_from(args)),
        runs={kind: run_figures(o) for kind, o in runs.items()},
        computed=date.today().isoformat(),
        note=note,
    )


def write_reference(folder: Path, ref: Reference) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = ref_path(folder, ref.family, ref.size, ref.seed)
    path.write_text(json.dumps(ref.__dict__, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_reference(path: Path) -> Reference:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Reference(**data)


def check_reference(ref: Reference, family: Family, size: Size, seed: int) -> None:
    """Raise `StaleReference` unless the stored inputs are exactly today's problem."""
    args = generator_args(family, size, seed)
    if ref.generator != args:
        raise StaleReference(
            f"{ref.family} {ref.size} seed {ref.seed}: stored generator arguments differ "
            f"from the family's ({ref.generator} != {args}); rerun make bench-refs"
        )
    digest = problem_hash(generate_from(args))
    if ref.problem_sha256 != digest:
        raise StaleReference(
            f"{ref.family} {ref.size} seed {ref.seed}: the generator now makes another "
            f"problem (sha256 {digest[:12]}, stored {ref.problem_sha256[:12]}); "
            "rerun make bench-refs"
        )


def load_reference(folder: Path, family: Family, size: Size, seed: int) -> Reference | None:
    """The checked reference of one problem, or None when none is stored.
    A stored one that no longer matches raises `StaleReference`."""
    path = ref_path(folder, family.name, size.name, seed)
    if not path.exists():
        return None
    ref = read_reference(path)
    check_reference(ref, family, size, seed)
    return ref


def compute_references(
    folder: Path,
    problems: list[tuple[Family, Size, int]],
    run: Any,
    note: str = "",
    redo: bool = False,
) -> list[Path]:
    """Compute and store the references of `problems` (S and M only), one file each, as each
    finishes; up-to-date files are kept unless `redo`. `run(job)` gives an `Outcome` (the
    harness's isolated runner); a roster the validator rejects stops everything."""
    from benchmarks.run import InvalidRoster

    written = []
    for family, size, seed in problems:
        if size.name not in REF_SIZES:
            continue
        if not redo:
            try:
                if load_reference(folder, family, size, seed) is not None:
                    log.info("%s %s seed %d: reference up to date", family.name, size.name, seed)
                    continue
            except StaleReference as exc:
                log.warning("%s", exc)
        runs = {}
        for kind, job in reference_jobs(family, size, seed).items():
            log.info(
                "%s %s seed %d: HiGHS %s (%g s)",
                family.name,
                size.name,
                seed,
                kind,
                job.size.time_limit,
            )
            outcome = run(job)
            if outcome.violations:
                raise InvalidRoster(
                    f"{family.name} {size.name} seed {seed} HiGHS {kind}: "
                    + "; ".join(outcome.violations[:5])
                )
            runs[kind] = outcome
        if runs["reference"].status not in ("optimal", "feasible"):
            # A timeout or crash is no reference: leave the problem without one. A failed
            # same-limit run is kept as its status (the suite then shows no HiGHS figure).
            log.error(
                "%s %s seed %d: no reference (HiGHS %s)",
                family.name,
                size.name,
                seed,
                runs["reference"].status,
            )
            continue
        written.append(write_reference(folder, make_reference(family, size, seed, runs, note)))
    return written
