"""Every number of the contract has a finite range: checked by the models, stated in the schema.

The same models give the API its 422s and the CLI its one-line errors, so the CLI case here
(exit 2, the field named) stands for both; `tests/api/test_extremes.py` covers the API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from cli.main import main
from models.agency import PolicyOverrides, RateCard
from models.officer import Officer
from models.problem import Problem
from models.request import Vehicle
from scheduler.problem_io import problem_schema


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Officer, "hours_to_date", float("inf")),
        (Officer, "hours_to_date", float("nan")),
        (Officer, "hours_to_date", 100_000.01),
        (Officer, "max_hours_per_week", 168.5),
        (PolicyOverrides, "max_hours_per_week", 1e308),
        (PolicyOverrides, "max_hours_per_day", 24.01),
        (PolicyOverrides, "max_hours_per_24h", 25),
        (PolicyOverrides, "max_continuous_hours", 25),
        (PolicyOverrides, "min_hours", 25),
        (PolicyOverrides, "lead_time_hours", 8760.5),
        (PolicyOverrides, "travel_gap_minutes", 1441),
        (PolicyOverrides, "supervisor_at", 501),
        (Vehicle, "miles", 1e30),
    ],
)
def test_out_of_range_number_is_refused_naming_its_field(
    model: type[Any], field: str, value: float
) -> None:
    data: dict[str, Any] = {field: value}
    if model is Officer:
        data["id"] = "K-1"
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Officer, {"id": "K-1", "hours_to_date": 100_000, "max_hours_per_week": 168}),
        (PolicyOverrides, {"max_hours_per_day": 24, "lead_time_hours": 8760,
                           "travel_gap_minutes": 1440, "supervisor_at": 500}),
        (Vehicle, {"kind": "moving", "miles": 100_000}),
    ],
)
def test_range_ends_are_accepted(model: type[Any], data: dict[str, Any]) -> None:
    assert model.model_validate(data).model_dump(include=set(data)) == data


def test_money_is_refused_beyond_10000_and_as_infinity() -> None:
    card = {"regular": "76.05", "holiday": "99.45", "admin_fee_per_hour": "8.00"}
    assert RateCard.model_validate(card | {"regular": "10000"}).regular == 10_000
    for bad in ({"regular": "10000.01"}, {"holiday": "Infinity"}, {"admin_fee_per_hour": "NaN"},
                {"contract_rates": {"ACME": "1e999"}}, {"admin_fee_by_rate": {"regular": "-1"}}):
        with pytest.raises(ValidationError):
            RateCard.model_validate(card | bad)


def test_lists_beyond_their_cap_are_one_error() -> None:
    with pytest.raises(ValidationError) as caught:
        Problem.model_validate({"agency": "kennesaw-ga", "officers": [0] * 10_001})
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("officers",), "too_long")]


def test_the_schema_states_the_ranges() -> None:
    defs = problem_schema()["$defs"]
    officer = defs["Officer"]["properties"]
    assert (officer["hours_to_date"]["minimum"], officer["hours_to_date"]["maximum"]) == (0, 100000)
    assert officer["max_hours_per_week"]["anyOf"][0] == {
        "exclusiveMinimum": 0, "maximum": 168, "type": "number"}
    policy = defs["PolicyOverrides"]["properties"]
    assert policy["lead_time_hours"]["anyOf"][0]["maximum"] == 8760
    assert policy["travel_gap_minutes"]["anyOf"][0]["maximum"] == 1440
    assert defs["Vehicle"]["properties"]["miles"]["maximum"] == 100000
    assert defs["RateCard"]["properties"]["regular"]["anyOf"][0]["maximum"] == 10000
    assert problem_schema()["properties"]["officers"]["maxItems"] == 10000


def test_cli_refuses_an_infinite_number_in_one_line_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "problem.json"
    body = {"agency": "kennesaw-ga", "officers": [{"id": "K-1", "hours_to_date": "__X__"}]}
    path.write_text(json.dumps(body).replace('"__X__"', "1e999"), encoding="utf-8")
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (f"offduty: {path}: officers[0] (K-1).hours_to_date: "
                   "Input should be a finite number\n")


def test_a_request_of_more_than_336_hours_is_refused_by_the_cli_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A request of a year took the solver 2.2 s at a 1 s limit (its pieces are built before any
    # deadline is looked at); the service and the import already refused it.
    request = {"id": "LONG", "employer": {"id": "E"}, "start": "2026-06-01T00:00:00-04:00",
               "received_at": "2026-05-01T00:00:00-04:00"}
    at_most = request | {"end": "2026-06-15T00:00:00-04:00"}
    assert Problem.model_validate({"agency": "kennesaw-ga", "requests": [at_most]})
    path = tmp_path / "problem.json"
    body = {"agency": "kennesaw-ga", "requests": [request | {"end": "2026-06-15T00:01:00-04:00"}]}
    path.write_text(json.dumps(body), encoding="utf-8")
    assert main(["solve", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"offduty: {path}: requests[0] (LONG): lasts 336.017 hours; a request lasts at most 336 "
        "(a longer contract is one request a day or a week)\n")


def test_an_overlong_id_is_refused_by_its_length_without_echoing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It was named whole in the message, as the id of its list element.
    long = "K" * 100_000
    path = tmp_path / "problem.json"
    body = {"agency": "kennesaw-ga", "officers": [{"id": long}]}
    path.write_text(json.dumps(body), encoding="utf-8")
    assert main(["solve", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"offduty: {path}: officers[0].id: 100000 characters long; at most 64\n")
    body = {"agency": "kennesaw-ga", "officers": [{"id": "K" * 65, "rank": "chief"}]}
    path.write_text(json.dumps(body), encoding="utf-8")
    assert main(["solve", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"offduty: {path}: officers[0].id: 65 characters")
    assert Officer.model_validate({"id": "K" * 64}).id == "K" * 64


@pytest.mark.parametrize(("model", "data", "field"), [
    (Officer, {"id": "K-1", "name": "A\x00"}, "name"),
    (Officer, {"id": "K-1", "qualifications": ["x", "\x00"]}, "qualifications"),
    (RateCard, {"regular": "76.05", "holiday": "99.45", "admin_fee_per_hour": "8.00",
                "contract_rates": {"ACME\x00": "50"}}, "contract_rates"),
])
def test_a_nul_character_in_any_text_is_refused_naming_its_field(
    model: type[Any], data: dict[str, Any], field: str
) -> None:
    # PostgreSQL refuses NUL in text and JSON: the store and the service's jobs would fail there.
    with pytest.raises(ValidationError, match=rf"{field}: holds a NUL character \(\\u0000\)"):
        model.model_validate(data)
    model.model_validate({k: v for k, v in data.items() if k != field})
