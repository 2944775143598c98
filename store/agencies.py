"""An agency given to a store command as a file: kept in the store under its id.

The store keeps agencies by id. A shipped agency, or one of the `OFFDUTY_AGENCIES_DIR` folder, is
kept by id alone and read from its file at each use (so an edit of a folder file applies to the
next nightly). An agency given as a file (`--agency ./my-city.yaml`) that is not known by its id
is recorded whole in the store (`agencies.definition`), so a later command finds it by id alone
(`offduty nightly --agency my-city`), even with the file gone. Giving the file again with other
terms replaces the stored ones, with an audit event holding both. A file whose id is already a
shipped or folder agency must have the same terms: two agencies under one id would leave the
store unable to say which one priced a roster.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.orm import Session

from models import Agency, InputError
from scheduler.agencies import get_agency, known_agency_ids, load_agency_file
from store.audit import record
from store.db import Store
from store.locking import hold_agencies
from store.schema import AgencyRow

log = logging.getLogger(__name__)


def keep_agency_file(store: Store, path: str | Path) -> str:
    """Validate the file, keep its agency in the store (unless known by id), return its id."""
    agency = load_agency_file(path)
    if agency.id in known_agency_ids():
        _same_as_known(agency, path)
        return agency.id
    with store.write() as session:
        keep_definition(session, agency, Path(path).name)
    return agency.id


def _same_as_known(agency: Agency, path: str | Path) -> None:
    """A file naming a known agency's id must hold that agency's terms."""
    if get_agency(agency.id) != agency:
        raise InputError("--agency", f"{path} defines {agency.id!r}, which is already a known "
                         "agency with other terms; the store keeps agencies by id, so give the "
                         "file another id")


def keep_definition(session: Session, agency: Agency, source: str) -> AgencyRow:
    """Insert or update the agency's stored definition, audited when it is new or changed."""
    definition = agency.model_dump(mode="json")
    row = session.get(AgencyRow, agency.id)
    if row is None:
        row = AgencyRow(id=agency.id, name=agency.name, time_zone=agency.time_zone,
                        definition=definition, policy_overrides={})
        session.add(row)
        session.flush()
        record(session, "agency_definition", agency=agency.id, after={"file": source})
        log.info("agency %s recorded from %s", agency.id, source)
        return row
    hold_agencies(session, [agency.id])
    if row.definition != definition:
        before = row.definition
        row.definition, row.name, row.time_zone = definition, agency.name, agency.time_zone
        record(session, "agency_definition", agency=agency.id, before=before,
               after={"file": source, **definition})
        log.info("agency %s updated from %s", agency.id, source)
    return row
