"""The chief's approvals of one request, as records in the store (rules.md section 8).

`POST /v1/agencies/{agency_id}/requests/{request_id}/approvals` records an approval (alcohol served
outside, uniform outside the city limits) with who gave it and its reference; `DELETE .../
approvals/{kind}` withdraws it. Both are the store's own functions, so the audit trail records
them under the API key's name, and the next nightly run staffs (or again refuses) the request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from api.console.deps import get_store
from api.deps import PrincipalDep, authorize
from api.routes.common import errors
from models.request import ApprovalKind
from store import Store
from store.approvals import approve, withdraw
from store.audit import acting_as

router = APIRouter(prefix="/v1/agencies", tags=["approvals"])

StoreDep = Annotated[Store, Depends(get_store)]


class ApprovalIn(BaseModel):
    kind: ApprovalKind
    by: str = Field(min_length=1, max_length=200, description="Who approved (the chief).")
    reference: str = Field(min_length=1, max_length=200, description="The written approval.")


class ApprovalOut(BaseModel):
    agency: str
    request_id: str
    kind: str
    approved_by: str
    reference: str
    approved_at: datetime
    withdrawn_by: str | None = None
    withdrawn_at: datetime | None = None


def _out(agency: str, request_id: str, row: object) -> ApprovalOut:
    return ApprovalOut(
        agency=agency,
        request_id=request_id,
        kind=row.kind,  # type: ignore[attr-defined]
        approved_by=row.approved_by,  # type: ignore[attr-defined]
        reference=row.reference,  # type: ignore[attr-defined]
        approved_at=row.approved_at,  # type: ignore[attr-defined]
        withdrawn_by=row.withdrawn_by,  # type: ignore[attr-defined]
        withdrawn_at=row.withdrawn_at,  # type: ignore[attr-defined]
    )


@router.post(
    "/{agency_id}/requests/{request_id}/approvals",
    response_model=ApprovalOut,
    status_code=201,
    summary="Record the chief's approval of one request",
    responses=errors(401, 403, 422),
)
def post_approval(
    agency_id: str, request_id: str, body: ApprovalIn, request: Request,
    principal: PrincipalDep, store: StoreDep,
) -> ApprovalOut:
    authorize(request, principal, agency_id)
    with acting_as(principal.name):
        row = approve(store, request_id, body.kind, body.by, body.reference, agency=agency_id)
    return _out(agency_id, request_id, row)


@router.delete(
    "/{agency_id}/requests/{request_id}/approvals/{kind}",
    response_model=ApprovalOut,
    summary="Withdraw the approval in force on one request",
    responses=errors(401, 403, 422),
)
def delete_approval(
    agency_id: str, request_id: str, kind: ApprovalKind, by: str, request: Request,
    principal: PrincipalDep, store: StoreDep,
) -> ApprovalOut:
    authorize(request, principal, agency_id)
    with acting_as(principal.name):
        row = withdraw(store, request_id, kind, by, agency=agency_id)
    return _out(agency_id, request_id, row)
