"""The chief's approvals as records: who approved which request, when, under which reference.

An approval names one request and never carries over to another (rules.md section 4). The
nightly reads the approvals in force when it builds its problem, so a request refused for a
missing approval is staffable at the next run once approved, and refused again once the approval
is withdrawn. Each change appends an audit event.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime
from typing import get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Approval, InputError, Request
from models.common import refuse_control
from store.audit import record
from store.db import Store
from store.locking import hold_agencies
from store.record_schema import ApprovalRow
from store.records import request_by_code
from store.schema import RequestState

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = get_args(Approval.model_fields["kind"].annotation)


def approve(
    store: Store, request: str, kind: str, by: str, reference: str, *,
    agency: str | None = None, now: datetime | None = None,
) -> ApprovalRow:
    """Record the chief's approval of `kind` for one request."""
    _check(kind, by, reference)
    with store.write() as session:
        row = request_by_code(session, request, agency)
        hold_agencies(session, [row.agency_id])
        if row.state != RequestState.OPEN.value:
            # As a hand move is refused: approving a cancelled request wrote an audit event
            # for work that will not happen.
            raise InputError("request", f"{request} is cancelled")
        if _active(session, row.id, kind) is not None:
            raise InputError("kind", f"{request} already holds an approval {kind}; withdraw it "
                             "first to replace it")
        approval = ApprovalRow(request_id=row.id, kind=kind, reference=reference.strip(),
                               approved_by=by.strip(),
                               approved_at=(now or datetime.now(UTC)).astimezone(UTC))
        session.add(approval)
        record(session, "approve", agency=row.agency_id, request=row.code,
               after=_summary(approval))
        return approval


def withdraw(
    store: Store, request: str, kind: str, by: str, *,
    agency: str | None = None, now: datetime | None = None,
) -> ApprovalRow:
    """Withdraw the approval of `kind` in force on a request (kept, marked withdrawn)."""
    _check(kind, by, "withdrawn")
    with store.write() as session:
        row = request_by_code(session, request, agency)
        hold_agencies(session, [row.agency_id])
        approval = _active(session, row.id, kind)
        if approval is None:
            raise InputError("kind", f"{request} holds no approval {kind} to withdraw")
        before = _summary(approval)
        approval.withdrawn_by = by.strip()
        approval.withdrawn_at = (now or datetime.now(UTC)).astimezone(UTC)
        record(session, "withdraw_approval", agency=row.agency_id, request=row.code,
               before=before, after=_summary(approval))
        return approval


def _check(kind: str, by: str, reference: str) -> None:
    if kind not in KINDS:
        raise InputError("kind", f"unknown approval kind {kind!r} (known: {', '.join(KINDS)})")
    if not by.strip():
        raise InputError("by", "name who approves (or withdraws)")
    if not reference.strip():
        raise InputError("reference", "give the approval's reference (a memo or letter number)")
    if len(by) > 200 or len(reference) > 200:
        raise InputError("by" if len(by) > 200 else "reference", "at most 200 characters")
    refuse_control("by", by)
    refuse_control("reference", reference)


def _active(session: Session, request_id: int, kind: str) -> ApprovalRow | None:
    return session.scalar(
        select(ApprovalRow).where(ApprovalRow.request_id == request_id,
                                  ApprovalRow.kind == kind, ApprovalRow.withdrawn_at.is_(None))
    )


def _summary(approval: ApprovalRow) -> dict[str, object]:
    return {"kind": approval.kind, "reference": approval.reference, "by": approval.approved_by,
            "at": approval.approved_at, "withdrawn_by": approval.withdrawn_by,
            "withdrawn_at": approval.withdrawn_at}


def in_force(session: Session, request_ids: list[int]) -> dict[int, list[Approval]]:
    """The approvals in force per request id, as the rules read them."""
    found: dict[int, list[Approval]] = defaultdict(list)
    if not request_ids:
        return found
    rows = session.scalars(
        select(ApprovalRow).where(ApprovalRow.request_id.in_(request_ids),
                                  ApprovalRow.withdrawn_at.is_(None)).order_by(ApprovalRow.id)
    )
    for row in rows:
        found[row.request_id].append(Approval(kind=row.kind, reference=row.reference))
    return found


def with_approvals(request: Request, recorded: list[Approval]) -> Request:
    """The request with the recorded approvals added to those its file carried."""
    if not recorded:
        return request
    have = {(a.kind, a.reference) for a in request.approvals}
    extra = [a for a in recorded if (a.kind, a.reference) not in have]
    return request.model_copy(update={"approvals": [*request.approvals, *extra]})
