"""`POST /v1/requests/validate`: which request-level rules refuse a request, and why.

The same rule functions the solver uses decide, so a request this endpoint accepts is one the
solver will try to staff; it also says whether the request would bill at the emergency rate.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request

from api import examples
from api.bodies import Deferred, validate_now
from api.deps import PrincipalDep, SettingsDep, authorize
from api.limits import check_request as check_limits
from api.routes.common import errors
from api.schemas import RuleHitOut, ValidateRequestBody, ValidateResponse
from api.solving import agency_id_of
from scheduler.agencies import resolve_agency
from scheduler.pricing.rates import effective_policy, is_emergency, is_late
from scheduler.rules.request_rules import check_request

router = APIRouter(prefix="/v1/requests", tags=["requests"])


@router.post(
    "/validate",
    response_model=ValidateResponse,
    summary="Check a request against the agency's request-level rules",
    responses={
        200: {"content": {"application/json": {"example": examples.VALIDATE_RESPONSE}}},
        **errors(401, 403, 413, 422),
    },
)
def validate_request(
    data: Annotated[
        Any, Deferred(ValidateRequestBody), Body(openapi_examples=examples.VALIDATE_EXAMPLES)
    ],
    request: Request,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> ValidateResponse:
    """Every refusal (code and message, in the spec's order) and the emergency flag."""
    body = validate_now(ValidateRequestBody, data)  # a sync route runs in a worker thread
    authorize(request, principal, agency_id_of(body.agency))
    agency = resolve_agency(body.agency)
    check_limits(body.request, settings)
    policy = effective_policy(agency, body.policy)
    item = body.request
    hits = check_request(item, agency, policy)
    return ValidateResponse(
        request_id=item.id,
        agency=agency.id,
        accepted=not hits,
        refusals=[RuleHitOut(code=hit.code, message=hit.message) for hit in hits],
        emergency=is_emergency(item.start, item.received_at, agency, policy),
        late=is_late(item.start, item.received_at, policy),
        lead_time_hours=policy.lead_time_hours,
        late_request_policy=policy.late_request_policy,
    )
