"""The chief's approvals of one request, as records in the store (rules.md section 8).

`POST /v1/agencies/{agency_id}/requests/{request_id}/approvals` records an approval (alcohol served
outside, uniform outside the city limits) with who gave it and its reference; `DELETE .../
approvals/{kind}` withdraws it. Both are the store's own functions, so the audit trail records
them under the API key's name, and the next nightly run staffs (or again refuses) the request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field

from api.console.deps import get_store
from api.deps import PrincipalDep, authorize
from api.routes.common import errors
from models.request import ApprovalKind
from store.approvals import approve, withdraw
from store.audit import acting_as

router = APIRouter(prefix="/v1/agencies", tags=["approvals"])

REQUEST_EXAMPLE: dict[str, Any] = {
    "kind": "out_of_city_uniform", "by": "Chief Westbrook", "reference": "OC-2026-00032",
}
RESPONSE_EXAMPLE: dict[str, Any] = {
    "agency": "kennesaw-ga", "request_id": "REQ-00032", "kind": "out_of_city_uniform",
    "approved_by": "Chief Westbrook", "reference": "OC-2026-00032",
    "approved_at": "2026-12-07T14:05:00Z", "withdrawn_by": None, "withdrawn_at": None,
}
WITHDRAWN_EXAMPLE = {
    **RESPONSE_EXAMPLE, "withdrawn_by": "Chief Westbrook", "withdrawn_at": "2026-12-08T09:00:00Z",
}



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
    responses={
        201: {"content": {"application/json": {"example": RESPONSE_EXAMPLE}}},
        **errors(401, 403, 422),
    },
)
def post_approval(
    agency_id: str,
    request_id: str,
    body: Annotated[
        ApprovalIn,
        Body(openapi_examples={"uniform": {"summary": "uniform outside the city",
                                           "value": REQUEST_EXAMPLE}}),
    ],
    request: Request,
    principal: PrincipalDep,
) -> ApprovalOut:
    authorize(request, principal, agency_id)  # before the store is opened
    with acting_as(principal.name):
        store = get_store(request)
        row = approve(store, request_id, body.kind, body.by, body.reference, agency=agency_id)
    return _out(agency_id, request_id, row)


@router.delete(
    "/{agency_id}/requests/{request_id}/approvals/{kind}",
    response_model=ApprovalOut,
    summary="Withdraw the approval in force on one request",
    responses={
        200: {"content": {"application/json": {"example": WITHDRAWN_EXAMPLE}}},
        **errors(401, 403, 422),
    },
)
def delete_approval(
    agency_id: str, request_id: str, kind: ApprovalKind, by: str, request: Request,
    principal: PrincipalDep,
) -> ApprovalOut:
    authorize(request, principal, agency_id)  # before the store is opened
    with acting_as(principal.name):
        row = withdraw(get_store(request), request_id, kind, by, agency=agency_id)
    return _out(agency_id, request_id, row)
