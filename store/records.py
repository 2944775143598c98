"""Rows to domain models and back: the one place that knows both the tables and `models`.

Reading builds the same pydantic types the solver takes, so a stored officer or request is
validated exactly like one from a problem file.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, Approval, Employer, InputError, Officer, Request, TimeWindow, Vehicle
from models.request import Venue
from scheduler.agencies import get_agency, parse_agency
from store.schema import AgencyRow, OfficerRow, RequestRow


def ensure_agency(session: Session, agency_id: str) -> AgencyRow:
    """The agency's row, created on first use for a known agency (shipped or of the agencies
    folder; an unknown id is an input error naming the known ones)."""
    row = session.get(AgencyRow, agency_id)
    if row is not None:
        return row
    agency = get_agency(agency_id)
    row = AgencyRow(id=agency.id, name=agency.name, time_zone=agency.time_zone, policy_overrides={})
    session.add(row)
    session.flush()
    return row


def agency_of(row: AgencyRow) -> Agency:
    """The full agency: a stored definition, else the known agency (shipped or folder) by id."""
    if row.definition:
        return parse_agency(row.definition, f"agency {row.id}")
    return get_agency(row.id)


def agency_ids(session: Session) -> list[str]:
    """The ids of the store's agencies, in order."""
    return list(session.scalars(select(AgencyRow.id).order_by(AgencyRow.id)))


def known_agency(session: Session, agency: str, field: str = "agency") -> None:
    """An `InputError` naming `field` unless the store holds `agency`."""
    known = agency_ids(session)
    if agency not in known:
        held = f"has: {', '.join(known)}" if known else "it holds no agency yet"
        raise InputError(field, f"no agency {agency!r} in the store ({held})")


def only_agency(session: Session) -> str:
    """The id of the store's single agency; several (or none) need an explicit `--agency`."""
    ids = agency_ids(session)
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise InputError("agency", "the store holds no agency yet; import officers first")
    listed = ", ".join(ids)
    raise InputError("agency", f"the store holds several agencies ({listed}); pass --agency")


def officer_to_row(officer: Officer, row: OfficerRow) -> None:
    """Copy an officer's own fields (not windows, not hours: the store keeps those itself)."""
    row.code = officer.id
    row.name = officer.name
    row.rank = officer.rank.value
    row.status = officer.status.value
    row.qualifications = list(officer.qualifications)
    row.conflicts = list(officer.conflicts)
    row.max_hours_per_week = officer.max_hours_per_week


def officer_from_row(
    row: OfficerRow,
    availability: list[TimeWindow],
    on_duty: list[TimeWindow],
    hours_to_date: float,
    prior_shifts: list[TimeWindow] | None = None,
) -> Officer:
    return Officer(
        id=row.code,
        name=row.name,
        rank=row.rank,
        status=row.status,
        qualifications=row.qualifications,
        availability=availability,
        on_duty=on_duty,
        max_hours_per_week=row.max_hours_per_week,
        hours_to_date=hours_to_date,
        conflicts=row.conflicts,
        prior_shifts=prior_shifts or [],
    )


def request_to_row(request: Request, row: RequestRow) -> None:
    row.code = request.id
    row.employer_id = request.employer.id
    row.employer_name = request.employer.name
    row.category = request.employer.category
    row.pending_litigation = request.employer.pending_litigation
    row.within_city_limits = request.venue.within_city_limits
    row.alcohol_served = request.venue.alcohol_served
    row.post = request.venue.post
    row.uniformed = request.uniformed
    row.job_type = request.job_type
    row.customer_rate = request.customer_rate
    row.start = request.start
    row.end = request.end
    row.received_at = request.received_at
    row.officers_needed = request.officers_needed
    row.vehicle_kind = request.vehicle.kind
    row.vehicle_miles = request.vehicle.miles
    row.approvals = [a.model_dump() for a in request.approvals]
    row.priority = request.priority
    row.preferred_officers = list(request.preferred_officers)


def request_from_row(row: RequestRow, tz_of: dict[str, Agency] | None = None) -> Request:
    """The request as the solver and the rate engine see it, times in the agency's zone."""
    zone = (tz_of or {}).get(row.agency_id)
    local = (lambda t: t.astimezone(zone.tz)) if zone else (lambda t: t)
    return Request(
        id=row.code,
        employer=Employer(
            id=row.employer_id,
            name=row.employer_name,
            category=row.category,
            pending_litigation=row.pending_litigation,
        ),
        venue=Venue(
            within_city_limits=row.within_city_limits,
            alcohol_served=row.alcohol_served,
            post=row.post,
        ),
        uniformed=row.uniformed,
        job_type=row.job_type,
        customer_rate=row.customer_rate,
        start=local(row.start),
        end=local(row.end),
        received_at=local(row.received_at),
        officers_needed=row.officers_needed,
        vehicle=Vehicle(kind=row.vehicle_kind, miles=row.vehicle_miles),
        approvals=[Approval.model_validate(a) for a in row.approvals],
        priority=row.priority,
        preferred_officers=row.preferred_officers,
    )


def officer_by_code(session: Session, agency_id: str, code: str) -> OfficerRow:
    row = session.scalar(
        select(OfficerRow).where(OfficerRow.agency_id == agency_id, OfficerRow.code == code)
    )
    if row is None:
        raise InputError("officer", f"unknown officer {code!r} at {agency_id}")
    return row


def request_by_code(session: Session, code: str, agency_id: str | None = None) -> RequestRow:
    """A request by its public id; with several agencies holding that id, `agency_id` decides."""
    query = select(RequestRow).where(RequestRow.code == code)
    if agency_id:
        query = query.where(RequestRow.agency_id == agency_id)
    rows = list(session.scalars(query))
    if not rows:
        raise InputError("request", f"unknown request {code!r}")
    if len(rows) > 1:
        raise InputError("request", f"{code!r} exists at several agencies; pass --agency")
    return rows[0]
