"""`POST /v1/quotes`: the priced quote of one request, as `offduty quote --json` prints it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request

from api import examples
from api.bodies import Deferred, validate_now
from api.deps import PrincipalDep, SettingsDep, authorize
from api.limits import check_quote
from api.routes.common import errors
from models.quote import Quote, QuoteRequest
from scheduler.rates import quote

router = APIRouter(prefix="/v1/quotes", tags=["quotes"])


@router.post(
    "",
    response_model=Quote,
    summary="Price one request",
    responses={
        200: {"content": {"application/json": {"example": examples.QUOTE}}},
        **errors(401, 403, 413, 422),
    },
)
def create_quote(
    data: Annotated[
        Any, Deferred(QuoteRequest), Body(openapi_examples=examples.QUOTE_REQUEST_EXAMPLES)
    ],
    request: Request,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> Quote:
    """Invoice lines (one per rate type, rounded once), the total, and whether it is emergency."""
    body = validate_now(QuoteRequest, data)  # a sync route runs in a worker thread
    authorize(request, principal, body.agency)
    check_quote(body, settings)
    return quote(body)
