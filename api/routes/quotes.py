"""`POST /v1/quotes`: the priced quote of one request, as `offduty quote --json` prints it;
`POST /v1/quotes/cancellation`: what cancelling a scheduled request costs (rules.md section 3)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request

from api import examples
from api.bodies import Deferred, validate_now
from api.deps import PrincipalDep, SettingsDep, authorize
from api.limits import check_quote
from api.routes.common import errors
from models.quote import CancellationCharge, CancellationQuoteRequest, Quote, QuoteRequest
from scheduler.pricing.rates import quote, quote_cancellation

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


@router.post(
    "/cancellation",
    response_model=CancellationCharge,
    summary="Price the cancellation of a scheduled request",
    responses={
        200: {"content": {"application/json": {"example": examples.CANCELLATION_CHARGE}}},
        **errors(401, 403, 413, 422),
    },
)
def create_cancellation_quote(
    data: Annotated[
        Any, Deferred(CancellationQuoteRequest),
        Body(openapi_examples=examples.CANCELLATION_QUOTE_REQUEST_EXAMPLES),
    ],
    request: Request,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> CancellationCharge:
    """The charge with its lines: the admin fee on the first 24 hours per officer removed and,
    under 48 hours' notice, the hours worked or the agency minimum at officer pay."""
    body = validate_now(CancellationQuoteRequest, data)
    authorize(request, principal, body.agency)
    check_quote(body, settings)
    return quote_cancellation(body)
