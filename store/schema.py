"""The tables of the store, as typed SQLAlchemy 2 ORM classes.

Public ids (`K-101`, `R-1`) are unique per agency; rows link by integer keys so an id can be
reused by another agency. Lists that are only ever read whole (qualifications, approvals) are
JSON columns. Every time column is an aware UTC datetime (`UTCDateTime`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from store.coltypes import MoneyType, UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


class AssignmentState(StrEnum):
    """Life of one officer's shift: proposed by a nightly run, confirmed by a dispatcher, then
    worked (actual times recorded) or cancelled."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    WORKED = "worked"


class RequestState(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), Decimal: MoneyType(), dict[str, Any]: JSON}


class AgencyRow(Base):
    """An agency known to the store: a shipped id, or a user-written definition kept as JSON."""

    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    time_zone: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    policy_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfficerRow(Base):
    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("agency_id", "code", name="uq_officers_agency_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(String(64), comment="The officer's public id (K-101).")
    name: Mapped[str] = mapped_column(String(200), default="")
    rank: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(32))
    qualifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    conflicts: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_hours_per_week: Mapped[float | None] = mapped_column(Float, default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    availability: Mapped[list[AvailabilityRow]] = relationship(
        back_populates="officer", cascade="all, delete-orphan"
    )
    on_duty: Mapped[list[OnDutyRow]] = relationship(
        back_populates="officer", cascade="all, delete-orphan"
    )


class _WindowColumns:
    """An aware [start, end) window of one officer (availability and on-duty share the shape)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"))
    start: Mapped[datetime]
    end: Mapped[datetime]


class AvailabilityRow(_WindowColumns, Base):
    """When an officer declared themselves available for off-duty work."""

    __tablename__ = "availability"
    __table_args__ = (
        UniqueConstraint("officer_id", "start", "end", name="uq_availability_window"),
        Index("ix_availability_officer_end", "officer_id", "end"),
    )

    officer: Mapped[OfficerRow] = relationship(back_populates="availability")


class OnDutyRow(_WindowColumns, Base):
    """Regular on-duty blocks: no off-duty shift may overlap them (plus the travel gap)."""

    __tablename__ = "on_duty_blocks"
    __table_args__ = (
        UniqueConstraint("officer_id", "start", "end", name="uq_on_duty_window"),
        Index("ix_on_duty_officer_end", "officer_id", "end"),
    )

    officer: Mapped[OfficerRow] = relationship(back_populates="on_duty")
    code: Mapped[str | None] = mapped_column(
        String(64), default=None, comment="The duty system's assignment code (PATROL-A)."
    )


class RequestRow(Base):
    __tablename__ = "requests"
    __table_args__ = (
        UniqueConstraint("agency_id", "code", name="uq_requests_agency_code"),
        Index("ix_requests_agency_start", "agency_id", "start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(String(64), comment="The request's public id (R-1).")
    state: Mapped[str] = mapped_column(String(16), default=RequestState.OPEN.value)
    employer_id: Mapped[str] = mapped_column(String(64))
    employer_name: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(64), default="general")
    pending_litigation: Mapped[bool] = mapped_column(default=False)
    within_city_limits: Mapped[bool] = mapped_column(default=True)
    alcohol_served: Mapped[bool] = mapped_column(default=False)
    post: Mapped[str] = mapped_column(String(16), default="outside")
    uniformed: Mapped[bool] = mapped_column(default=True)
    job_type: Mapped[str] = mapped_column(String(16), default="regular")
    customer_rate: Mapped[str | None] = mapped_column(String(200), default=None)
    start: Mapped[datetime]
    end: Mapped[datetime]
    received_at: Mapped[datetime]
    officers_needed: Mapped[int] = mapped_column(Integer, default=1)
    vehicle_kind: Mapped[str] = mapped_column(String(16), default="none")
    vehicle_miles: Mapped[float] = mapped_column(Float, default=0)
    approvals: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    preferred_officers: Mapped[list[str]] = mapped_column(JSON, default=list)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NightlyRunRow(Base):
    """One nightly auto-assignment: written in the same transaction as its proposals."""

    __tablename__ = "nightly_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    as_of: Mapped[datetime] = mapped_column(comment="The run's `now`: the horizon starts here.")
    horizon_end: Mapped[datetime]
    inputs_hash: Mapped[str] = mapped_column(String(64))
    solver_status: Mapped[str] = mapped_column(String(32))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]


# A live assignment holds its officer on its position: proposed, confirmed or worked. Only a
# cancelled row lets go (a withdrawn proposal is deleted). Besides the index below, a trigger
# (migration 0002) refuses more live rows on a request at once than it needs.
LIVE = "state <> 'cancelled'"


class AssignmentRow(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_request_state", "request_id", "state"),
        Index("ix_assignments_officer_start", "officer_id", "start"),
        # Never one officer twice on one position: the database refuses a second live row.
        Index("uq_assignments_live", "request_id", "officer_id", "start", unique=True,
              sqlite_where=text(LIVE), postgresql_where=text(LIVE)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    state: Mapped[str] = mapped_column(String(16))
    start: Mapped[datetime]
    end: Mapped[datetime]
    worked_start: Mapped[datetime | None] = mapped_column(default=None)
    worked_end: Mapped[datetime | None] = mapped_column(default=None)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("nightly_runs.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    request: Mapped[RequestRow] = relationship()
    officer: Mapped[OfficerRow] = relationship()


class CancellationRow(Base):
    """A priced cancellation or reduction (rules.md section 3), billed on the customer's invoice."""

    __tablename__ = "cancellations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    notice_at: Mapped[datetime]
    officers: Mapped[list[str]] = mapped_column(JSON, default=list)
    bracket: Mapped[str] = mapped_column(String(16))
    total: Mapped[Decimal]
    detail: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[RequestRow] = relationship()
