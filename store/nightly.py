"""The nightly auto-assignment: read the store, solve, write the proposal in one transaction.

The solve runs outside any write transaction; the proposals and the run record are written
together afterwards, so a run killed at any point leaves the previous proposal as it was. The
problem is solved deterministically with the previous proposal as the hint, and the write keeps
every proposal that did not change. When nothing the solver decides from has changed since the
last run (same inputs hash), the roster is kept without solving, so a second run proposes the same
roster, touches no assignment row, and only adds its run record.

The write holds the agency (`store.locking`) while it checks that nothing the solve used has
changed and writes the proposals, so a dispatcher's confirm or cancel lands wholly before the
check (the run then solves again, a bounded number of times) or wholly after the write.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import InputError, Problem, RosterResult, SolveOptions
from store.audit import record
from store.db import Store
from store.locking import hold_agencies
from store.problem_builder import Horizon, assignments_of, build_problem, inputs_hash
from store.progress import timed_bar
from store.records import agency_ids, known_agency
from store.schema import (
    AssignmentRow,
    AssignmentState,
    NightlyRunRow,
    OfficerRow,
    RequestRow,
)

log = logging.getLogger(__name__)

Solver = Callable[[Problem], RosterResult]
# Called with "solved" after the solve and with "checked" once the write holds the agency and
# found the store unchanged: a test lands other writers in exactly those gaps.
Pause = Callable[[str], None]
ATTEMPTS = 3
NO_ROSTER = ("infeasible", "no_solution")
Key = tuple[str, str, datetime, datetime]


@dataclass
class NightlyReport:
    """What one agency's run did, for the command's summary."""

    agency: str
    run_id: int
    status: str
    requests: int
    positions_requested: int
    positions_filled: float
    added: int
    kept: int
    removed: int
    locked: int
    unfilled: int
    rejected: int
    inputs_hash: str
    timings: dict[str, float] = field(default_factory=dict)
    attempts: int = 1

    def summary(self) -> str:
        return (
            f"{self.agency}: run {self.run_id} {self.status}; {self.requests} requests, "
            f"{self.positions_filled:g}/{self.positions_requested} positions filled "
            f"({self.locked} confirmed kept); proposals {self.added} new, {self.kept} unchanged, "
            f"{self.removed} withdrawn; {self.unfilled} unfilled, {self.rejected} refused; "
            f"solve {self.timings.get('solve_s', 0):.1f} s"
        )


def default_solver(problem: Problem) -> RosterResult:
    from scheduler.solve.solver import solve  # the solver pulls in OR-Tools; load it only to solve

    return solve(problem)


def run_nightly(
    store: Store,
    *,
    agency: str | None = None,
    now: datetime | None = None,
    horizon_days: int = 14,
    window_days: int = 28,
    time_limit_s: float = 10,
    solver: Solver = default_solver,
    force: bool = False,
    attempts: int = ATTEMPTS,
    pause: Pause | None = None,
) -> list[NightlyReport]:
    """Run the nightly assignment for one agency, or for every agency in the store.

    With nothing changed since the agency's last run the roster is kept without solving
    (`force` solves anyway, from the current proposal as the hint). A run whose store changed
    during the solve solves again, up to `attempts` times, then stops writing nothing.
    """
    _check_days(horizon_days, window_days)
    if attempts < 1:
        raise InputError("attempts", f"must be at least 1, got {attempts}")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    if moment.tzinfo is None:
        raise InputError("now", "a UTC offset is required")
    horizon = Horizon(now=moment, days=horizon_days, window_days=window_days)
    options = SolveOptions(time_limit_s=time_limit_s, deterministic=True, seed=0)
    run = _Run(store, horizon, options, solver, force, pause or _no_pause)
    return [_run_agency(run, agency_id, attempts) for agency_id in _agencies(store, agency)]


def _check_days(horizon_days: int, window_days: int) -> None:
    """A horizon of no days staffs nothing, and a negative window looks into the future."""
    if horizon_days < 1:
        raise InputError("horizon_days", f"must be at least 1 day, got {horizon_days}")
    if window_days < 0:
        raise InputError("window_days", f"must not be negative, got {window_days}")


def _no_pause(_stage: str) -> None:
    return None


@dataclass(frozen=True)
class _Run:
    """What every agency's run of one command shares."""

    store: Store
    horizon: Horizon
    options: SolveOptions
    solver: Solver
    force: bool
    pause: Pause


def _agencies(store: Store, agency: str | None) -> list[str]:
    with store.transaction() as session:
        if agency is not None:
            known_agency(session, agency)
            return [agency]
        known = agency_ids(session)
    if not known:
        raise InputError("agency", "the store holds no agency yet; import officers first")
    return known


