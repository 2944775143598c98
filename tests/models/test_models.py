"""Validation messages of the domain models name the field and, inside lists, the item's id."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, ValidationError

from models.agency import PolicyOverrides
from models.common import (
    InputError,
    TimeWindow,
    covering_window,
    describe_validation_error,
    elapsed,
    too_long,
    window_inside,
)
from models.problem import AssignmentRef, Problem
from models.quote import QuoteRequest
from models.request import Request
from scheduler.agencies import get_agency


def _request(**extra: Any) -> dict[str, Any]:
    return {
        "id": "R-7", "employer": {"id": "EMP-1"}, "start": "2026-12-01T16:00:00-05:00",
        "end": "2026-12-01T20:00:00-05:00", "received_at": "2026-11-20T09:00:00-05:00", **extra,
    }


def _error(model: type[BaseModel], data: dict[str, Any]) -> InputError:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return describe_validation_error(caught.value, data)


def _problem_error(**request: Any) -> InputError:
    return _error(Problem, {"agency": "kennesaw-ga", "requests": [_request(**request)]})


def test_valid_problem_passes() -> None:
    problem = Problem.model_validate({"agency": "kennesaw-ga", "requests": [_request()]})
    assert [r.id for r in problem.requests] == ["R-7"]


def test_naive_datetime_names_the_request() -> None:
    err = _problem_error(start="2026-12-01T16:00:00")
    assert (err.field, err.message) == (
        "requests[0] (R-7).start", "Input should have timezone info")


def test_a_time_of_work_with_seconds_names_its_field() -> None:
    # Counted in minutes, 16:00:30 would have become 16:00:00 unsaid: a shift starting before
    # its request, an officer staffed 30 s before they are available.
    err = _problem_error(start="2026-12-01T16:00:30-05:00")
    assert err.field == "requests[0] (R-7).start"
    assert err.message == (
        "2026-12-01T16:00:30-05:00 is not on a whole minute (times of work have 0 seconds)"
    )
    assert _problem_error(end="2026-12-01T20:00:00.5-05:00").field == "requests[0] (R-7).end"
    # An offset with seconds moves the instant off the minute as surely.
    assert _problem_error(start="2026-12-01T16:00:00-05:00:30").field == "requests[0] (R-7).start"


def test_times_of_work_with_seconds_are_refused_wherever_they_stand() -> None:
    window = {"start": "2026-12-01T10:00:59-05:00", "end": "2026-12-01T22:00:00-05:00"}
    for key in ("availability", "on_duty", "prior_shifts"):
        data = {"agency": "kennesaw-ga", "officers": [{"id": "K-1", key: [window]}]}
        assert _error(Problem, data).field == f"officers[0] (K-1).{key}[0].start"
    lock = {"request_id": "R-7", "officer_id": "K-1", "start": "2026-12-01T16:00:00-05:00",
            "end": "2026-12-01T19:59:30-05:00"}
    data = {"agency": "kennesaw-ga", "officers": [{"id": "K-1"}], "requests": [_request()],
            "locked": [lock]}
    assert _error(Problem, data).field == "locked[0].end"
    quote = {"agency": "kennesaw-ga", "start": "2026-12-01T16:00:01-05:00",
             "end": "2026-12-01T20:00:00-05:00", "received_at": "2026-11-20T09:00:00-05:00"}
    assert _error(QuoteRequest, quote).field == "start"


def test_when_a_request_came_may_have_seconds() -> None:
    # received_at is compared exactly with the lead time's deadline, never counted in minutes.
    came = _request(received_at="2026-11-20T09:15:45.25-05:00")
    problem = Problem.model_validate({"agency": "kennesaw-ga", "requests": [came]})
    assert problem.requests[0].received_at.second == 45


def test_end_not_after_start_names_the_request() -> None:
    err = _problem_error(end="2026-12-01T16:00:00-05:00")
    assert err.field == "requests[0] (R-7)"
    assert err.message == (
        "request R-7: end 2026-12-01T16:00:00-05:00 is not after start 2026-12-01T16:00:00-05:00"
    )


def test_zero_officers_names_the_field() -> None:
    err = _problem_error(officers_needed=0)
    assert (err.field, err.message) == (
        "requests[0] (R-7).officers_needed", "Input should be greater than or equal to 1")


def test_negative_miles_names_the_field() -> None:
    err = _problem_error(vehicle={"kind": "moving", "miles": -3})
    assert (err.field, err.message) == (
        "requests[0] (R-7).vehicle.miles", "Input should be greater than or equal to 0")


def test_unknown_job_type_lists_the_allowed_ones() -> None:
    err = _problem_error(job_type="parade")
    assert (err.field, err.message) == (
        "requests[0] (R-7).job_type", "Input should be 'regular' or 'traffic'")


def test_unknown_policy_override_is_refused() -> None:
    err = _error(PolicyOverrides, {"max_hours_per_month": 80})
    assert (err.field, err.message) == ("max_hours_per_month", "Extra inputs are not permitted")


def test_null_policy_override_is_refused() -> None:
    err = _error(Problem, {"agency": "kennesaw-ga", "policy": {"min_hours": None}})
    assert (err.field, err.message) == (
        "policy", "min_hours may not be null; leave it out to keep the agency's value")


def test_bad_policy_value_names_the_setting() -> None:
    err = _error(PolicyOverrides, {"supervisor_at": 0})
    assert (err.field, err.message) == (
        "supervisor_at", "Input should be greater than or equal to 1")


def test_several_problems_say_how_many_more() -> None:
    err = _problem_error(officers_needed=0, job_type="parade")
    assert err.message.endswith("(and 1 more problem)")


def test_quote_request_naive_time_and_end_before_start() -> None:
    base = {"agency": "kennesaw-ga", "start": "2026-12-01T16:00:00-05:00",
            "end": "2026-12-01T20:00:00-05:00", "received_at": "2026-11-20T09:00:00-05:00"}
    assert _error(QuoteRequest, {**base, "received_at": "2026-11-20T09:00"}).field == "received_at"
    err = _error(QuoteRequest, {**base, "end": "2026-12-01T15:00:00-05:00"})
    assert err.message.startswith("end 2026-12-01T15:00:00-05:00 is not after start")
    assert _error(QuoteRequest, {**base, "officers": -1}).field == "officers"


def test_locked_assignment_outside_its_request_names_both_ids() -> None:
    data = {
        "agency": "kennesaw-ga", "officers": [{"id": "K-1"}], "requests": [_request()],
        "locked": [{"request_id": "R-7", "officer_id": "K-1",
                    "start": "2026-12-01T15:00:00-05:00", "end": "2026-12-01T20:00:00-05:00"}],
    }
    assert _error(Problem, data).message == (
        "locked[0]: K-1 on R-7 lies outside the request's times")


def test_unknown_agency_names_the_known_ones() -> None:
    with pytest.raises(InputError) as caught:
        get_agency("nowhere-tx")
    assert caught.value.field == "agency"
    assert caught.value.message.startswith("unknown agency 'nowhere-tx' (known: ")
    assert "kennesaw-ga" in caught.value.message
    assert "rockport-tx" in caught.value.message


def test_stored_windows_with_seconds_round_to_whole_minutes() -> None:
    # Busy time outward, available time inward (the store's records may carry seconds).
    def t(text: str) -> datetime:
        return datetime.fromisoformat(text)

    busy = covering_window(t("2026-11-01T01:59:30-04:00"), t("2026-11-01T01:00:10-05:00"))
    assert (busy.start.isoformat(), busy.end.isoformat()) == (
        "2026-11-01T01:59:00-04:00", "2026-11-01T01:01:00-05:00")  # across the fall-back
    free = window_inside(t("2026-12-01T10:00:59-05:00"), t("2026-12-01T12:00:30-05:00"))
    assert free is not None
    assert (free.start.isoformat(), free.end.isoformat()) == (
        "2026-12-01T10:01:00-05:00", "2026-12-01T12:00:00-05:00")
    assert window_inside(t("2026-12-01T10:00:01-05:00"), t("2026-12-01T10:00:59-05:00")) is None


def test_times_of_one_zone_object_are_compared_and_counted_in_real_time() -> None:
    # Python compares and subtracts two times sharing one zone object on their wall clocks: the
    # real hour from 01:00 EDT to 01:00 EST on 1 November 2026 was refused as "not after", and
    # 00:00-04:00 that night counted 4 hours where 5 passed.
    tz = ZoneInfo("America/New_York")
    edt, est = datetime(2026, 11, 1, 1, tzinfo=tz), datetime(2026, 11, 1, 1, tzinfo=tz, fold=1)
    assert (est - edt, elapsed(edt, est)) == (timedelta(0), timedelta(hours=1))
    assert TimeWindow(start=edt, end=est).end == est
    request = {"id": "R-1", "employer": {"id": "E"}, "start": edt, "end": est,
               "received_at": datetime(2026, 10, 1, tzinfo=tz)}
    assert Request.model_validate(request).end == est
    ref = AssignmentRef(request_id="R-1", officer_id="K-1", start=edt, end=est)
    assert ref.end == est
    assert QuoteRequest(agency="kennesaw-ga", start=edt, end=est, received_at=edt).end == est
    with pytest.raises(ValidationError, match="is not after start"):
        TimeWindow(start=est, end=edt)
    # 01:00-01:30 EST lies after a request that ends at 01:30 EDT (and was taken as inside it).
    late = {"request_id": "R-1", "officer_id": "K-1", "start": est,
            "end": datetime(2026, 11, 1, 1, 30, tzinfo=tz, fold=1)}
    problem = {"agency": "kennesaw-ga", "officers": [{"id": "K-1"}], "locked": [late],
               "requests": [request | {"start": datetime(2026, 11, 1, tzinfo=tz),
                                       "end": datetime(2026, 11, 1, 1, 30, tzinfo=tz)}]}
    with pytest.raises(ValidationError, match=r"locked\[0\]: K-1 on R-1 lies outside"):
        Problem.model_validate(problem)
    midnight = datetime(2026, 11, 1, tzinfo=tz)
    assert elapsed(midnight, datetime(2026, 11, 1, 4, tzinfo=tz)) == timedelta(hours=5)
    # 336 real hours from that midnight end at 23:00 on the 14th, not at midnight.
    assert too_long(midnight, datetime(2026, 11, 14, 23, tzinfo=tz)) is None
    assert too_long(midnight, datetime(2026, 11, 15, tzinfo=tz)) == (
        "lasts 337 hours; a request lasts at most 336 (a longer contract is one request a day or "
        "a week)")
