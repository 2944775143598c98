"""Quotes, invoice lines, officer pay lines and cancellation charges (rules.md sections 2-3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from models.common import MAX_POSITIONS, Id, Minute, Money, Name, OutputModel, StrictModel, elapsed
from models.request import JobType, Vehicle

RateType = Literal[
    "regular", "holiday", "emergency", "traffic", "traffic_holiday", "traffic_emergency",
    "contract", "vehicle_static", "vehicle_moving", "minimum_padding",
]


class QuoteRequest(StrictModel):
    """What a customer asks a price for: one request of N officers (CLI `quote`, API quotes)."""

    agency: Id
    start: Minute
    end: Minute
    received_at: AwareDatetime
    officers: int = Field(default=1, ge=1, le=MAX_POSITIONS)
    job_type: JobType = "regular"
    customer_rate: Name | None = None
    vehicle: Vehicle = Field(default_factory=Vehicle)

    @model_validator(mode="after")
    def _end_after_start(self) -> QuoteRequest:
        if elapsed(self.start, self.end) <= timedelta(0):
            raise ValueError(
                f"end {self.end.isoformat()} is not after start {self.start.isoformat()}"
            )
        return self


class CancellationQuoteRequest(QuoteRequest):
    """A scheduled request (as quoted) and its cancellation: when notice is given, how many of
    its officers are removed and the hours each already worked (API cancellation quotes)."""

    notice_at: AwareDatetime
    officers_removed: int = Field(default=1, ge=1, le=MAX_POSITIONS)
    worked_hours: Decimal = Field(default=Decimal(0), ge=0, le=336)


class InvoiceLine(OutputModel):
    """One rate type on one request: hours (or miles) summed over officers, rounded once."""

    request_id: str
    rate_type: RateType
    unit: Literal["hour", "mile"] = "hour"
    quantity: Decimal
    rate: Money
    amount: Money
    padding_rate_type: str | None = Field(
        default=None, description="For minimum padding: the rate type at the shift's start."
    )
    description: str | None = Field(
        default=None, description="What the line charges where the rate type alone does not say."
    )


class PayLine(OutputModel):
    """Officer pay for payroll: total rate minus the admin fee, per rate type."""

    request_id: str
    officer_id: str | None = None
    rate_type: RateType
    hours: Decimal
    rate: Money
    admin_fee: Money
    amount: Money


class Quote(OutputModel):
    agency: str
    request_id: str = "quote"
    officers: int
    emergency: bool
    holiday_hours: float = Field(description="Worked holiday hours per officer, padding excluded.")
    worked_hours_per_officer: float
    billable_hours_per_officer: float
    lines: list[InvoiceLine]
    total: Money
    currency: str = "USD"


class CancellationCharge(OutputModel):
    request_id: str
    officers_affected: int
    notice_hours: float
    bracket: Literal["48h_or_more", "under_48h"]
    admin_fee_per_hour: Money
    officer_pay_per_hour: Money
    charged_hours_admin: float
    charged_hours_pay: float
    lines: list[InvoiceLine] = Field(default_factory=list)
    total: Money
