"""Agency types: rate card, holiday list and policy settings (rules.md sections 1-6).

An agency is data: the shipped ones live in `scheduler/data/agencies/`, and a user-written file
loads and validates through the same `Agency` model.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    NonNegativeFloat,
    PositiveFloat,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from models.common import StrictModel

LatePolicy = Literal["emergency_rate", "refuse", "none"]


class HolidayName(StrEnum):
    """Holidays an agency may list; dates are the actual days, never the observed weekday."""

    NEW_YEARS_EVE = "new_years_eve"
    NEW_YEARS_DAY = "new_years_day"
    MLK_DAY = "mlk_day"
    PRESIDENTS_DAY = "presidents_day"
    GOOD_FRIDAY = "good_friday"
    EASTER_SUNDAY = "easter_sunday"
    MEMORIAL_DAY = "memorial_day"
    JUNETEENTH = "juneteenth"
    INDEPENDENCE_DAY = "independence_day"
    LABOR_DAY = "labor_day"
    COLUMBUS_DAY = "columbus_day"
    VETERANS_DAY = "veterans_day"
    THANKSGIVING = "thanksgiving"
    DAY_AFTER_THANKSGIVING = "day_after_thanksgiving"
    CHRISTMAS_EVE = "christmas_eve"
    CHRISTMAS_DAY = "christmas_day"


class RateCard(StrictModel):
    """Total billable hourly rates (officer pay plus admin fee), USD."""

    regular: Decimal = Field(gt=0)
    holiday: Decimal = Field(gt=0)
    emergency: Decimal | None = Field(default=None, gt=0)
    traffic: Decimal | None = Field(default=None, gt=0)
    traffic_holiday: Decimal | None = Field(default=None, gt=0)
    traffic_emergency: Decimal | None = Field(default=None, gt=0)
    contract_rates: dict[str, Decimal] = Field(default_factory=dict)
    vehicle_static_per_hour: Decimal | None = Field(default=None, ge=0)
    vehicle_moving_per_mile: Decimal | None = Field(default=None, ge=0)
    admin_fee_per_hour: Decimal = Field(ge=0)
    admin_fee_by_rate: dict[str, Decimal] = Field(default_factory=dict)

    @field_validator("contract_rates", "admin_fee_by_rate")
    @classmethod
    def _positive_values(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        for name, amount in value.items():
            if amount < 0:
                raise ValueError(f"{name}: amount must not be negative")
        return value


class PolicySettings(StrictModel):
    """An agency's policy settings; every name here can be overridden per problem."""

    min_hours: PositiveFloat
    lead_time_hours: NonNegativeFloat = 0
    late_request_policy: LatePolicy = "none"
    max_hours_per_day: PositiveFloat = 12
    max_hours_per_week: PositiveFloat = 24
    max_hours_per_24h: PositiveFloat = 16
    travel_gap_minutes: int = Field(default=30, ge=0)
    supervisor_at: int = Field(default=4, ge=1)
    max_continuous_hours: PositiveFloat = 12
    prohibited_categories: list[str] = Field(default_factory=list)
    liquor_training_required: bool = False


class PolicyOverrides(StrictModel):
    """A problem's `policy` object: overrides of the agency's settings, by name, never null."""

    min_hours: PositiveFloat | None = None
    lead_time_hours: NonNegativeFloat | None = None
    late_request_policy: LatePolicy | None = None
    max_hours_per_day: PositiveFloat | None = None
    max_hours_per_week: PositiveFloat | None = None
    max_hours_per_24h: PositiveFloat | None = None
    travel_gap_minutes: int | None = Field(default=None, ge=0)
    supervisor_at: int | None = Field(default=None, ge=1)
    max_continuous_hours: PositiveFloat | None = None
    prohibited_categories: list[str] | None = None
    liquor_training_required: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name, value in data.items():
                if value is None:
                    raise ValueError(
                        f"{name} may not be null; leave it out to keep the agency's value"
                    )
        return data

    @model_serializer(mode="wrap")
    def _drop_unset(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Overrides left out stay out, so a dumped problem loads back (null is refused above).
        return {k: v for k, v in handler(self).items() if v is not None}

    def apply(self, settings: PolicySettings) -> PolicySettings:
        """The agency's settings with these overrides on top."""
        return settings.model_copy(update=self.model_dump(exclude_none=True))


class Agency(StrictModel):
    """A police agency (or a management company's client agency) and its published terms."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    time_zone: str
    currency: Literal["USD"] = "USD"
    rates: RateCard
    holidays: list[HolidayName]
    policy: PolicySettings
    assumptions: list[str] = Field(
        default_factory=list, description="Settings not published by the agency, stated as ours."
    )
    sources: list[str] = Field(default_factory=list)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)
