"""Dispatcher workflow: confirm, cancel priced by rules.md section 3 (exact cents), worked.

R-1 is one officer, 08:00-12:00 on Tue 1 Dec 2026 at Kennesaw: H = 4 h, regular rate $76.05,
admin fee A = $6.80, officer pay P = $69.25, minimum M = 4 h.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from models import InputError
from store import Store
from store.nightly import run_nightly
from store.schema import AssignmentRow, CancellationRow, RequestRow
from store.workflow import cancel, confirm, price_cancel, record_worked
from tests.store.world import NOW, load_world


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def proposed(store: Store, world: Path) -> Store:
    load_world(store, world)
    run_nightly(store, now=NOW, horizon_days=7, time_limit_s=5)
    return store


def states(store: Store, request: str) -> list[str]:
    with store.transaction() as session:
        return sorted(session.scalars(
            select(AssignmentRow.state).join(RequestRow).where(RequestRow.code == request)
        ))


def test_confirm_one_request_then_all(proposed: Store) -> None:
    assert confirm(proposed, "R-1") == 1
    assert states(proposed, "R-1") == ["confirmed"]
    assert states(proposed, "R-2") == ["proposed", "proposed"]
    assert confirm(proposed, None) == 2
    assert confirm(proposed, None) == 0


def test_cancel_with_48_hours_notice_bills_the_admin_fee_only(proposed: Store) -> None:
    confirm(proposed, "R-1")
    result = cancel(proposed, "R-1", at=at("2026-11-29T08:00:00-05:00"))  # exactly 48 h
    assert [c.bracket for c in result.charges] == ["48h_or_more"]
    assert result.total == Decimal("27.20")  # A x min(24, H) = 6.80 x 4
    assert states(proposed, "R-1") == ["cancelled"]


def test_cancel_under_48_hours_adds_the_minimum_at_officer_pay(proposed: Store) -> None:
    confirm(proposed, "R-1")
    result = cancel(proposed, "R-1", at=at("2026-11-29T08:00:01-05:00"))
    assert [c.bracket for c in result.charges] == ["under_48h"]
    assert result.total == Decimal("304.20")  # 4 x 69.25 + 6.80 x 4
    with proposed.transaction() as session:
        stored = session.scalar(select(CancellationRow))
        request = session.scalar(select(RequestRow).where(RequestRow.code == "R-1"))
    assert stored is not None and stored.total == Decimal("304.20")
    assert request is not None and request.state == "cancelled"


def test_cancelling_unconfirmed_proposals_costs_nothing(proposed: Store) -> None:
    result = cancel(proposed, "R-2", at=at("2026-12-02T17:00:00-05:00"))
    assert (result.total, result.charges, len(result.officers)) == (Decimal(0), [], 2)
    with pytest.raises(InputError, match="R-2 is already cancelled"):
        cancel(proposed, "R-2")


def test_a_reduction_releases_one_officer_and_keeps_the_request(proposed: Store) -> None:
    confirm(proposed, "R-2")
    with proposed.transaction() as session:
        officer = session.scalars(
            select(AssignmentRow).join(RequestRow).where(RequestRow.code == "R-2")
        ).first()
        assert officer is not None
        code = officer.officer.code
    result = cancel(proposed, "R-2", at=at("2026-11-28T09:00:00-05:00"), officer=code)
    assert result.total == Decimal("27.20")  # 57 h notice: 6.80 x 4 for the one officer
    assert states(proposed, "R-2") == ["cancelled", "confirmed"]
    with proposed.transaction() as session:
        request = session.scalar(select(RequestRow).where(RequestRow.code == "R-2"))
    assert request is not None and (request.state, request.officers_needed) == ("open", 1)


def test_worked_records_actual_times_on_the_officers_shift(proposed: Store) -> None:
    confirm(proposed, None)
    with proposed.transaction() as session:
        shift = session.scalars(
            select(AssignmentRow).join(RequestRow).where(RequestRow.code == "R-1")
        ).one()
        code = shift.officer.code
    record_worked(proposed, "R-1", code, at("2026-12-01T07:45:00-05:00"),
                  at("2026-12-01T13:00:00-05:00"), now=at("2026-12-01T13:05:00-05:00"))
    with proposed.transaction() as session:
        shift = session.scalars(
            select(AssignmentRow).join(RequestRow).where(RequestRow.code == "R-1")
        ).one()
    assert shift.state == "worked"
    assert shift.worked_start == at("2026-12-01T12:45:00+00:00")
    other = next(k for k in ("K-1", "K-2", "K-3") if k != code)
    with pytest.raises(InputError, match=f"{other} holds no assignment on R-1"):
        record_worked(proposed, "R-1", other, at("2026-12-01T08:00:00-05:00"),
                      at("2026-12-01T12:00:00-05:00"), now=at("2026-12-01T13:05:00-05:00"))


def test_worked_times_with_seconds_are_refused(proposed: Store) -> None:
    confirm(proposed, "R-1")
    code = r1_officer(proposed)
    with pytest.raises(InputError, match=r"^start: 2026-12-01T07:45:10-05:00 is not on a whole "
                       r"minute"):
        record_worked(proposed, "R-1", code, at("2026-12-01T07:45:10-05:00"),
                      at("2026-12-01T13:00:00-05:00"), now=at("2026-12-01T13:05:00-05:00"))
    assert states(proposed, "R-1") == ["confirmed"]


def test_a_cancellation_once_the_shift_has_ended_is_refused(proposed: Store) -> None:
    # Accepted, it billed the ended shift as short notice and took it off the roster.
    confirm(proposed, "R-1")
    code = r1_officer(proposed)
    for when, whose in (("2026-12-01T12:00:00-05:00", "R-1"),
                        ("2026-12-03T09:00:00-05:00", f"{code}'s shift on R-1")):
        with pytest.raises(InputError, match=(
            rf"^at: {when} is not before {whose} ended \(2026-12-01T12:00:00-05:00\); record the "
            r"hours worked instead$"
        )):
            cancel(proposed, "R-1", at=at(when),
                   officer=None if whose == "R-1" else code)
        with pytest.raises(InputError, match=r"^at: "):
            price_cancel(proposed, "R-1", at=at(when))
    assert states(proposed, "R-1") == ["confirmed"]
    with proposed.transaction() as session:
        assert session.scalar(select(CancellationRow)) is None
    # A minute before the end it is still a (short-notice) cancellation.
    result = cancel(proposed, "R-1", at=at("2026-12-01T11:59:00-05:00"))
    assert states(proposed, "R-1") == ["cancelled"]
    assert result.officers == [code]


def r1_officer(store: Store) -> str:
    with store.transaction() as session:
        shift = session.scalars(
            select(AssignmentRow).join(RequestRow).where(RequestRow.code == "R-1")
        ).one()
        return shift.officer.code


def test_worked_refuses_a_shift_that_is_only_proposed(proposed: Store) -> None:
    code = r1_officer(proposed)
    with pytest.raises(InputError, match=f"^officer: {code} is only proposed on R-1; "
                       "confirm the shift first$"):
        record_worked(proposed, "R-1", code, at("2026-12-01T08:00:00-05:00"),
                      at("2026-12-01T12:00:00-05:00"), now=at("2026-12-02T00:00:00-05:00"))
    assert states(proposed, "R-1") == ["proposed"]


def test_worked_refuses_a_shift_that_has_not_begun(proposed: Store) -> None:
    confirm(proposed, "R-1")
    code = r1_officer(proposed)
    hours = (at("2026-12-01T08:00:00-05:00"), at("2026-12-01T12:00:00-05:00"))
    with pytest.raises(InputError, match=(
        rf"^now: {code}'s shift on R-1 starts 2026-12-01T08:00:00-05:00, after now "
        r"\(2026-12-01T07:59:59-05:00\); record it once it has begun$"
    )):
        record_worked(proposed, "R-1", code, *hours, now=at("2026-12-01T07:59:59-05:00"))
    with proposed.transaction() as session:
        shift = session.scalars(
            select(AssignmentRow).join(RequestRow).where(RequestRow.code == "R-1")
        ).one()
    assert (shift.state, shift.worked_start, shift.worked_end) == ("confirmed", None, None)
    # At the very start of the shift it has begun: recorded.
    record_worked(proposed, "R-1", code, *hours, now=at("2026-12-01T08:00:00-05:00"))
    assert states(proposed, "R-1") == ["worked"]


def test_worked_times_may_be_corrected_once_recorded(proposed: Store) -> None:
    confirm(proposed, "R-1")
    code = r1_officer(proposed)
    later = at("2026-12-02T00:00:00-05:00")
    record_worked(proposed, "R-1", code, at("2026-12-01T08:00:00-05:00"),
                  at("2026-12-01T12:00:00-05:00"), now=later)
    shift = record_worked(proposed, "R-1", code, at("2026-12-01T08:00:00-05:00"),
                          at("2026-12-01T12:30:00-05:00"), now=later)
    assert (shift.state, shift.worked_end) == ("worked", at("2026-12-01T17:30:00+00:00"))
    assert states(proposed, "R-1") == ["worked"]


def test_worked_refuses_more_than_24_hours_or_times_beside_the_shift(proposed: Store) -> None:
    # 172.5 hours on the 4-hour shift were kept, and counted in every later fairness window.
    confirm(proposed, "R-1")
    code = r1_officer(proposed)
    later = at("2026-12-09T00:00:00-05:00")
    with pytest.raises(InputError, match=r"^end: 24.0167 hours after start 2026-12-01T08:00:00"
                       r"-05:00; one shift is worked for at most 24 hours$"):
        record_worked(proposed, "R-1", code, at("2026-12-01T08:00:00-05:00"),
                      at("2026-12-02T08:01:00-05:00"), now=later)
    with pytest.raises(InputError, match=(
        rf"^start: 2026-12-01T12:00:00-05:00 to 2026-12-01T16:00:00-05:00 does not overlap "
        rf"{code}'s shift on R-1 \(2026-12-01T08:00:00-05:00 to 2026-12-01T12:00:00-05:00\)$"
    )):
        record_worked(proposed, "R-1", code, at("2026-12-01T12:00:00-05:00"),
                      at("2026-12-01T16:00:00-05:00"), now=later)
    assert states(proposed, "R-1") == ["confirmed"]
    # Exactly 24 hours, overlapping the shift by one minute, is a record.
    record_worked(proposed, "R-1", code, at("2026-12-01T11:59:00-05:00"),
                  at("2026-12-02T11:59:00-05:00"), now=later)
    assert states(proposed, "R-1") == ["worked"]


def test_a_cancellation_before_the_request_was_received_is_refused(proposed: Store) -> None:
    # Priced as more than 48 hours' notice, it billed the admin fee only, and was kept so.
    confirm(proposed, "R-1")
    with pytest.raises(InputError, match=r"^at: 2026-11-20T08:59:00-05:00 is before R-1 was "
                       r"received \(2026-11-20T09:00:00-05:00\)$"):
        cancel(proposed, "R-1", at=at("2026-11-20T08:59:00-05:00"))
    assert states(proposed, "R-1") == ["confirmed"]
    with proposed.transaction() as session:
        assert session.scalar(select(CancellationRow)) is None
    result = cancel(proposed, "R-1", at=at("2026-11-20T09:00:00-05:00"))
    assert result.total == Decimal("27.20")
