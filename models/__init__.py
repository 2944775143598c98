"""Domain types of offduty: pydantic v2 models with validation and no business logic.

Imports flow one way: `models` <- `scheduler` <- `scenarios`, `api`, `cli`.
"""

from models.agency import Agency, HolidayName, PolicyOverrides, PolicySettings, RateCard
from models.common import InputError, Money, TimeWindow
from models.officer import Officer, Rank, Status
from models.problem import AssignmentRef, Problem, SolveOptions
from models.quote import CancellationCharge, InvoiceLine, PayLine, Quote, QuoteRequest
from models.request import Approval, Employer, Request, Vehicle, Venue
from models.result import (
    Assignment,
    InputWarning,
    Metrics,
    OfficerHours,
    Pricing,
    Reason,
    Rejected,
    RequestPricing,
    RosterResult,
    SolverStats,
    StageStats,
    Unfilled,
    Violation,
)

__all__ = [
    "Agency", "Approval", "Assignment", "AssignmentRef", "CancellationCharge", "Employer",
    "HolidayName", "InputError", "InputWarning", "InvoiceLine", "Metrics", "Money", "Officer",
    "OfficerHours",
    "PayLine", "PolicyOverrides", "PolicySettings", "Pricing", "Problem", "Quote", "QuoteRequest",
    "Rank", "RateCard", "Reason", "Rejected", "Request", "RequestPricing", "RosterResult",
    "SolveOptions", "SolverStats", "StageStats", "Status", "TimeWindow", "Unfilled", "Vehicle",
    "Venue", "Violation",
]
