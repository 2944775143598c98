"""Holiday calendar of an agency: which local dates bill at the holiday rate (rules.md section 1).

Dates are the actual holidays, never the "observed" weekday: Independence Day 2026 is Saturday
4 July and Friday 3 July 2026 is a regular day. The federal days come from the `holidays`
package with `observed=False`; Easter comes from `dateutil.easter`; the days neither knows as a
public holiday (Day after Thanksgiving, Christmas Eve, New Year's Eve) follow from their rule.
No year's dates are written down anywhere, so every year works.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_package
import holidays.countries  # noqa: F401  (see below)
from dateutil.easter import easter

from models.agency import Agency, HolidayName

# `holidays.country_holidays` imports every country's module on its first call, 0.1 s: a tenth
# of a 1 s limit when the first solve of a process paid it (`solver.warm_calendar`). Imported
# here, it is paid when the program starts, before any limit counts.

# The `holidays` package's English names (pinned with language="en_US") of the days it knows.
_PACKAGE_NAMES: dict[str, HolidayName] = {
    "New Year's Day": HolidayName.NEW_YEARS_DAY,
    "Martin Luther King Jr. Day": HolidayName.MLK_DAY,
    "Washington's Birthday": HolidayName.PRESIDENTS_DAY,
    "Memorial Day": HolidayName.MEMORIAL_DAY,
    "Juneteenth National Independence Day": HolidayName.JUNETEENTH,
    "Independence Day": HolidayName.INDEPENDENCE_DAY,
    "Labor Day": HolidayName.LABOR_DAY,
    "Columbus Day": HolidayName.COLUMBUS_DAY,
    "Veterans Day": HolidayName.VETERANS_DAY,
    "Thanksgiving Day": HolidayName.THANKSGIVING,
    "Christmas Day": HolidayName.CHRISTMAS_DAY,
}


@lru_cache(maxsize=64)
def us_calendar(year: int) -> dict[HolidayName, date]:
    """Every holiday an agency may list, with its actual date in `year`.

    A day that did not exist that year (Juneteenth before 2021) is simply absent.
    """
    found: dict[HolidayName, date] = {}
    federal = holiday_package.country_holidays("US", years=year, observed=False, language="en_US")
    for day, names in federal.items():
        # Two holidays on one date come back as one string joined by "; ".
        for name in str(names).split("; "):
            if name in _PACKAGE_NAMES:
                found[_PACKAGE_NAMES[name]] = day
    sunday = easter(year)
    found[HolidayName.EASTER_SUNDAY] = sunday
    found[HolidayName.GOOD_FRIDAY] = sunday - timedelta(days=2)
    if HolidayName.THANKSGIVING in found:
        found[HolidayName.DAY_AFTER_THANKSGIVING] = found[HolidayName.THANKSGIVING] + timedelta(1)
    found[HolidayName.CHRISTMAS_EVE] = date(year, 12, 24)
    found[HolidayName.NEW_YEARS_EVE] = date(year, 12, 31)
    return found


@lru_cache(maxsize=256)
def _agency_dates(
    agency_id: str, listed: tuple[HolidayName, ...], year: int
) -> dict[date, HolidayName]:
    # Keyed on the list as well as the id: a user-written agency file may reuse a shipped id.
    calendar = us_calendar(year)
    return {calendar[name]: name for name in listed if name in calendar}


def holiday_dates(agency: Agency, year: int) -> dict[date, HolidayName]:
    """The agency's holiday dates in `year` (actual dates, local calendar), mapped to their name."""
    return dict(_agency_dates(agency.id, tuple(agency.holidays), year))


def is_holiday(agency: Agency, day: date) -> bool:
    """Whether the local calendar date `day` bills at the agency's holiday rate."""
    return day in _agency_dates(agency.id, tuple(agency.holidays), day.year)
