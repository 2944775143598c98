"""Preparing a problem: ids in hints and preferences that match nothing become warnings."""

from __future__ import annotations

from models.problem import Problem
from models.result import InputWarning
from scheduler.context import prepare
from scheduler.solve.solver import solve
from scheduler.validate.validator import validate
from tests.scheduler.rosters import at, officer, request


def _problem(hint: list[dict[str, str]], preferred: list[str]) -> Problem:
    return Problem.model_validate({
        "agency": "kennesaw-ga",
        "officers": [officer("K-1"), officer("K-2")],
        "requests": [request("R-1", at(1, 12), at(1, 16), preferred_officers=preferred)],
        "hint": hint,
        "options": {"time_limit_s": 5, "num_workers": 1, "deterministic": True},
    })


def _hint(request_id: str, officer_id: str) -> dict[str, str]:
    return {"request_id": request_id, "officer_id": officer_id,
            "start": at(1, 12).isoformat(), "end": at(1, 16).isoformat()}


def test_known_ids_give_no_warning() -> None:
    assert prepare(_problem([_hint("R-1", "K-2")], ["K-1"])).warnings == []


def test_unknown_preferred_officer_is_a_warning_with_its_path() -> None:
    warnings = prepare(_problem([], ["K-1", "K-9"])).warnings
    assert warnings == [InputWarning(
        code="UNKNOWN_OFFICER", field="requests[0] (R-1).preferred_officers[1]", id="K-9",
        message="no officer 'K-9' in this problem; ignored",
    )]


def test_unknown_officer_and_request_in_a_hint_are_one_warning_each() -> None:
    warnings = prepare(_problem([_hint("R-1", "K-1"), _hint("R-7", "K-8")], [])).warnings
    assert [(w.code, w.field, w.id) for w in warnings] == [
        ("UNKNOWN_OFFICER", "hint[1].officer_id", "K-8"),
        ("UNKNOWN_REQUEST", "hint[1].request_id", "R-7"),
    ]


def test_the_result_carries_the_warnings_and_the_roster_is_unchanged() -> None:
    plain = solve(_problem([], []))
    warned = solve(_problem([_hint("R-1", "K-8")], ["K-9"]))
    assert [(w.code, w.id) for w in warned.warnings] == [
        ("UNKNOWN_OFFICER", "K-8"), ("UNKNOWN_OFFICER", "K-9")]
    assert plain.warnings == []
    assert warned.assignments == plain.assignments
    assert len(warned.assignments) == 1
    assert validate(_problem([_hint("R-1", "K-8")], ["K-9"]), warned).violations == []


def test_a_contract_rate_named_loosely_is_the_cards_as_in_a_quote() -> None:
    # The quote matched "samaritan's purse" to the card's "Samaritan's Purse"; the solver
    # refused the same name as unknown.
    prob = Problem.model_validate({
        "agency": "kennesaw-ga",
        "officers": [officer("K-1")],
        "requests": [request("R-1", at(1, 12), at(1, 16), customer_rate="samaritans purse")],
        "options": {"time_limit_s": 5, "num_workers": 1, "deterministic": True},
    })
    result = solve(prob)
    assert validate(prob, result).ok
    (shift,) = result.assignments
    assert (shift.officer_id, str(shift.amount)) == ("K-1", "468.00")  # 4 h at $117.00
