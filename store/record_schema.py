"""The tables of the system of record: the audit trail and the chief's approvals.

Kept apart from `store.schema` (they share its `Base`, so one metadata and one migration chain
hold every table). The audit table is append-only: triggers of migration 0003 refuse an update
or a delete, and each row carries the hash of the one before it, so a row changed or removed by
someone who bypassed the triggers breaks the chain (`store.audit.verify`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.schema import Base, RequestRow


class AuditEventRow(Base):
    """One change to the store: when, who, what, on which request and officer, before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_request", "request_code"),
        Index("ix_audit_events_officer", "officer_code"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[str | None] = mapped_column(String(64), default=None)
    request_code: Mapped[str | None] = mapped_column(String(64), default=None)
    officer_code: Mapped[str | None] = mapped_column(String(64), default=None)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ApprovalRow(Base):
    """A chief's approval for one request (rules.md section 4): who, when, which reference; a
    withdrawn approval is kept with who withdrew it and when."""

    __tablename__ = "approvals"
    __table_args__ = (Index("ix_approvals_request", "request_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    kind: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime]
    withdrawn_by: Mapped[str | None] = mapped_column(String(200), default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)

    request: Mapped[RequestRow] = relationship()
