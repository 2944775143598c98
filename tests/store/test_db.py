"""Opening the store: migrations build exactly the ORM schema; times come back aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from store import Store, open_store
from store.schema import AgencyRow, Base, CancellationRow, RequestRow
from tests.store.conftest import Target


def test_the_migrations_build_exactly_the_orm_schema(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_opening_an_up_to_date_store_again_is_harmless(target: Target) -> None:
    again = open_store(target.url)
    again.close()


def test_times_are_stored_in_utc_and_come_back_aware(store: Store) -> None:
    local = datetime.fromisoformat("2026-12-01T08:00:00-05:00")
    with store.transaction() as session:
        session.add(AgencyRow(id="kennesaw-ga", name="K", time_zone="America/New_York"))
        session.add(RequestRow(agency_id="kennesaw-ga", code="R-1", employer_id="E", start=local,
                               end=local, received_at=local))
    with store.transaction() as session:
        row = session.scalar(select(RequestRow))
    assert row is not None
    assert row.start == local
    assert (row.start.tzinfo, row.start.hour) == (UTC, 13)


def test_a_naive_time_is_refused(store: Store) -> None:
    naive = datetime(2026, 12, 1, 8)
    with pytest.raises(Exception, match="naive datetime"), store.transaction() as session:
        session.add(AgencyRow(id="kennesaw-ga", name="K", time_zone="America/New_York",
                              created_at=naive))


def test_money_keeps_its_cents(store: Store) -> None:
    local = datetime.fromisoformat("2026-12-01T08:00:00-05:00")
    with store.transaction() as session:
        session.add(AgencyRow(id="kennesaw-ga", name="K", time_zone="America/New_York"))
        request = RequestRow(agency_id="kennesaw-ga", code="R-1", employer_id="E", start=local,
                             end=local, received_at=local)
        session.add(request)
        session.flush()
        session.add(CancellationRow(request_id=request.id, notice_at=local, bracket="under_48h",
                                    total=Decimal("1026.68")))
    with store.transaction() as session:
        assert session.scalar(select(CancellationRow.total)) == Decimal("1026.68")
