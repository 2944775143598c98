"""Request and response bodies of the HTTP service that are not domain types.

The roster problem, roster result, quote request and quote are the public contract and live in
`models`; this module holds what only the service speaks: errors, jobs, request validation,
agency views and health.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from models.agency import (
    AgencyRef,
    HolidayName,
    PolicyOverrides,
    PolicySettings,
    RateCard,
)
from models.request import Request
from models.result import RosterResult


class ErrorDetail(BaseModel):
    loc: list[str | int] = Field(description="Where the bad value is: body, then field names.")
    msg: str
    type: str = "value_error"


class ValidationErrorResponse(BaseModel):
    """422: what is wrong with the input, field by field (the first 50 problems at most)."""

    detail: list[ErrorDetail]
    omitted: int = Field(default=0, ge=0, description="Problems found beyond those listed.")


class ErrorMessage(BaseModel):
    """Any other error: one sentence, and the request id to quote when reporting it."""

    detail: str
    request_id: str | None = None


JobState = Literal["queued", "running", "done", "failed", "cancelled"]


class JobAccepted(BaseModel):
    id: str
    state: JobState
    href: str = Field(description="Where to poll for the result.")


class JobStatus(BaseModel):
    id: str
    state: JobState
    agency: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: RosterResult | None = Field(
        default=None, description="When done; when cancelled while running, the best roster found."
    )
    error: list[ErrorDetail] | None = Field(default=None, description="When failed.")
    reason: str | None = Field(
        default=None, description="Why a durable job failed or was retried (`interrupted`)."
    )
    attempts: int | None = Field(default=None, description="Runs of a durable job so far.")


class ValidateRequestBody(BaseModel):
    """One request to check against an agency's request-level rules."""

    model_config = ConfigDict(extra="forbid")

    agency: AgencyRef
    policy: PolicyOverrides = Field(default_factory=PolicyOverrides)
    request: Request


class RuleHitOut(BaseModel):
    code: str
    message: str


class ValidateResponse(BaseModel):
    request_id: str
    agency: str
    accepted: bool = Field(description="No request-level rule refuses it.")
    refusals: list[RuleHitOut] = Field(description="Every rule that refuses it, in spec order.")
    emergency: bool = Field(description="Would be billed at the emergency rate.")
    late: bool = Field(description="Received later than start minus the lead time.")
    lead_time_hours: float
    late_request_policy: str


class AgencySummary(BaseModel):
    id: str
    name: str
    time_zone: str
    currency: str


class AgencyList(BaseModel):
    agencies: list[AgencySummary]


class HolidayOut(BaseModel):
    date: date
    name: HolidayName


class AgencyDetail(AgencySummary):
    rates: RateCard
    policy: PolicySettings
    year: int
    holidays: list[HolidayOut] = Field(description="Holiday dates of `year`, actual dates.")
    assumptions: list[str]
    sources: list[str]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class PoolStats(BaseModel):
    workers: int
    queue_size: int
    running: int
    queued: int


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, bool]
    pool: PoolStats
    checked_at: AwareDatetime
