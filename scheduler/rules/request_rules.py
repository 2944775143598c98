"""Whether a request may be staffed at all: the request-level refusals of rules.md section 4.

Each rule is one function named after it, returning a `RuleHit` with a sentence a dispatcher
understands, or None when the rule does not apply. `REQUEST_RULE_FUNCS` lists them in the order
of `codes.REQUEST_RULES`, which is the order refusals are reported in: the first is the request's
`code`. The solver and the validator both ask `refusal` so they never disagree on what is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from models.agency import Agency, PolicySettings
from models.request import Request
from models.result import Rejected


@dataclass(frozen=True)
class RuleHit:
    """One request-level rule that refuses a request: its stable code and why, in plain words."""

    code: str
    message: str


RequestRule = Callable[[Request, Agency, PolicySettings], "RuleHit | None"]


@lru_cache(maxsize=64)
def _folded(categories: tuple[str, ...]) -> frozenset[str]:
    """The prohibited categories as compared, folded once rather than for every request."""
    return frozenset(c.strip().casefold() for c in categories)


def prohibited_employer(request: Request, agency: Agency, policy: PolicySettings) -> RuleHit | None:
    """The employer's category is on the agency's prohibited list (case-insensitive)."""
    category = request.employer.category.strip().casefold()
    if category not in _folded(tuple(policy.prohibited_categories)):
        return None
    who = request.employer.name or request.employer.id
    return RuleHit(
        "PROHIBITED_EMPLOYER",
        f"{who} is in the category '{request.employer.category}', which {agency.name} does not "
        "staff.",
    )


def alcohol_inside(request: Request, agency: Agency, policy: PolicySettings) -> RuleHit | None:
    """The venue serves alcohol and the post is inside."""
    if not (request.venue.alcohol_served and request.venue.post == "inside"):
        return None
    return RuleHit(
        "ALCOHOL_INSIDE",
        "The venue sells or serves alcohol and the post is inside; officers may not work inside "
        "such an establishment.",
    )


def alcohol_outside_unapproved(
    request: Request, agency: Agency, policy: PolicySettings
) -> RuleHit | None:
    """The venue serves alcohol, the post is outside, and the chief has not approved it."""
    venue = request.venue
    if not (venue.alcohol_served and venue.post == "outside"):
        return None
    if request.has_approval("chief_alcohol_outside"):
        return None
    return RuleHit(
        "ALCOHOL_OUTSIDE_UNAPPROVED",
        "The venue sells or serves alcohol; an outside post needs the chief's approval on this "
        "request (approval 'chief_alcohol_outside').",
    )


def pending_litigation(request: Request, agency: Agency, policy: PolicySettings) -> RuleHit | None:
    """The employer has a lawsuit or administrative hearing pending with the agency or city."""
    if not request.employer.pending_litigation:
        return None
    who = request.employer.name or request.employer.id
    return RuleHit(
        "PENDING_LITIGATION",
        f"{who} has a lawsuit or administrative hearing pending with the agency or its city.",
    )


def out_of_city_unapproved(
    request: Request, agency: Agency, policy: PolicySettings
) -> RuleHit | None:
    """Uniformed work outside the city limits without written approval for this request."""
    if not request.uniformed or request.venue.within_city_limits:
        return None
    if request.has_approval("out_of_city_uniform"):
        return None
    return RuleHit(
        "OUT_OF_CITY_UNAPPROVED",
        "Uniformed work outside the city limits needs written approval for this occasion "
        "(approval 'out_of_city_uniform' on this request).",
    )


def lead_time(request: Request, agency: Agency, policy: PolicySettings) -> RuleHit | None:
    """Received later than start minus the lead time, where the agency refuses late requests."""
    if policy.late_request_policy != "refuse":
        return None
    deadline = request.start - timedelta(hours=policy.lead_time_hours)
    # Exactly at the deadline is in time (rules.md 2.9).
    if request.received_at <= deadline:
        return None
    return RuleHit(
        "LEAD_TIME",
        f"Received {request.received_at.isoformat()}, later than {policy.lead_time_hours:g} hours "
        f"before the start ({deadline.isoformat()}); {agency.name} refuses late requests.",
    )


def moving_vehicle_not_offered(
    request: Request, agency: Agency, policy: PolicySettings
) -> RuleHit | None:
    """A moving-vehicle request at an agency with no mileage rate."""
    if request.vehicle.kind != "moving" or agency.rates.vehicle_moving_per_mile is not None:
        return None
    return RuleHit(
        "MOVING_VEHICLE_NOT_OFFERED",
        f"{agency.name} does not offer moving-vehicle details (it has no mileage rate).",
    )


# In the order of codes.REQUEST_RULES (rules.md section 4); a test keeps the two in step.
REQUEST_RULE_FUNCS: tuple[tuple[str, RequestRule], ...] = (
    ("PROHIBITED_EMPLOYER", prohibited_employer),
    ("ALCOHOL_INSIDE", alcohol_inside),
    ("ALCOHOL_OUTSIDE_UNAPPROVED", alcohol_outside_unapproved),
    ("PENDING_LITIGATION", pending_litigation),
    ("OUT_OF_CITY_UNAPPROVED", out_of_city_unapproved),
    ("LEAD_TIME", lead_time),
    ("MOVING_VEHICLE_NOT_OFFERED", moving_vehicle_not_offered),
)


def check_request(request: Request, agency: Agency, policy: PolicySettings) -> list[RuleHit]:
    """Every request-level rule that refuses this request, in the order of rules.md section 4."""
    hits = (rule(request, agency, policy) for _, rule in REQUEST_RULE_FUNCS)
    return [hit for hit in hits if hit is not None]


def refusal(request: Request, agency: Agency, policy: PolicySettings) -> Rejected | None:
    """The request's refusal (first code and all codes), or None when it may be staffed."""
    hits = check_request(request, agency, policy)
    if not hits:
        return None
    return Rejected(
        request_id=request.id,
        code=hits[0].code,
        codes=[h.code for h in hits],
        message=hits[0].message,
        messages=[h.message for h in hits],
    )
