"""Holiday calendar: every listed holiday on its actual date, several years, observed days off."""

from __future__ import annotations

from datetime import date

import pytest

from models.agency import HolidayName as H
from scheduler.agencies import get_agency
from scheduler.pricing.holidays import holiday_dates, is_holiday, us_calendar

KENNESAW = get_agency("kennesaw-ga")
ROCKPORT = get_agency("rockport-tx")

# 2026, checked against a printed calendar: MLK = third Monday of January, Presidents' Day =
# third Monday of February, Easter = 5 April, Memorial Day = last Monday of May, Labor Day = first
# Monday of September, Thanksgiving = fourth Thursday of November.
KENNESAW_2026 = {
    date(2026, 1, 1): H.NEW_YEARS_DAY,
    date(2026, 1, 19): H.MLK_DAY,
    date(2026, 2, 16): H.PRESIDENTS_DAY,
    date(2026, 4, 5): H.EASTER_SUNDAY,
    date(2026, 5, 25): H.MEMORIAL_DAY,
    date(2026, 7, 4): H.INDEPENDENCE_DAY,
    date(2026, 9, 7): H.LABOR_DAY,
    date(2026, 11, 11): H.VETERANS_DAY,
    date(2026, 11, 26): H.THANKSGIVING,
    date(2026, 11, 27): H.DAY_AFTER_THANKSGIVING,
    date(2026, 12, 24): H.CHRISTMAS_EVE,
    date(2026, 12, 25): H.CHRISTMAS_DAY,
    date(2026, 12, 31): H.NEW_YEARS_EVE,
}


def test_kennesaw_2026_has_its_thirteen_holidays_on_their_actual_dates() -> None:
    assert holiday_dates(KENNESAW, 2026) == KENNESAW_2026


def test_rockport_2026_is_kennesaws_list_without_mlk_and_presidents_day() -> None:
    expected = {
        day: name
        for day, name in KENNESAW_2026.items()
        if name not in (H.MLK_DAY, H.PRESIDENTS_DAY)
    }
    assert holiday_dates(ROCKPORT, 2026) == expected
    assert len(expected) == 11


# The moving holidays of other years, worked out by hand from each year's calendar.
@pytest.mark.parametrize(
    ("year", "mlk", "presidents", "easter", "memorial", "labor", "thanksgiving"),
    [
        (2024, date(2024, 1, 15), date(2024, 2, 19), date(2024, 3, 31), date(2024, 5, 27),
         date(2024, 9, 2), date(2024, 11, 28)),
        (2025, date(2025, 1, 20), date(2025, 2, 17), date(2025, 4, 20), date(2025, 5, 26),
         date(2025, 9, 1), date(2025, 11, 27)),
        (2027, date(2027, 1, 18), date(2027, 2, 15), date(2027, 3, 28), date(2027, 5, 31),
         date(2027, 9, 6), date(2027, 11, 25)),
        (2030, date(2030, 1, 21), date(2030, 2, 18), date(2030, 4, 21), date(2030, 5, 27),
         date(2030, 9, 2), date(2030, 11, 28)),
    ],
)
def test_moving_holidays_of_other_years(
    year: int, mlk: date, presidents: date, easter: date, memorial: date, labor: date,
    thanksgiving: date,
) -> None:
    dates = holiday_dates(KENNESAW, year)
    assert dates[mlk] == H.MLK_DAY
    assert dates[presidents] == H.PRESIDENTS_DAY
    assert dates[easter] == H.EASTER_SUNDAY
    assert dates[memorial] == H.MEMORIAL_DAY
    assert dates[labor] == H.LABOR_DAY
    assert dates[thanksgiving] == H.THANKSGIVING
    assert dates[date(year, thanksgiving.month, thanksgiving.day + 1)] == H.DAY_AFTER_THANKSGIVING
    assert len(dates) == 13


@pytest.mark.parametrize("year", [2024, 2025, 2027, 2030])
def test_fixed_date_holidays_every_year(year: int) -> None:
    dates = holiday_dates(ROCKPORT, year)
    assert dates[date(year, 1, 1)] == H.NEW_YEARS_DAY
    assert dates[date(year, 7, 4)] == H.INDEPENDENCE_DAY
    assert dates[date(year, 11, 11)] == H.VETERANS_DAY
    assert dates[date(year, 12, 24)] == H.CHRISTMAS_EVE
    assert dates[date(year, 12, 25)] == H.CHRISTMAS_DAY
    assert dates[date(year, 12, 31)] == H.NEW_YEARS_EVE


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 7, 3),    # Independence Day 2026 is a Saturday; observed Friday is regular
        date(2027, 7, 5),    # Independence Day 2027 is a Sunday; observed Monday is regular
        date(2023, 11, 10),  # Veterans Day 2023 is a Saturday; observed Friday is regular
        date(2022, 12, 26),  # Christmas 2022 is a Sunday; observed Monday is regular
        date(2023, 1, 2),    # New Year's Day 2023 is a Sunday; observed Monday is regular
    ],
)
def test_observed_weekdays_are_regular_days(day: date) -> None:
    assert not is_holiday(KENNESAW, day)
    assert not is_holiday(ROCKPORT, day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 3),    # Good Friday
        date(2026, 6, 19),   # Juneteenth
        date(2026, 10, 12),  # Columbus Day
        date(2026, 12, 26),  # the day after Christmas
    ],
)
def test_days_on_neither_list(day: date) -> None:
    assert not is_holiday(KENNESAW, day)
    assert not is_holiday(ROCKPORT, day)


def test_mlk_and_presidents_day_only_at_kennesaw() -> None:
    assert is_holiday(KENNESAW, date(2026, 1, 19))
    assert not is_holiday(ROCKPORT, date(2026, 1, 19))
    assert is_holiday(KENNESAW, date(2026, 2, 16))
    assert not is_holiday(ROCKPORT, date(2026, 2, 16))


def test_calendar_knows_unlisted_days_for_agencies_that_list_them() -> None:
    calendar = us_calendar(2026)
    assert calendar[H.GOOD_FRIDAY] == date(2026, 4, 3)
    assert calendar[H.JUNETEENTH] == date(2026, 6, 19)
    assert calendar[H.COLUMBUS_DAY] == date(2026, 10, 12)
    custom = KENNESAW.model_copy(update={"id": "custom", "holidays": [H.GOOD_FRIDAY]})
    assert holiday_dates(custom, 2026) == {date(2026, 4, 3): H.GOOD_FRIDAY}


def test_juneteenth_is_absent_before_it_existed() -> None:
    assert H.JUNETEENTH not in us_calendar(2020)
    assert us_calendar(2021)[H.JUNETEENTH] == date(2021, 6, 19)


def test_returned_mapping_is_a_copy_so_the_cache_stays_intact() -> None:
    dates = holiday_dates(KENNESAW, 2026)
    dates.clear()
    assert len(holiday_dates(KENNESAW, 2026)) == 13
