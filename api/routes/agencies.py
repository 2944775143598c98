"""`GET /v1/agencies` and `GET /v1/agencies/{id}`: the agencies a key covers, and their terms.

The detail view shows the rate card, the policy settings and the holiday dates of one year (this
year in the agency's zone unless `?year=` says otherwise). Agencies are the shipped ones and those
of the `OFFDUTY_AGENCIES_DIR` folder; a folder file that does not validate is left out of the list
(and logged), and asking for it is a 422 naming the file and the field.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request

from api import examples
from api.deps import PrincipalDep, authorize
from api.routes.common import errors
from api.schemas import AgencyDetail, AgencyList, AgencySummary, HolidayOut
from models.agency import Agency
from scheduler.agencies import agency_entries, get_agency, known_agency_ids
from scheduler.pricing.holidays import holiday_dates

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/agencies", tags=["agencies"])


def _summary(agency: Agency) -> AgencySummary:
    return AgencySummary(
        id=agency.id, name=agency.name, time_zone=agency.time_zone, currency=agency.currency
    )


@router.get(
    "",
    response_model=AgencyList,
    summary="Agencies this key covers",
    responses={
        200: {"content": {"application/json": {"example": examples.AGENCY_LIST}}},
        **errors(401),
    },
)
def list_agencies(principal: PrincipalDep) -> AgencyList:
    """The agencies (shipped, then the folder's) the caller's key may use."""
    entries = [e for e in agency_entries() if principal.allows(e.id)]
    for entry in entries:
        if entry.agency is None:
            log.warning("agency %s left out of the list: %s", entry.id, entry.problem)
    return AgencyList(agencies=[_summary(e.agency) for e in entries if e.agency is not None])


@router.get(
    "/{agency_id}",
    response_model=AgencyDetail,
    summary="One agency's rate card, policy and holidays",
    responses={
        200: {"content": {"application/json": {"example": examples.AGENCY_DETAIL}}},
        **errors(401, 403, 404, 422),
    },
)
def agency_detail(
    agency_id: Annotated[str, Path(max_length=64, examples=["kennesaw-ga"])],
    request: Request,
    principal: PrincipalDep,
    year: Annotated[
        int | None,
        Query(ge=1970, le=2200, description="Year of the holiday dates; this year by default."),
    ] = None,
) -> AgencyDetail:
    authorize(request, principal, agency_id)
    if agency_id not in known_agency_ids():
        raise HTTPException(404, f"no agency {agency_id!r}")
    agency = get_agency(agency_id)
    year = year or datetime.now(agency.tz).year
    dates = holiday_dates(agency, year)
    return AgencyDetail(
        **_summary(agency).model_dump(),
        rates=agency.rates,
        policy=agency.policy,
        year=year,
        holidays=[HolidayOut(date=day, name=name) for day, name in sorted(dates.items())],
        assumptions=agency.assumptions,
        sources=agency.sources,
    )
