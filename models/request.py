"""Customer requests for off-duty officers (one request, N positions)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from models.common import (
    MAX_ITEMS,
    MAX_MILES,
    MAX_POSITIONS,
    Id,
    Minute,
    Name,
    StrictModel,
    elapsed,
)


class Employer(StrictModel):
    id: Id
    name: str = ""
    category: str = "general"
    pending_litigation: bool = False


class Venue(StrictModel):
    within_city_limits: bool = True
    alcohol_served: bool = False
    post: Literal["inside", "outside"] = "outside"


class Vehicle(StrictModel):
    kind: Literal["none", "static", "moving"] = "none"
    miles: float = Field(default=0, ge=0, le=MAX_MILES)


ApprovalKind = Literal["chief_alcohol_outside", "out_of_city_uniform"]


class Approval(StrictModel):
    kind: ApprovalKind
    reference: str = Field(min_length=1)


JobType = Literal["regular", "traffic"]


class Request(StrictModel):
    id: Id
    employer: Employer
    venue: Venue = Field(default_factory=Venue)
    uniformed: bool = True
    job_type: JobType = "regular"
    customer_rate: Name | None = None
    start: Minute
    end: Minute
    received_at: AwareDatetime
    officers_needed: int = Field(default=1, ge=1, le=MAX_POSITIONS)
    vehicle: Vehicle = Field(default_factory=Vehicle)
    approvals: list[Approval] = Field(default_factory=list, max_length=MAX_ITEMS)
    priority: int = Field(default=3, ge=1, le=5)
    preferred_officers: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _end_after_start(self) -> Request:
        if elapsed(self.start, self.end) <= timedelta(0):
            raise ValueError(
                f"request {self.id}: end {self.end.isoformat()} is not after start "
                f"{self.start.isoformat()}"
            )
        return self

    def has_approval(self, kind: str) -> bool:
        return any(a.kind == kind for a in self.approvals)