def _run_agency(run: _Run, agency_id: str, attempts: int) -> NightlyReport:
    """Solve and write; solve again while the store changes under the solve, a bounded number
    of times."""
    for attempt in range(1, attempts + 1):
        try:
            report = _attempt(run, agency_id)
        except IntegrityError as exc:
            # The schema's guards on live assignments refused a row (one officer twice on a
            # position, or more on at once than needed): a writer that bypassed the lock
            # changed the store. Nothing was written; treat it as a change and solve again.
            log.warning("%s: the store refused the proposal: %s", agency_id, exc.orig)
            report = None
        if report is not None:
            report.attempts = attempt
            return report
        log.warning("%s: the store changed during the solve (attempt %d of %d)",
                    agency_id, attempt, attempts)
    raise InputError(
        "nightly",
        f"{agency_id}: the store changed during each of {attempts} solve(s); nothing written, "
        f"run nightly again",
    )


def _attempt(run: _Run, agency_id: str) -> NightlyReport | None:
    """One read, solve and write; None (nothing written) when the store changed meanwhile."""
    started = datetime.now(UTC)
    clock = time.perf_counter()
    with run.store.transaction() as session:
        problem = build_problem(session, agency_id, run.horizon, run.options)
        digest = inputs_hash(problem)
        previous = None if run.force else _same_inputs_run(session, agency_id, digest)
    timings = {"build_s": round(time.perf_counter() - clock, 3)}
    if previous is not None:
        # Nothing the solver decides from has changed: keep the roster rather than re-solve it.
        log.info("%s: inputs unchanged since run %d; roster kept", agency_id, previous.id)
        result = RosterResult.model_validate({**previous.result, "metrics": previous.metrics})
        timings["solve_s"] = 0.0
    else:
        result = _solve(problem, run.solver, timings)
    run.pause("solved")
    clock = time.perf_counter()
    with run.store.write() as session:
        hold_agencies(session, [agency_id])
        if not _unchanged(session, agency_id, run.horizon, run.options, digest):
            return None
        run.pause("checked")
        row = _run_row(agency_id, run.horizon, digest, result, started)
        session.add(row)
        session.flush()
        counts = (
            _count_proposals(session, problem) if previous is not None
            else _write_proposals(session, problem, result, row.id)
        )
        timings["write_s"] = round(time.perf_counter() - clock, 3)
        row.timings = {**timings, "reused_run": previous.id if previous else None}
        row.metrics = {**row.metrics, **counts}
        record(session, "nightly_run", agency=agency_id,
               after={"run_id": row.id, "status": result.status, "as_of": run.horizon.now,
                      "inputs_hash": digest, **counts})
    return _report(agency_id, row.id, problem, result, digest, counts, timings)


def _solve(problem: Problem, solver: Solver, timings: dict[str, float]) -> RosterResult:
    agency_id = _agency_id(problem)
    log.info("solving %s: %d requests, %d officers, %d locked, %d hinted", agency_id,
             len(problem.requests), len(problem.officers), len(problem.locked), len(problem.hint))
    clock = time.perf_counter()
    with timed_bar(f"solving {agency_id}", problem.options.time_limit_s):
        result = solver(problem)
    timings["solve_s"] = round(time.perf_counter() - clock, 3)
    log.info("solved %s: %s in %.1f s", agency_id, result.status, timings["solve_s"])
    return result


def recent_runs(
    session: Session, agency: str | None = None, limit: int = 10
) -> list[NightlyRunRow]:
    """The most recent runs, newest first (one agency's with `agency`)."""
    query = select(NightlyRunRow).order_by(NightlyRunRow.id.desc()).limit(limit)
    if agency:
        query = query.where(NightlyRunRow.agency_id == agency)
    return list(session.scalars(query))


def _same_inputs_run(session: Session, agency_id: str, digest: str) -> NightlyRunRow | None:
    """The agency's latest run, when it solved exactly these inputs and produced a roster."""
    latest = session.scalar(
        select(NightlyRunRow)
        .where(NightlyRunRow.agency_id == agency_id)
        .order_by(NightlyRunRow.id.desc())
        .limit(1)
    )
    if latest is None or latest.inputs_hash != digest or latest.solver_status in NO_ROSTER:
        return None
    return latest


def _unchanged(
    session: Session, agency_id: str, horizon: Horizon, options: SolveOptions, digest: str
) -> bool:
    """Whether the store still holds the inputs the roster was solved from."""
    return inputs_hash(build_problem(session, agency_id, horizon, options)) == digest


