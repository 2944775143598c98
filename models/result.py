"""The roster result of roster-contract.md: assignments, unfilled, rejected, metrics, pricing."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from models.common import Minute, Money, OutputModel
from models.quote import InvoiceLine

RosterStatus = Literal["optimal", "feasible", "infeasible", "no_solution"]


class Assignment(OutputModel):
    request_id: str
    officer_id: str
    start: Minute
    end: Minute
    hours: float = Field(description="Worked hours (real elapsed time).")
    billable_hours: float
    amount: Money = Field(description="Informational; invoices round per line.")
    locked: bool = False


class Reason(OutputModel):
    code: str
    message: str
    officers: list[str] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    holds: dict[str, list[str]] = Field(
        default_factory=dict, description="For ALL_ELIGIBLE_BUSY: officer id -> what holds them."
    )


class Unfilled(OutputModel):
    request_id: str
    start: Minute
    end: Minute
    positions: int
    reasons: list[Reason]


class Rejected(OutputModel):
    request_id: str
    code: str
    codes: list[str]
    message: str
    messages: list[str] = Field(default_factory=list)


class Violation(OutputModel):
    """A hard rule a roster breaks (validator output, or why locked assignments are infeasible)."""

    code: str
    message: str
    officer_id: str | None = None
    request_id: str | None = None


class InputWarning(OutputModel):
    """Input the solver ignored but the caller probably meant (an unknown id in a hint, say)."""

    code: str = Field(description="UNKNOWN_OFFICER or UNKNOWN_REQUEST.")
    field: str = Field(description="Where it is, e.g. `requests[0] (R-1).preferred_officers[1]`.")
    id: str = Field(description="The id that matched nothing in the problem.")
    message: str


class OfficerHours(OutputModel):
    officer_id: str
    hours_to_date: float
    new_hours: float
    total_hours: float


class Metrics(OutputModel):
    positions_requested: int
    positions_filled: float = Field(
        description="Whole positions; a split position counts its share."
    )
    coverage: float = Field(description="Priority-weighted position-equivalents filled.")
    coverage_upper_bound: float = Field(
        description="A proven bound on coverage, in its priority-weighted units."
    )
    hours_filled: float
    max_total_hours: float
    max_total_lower_bound: float | None = None
    spread_hours: float
    gini: float
    improvable_pairs: int


class RequestPricing(OutputModel):
    request_id: str
    total: Money
    lines: list[InvoiceLine]


class Pricing(OutputModel):
    total: Money
    currency: str = "USD"
    requests: list[RequestPricing] = Field(default_factory=list)


class StageStats(OutputModel):
    name: str
    status: str
    objective: float | None
    bound: float | None
    wall_s: float


class SolverStats(OutputModel):
    status: str
    wall_s: float
    first_solution_s: float | None = None
    objective: list[float] = Field(default_factory=list)
    bound: list[float] = Field(default_factory=list)
    stages: list[StageStats] = Field(default_factory=list)
    seed: int = 0
    workers: int = 1
    deterministic: bool = False
    ortools: str = ""
    variables: int = 0
    phases: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Seconds per phase, from a parsed problem to an assembled result: prepare, "
            "screening, model, search, bound, polish, resplit, report. They sum to wall_s."
        ),
    )
    notes: list[str] = Field(default_factory=list)


class RosterResult(OutputModel):
    status: RosterStatus
    agency: str = ""
    assignments: list[Assignment] = Field(default_factory=list)
    unfilled: list[Unfilled] = Field(default_factory=list)
    rejected: list[Rejected] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list)
    officer_hours: list[OfficerHours] = Field(default_factory=list)
    metrics: Metrics
    pricing: Pricing = Field(default_factory=lambda: Pricing(total=Decimal("0")))
    solver: SolverStats = Field(default_factory=lambda: SolverStats(status="none", wall_s=0.0))
    notes: list[str] = Field(default_factory=list)
    warnings: list[InputWarning] = Field(
        default_factory=list, description="Input ignored without changing the roster."
    )
