"""Which rate applies: policy settings, lateness, emergency and rate card lookups (rules.md 1-2).

Everything here answers "which rate type, at what price per hour" for one request; adding up
minutes into invoice lines is `scheduler.pricing.rates`. A request that cannot be priced (an unknown
contract rate, a vehicle the agency does not offer) is an `InputError` naming the field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from models.agency import Agency, PolicyOverrides, PolicySettings, RateCard
from models.common import InputError
from models.quote import RateType
from models.request import Request

# The hourly rate types a worked minute can bill at, in invoice order.
HOURLY_TYPES: tuple[RateType, ...] = (
    "regular",
    "holiday",
    "emergency",
    "traffic",
    "traffic_holiday",
    "traffic_emergency",
    "contract",
)

# Each job type's (base, holiday, emergency) rate types on the card.
_FAMILIES: dict[str, tuple[RateType, RateType, RateType]] = {
    "regular": ("regular", "holiday", "emergency"),
    "traffic": ("traffic", "traffic_holiday", "traffic_emergency"),
}


def effective_policy(agency: Agency, overrides: PolicyOverrides | None = None) -> PolicySettings:
    """The agency's policy settings with a problem's overrides on top."""
    return overrides.apply(agency.policy) if overrides is not None else agency.policy


def aware_utc(moment: datetime, field: str) -> datetime:
    """`moment` in UTC; a naive datetime is an input error naming `field`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(field, f"naive datetime {moment.isoformat()}: a UTC offset is required")
    return moment.astimezone(UTC)


def is_late(request_start: datetime, received_at: datetime, policy: PolicySettings) -> bool:
    """Received after start - lead time; exactly at the lead time is on time."""
    deadline = aware_utc(request_start, "start") - timedelta(hours=policy.lead_time_hours)
    return aware_utc(received_at, "received_at") > deadline


def is_emergency(
    request_start: datetime, received_at: datetime, agency: Agency, policy: PolicySettings
) -> bool:
    """A late request at an agency that bills late requests at its emergency rate."""
    if agency.rates.emergency is None or policy.late_request_policy != "emergency_rate":
        return False
    return is_late(request_start, received_at, policy)


def contract_rate_name(agency: Agency, customer_rate: str) -> str:
    """The card's name for a customer contract rate, matched ignoring case and punctuation."""
    name = agency.rates.contract_rate_named(customer_rate)
    if name is not None:
        return name
    known = ", ".join(agency.rates.contract_rates) or "none"
    raise InputError(
        "customer_rate", f"{agency.id} has no contract rate {customer_rate!r} (known: {known})"
    )


def check_priceable(request: Request, agency: Agency) -> None:
    """Refuse, as an input error, what the agency's card cannot price."""
    if request.customer_rate is not None:
        contract_rate_name(agency, request.customer_rate)
    kind = request.vehicle.kind
    if kind == "moving" and agency.rates.vehicle_moving_per_mile is None:
        raise InputError("vehicle.kind", f"{agency.id} does not offer a moving vehicle")
    if kind == "static" and agency.rates.vehicle_static_per_hour is None:
        raise InputError("vehicle.kind", f"{agency.id} does not offer a static vehicle")


def _family(request: Request, rates: RateCard) -> tuple[RateType, RateType, RateType]:
    # An agency without a traffic rate bills traffic jobs at its regular rates.
    if request.job_type == "traffic" and rates.traffic is not None:
        return _FAMILIES["traffic"]
    return _FAMILIES["regular"]


def rate_type_for(request: Request, agency: Agency, *, holiday: bool, emergency: bool) -> RateType:
    """The rate type of a worked minute: contract first, else the highest applicable rate."""
    if request.customer_rate is not None:
        return "contract"
    base, holiday_type, emergency_type = _family(request, agency.rates)
    candidates = [base]
    if holiday:
        candidates.append(holiday_type)
    if emergency:
        candidates.append(emergency_type)
    best, best_rate = base, _card_rate(agency.rates, base) or Decimal(0)
    for kind in candidates[1:]:
        rate = _card_rate(agency.rates, kind)
        # Strictly higher only, so the base type wins a tie.
        if rate is not None and rate > best_rate:
            best, best_rate = kind, rate
    return best


def _card_rate(rates: RateCard, rate_type: RateType) -> Decimal | None:
    value = getattr(rates, rate_type, None)
    return value if isinstance(value, Decimal) else None


def hourly_rate(request: Request, agency: Agency, rate_type: RateType) -> Decimal:
    """Price per hour of an hourly rate type for this request (contract: the customer's rate)."""
    if rate_type == "contract":
        if request.customer_rate is None:
            raise InputError("customer_rate", f"request {request.id} has no contract rate")
        return agency.rates.contract_rates[contract_rate_name(agency, request.customer_rate)]
    rate = _card_rate(agency.rates, rate_type)
    if rate is None:
        raise InputError("rates", f"{agency.id} has no {rate_type} rate")
    return rate


def admin_fee(agency: Agency, rate_type: RateType) -> Decimal:
    """The admin fee per hour of a rate line (the agency's default where the line has none)."""
    return agency.rates.admin_fee_by_rate.get(rate_type, agency.rates.admin_fee_per_hour)
