"""Generated officers: a duty rotation, off-duty availability around it, and the roster's mix.

Each officer works a fixed rotation of on-duty shifts (day, evening or night; 3-5 shifts of
8-10 h a week) and declares 2-5 availability windows a week, mostly on days off and on the other
side of the day from the duty shift, so availability rarely overlaps duty time. A few windows do
overlap (officers declare loosely), which the scheduler must handle. The mix of ranks, barred
statuses, qualifications, conflicts, fairness history and personal caps follows the product brief.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from models.common import TimeWindow
from models.officer import QUAL_LIQUOR, QUAL_TRAFFIC, QUAL_VEHICLE, Officer, Rank, Status
from scenarios.gen_common import Horizon, after, at_local, pick, weighted_sample

# About 12% sergeant and above, as the supervisor rule needs a few on large events.
_RANKS: list[tuple[Rank, float]] = [
    (Rank.OFFICER, 78), (Rank.CORPORAL, 10), (Rank.SERGEANT, 8),
    (Rank.LIEUTENANT, 3), (Rank.CAPTAIN, 1),
]
_BARRED = [
    Status.PROBATIONARY, Status.LIGHT_DUTY, Status.SUSPENDED,
    Status.ADMINISTRATIVE_LEAVE, Status.UNDER_INVESTIGATION,
]
_QUALIFICATIONS = [(QUAL_TRAFFIC, 0.60), (QUAL_VEHICLE, 0.40), (QUAL_LIQUOR, 0.30)]
# Duty shift kind -> possible start hours; 5x8, 4x10 and 3x10 rotations.
_SHIFT_STARTS = {"day": (6, 7), "evening": (14, 15), "night": (21, 22)}
_SHIFT_KINDS = [("day", 45), ("evening", 30), ("night", 25)]
_ROTATIONS = [((5, 8), 40), ((4, 10), 45), ((3, 10), 15)]
# How loosely officers declare: the share of windows that run into their own duty shift.
_OVERLAP_SHARE = 0.10
_FIRST = ["A", "B", "C", "D", "E", "J", "K", "L", "M", "R", "S", "T"]
_LAST = [
    "Ortiz", "Nguyen", "Smith", "Johnson", "Williams", "Brown", "Davis", "Garcia", "Miller",
    "Wilson", "Moore", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin",
    "Thompson", "Robinson", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright",
    "Lopez", "Hill", "Scott", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell",
]


@dataclass(frozen=True)
class DutyPattern:
    """An officer's weekly on-duty rotation: which weekdays, starting when, for how long."""

    weekdays: tuple[int, ...]
    start_hour: int
    hours: int

    @property
    def kind(self) -> str:
        return next(k for k, starts in _SHIFT_STARTS.items() if self.start_hour in starts)


def officer_prefix(agency_id: str) -> str:
    """The id prefix of an agency's officers: "kennesaw-ga" -> "K"."""
    return agency_id[:1].upper()


def rank_weights(supervisor_share: float | None = None) -> list[tuple[Rank, float]]:
    """The rank mix; with `supervisor_share`, sergeants and above make up that share instead of
    about 12%, each rank keeping its weight within its group (the draw count is unchanged)."""
    if supervisor_share is None:
        return list(_RANKS)
    sup = sum(w for r, w in _RANKS if r.is_supervisor)
    rest = sum(w for r, w in _RANKS if not r.is_supervisor)
    return [
        (r, w * supervisor_share / sup if r.is_supervisor else w * (1 - supervisor_share) / rest)
        for r, w in _RANKS
    ]


def generate_officers(
    rng: random.Random,
    horizon: Horizon,
    count: int,
    employer_ids: list[str],
    supervisor_share: float | None = None,
) -> list[Officer]:
    """`count` officers with ids like K-0001, their availability inside the horizon."""
    prefix = officer_prefix(horizon.agency.id)
    cap = horizon.policy.max_hours_per_week
    ranks = rank_weights(supervisor_share)
    return [
        _officer(rng, horizon, f"{prefix}-{n:04d}", cap, employer_ids, ranks)
        for n in range(1, count + 1)
    ]