def _run_row(
    agency_id: str, horizon: Horizon, digest: str, result: RosterResult, started: datetime
) -> NightlyRunRow:
    kept = result.model_dump(
        mode="json",
        include={
            "status",
            "unfilled",
            "rejected",
            "violations",
            "officer_hours",
            "solver",
            "notes",
        },
    )
    return NightlyRunRow(
        agency_id=agency_id,
        as_of=horizon.now,
        horizon_end=horizon.end,
        inputs_hash=digest,
        solver_status=result.status,
        metrics=result.metrics.model_dump(mode="json"),
        timings={},
        result=kept,
        started_at=started,
        finished_at=datetime.now(UTC),
    )


def _write_proposals(
    session: Session, problem: Problem, result: RosterResult, run_id: int
) -> dict[str, int]:
    """Replace the proposals of the problem's requests, keeping rows that did not change."""
    requests = {
        r.code: r
        for r in session.scalars(
            select(RequestRow).where(
                RequestRow.code.in_([q.id for q in problem.requests]),
                RequestRow.agency_id == _agency_id(problem),
            )
        )
    }
    officers = {
        o.code: o.id
        for o in session.scalars(
            select(OfficerRow).where(OfficerRow.agency_id == _agency_id(problem))
        )
    }
    locked = {_key(a.request_id, a.officer_id, a.start, a.end) for a in problem.locked}
    if result.status in NO_ROSTER:
        log.warning(
            "%s: solver returned %s; previous proposals kept", _agency_id(problem), result.status
        )
        return {"added": 0, "kept": 0, "removed": 0}
    wanted = {
        _key(a.request_id, a.officer_id, a.start, a.end)
        for a in result.assignments
        if not a.locked and _key(a.request_id, a.officer_id, a.start, a.end) not in locked
    }
    codes = {o_id: code for code, o_id in officers.items()}
    by_id = {r.id: code for code, r in requests.items()}
    current = assignments_of(session, list(by_id), (AssignmentState.PROPOSED.value,))
    kept = 0
    for row in current:
        key = _key(by_id[row.request_id], codes[row.officer_id], row.start, row.end)
        if key in wanted:
            wanted.discard(key)
            kept += 1
        else:
            _audit_proposal(session, "proposal_withdrawn", key, run_id, _agency_id(problem))
            session.delete(row)
    # Withdrawn rows go first: a new proposal may take the same officer and start (the unique
    # index on live assignments), and a flush would otherwise insert before it deletes.
    session.flush()
    for request_code, officer_code, start, end in sorted(wanted):
        _audit_proposal(session, "proposal_added", (request_code, officer_code, start, end),
                        run_id, _agency_id(problem))
        session.add(
            AssignmentRow(
                request_id=requests[request_code].id,
                officer_id=officers[officer_code],
                state=AssignmentState.PROPOSED.value,
                start=start,
                end=end,
                run_id=run_id,
            )
        )
    return {"added": len(wanted), "kept": kept, "removed": len(current) - kept}


def _audit_proposal(session: Session, action: str, key: Key, run_id: int, agency: str) -> None:
    """One event per proposal a run writes or withdraws."""
    request_code, officer_code, start, end = key
    shift = {"state": "proposed", "start": start, "end": end, "run_id": run_id}
    record(session, action, agency=agency, request=request_code, officer=officer_code,
           before=shift if action == "proposal_withdrawn" else None,
           after=shift if action == "proposal_added" else None)


def _count_proposals(session: Session, problem: Problem) -> dict[str, int]:
    """A kept roster: the current proposals stay exactly as they are."""
    ids = session.scalars(
        select(RequestRow.id).where(
            RequestRow.agency_id == _agency_id(problem),
            RequestRow.code.in_([q.id for q in problem.requests]),
        )
    )
    current = assignments_of(session, list(ids), (AssignmentState.PROPOSED.value,))
    return {"added": 0, "kept": len(current), "removed": 0}


def _agency_id(problem: Problem) -> str:
    return problem.agency if isinstance(problem.agency, str) else problem.agency.id


def _key(request_id: str, officer_id: str, start: datetime, end: datetime) -> Key:
    return (request_id, officer_id, start.astimezone(UTC), end.astimezone(UTC))


def _report(
    agency_id: str,
    run_id: int,
    problem: Problem,
    result: RosterResult,
    digest: str,
    counts: dict[str, int],
    timings: dict[str, float],
) -> NightlyReport:
    return NightlyReport(
        agency=agency_id,
        run_id=run_id,
        status=result.status,
        requests=len(problem.requests),
        positions_requested=result.metrics.positions_requested,
        positions_filled=result.metrics.positions_filled,
        added=counts["added"],
        kept=counts["kept"],
        removed=counts["removed"],
        locked=len(problem.locked),
        unfilled=sum(u.positions for u in result.unfilled),
        rejected=len(result.rejected),
        inputs_hash=digest,
        timings=timings,
    )
