"""The transformations a what-if variant may apply to a problem, as validated settings.

Each class is one entry of a variant's `changes:` list, written in a scenario file as a
one-key mapping (`- remove_officers: {rank: sergeant}`); `CHANGES` maps that key to its class.
The functions that apply them live in `scenarios.transforms` and `scenarios.demand`; this
module only says what may be written and checks it.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Literal

from pydantic import Field, PositiveFloat, field_validator, model_validator

from models.agency import PolicyOverrides, RateCard
from models.common import StrictModel
from models.officer import Rank
from models.request import Employer, JobType, Vehicle, Venue


class OfficerSelection(StrictModel):
    """Which officers a change touches: by id, by rank, then a random fraction of those."""

    ids: list[str] = Field(default_factory=list)
    rank: list[Rank] = Field(default_factory=list)
    fraction: float | None = Field(default=None, gt=0, le=1)
    seed: int = Field(default=0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _rank_as_list(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("rank"), str):
            return {**data, "rank": [data["rank"]]}
        return data

    @property
    def is_random(self) -> bool:
        return self.fraction is not None


class RemoveOfficers(OfficerSelection):
    """Take officers out of the problem (with their locked and hinted shifts)."""

    @model_validator(mode="after")
    def _names_someone(self) -> RemoveOfficers:
        if not (self.ids or self.rank or self.fraction is not None):
            raise ValueError("name the officers to remove: ids, rank or fraction")
        return self


class MarkUnavailable(OfficerSelection):
    """Cut the selected officers' availability on whole local dates (all officers by default)."""

    dates: list[date] = Field(min_length=1)


class AddDemand(StrictModel):
    """Add `count` requests of one shape on each of `dates` (local start time, real hours)."""

    count: int = Field(default=1, ge=1, le=1000)
    dates: list[date] = Field(min_length=1)
    start: time
    hours: PositiveFloat = Field(le=48)
    officers_needed: int = Field(default=1, ge=1, le=500)
    job_type: JobType = "regular"
    priority: int = Field(default=3, ge=1, le=5)
    employer: Employer = Field(
        default_factory=lambda: Employer(id="WHAT-IF", name="Added demand", category="general")
    )
    venue: Venue = Field(default_factory=Venue)
    vehicle: Vehicle = Field(default_factory=Vehicle)
    received_hours_before: float = Field(default=14 * 24, ge=0)
    id_prefix: str = Field(default="ADD", min_length=1)

    @field_validator("start")
    @classmethod
    def _start_on_a_minute(cls, start: time) -> time:
        if start.second or start.microsecond:
            raise ValueError(f"{start.isoformat()} is not on a whole minute")
        return start

    @field_validator("hours")
    @classmethod
    def _whole_minutes(cls, hours: float) -> float:
        # A request's end is its start plus these hours, in whole minutes: 2.51 h would end at
        # 20:30:36. A third of an hour written 0.333333 is 20 minutes.
        if abs(hours * 60 - round(hours * 60)) > 0.01:
            raise ValueError(f"{hours} h is not a whole number of minutes")
        return hours

    @property
    def is_random(self) -> bool:
        return False


class ScaleDemand(StrictModel):
    """Scale demand: each request's officers_needed x factor (rounded), or duplicate requests.

    With `mode: duplicate` every request appears floor(factor) times, and a seeded random
    fraction (factor - floor(factor)) of them once more. `dates` limits the change to requests
    starting on those local dates.
    """

    factor: PositiveFloat = Field(le=100)
    mode: Literal["officers_needed", "duplicate"] = "officers_needed"
    dates: list[date] = Field(default_factory=list)
    seed: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _duplicate_adds(self) -> ScaleDemand:
        if self.mode == "duplicate" and self.factor < 1:
            raise ValueError("duplicate needs a factor of at least 1 (shrink with officers_needed)")
        return self

    @property
    def is_random(self) -> bool:
        return self.mode == "duplicate" and self.factor != int(self.factor)


class ChangePolicy(PolicyOverrides):
    """Override agency policy settings for the variant (same names as a problem's `policy`)."""

    @property
    def is_random(self) -> bool:
        return False


class ChangeRates(StrictModel):
    """Replace rate-card figures; the variant then carries a full agency object."""

    regular: Decimal | None = Field(default=None, gt=0)
    holiday: Decimal | None = Field(default=None, gt=0)
    emergency: Decimal | None = Field(default=None, gt=0)
    traffic: Decimal | None = Field(default=None, gt=0)
    traffic_holiday: Decimal | None = Field(default=None, gt=0)
    traffic_emergency: Decimal | None = Field(default=None, gt=0)
    contract_rates: dict[str, Decimal] | None = None
    vehicle_static_per_hour: Decimal | None = Field(default=None, ge=0)
    vehicle_moving_per_mile: Decimal | None = Field(default=None, ge=0)
    admin_fee_per_hour: Decimal | None = Field(default=None, ge=0)
    admin_fee_by_rate: dict[str, Decimal] | None = None

    def apply(self, card: RateCard) -> RateCard:
        """The card with these figures replaced, validated as a whole."""
        changed = self.model_dump(exclude_none=True)
        return RateCard.model_validate({**card.model_dump(), **changed})

    @property
    def is_random(self) -> bool:
        return False


Change = RemoveOfficers | MarkUnavailable | AddDemand | ScaleDemand | ChangePolicy | ChangeRates

CHANGES: dict[str, type[Change]] = {
    "remove_officers": RemoveOfficers,
    "unavailable": MarkUnavailable,
    "add_demand": AddDemand,
    "scale_demand": ScaleDemand,
    "policy": ChangePolicy,
    "rates": ChangeRates,
}
