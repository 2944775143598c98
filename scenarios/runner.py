"""Solve a scenario's baseline and variants, on this process, a process pool or a Dask cluster.

Every problem is built here, in the calling process (so a bad file fails before any solving),
then solved where the executor says. Each solve is deterministic on one worker
(`options.deterministic = True`, `num_workers = 1`), so a scenario gives the same table
whichever executor runs it. A variant with random changes swept over N draws is solved N
times; draw i replaces the seed of every random change with `seed + i`.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import pandas as pd
from tqdm import tqdm

from models.common import InputError
from models.problem import Problem
from models.result import RosterResult
from scenarios.apply import Variant, apply_variant
from scenarios.figures import Figures, roster_figures
from scenarios.spec import BASELINE, Scenario
from scenarios.table import compare_table

log = logging.getLogger(__name__)

Solved = tuple[RosterResult, Figures]


@dataclass(frozen=True)
class Job:
    """One problem to solve: the baseline, a variant, or one draw of a random variant."""

    variant: str
    draw: int | None
    seed: int | None
    problem: Problem

    @property
    def label(self) -> str:
        return self.variant if self.draw is None else f"{self.variant}-draw{self.draw + 1:03d}"


@dataclass(frozen=True)
class Outcome:
    job: Job
    result: RosterResult
    figures: Figures


@dataclass(frozen=True)
class Run:
    """Every solved roster of a scenario run, baseline first, then variants in file order."""

    scenario: Scenario
    outcomes: tuple[Outcome, ...]

    def of(self, variant: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.job.variant == variant]

    def table(self) -> pd.DataFrame:
        """The comparison table (see `scenarios.table`)."""
        baseline = self.of(BASELINE)[0].figures
        order = (o.job.variant for o in self.outcomes if o.job.variant != BASELINE)
        names = list(dict.fromkeys(order))
        return compare_table(baseline, [(n, [o.figures for o in self.of(n)]) for n in names])


def reproducible(problem: Problem) -> Problem:
    """The problem solved deterministically on one worker (same roster on any machine load)."""
    options = problem.options.model_copy(update={"deterministic": True, "num_workers": 1})
    return problem.model_copy(update={"options": options})


def plan(
    scenario: Scenario,
    variants: Sequence[Variant],
    draws: int = 1,
    seed: int | None = None,
    with_baseline: bool = True,
) -> list[Job]:
    """The jobs of a run: a random variant gets `draws` jobs, seeded `seed`, `seed + 1`, ...

    Without a seed and with one draw, random changes keep the seeds written in the file.
    """
    base = reproducible(scenario.baseline)
    jobs = [Job(BASELINE, None, None, base)] if with_baseline else []
    for variant in variants:
        if not variant.is_random:
            jobs.append(Job(variant.name, None, None, apply_variant(base, variant)))
        elif draws == 1:
            jobs.append(Job(variant.name, None, seed, apply_variant(base, variant, seed)))
        else:
            first = seed or 0
            jobs += [
                Job(variant.name, i, first + i, apply_variant(base, variant, first + i))
                for i in range(draws)
            ]
    return jobs


def solve_job(problem: Problem) -> Solved:
    """Solve one problem and compute its figures (runs in a worker: a top-level function)."""
    from scheduler.solve.solver import solve

    result = solve(problem)
    return result, roster_figures(problem, result)


Progress = Callable[[int], None]


def _inline(problems: Sequence[Problem], tick: Progress) -> Iterator[tuple[int, Solved]]:
    for i, problem in enumerate(problems):
        yield i, solve_job(problem)
        tick(1)


def _pool(
    problems: Sequence[Problem], tick: Progress, workers: int | None
) -> Iterator[tuple[int, Solved]]:
    # Not fork: the parent may hold solver or Dask threads, and a forked child would inherit
    # their locks mid-flight. A fork server starts clean and is cheap per worker.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(solve_job, p): i for i, p in enumerate(problems)}
        for future in as_completed(futures):
            tick(1)
            yield futures[future], future.result()


def _connect(address: str, timeout: float) -> Any:
    """A Dask client; an unreachable scheduler is the user's input error, not a traceback."""
    from distributed import Client

    try:
        return Client(address, timeout=f"{timeout}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError("--dask", f"cannot reach a Dask scheduler at {address}: {exc}") from exc


def _dask(
    problems: Sequence[Problem], tick: Progress, address: str, timeout: float
) -> Iterator[tuple[int, Solved]]:
    from distributed import as_completed as dask_completed

    with _connect(address, timeout) as client:
        futures = client.map(solve_job, problems, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for future in dask_completed(futures):
            tick(1)
            yield index[future.key], future.result()


def execute(
    problems: Sequence[Problem],
    *,
    executor: str = "pool",
    address: str | None = None,
    workers: int | None = None,
    progress: bool | None = None,
    connect_timeout: float = 10,
) -> list[Solved]:
    """Solve every problem; results in input order whatever order they finish in.

    `executor`: "inline" (this process), "pool" (local processes) or "dask" (a cluster at
    `address`; an unreachable one is an InputError after `connect_timeout` seconds). The
    progress bar shows on a terminal only, unless `progress` says otherwise.
    """
    show = sys.stderr.isatty() if progress is None else progress
    results: dict[int, Solved] = {}
    with tqdm(total=len(problems), disable=not show, unit="roster", file=sys.stderr) as bar:
        if executor == "dask":
            if not address:
                raise ValueError("the dask executor needs a scheduler address")
            stream = _dask(problems, bar.update, address, connect_timeout)
        elif executor == "pool" and len(problems) > 1 and workers != 1:
            stream = _pool(problems, bar.update, workers)
        else:
            stream = _inline(problems, bar.update)
        for i, solved in stream:
            results[i] = solved
    return [results[i] for i in range(len(problems))]


def run(
    scenario: Scenario,
    variants: Sequence[Variant] | None = None,
    *,
    draws: int = 1,
    seed: int | None = None,
    executor: str = "pool",
    address: str | None = None,
    workers: int | None = None,
    progress: bool | None = None,
) -> Run:
    """Solve the baseline and the variants (all of them by default) and collect the rosters."""
    chosen = scenario.variants if variants is None else variants
    jobs = plan(scenario, chosen, draws, seed)
    log.info("%s: %d rosters to solve on %s", scenario.name, len(jobs), executor)
    solved = execute(
        [j.problem for j in jobs], executor=executor, address=address, workers=workers,
        progress=progress,
    )
    pairs = zip(jobs, solved, strict=True)
    return Run(scenario, tuple(Outcome(job, result, figures) for job, (result, figures) in pairs))
