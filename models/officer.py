"""Officers: rank, status, qualifications, availability, on-duty time and fairness history."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from models.common import (
    MAX_HOURS_TO_DATE,
    MAX_ITEMS,
    WEEK_HOURS,
    Id,
    StrictModel,
    TimeWindow,
)


class Rank(StrEnum):
    OFFICER = "officer"
    CORPORAL = "corporal"
    SERGEANT = "sergeant"
    LIEUTENANT = "lieutenant"
    CAPTAIN = "captain"

    @property
    def is_supervisor(self) -> bool:
        """Sergeant and above supervise (rules.md section 5)."""
        return self in (Rank.SERGEANT, Rank.LIEUTENANT, Rank.CAPTAIN)


class Status(StrEnum):
    ACTIVE = "active"
    PROBATIONARY = "probationary"
    LIGHT_DUTY = "light_duty"
    SUSPENDED = "suspended"
    ADMINISTRATIVE_LEAVE = "administrative_leave"
    UNDER_INVESTIGATION = "under_investigation"


# Qualification names the rules look for.
QUAL_TRAFFIC = "traffic"
QUAL_VEHICLE = "vehicle"
QUAL_LIQUOR = "liquor_venue"


class Officer(StrictModel):
    id: Id
    name: str = ""
    rank: Rank = Rank.OFFICER
    status: Status = Status.ACTIVE
    qualifications: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    availability: list[TimeWindow] = Field(default_factory=list, max_length=MAX_ITEMS)
    on_duty: list[TimeWindow] = Field(default_factory=list, max_length=MAX_ITEMS)
    max_hours_per_week: float | None = Field(default=None, gt=0, le=WEEK_HOURS)
    hours_to_date: float = Field(default=0, ge=0, le=MAX_HOURS_TO_DATE)
    conflicts: list[Id] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Employer ids never worked for."
    )
    prior_shifts: list[TimeWindow] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Off-duty shifts already confirmed or worked outside this problem (earlier in "
        "the week, say): they count toward the overlap, daily, weekly and 24-hour rules.",
    )
