"""The roster problem of roster-contract.md: agency, officers, requests, locks, policy, options."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field, model_validator

from models.agency import AgencyRef, PolicyOverrides
from models.common import (
    MAX_OFFICERS,
    MAX_REQUESTS,
    Id,
    Minute,
    StrictModel,
    elapsed,
    too_long,
)
from models.officer import Officer
from models.request import Request

RuleCode = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=40)]


class AssignmentRef(StrictModel):
    """One officer on one request (or one segment of it): used for locks and hints."""

    request_id: Id
    officer_id: Id
    start: Minute
    end: Minute
    overrides: list[RuleCode] = Field(
        default_factory=list,
        max_length=32,
        description="On a lock: rule codes a supervisor overrode for this shift alone "
        "(rules.md section 8). Every other rule still binds it, and it still loads the "
        "officer for their other shifts.",
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> AssignmentRef:
        if elapsed(self.start, self.end) <= timedelta(0):
            raise ValueError(
                f"{self.request_id}/{self.officer_id}: end is not after start"
            )
        return self


class SolveOptions(StrictModel):
    time_limit_s: float = Field(default=10, gt=0, le=3600)
    deterministic: bool = False
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    num_workers: int = Field(default=2, ge=1, le=64)


class Problem(StrictModel):
    agency: AgencyRef
    officers: list[Officer] = Field(default_factory=list, max_length=MAX_OFFICERS)
    requests: list[Request] = Field(default_factory=list, max_length=MAX_REQUESTS)
    locked: list[AssignmentRef] = Field(default_factory=list, max_length=MAX_REQUESTS)
    hint: list[AssignmentRef] = Field(
        default_factory=list,
        max_length=MAX_REQUESTS,
        description="A previous roster; the solver changes as little as it can.",
    )
    policy: PolicyOverrides = Field(default_factory=PolicyOverrides)
    options: SolveOptions = Field(default_factory=SolveOptions)

    @model_validator(mode="after")
    def _ids_consistent(self) -> Problem:
        _unique("officers", [o.id for o in self.officers])
        _unique("requests", [r.id for r in self.requests])
        officers = {o.id for o in self.officers}
        requests = {r.id: r for r in self.requests}
        for i, lock in enumerate(self.locked):
            if lock.officer_id not in officers:
                raise ValueError(f"locked[{i}]: unknown officer {lock.officer_id}")
            request = requests.get(lock.request_id)
            if request is None:
                raise ValueError(f"locked[{i}]: unknown request {lock.request_id}")
            inside = elapsed(request.start, lock.start), elapsed(lock.end, request.end)
            if min(inside) < timedelta(0):
                raise ValueError(
                    f"locked[{i}]: {lock.officer_id} on {lock.request_id} lies outside "
                    "the request's times"
                )
        for i, request in enumerate(self.requests):
            if (why := too_long(request.start, request.end)) is not None:
                raise ValueError(f"requests[{i}] ({request.id}): {why}")
        for i, ref in enumerate(self.hint):
            if ref.overrides:
                raise ValueError(f"hint[{i}]: overrides apply only to locked assignments")
        return self


def _unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{kind}: id {item} appears twice")
        seen.add(item)
