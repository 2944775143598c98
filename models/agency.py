"""Agency types: rate card, holiday list and policy settings (rules.md sections 1-6).

An agency is data: the shipped ones live in `scheduler/data/agencies/`, and a user-written file
loads and validates through the same `Agency` model.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Tag,
    field_validator,
    model_serializer,
    model_validator,
)

from models.common import (
    DAY_HOURS,
    DAY_MINUTES,
    MAX_ID,
    MAX_ITEMS,
    MAX_POSITIONS,
    MAX_RATE,
    WEEK_HOURS,
    YEAR_HOURS,
    Id,
    StrictModel,
)

LatePolicy = Literal["emergency_rate", "refuse", "none"]
# A contract rate or a per-rate admin fee: dollars per hour, like the named rates.
RateAmount = Annotated[Decimal, Field(ge=0, le=MAX_RATE)]
# A rule's stable code (`ON_DUTY`, `WEEKLY_CAP`), as scheduler/rules/codes.py lists them.
RuleCode = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=64)]


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

    regular: Decimal = Field(gt=0, le=MAX_RATE)
    holiday: Decimal = Field(gt=0, le=MAX_RATE)
    emergency: Decimal | None = Field(default=None, gt=0, le=MAX_RATE)
    traffic: Decimal | None = Field(default=None, gt=0, le=MAX_RATE)
    traffic_holiday: Decimal | None = Field(default=None, gt=0, le=MAX_RATE)
    traffic_emergency: Decimal | None = Field(default=None, gt=0, le=MAX_RATE)
    contract_rates: dict[str, RateAmount] = Field(default_factory=dict)
    vehicle_static_per_hour: Decimal | None = Field(default=None, ge=0, le=MAX_RATE)
    vehicle_moving_per_mile: Decimal | None = Field(default=None, ge=0, le=MAX_RATE)
    admin_fee_per_hour: Decimal = Field(ge=0, le=MAX_RATE)
    admin_fee_by_rate: dict[str, RateAmount] = Field(default_factory=dict)

    def contract_rate_named(self, name: str) -> str | None:
        """The card's name for the contract rate `name`, matched ignoring case and punctuation
        ("samaritan's purse" is "Samaritan's Purse"), or None: the solver and the quotes
        accept the same names."""
        if name in self.contract_rates:
            return name
        wanted = _letters(name)
        return next((known for known in self.contract_rates if _letters(known) == wanted), None)


def _letters(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class PolicySettings(StrictModel):
    """An agency's policy settings; every name here can be overridden per problem.

    Each number has a finite range (roster-contract.md lists them): hours within a day are at
    most 24, within a week at most 168, a lead time at most a year.
    """

    min_hours: float = Field(gt=0, le=DAY_HOURS)
    lead_time_hours: float = Field(default=0, ge=0, le=YEAR_HOURS)
    late_request_policy: LatePolicy = "none"
    max_hours_per_day: float = Field(default=12, gt=0, le=DAY_HOURS)
    max_hours_per_week: float = Field(default=24, gt=0, le=WEEK_HOURS)
    max_hours_per_24h: float = Field(default=16, gt=0, le=DAY_HOURS)
    travel_gap_minutes: int = Field(default=30, ge=0, le=DAY_MINUTES)
    supervisor_at: int = Field(default=4, ge=1, le=MAX_POSITIONS)
    max_continuous_hours: float = Field(default=12, gt=0, le=DAY_HOURS)
    prohibited_categories: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    liquor_training_required: bool = False
    # Rule codes a supervisor may override on a hand move (rules.md section 8); none by default,
    # and caps or the rolling 24-hour rule only when listed here by name.
    overridable_rules: list[RuleCode] = Field(default_factory=list, max_length=MAX_ITEMS)


class PolicyOverrides(StrictModel):
    """A problem's `policy` object: overrides of the agency's settings, by name, never null."""

    min_hours: float | None = Field(default=None, gt=0, le=DAY_HOURS)
    lead_time_hours: float | None = Field(default=None, ge=0, le=YEAR_HOURS)
    late_request_policy: LatePolicy | None = None
    max_hours_per_day: float | None = Field(default=None, gt=0, le=DAY_HOURS)
    max_hours_per_week: float | None = Field(default=None, gt=0, le=WEEK_HOURS)
    max_hours_per_24h: float | None = Field(default=None, gt=0, le=DAY_HOURS)
    travel_gap_minutes: int | None = Field(default=None, ge=0, le=DAY_MINUTES)
    supervisor_at: int | None = Field(default=None, ge=1, le=MAX_POSITIONS)
    max_continuous_hours: float | None = Field(default=None, gt=0, le=DAY_HOURS)
    prohibited_categories: list[str] | None = Field(default=None, max_length=MAX_ITEMS)
    liquor_training_required: bool | None = None
    overridable_rules: list[RuleCode] | None = Field(default=None, max_length=MAX_ITEMS)

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

    id: str = Field(min_length=1, max_length=MAX_ID, pattern=r"^[a-z0-9][a-z0-9-]*$")
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


def _agency_tag(value: Any) -> str:
    return "str" if isinstance(value, str) else "Agency"


# An agency by id, or inline. The members are tagged by name so that an error's location reads
# `agency.Agency.rates...` whatever validators the model carries (pydantic names an untagged
# member by its schema, which an after-validator turns into `function-after[...]`).
AgencyRef = Annotated[
    Annotated[Id, Tag("str")] | Annotated[Agency, Tag("Agency")],
    Discriminator(_agency_tag),
]
