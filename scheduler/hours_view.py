"""An officer's off-duty hours per local week and day, against the weekly and daily caps.

The caps of rules.md section 5, as a person checks them: the week runs Monday 00:00 to Monday
00:00 local, and a shift counts toward a day or a week by the minutes that fall inside it (a
19:30-07:30 shift puts 4.5 h on its first day and 7.5 h on the next). `solve` and `roster show
--hours` print these rows; the validator, not this module, is what enforces the caps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduler.display import hours_text
from scheduler.timeutil import split_by_local_day, to_minute, week_monday


@dataclass(frozen=True)
class WeekLoad:
    """One officer's week: hours against the weekly cap, the busiest day against the daily cap."""

    officer: str
    week: date
    hours: float
    week_cap: float
    busiest_day: date
    day_hours: float
    day_cap: float

    @property
    def over_week(self) -> bool:
        return self.hours > self.week_cap + 1e-9

    @property
    def over_day(self) -> bool:
        return self.day_hours > self.day_cap + 1e-9

    @property
    def flag(self) -> str:
        """`OVER week`, `OVER day`, both, or empty."""
        over = [name for name, bad in (("week", self.over_week), ("day", self.over_day)) if bad]
        return "OVER " + " and ".join(over) if over else ""


def day_minutes(spans: Iterable[tuple[datetime, datetime]], tz: ZoneInfo) -> dict[date, int]:
    """Minutes of the spans on each local date."""
    days: dict[date, int] = defaultdict(int)
    for start, end in spans:
        for day, minutes in split_by_local_day(to_minute(start), to_minute(end), tz):
            days[day] += minutes
    return dict(days)


def week_loads(
    officer: str, spans: Iterable[tuple[datetime, datetime]], tz: ZoneInfo,
    week_cap: float, day_cap: float,
) -> list[WeekLoad]:
    """One row per week the spans touch, in date order."""
    days = day_minutes(spans, tz)
    weeks: dict[date, list[date]] = defaultdict(list)
    for day in sorted(days):
        weeks[week_monday(day)].append(day)
    rows = []
    for monday, in_week in sorted(weeks.items()):
        busiest = max(in_week, key=lambda d: (days[d], -d.toordinal()))
        rows.append(WeekLoad(
            officer=officer, week=monday, hours=sum(days[d] for d in in_week) / 60,
            week_cap=week_cap, busiest_day=busiest, day_hours=days[busiest] / 60,
            day_cap=day_cap,
        ))
    return rows


def _row(officer: str, week: str, hours: str, cap: str, day: str, day_hours: str,
         day_cap: str, flag: str = "") -> str:
    return (f"{officer:<10} {week:<10}  {hours:>5} / {cap:<6} {day:<12} {day_hours:>5} / "
            f"{day_cap:<6} {flag}").rstrip()


HOURS_HEADER = _row("officer", "week of", "hours", "cap", "busiest day", "hours", "cap")


def load_line(row: WeekLoad) -> str:
    """One week of one officer under HOURS_HEADER, `OVER week` / `OVER day` at the end."""
    return _row(row.officer, f"{row.week:%a %d %b}", f"{round(row.hours, 2):g}",
                hours_text(row.week_cap), f"{row.busiest_day:%a %d %b}",
                f"{round(row.day_hours, 2):g}", hours_text(row.day_cap), row.flag)