def _officer(
    rng: random.Random,
    horizon: Horizon,
    officer_id: str,
    cap: float,
    employer_ids: list[str],
    ranks: list[tuple[Rank, float]],
) -> Officer:
    pattern = duty_pattern(rng)
    return Officer(
        id=officer_id,
        name=f"{rng.choice(_FIRST)}. {rng.choice(_LAST)}",
        rank=pick(rng, ranks),
        status=rng.choice(_BARRED) if rng.random() < 0.04 else Status.ACTIVE,
        qualifications=[name for name, share in _QUALIFICATIONS if rng.random() < share],
        availability=availability(rng, horizon, pattern),
        on_duty=on_duty(horizon, pattern),
        max_hours_per_week=_own_cap(rng, cap),
        hours_to_date=_hours_to_date(rng),
        conflicts=_conflicts(rng, employer_ids),
    )


def duty_pattern(rng: random.Random) -> DutyPattern:
    """A rotation of consecutive duty days from a random weekday."""
    kind = pick(rng, _SHIFT_KINDS)
    start_hour = rng.choice(_SHIFT_STARTS[kind])
    days_on, hours = pick(rng, _ROTATIONS)
    first = rng.randrange(7)
    weekdays = tuple(sorted((first + i) % 7 for i in range(days_on)))
    return DutyPattern(weekdays=weekdays, start_hour=start_hour, hours=hours)


def on_duty(horizon: Horizon, pattern: DutyPattern) -> list[TimeWindow]:
    """The duty shifts starting inside the horizon."""
    blocks = []
    for day in horizon.dates():
        if day.weekday() in pattern.weekdays:
            start = at_local(day, 2 * pattern.start_hour, horizon.tz)
            blocks.append(TimeWindow(start=start, end=after(start, pattern.hours, horizon.tz)))
    return blocks


def availability(rng: random.Random, horizon: Horizon, pattern: DutyPattern) -> list[TimeWindow]:
    """2-5 windows a week (fewer in a partial last week), hour-aligned, 6-16 h long."""
    windows = []
    for week_start in horizon.dates()[::7]:
        week = [week_start + timedelta(days=i) for i in range(7)]
        weighted = [(day, _day_weight(day, pattern)) for day in week]
        for day in weighted_sample(rng, weighted, rng.randint(2, 5)):
            if horizon.contains(day):
                first, hours = _window(rng, day, pattern)
                start = at_local(day, 2 * first, horizon.tz)
                windows.append(TimeWindow(start=start, end=after(start, hours, horizon.tz)))
    return windows


def _day_weight(day: date, pattern: DutyPattern) -> float:
    """Days off are offered more than duty days, weekends (Fri-Sun) most."""
    weight = 1.0 if day.weekday() in pattern.weekdays else 3.0
    return weight + (1.5 if day.weekday() >= 4 else 0.0)


def _window(rng: random.Random, day: date, pattern: DutyPattern) -> tuple[int, int]:
    """Start hour and length of one window on `day`, placed around that day's duty shift."""
    if day.weekday() not in pattern.weekdays:
        if day.weekday() >= 5:
            return rng.choice((5, 6, 7, 8, 10, 12, 14)), rng.randint(10, 16)
        starts = [(6, 2), (7, 2), (8, 2), (10, 1), (12, 2), (14, 3), (16, 3), (18, 2)]
        return pick(rng, starts), rng.randint(8, 14)
    # An hour (the travel gap, rounded up) between duty and window, unless declared loosely:
    # then the window runs an hour into the duty shift.
    gap = -1 if rng.random() < _OVERLAP_SHARE else 1
    if pattern.kind == "day":
        return pattern.start_hour + pattern.hours + gap, rng.randint(6, 10)
    if pattern.kind == "evening":
        end = pattern.start_hour - gap
        length = rng.randint(6, 8)
        return end - length, length
    start = rng.choice((10, 11, 12))
    return start, min(rng.randint(6, 9), pattern.start_hour - gap - start)


def _own_cap(rng: random.Random, agency_cap: float) -> float | None:
    """About 8% of officers keep a personal weekly cap below the agency's."""
    lower = [hours for hours in (8.0, 12.0, 16.0, 20.0) if hours < agency_cap]
    return rng.choice(lower) if lower and rng.random() < 0.08 else None


def _hours_to_date(rng: random.Random) -> float:
    """Uneven fairness history: most light, a fifth moderate, a tenth heavy (up to 40 h)."""
    low, high = pick(rng, [((0.0, 16.0), 70), ((16.0, 28.0), 20), ((28.0, 40.0), 10)])
    return round(rng.uniform(low, high) * 2) / 2


def _conflicts(rng: random.Random, employer_ids: list[str]) -> list[str]:
    """About 5% of officers never work for one or two employers (family ties, past cases)."""
    if not employer_ids or rng.random() >= 0.05:
        return []
    return sorted(rng.sample(employer_ids, min(len(employer_ids), rng.randint(1, 2))))
