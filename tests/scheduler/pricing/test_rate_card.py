"""Which rate applies: policy overrides, lateness, emergency, rate types and admin fees."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from models.agency import PolicyOverrides
from models.common import InputError
from models.request import Employer, Request
from scheduler.agencies import get_agency
from scheduler.pricing.rate_card import (
    admin_fee,
    contract_rate_name,
    effective_policy,
    is_emergency,
    is_late,
    rate_type_for,
)

KENNESAW = get_agency("kennesaw-ga")
ROCKPORT = get_agency("rockport-tx")
START = datetime.fromisoformat("2026-12-10T16:00-05:00")


def _request(**extra: object) -> Request:
    data = {"id": "R-1", "employer": Employer(id="E-1"), "start": START,
            "end": datetime.fromisoformat("2026-12-10T20:00-05:00"), "received_at": START}
    return Request.model_validate({**data, **extra})


def test_effective_policy_without_overrides_is_the_agencys() -> None:
    assert effective_policy(KENNESAW) == KENNESAW.policy


def test_effective_policy_applies_overrides_and_keeps_the_rest() -> None:
    policy = effective_policy(KENNESAW, PolicyOverrides(min_hours=3, lead_time_hours=24))
    assert (policy.min_hours, policy.lead_time_hours, policy.late_request_policy) == (
        3, 24, "emergency_rate"
    )


@pytest.mark.parametrize(
    ("received", "late"),
    [
        ("2026-12-07T16:00-05:00", False),  # exactly 72 h before: on time
        ("2026-12-07T16:01-05:00", True),   # 71 h 59 min before: late
        ("2026-12-07T15:59:59-05:00", False),
        ("2026-12-07T16:00:01-05:00", True),  # one second inside the lead time is late
    ],
)
def test_is_late_at_the_boundary(received: str, late: bool) -> None:
    assert is_late(START, datetime.fromisoformat(received), KENNESAW.policy) is late


def test_emergency_needs_an_emergency_rate_and_the_emergency_policy() -> None:
    received = datetime.fromisoformat("2026-12-10T09:00-05:00")
    assert is_emergency(START, received, KENNESAW, KENNESAW.policy) is True
    refuse = effective_policy(KENNESAW, PolicyOverrides(late_request_policy="refuse"))
    assert is_emergency(START, received, KENNESAW, refuse) is False
    # Rockport with a lead time and the emergency policy still has no emergency rate.
    rockport = effective_policy(
        ROCKPORT, PolicyOverrides(lead_time_hours=72, late_request_policy="emergency_rate")
    )
    assert is_emergency(START, received, ROCKPORT, rockport) is False


def test_naive_received_at_is_an_input_error() -> None:
    with pytest.raises(InputError) as caught:
        is_late(START, datetime(2026, 12, 7, 16), KENNESAW.policy)
    assert caught.value.field == "received_at"


@pytest.mark.parametrize(
    ("job_type", "holiday", "emergency", "kennesaw", "rockport"),
    [
        ("regular", False, False, "regular", "regular"),
        ("regular", True, False, "holiday", "holiday"),
        ("regular", False, True, "emergency", "regular"),
        ("regular", True, True, "holiday", "holiday"),  # 99.45 > 87.75
        ("traffic", False, False, "traffic", "regular"),
        ("traffic", True, False, "traffic_holiday", "holiday"),
        ("traffic", False, True, "traffic_emergency", "regular"),
        ("traffic", True, True, "traffic_holiday", "holiday"),  # 117.00 > 105.30
    ],
)
def test_rate_type_of_a_minute(
    job_type: str, holiday: bool, emergency: bool, kennesaw: str, rockport: str
) -> None:
    request = _request(job_type=job_type)
    assert rate_type_for(request, KENNESAW, holiday=holiday, emergency=emergency) == kennesaw
    assert rate_type_for(request, ROCKPORT, holiday=holiday, emergency=emergency) == rockport


def test_contract_replaces_every_hourly_rate() -> None:
    request = _request(customer_rate="Samaritan's Purse", job_type="traffic")
    assert rate_type_for(request, KENNESAW, holiday=True, emergency=True) == "contract"


def test_emergency_rate_above_holiday_wins() -> None:
    rates = KENNESAW.rates.model_copy(update={"emergency": Decimal("120.00")})
    agency = KENNESAW.model_copy(update={"rates": rates})
    assert rate_type_for(_request(), agency, holiday=True, emergency=True) == "emergency"


def test_contract_names_match_loosely_and_unknown_names_list_the_known() -> None:
    assert contract_rate_name(KENNESAW, "SAMARITANS PURSE") == "Samaritan's Purse"
    with pytest.raises(InputError, match=r"customer_rate: kennesaw-ga has no contract rate 'Acme' "
                       r"\(known: Samaritan's Purse\)"):
        contract_rate_name(KENNESAW, "Acme")


def test_admin_fee_per_line_falls_back_to_the_agency_default() -> None:
    assert admin_fee(KENNESAW, "holiday") == Decimal("8.90")
    assert admin_fee(KENNESAW, "contract") == Decimal("11.90")
    assert admin_fee(ROCKPORT, "holiday") == Decimal("8.00")
