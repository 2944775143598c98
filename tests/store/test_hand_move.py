"""The one-step hand move (`store.hand.move`) and the many-officer check (`store.hand.placement`).

World: `world.py` plus R-3 and R-4 of `test_record.py`, after one nightly run: K-1 proposed on
R-1 (Tue 1 Dec 08:00-12:00), K-2 and K-3 on R-2 (Wed 2 Dec 18:00-22:00), K-3 on R-3 (Tue 1 Dec
14:00-18:00); R-4 is refused (alcohol outside, no approval).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from models import InputError
from store import Store
from store.duty_import import import_on_duty
from store.hand import MoveRefused, move, placement, would_break
from store.workflow import confirm
from tests.store.conftest import Target
from tests.store.test_commands import run
from tests.store.test_record import DUTY, events, last_id, loaded, nightly, staffed, write

__all__ = ["loaded"]  # the fixture, imported for this module's tests

K2_ON_DUTY = DUTY + "K-2,2026-12-01T07:00:00-05:00,2026-12-01T13:00:00-05:00,PATROL-B\n"


@pytest.fixture
def solved(loaded: Store) -> Store:
    nightly(loaded)
    assert staffed(loaded, "R-1") == [("K-1", "proposed")]
    return loaded


def test_a_move_hands_a_proposal_over_in_one_audited_step(solved: Store) -> None:
    since = last_id(solved)
    done = move(solved, "R-1", "K-1", "K-2")
    assert done.summary() == ("R-1: K-2 placed instead of K-1 2026-12-01T08:00:00-05:00 to "
                              "2026-12-01T12:00:00-05:00")
    assert staffed(solved, "R-1") == [("K-2", "confirmed")]
    assert events(solved, since) == [("move", "R-1", "K-2")]


def test_a_move_of_a_confirmed_shift_releases_it_and_places_the_other(solved: Store) -> None:
    confirm(solved, "R-1")
    since = last_id(solved)
    move(solved, "R-1", "K-1", "K-2")
    # The released shift is kept cancelled; the request still has exactly one live officer.
    assert staffed(solved, "R-1") == [("K-2", "confirmed")]
    assert events(solved, since) == [("move", "R-1", "K-2")]


def test_a_move_refused_by_a_hard_rule_keeps_the_original_and_writes_no_event(
    solved: Store, world: Path
) -> None:
    import_on_duty(solved, write(world, "duty.csv", K2_ON_DUTY))
    since = last_id(solved)
    with pytest.raises(MoveRefused) as refused:
        move(solved, "R-1", "K-1", "K-2")
    assert refused.value.field == "ON_DUTY"
    assert staffed(solved, "R-1") == [("K-1", "proposed")]
    assert events(solved, since) == []


def test_a_failure_between_the_two_halves_rolls_both_back(
    solved: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    confirm(solved, "R-1")
    since = last_id(solved)

    def broken(*_args: object) -> None:
        raise RuntimeError("the connection dropped")

    # The release is flushed to the database before the placement fails.
    monkeypatch.setattr("store.hand._place", broken)
    with pytest.raises(RuntimeError):
        move(solved, "R-1", "K-1", "K-2")
    assert staffed(solved, "R-1") == [("K-1", "confirmed")]
    assert events(solved, since) == []


def test_a_move_to_the_same_or_a_placed_officer_is_a_user_error(solved: Store) -> None:
    with pytest.raises(InputError, match="K-1 already holds the shift") as same:
        move(solved, "R-1", "K-1", "K-1")
    assert same.value.field == "to"
    with pytest.raises(InputError, match="K-3 holds no live shift on R-1"):
        move(solved, "R-1", "K-3", "K-2")
    assert staffed(solved, "R-1") == [("K-1", "proposed")]


def test_placement_finds_what_would_break_finds_for_every_officer(solved: Store) -> None:
    expected = {
        "R-1": {"K-1": [], "K-2": ["OVERSTAFFED"], "K-3": ["OVERSTAFFED"]},
        "R-2": {"K-1": ["OVERSTAFFED"], "K-2": [], "K-3": []},
        "R-3": {"K-1": ["OVERSTAFFED"], "K-2": ["OVERSTAFFED"], "K-3": []},
        "R-4": {"K-1": ["REQUEST_REFUSED_STAFFED"], "K-2": ["REQUEST_REFUSED_STAFFED"],
                "K-3": ["REQUEST_REFUSED_STAFFED", "OVERLAP"]},
    }
    for request, by_officer in expected.items():
        check = placement(solved, request)
        for officer, codes in by_officer.items():
            whole = would_break(solved, request, officer)
            assert [v.code for v in whole] == codes, (request, officer)
            assert check.added(officer) == whole, (request, officer)


def test_assign_replace_moves_from_the_command_line(
    target: Target, solved: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", target.url)
    assert run(capsys, "assign", "R-1", "--officer", "K-2", "--replace", "K-1", "--end",
               "2026-12-01T12:00:00-05:00", *db) == (
        2, "", "offduty: --end: --replace keeps the shift's times; give --start to pick one\n")
    code, out, _ = run(capsys, "assign", "R-1", "--officer", "K-2", "--replace", "K-1", *db)
    assert (code, out) == (0, "R-1: K-2 placed instead of K-1 2026-12-01T08:00:00-05:00 to "
                              "2026-12-01T12:00:00-05:00\n")
    assert staffed(target.store, "R-1") == [("K-2", "confirmed")]
