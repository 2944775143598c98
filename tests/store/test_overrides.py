"""Issue 15 follow-up: a supervisor's override survives every later nightly (rules.md section 8).

The small Kennesaw world of `world.py` plus R-3 (Tuesday 14:00-18:00). K-2 is in court 13:00-15:00
that day, so K-2 on R-3 breaks ON_DUTY; the agency lets a supervisor override ON_DUTY.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from models import SolveOptions
from scheduler.solve.solver import solve
from scheduler.validate.validator import validate
from store import Store
from store.duty_import import import_on_duty
from store.hand import Override, assign, unassign
from store.importer import import_file
from store.nightly import run_nightly
from store.policy import set_policy
from store.problem_builder import Horizon, build_problem
from store.schema import NightlyRunRow
from tests.store.test_record import staffed, write
from tests.store.world import NOW, R3, REQUESTS_HEADER, load_world

COURT = ("Employee ID,Start,End,Assignment Code\n"
         "K-2,2026-12-01T13:00:00-05:00,2026-12-01T15:00:00-05:00,COURT\n")
OPTIONS = SolveOptions(time_limit_s=5, num_workers=1)


@pytest.fixture
def overridden(store: Store, world: Path) -> Store:
    load_world(store, world)
    import_file(store, "requests", write(world, "more.csv", REQUESTS_HEADER + R3))
    import_on_duty(store, write(world, "duty.csv", COURT))
    set_policy(store, "kennesaw-ga", {"overridable_rules": ["ON_DUTY"]})
    assign(store, "R-3", "K-2", override=Override("court ends early", "Sgt. Hale"))
    return store


def test_the_next_nightly_keeps_the_overridden_shift_and_staffs_the_rest(
    overridden: Store,
) -> None:
    [report] = run_nightly(overridden, now=NOW, horizon_days=7, time_limit_s=5)
    assert (report.status, report.locked, report.unfilled) == ("optimal", 1, 0)
    assert staffed(overridden, "R-3") == [("K-2", "confirmed")]
    assert len(staffed(overridden, "R-1")) == 1 and len(staffed(overridden, "R-2")) == 2
    with overridden.transaction() as session:
        run = session.scalars(select(NightlyRunRow)).one()
    assert run.result["notes"][-1] == (
        "override: ON_DUTY waived for this locked shift: K-2 on R-3 2026-12-01T14:00-05:00 to "
        "2026-12-01T18:00-05:00 is within 30 min of on-duty time 2026-12-01T13:00-05:00 to "
        "2026-12-01T15:00-05:00")


def test_the_problem_carries_the_override_and_the_validator_waives_it(
    overridden: Store,
) -> None:
    with overridden.transaction() as session:
        problem = build_problem(session, "kennesaw-ga", Horizon(NOW, 7, 28), OPTIONS)
    assert [(a.request_id, a.officer_id, a.overrides) for a in problem.locked] == [
        ("R-3", "K-2", ["ON_DUTY"])]
    report = validate(problem, solve(problem))
    assert report.ok and [(v.code, v.request_id) for v in report.waived] == [("ON_DUTY", "R-3")]


def test_an_unassigned_overridden_shift_placed_again_carries_no_override(
    overridden: Store,
) -> None:
    unassign(overridden, "R-3", "K-2")
    set_policy(overridden, "kennesaw-ga", {"overridable_rules": []})
    with overridden.transaction() as session:
        problem = build_problem(session, "kennesaw-ga", Horizon(NOW, 7, 28), OPTIONS)
    assert problem.locked == []
    [report] = run_nightly(overridden, now=NOW, horizon_days=7, time_limit_s=5)
    # K-2 is barred by court; R-3 goes to K-1 or K-3 as a proposal.
    assert report.status == "optimal" and len(staffed(overridden, "R-3")) == 1
    assert staffed(overridden, "R-3")[0][0] != "K-2"
