"""Properties of the rate engine over random requests at both agencies (hypothesis).

The windows cover both DST changes, the November and December holidays and New Year, so
shifts cross local midnights into and out of holidays.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from models.agency import Agency
from models.request import Employer, Request, Vehicle
from scheduler.agencies import get_agency
from scheduler.pricing.holidays import is_holiday
from scheduler.pricing.rates import price_request

KENNESAW = get_agency("kennesaw-ga")
ROCKPORT = get_agency("rockport-tx")
WINDOWS = [datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 10, 20, tzinfo=UTC),
           datetime(2026, 12, 15, tzinfo=UTC)]
CENT = Decimal("0.01")


@st.composite
def requests(draw: st.DrawFn) -> tuple[Agency, Request]:
    """A random priceable request (times on the minute) at one of the shipped agencies."""
    agency = draw(st.sampled_from([KENNESAW, ROCKPORT]))
    start = draw(st.sampled_from(WINDOWS)) + timedelta(minutes=draw(st.integers(0, 40 * 1440)))
    start = start.astimezone(agency.tz)
    end = start + timedelta(minutes=draw(st.integers(1, 16 * 60)))
    received = start - timedelta(hours=draw(st.integers(-10, 200)))
    kinds = ["none", "static", "moving"] if agency is ROCKPORT else ["none", "static"]
    vehicle = Vehicle(kind=draw(st.sampled_from(kinds)), miles=draw(st.integers(0, 2000)) / 10)
    contract = draw(st.sampled_from([None, "Samaritan's Purse"])) if agency is KENNESAW else None
    request = Request(
        id="R-1", employer=Employer(id="E-1"), start=start, end=end, received_at=received,
        job_type=draw(st.sampled_from(["regular", "traffic"])), customer_rate=contract,
        vehicle=vehicle,
    )
    return agency, request


def _total(agency: Agency, request: Request, shifts: list[tuple[datetime, datetime]]) -> Decimal:
    return price_request(request, shifts, agency, agency.policy).total


def _whole(agency: Agency, request: Request) -> Decimal:
    return _total(agency, request, [(request.start, request.end)])


@settings(max_examples=150, deadline=None)
@given(requests(), st.integers(1, 8 * 60))
def test_lengthening_a_shift_never_lowers_the_total_unless_holiday_padding_is_replaced(
    drawn: tuple[Agency, Request], extra: int
) -> None:
    agency, request = drawn
    longer = request.model_copy(update={"end": request.end + timedelta(minutes=extra)})
    before, after = _whole(agency, request), _whole(agency, longer)
    if after >= before:
        return
    # The one exception the rules allow: padding billed at the holiday rate of the start is
    # replaced by worked minutes on a later, regular date (rules.md 2.2 and 2.3).
    minimum = timedelta(hours=agency.policy.min_hours)
    assert request.end - request.start < minimum
    assert is_holiday(agency, request.start.astimezone(agency.tz).date())
    assert not is_holiday(agency, longer.end.astimezone(agency.tz).date())


@settings(max_examples=150, deadline=None)
@given(requests(), st.integers(1, 8 * 60))
def test_lengthening_a_shift_that_meets_the_minimum_never_lowers_the_total(
    drawn: tuple[Agency, Request], extra: int
) -> None:
    agency, request = drawn
    minimum = timedelta(hours=agency.policy.min_hours)
    if request.end - request.start < minimum:
        request = request.model_copy(update={"end": request.start + minimum})
    longer = request.model_copy(update={"end": request.end + timedelta(minutes=extra)})
    assert _whole(agency, longer) >= _whole(agency, request)


@settings(max_examples=150, deadline=None)
@given(requests(), st.integers(0, 12), st.integers(0, 12))
def test_splitting_at_an_hour_boundary_keeps_the_total(
    drawn: tuple[Agency, Request], more_first: int, more_second: int
) -> None:
    agency, request = drawn
    # Two pieces of whole elapsed hours, each at least the agency minimum. The arithmetic is in
    # UTC: on local wall-clock time a piece across the spring-forward night is an hour short.
    minimum = int(agency.policy.min_hours)
    first, second = minimum + more_first, minimum + more_second
    start = request.start.astimezone(UTC)
    end = (start + timedelta(hours=first + second)).astimezone(agency.tz)
    whole = request.model_copy(update={"end": end})
    middle = (start + timedelta(hours=first)).astimezone(agency.tz)
    split = _total(agency, whole, [(whole.start, middle), (middle, whole.end)])
    assert split == _whole(agency, whole)


@settings(max_examples=200, deadline=None)
@given(requests(), st.integers(1, 5))
def test_totals_are_whole_cents_and_the_sum_of_their_lines(
    drawn: tuple[Agency, Request], officers: int
) -> None:
    agency, request = drawn
    pricing = price_request(request, [(request.start, request.end)] * officers, agency,
                            agency.policy)
    assert pricing.total == pricing.total.quantize(CENT)
    assert all(line.amount == line.amount.quantize(CENT) for line in pricing.lines)
    assert pricing.total == sum((line.amount for line in pricing.lines), Decimal(0))
