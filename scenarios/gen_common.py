"""What the problem generator's parts share: the horizon, local clock arithmetic, weighted draws.

The generator must be a pure function of its arguments, so every draw goes through a
`random.Random` handed in here, never the module-level one, and nothing iterates a `set` of
strings (their order changes from run to run).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from models.agency import Agency, PolicyOverrides, PolicySettings

T = TypeVar("T")


@dataclass(frozen=True)
class Horizon:
    """The agency and the local dates a generated problem covers."""

    agency: Agency
    start: date
    days: int
    overrides: PolicyOverrides = PolicyOverrides()

    @property
    def tz(self) -> ZoneInfo:
        return self.agency.tz

    @property
    def policy(self) -> PolicySettings:
        """The agency's policy with the problem's overrides on top (none by default)."""
        return self.overrides.apply(self.agency.policy)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def contains(self, day: date) -> bool:
        return self.start <= day < self.start + timedelta(days=self.days)


def at_local(day: date, half_hours: int, tz: ZoneInfo) -> datetime:
    """The aware local time `half_hours` x 30 min of wall clock after midnight on `day`.

    Wall-clock times that do not exist (the spring-forward hour) are normalized by a round trip
    through UTC, so every generated time is a real instant with its correct offset.
    """
    wall = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(minutes=30 * half_hours)
    return wall.astimezone(UTC).astimezone(tz)


def after(moment: datetime, hours: float, tz: ZoneInfo) -> datetime:
    """The instant `hours` of real elapsed time after `moment` (not wall-clock time)."""
    return (moment.astimezone(UTC) + timedelta(hours=hours)).astimezone(tz)


def pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    """One item of (item, weight) pairs."""
    items = [item for item, _ in weighted]
    weights = [weight for _, weight in weighted]
    return rng.choices(items, weights=weights)[0]


def weighted_sample(rng: random.Random, weighted: Sequence[tuple[T, float]], k: int) -> list[T]:
    """`k` distinct items drawn with probability by weight (Efraimidis-Spirakis keys)."""
    keyed = [(rng.random() ** (1.0 / weight), i) for i, (_, weight) in enumerate(weighted)]
    chosen = sorted(keyed, reverse=True)[:k]
    return [weighted[i][0] for _, i in sorted(chosen, key=lambda key: key[1])]


def half_hour_steps(low: float, high: float) -> list[float]:
    """Hours from `low` to `high` inclusive in 30-minute steps."""
    count = int(round((high - low) * 2))
    return [low + step / 2 for step in range(count + 1)]
