"""Limits on one call: supported years, request length, horizon and sizes, each naming a field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from api.limits import check_problem, check_quote, check_request
from models.common import InputError
from models.problem import Problem
from models.quote import QuoteRequest
from models.request import Request
from tests.api.conftest import settings

REQUEST: dict[str, Any] = {
    "id": "R-1", "employer": {"id": "E-1"}, "start": "2026-12-05T16:00:00-06:00",
    "end": "2026-12-05T20:00:00-06:00", "received_at": "2026-11-20T09:00:00-06:00",
}


def _problem(**changes: Any) -> Problem:
    return Problem.model_validate({"agency": "rockport-tx", "requests": [REQUEST]} | changes)


def test_a_plain_problem_passes() -> None:
    check_problem(_problem(), settings())


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"requests": [REQUEST | {"received_at": "1900-01-01T00:00:00Z"}]},
         "requests[0] (R-1).received_at", "outside the supported years 1971-2199"),
        ({"requests": [REQUEST | {"end": "2026-12-10T16:00:00-06:00"}]},
         "requests[0] (R-1)", "lasts 120 hours; the service accepts at most 100"),
        ({"requests": [REQUEST, REQUEST | {"id": "R-2", "start": "2027-03-01T16:00:00-06:00",
                                           "end": "2027-03-01T20:00:00-06:00"}]},
         "requests", "span 86.1667 days"),
        ({"officers": [{"id": "A", "availability": [
            {"start": "2026-01-01T00:00:00Z", "end": "2999-01-01T00:00:00Z"}]}]},
         "officers[0] (A).availability[0].end", "2999-01-01"),
        ({"hint": [{"request_id": "R-1", "officer_id": "A", "start": "0001-01-01T00:00:00Z",
                    "end": "0001-01-02T00:00:00Z"}]}, "hint[0].start", "supported years"),
    ],
)
def test_breaches_name_the_field(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        check_problem(_problem(**changes), settings(max_request_hours=100))
    assert caught.value.field == field
    assert message in caught.value.message


def test_sizes_are_capped() -> None:
    officers = [{"id": f"O-{i}"} for i in range(3)]
    with pytest.raises(InputError, match="officers: 3 given; the service accepts at most 2"):
        check_problem(_problem(officers=officers), settings(max_officers=2))


def test_exactly_the_longest_request_is_accepted() -> None:
    at_limit = REQUEST | {"end": "2026-12-19T16:00:00-06:00"}  # 336 hours
    check_problem(_problem(requests=[at_limit]), settings())
    check_request(Request.model_validate(at_limit), settings())


def test_a_problem_never_holds_a_request_longer_than_336_hours() -> None:
    # The solver's own limit, whatever the service's setting: it cannot be raised past it.
    with pytest.raises(ValidationError, match="lasts 360 hours; a request lasts at most 336"):
        _problem(requests=[REQUEST | {"end": "2026-12-20T16:00:00-06:00"}])
    with pytest.raises(ValidationError, match="max_request_hours"):
        settings(max_request_hours=337)


def test_quotes_and_single_requests_are_checked_too() -> None:
    quote = QuoteRequest(agency="rockport-tx", start="2026-12-05T16:00:00Z",
                         end="2027-12-05T16:00:00Z", received_at="2026-11-20T09:00:00Z")
    with pytest.raises(InputError) as caught:
        check_quote(quote, settings())
    assert caught.value.field == "end"
    late = Request.model_validate(REQUEST | {"received_at": "2300-01-01T00:00:00Z"})
    with pytest.raises(InputError) as caught:
        check_request(late, settings())
    assert caught.value.field == "request.received_at"
