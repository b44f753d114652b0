"""Tests for California judicial holidays, observance shifts and judicial-day counting."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from girlscourt.domain.judicial_calendar import (
    JudicialCalendar,
    last_weekday,
    nth_weekday,
    observed_date,
    observed_holidays,
)

# Weekdays below were checked with Python's calendar module before being written down.
HOLIDAYS_2026: list[tuple[date, str]] = [
    (date(2026, 1, 1), "New Year's Day"),  # Thu
    (date(2026, 1, 19), "Martin Luther King Jr. Day"),  # 3rd Mon
    (date(2026, 2, 12), "Lincoln's Birthday"),  # Thu
    (date(2026, 2, 16), "Presidents' Day"),  # 3rd Mon
    (date(2026, 3, 31), "Cesar Chavez Day"),  # Tue
    (date(2026, 5, 25), "Memorial Day"),  # last Mon
    (date(2026, 6, 19), "Juneteenth"),  # Fri
    (date(2026, 7, 3), "Independence Day (observed)"),  # Sat 4 July -> Fri 3
    (date(2026, 9, 7), "Labor Day"),  # 1st Mon
    (date(2026, 9, 25), "Native American Day"),  # 4th Fri
    (date(2026, 11, 11), "Veterans Day"),  # Wed
    (date(2026, 11, 26), "Thanksgiving Day"),  # 4th Thu
    (date(2026, 11, 27), "Day after Thanksgiving"),  # Fri
    (date(2026, 12, 25), "Christmas Day"),  # Fri
]

HOLIDAYS_2027: list[tuple[date, str]] = [
    (date(2027, 1, 1), "New Year's Day"),  # Fri
    (date(2027, 1, 18), "Martin Luther King Jr. Day"),
    (date(2027, 2, 12), "Lincoln's Birthday"),  # Fri
    (date(2027, 2, 15), "Presidents' Day"),
    (date(2027, 3, 31), "Cesar Chavez Day"),  # Wed
    (date(2027, 5, 31), "Memorial Day"),
    (date(2027, 6, 18), "Juneteenth (observed)"),  # Sat 19 June -> Fri 18
    (date(2027, 7, 5), "Independence Day (observed)"),  # Sun 4 July -> Mon 5
    (date(2027, 9, 6), "Labor Day"),
    (date(2027, 9, 24), "Native American Day"),
    (date(2027, 11, 11), "Veterans Day"),  # Thu
    (date(2027, 11, 25), "Thanksgiving Day"),
    (date(2027, 11, 26), "Day after Thanksgiving"),
    (date(2027, 12, 24), "Christmas Day (observed)"),  # Sat 25 Dec -> Fri 24
    (date(2027, 12, 31), "New Year's Day (observed)"),  # Sat 1 Jan 2028 -> Fri 31 Dec 2027
]


@pytest.fixture
def cal() -> JudicialCalendar:
    """A statutory calendar confirmed for 2026-2027."""
    return JudicialCalendar(2026, 2027)


@pytest.mark.parametrize(
    ("year", "expected"), [(2026, HOLIDAYS_2026), (2027, HOLIDAYS_2027)], ids=["2026", "2027"]
)
def test_holidays_by_year(
    cal: JudicialCalendar, year: int, expected: list[tuple[date, str]]
) -> None:
    assert cal.holidays(year) == expected


@pytest.mark.parametrize(("day", "name"), HOLIDAYS_2026 + HOLIDAYS_2027, ids=str)
def test_each_holiday_is_non_judicial(cal: JudicialCalendar, day: date, name: str) -> None:
    assert day.weekday() < 5  # every observed holiday is a weekday
    assert not cal.is_judicial_day(day)
    assert cal.holiday_name(day) == name
    assert cal.non_judicial_reason(day) == f"judicial holiday: {name}"


@pytest.mark.parametrize(
    ("statutory", "observed", "weekday_name"),
    [
        (date(2026, 7, 4), date(2026, 7, 3), "Saturday"),  # Independence Day 2026
        (date(2027, 12, 25), date(2027, 12, 24), "Saturday"),  # Christmas 2027
        (date(2028, 1, 1), date(2027, 12, 31), "Saturday"),  # New Year 2028, crosses the year
        (date(2027, 6, 19), date(2027, 6, 18), "Saturday"),  # Juneteenth 2027
        (date(2028, 2, 12), date(2028, 2, 11), "Saturday"),  # Lincoln 2028
        (date(2028, 11, 11), date(2028, 11, 10), "Saturday"),  # Veterans Day 2028
        (date(2029, 3, 31), date(2029, 3, 30), "Saturday"),  # Cesar Chavez 2029
        (date(2027, 7, 4), date(2027, 7, 5), "Sunday"),  # Independence Day 2027
        (date(2029, 11, 11), date(2029, 11, 12), "Sunday"),  # Veterans Day 2029
        (date(2022, 12, 25), date(2022, 12, 26), "Sunday"),  # Christmas 2022
        (date(2023, 1, 1), date(2023, 1, 2), "Sunday"),  # New Year 2023
        (date(2023, 2, 12), date(2023, 2, 13), "Sunday"),  # Lincoln 2023
    ],
    ids=str,
)
def test_weekend_observance(
    cal: JudicialCalendar, statutory: date, observed: date, weekday_name: str
) -> None:
    assert statutory.strftime("%A") == weekday_name
    assert observed_date(statutory) == observed
    assert cal.non_judicial_reason(statutory) == weekday_name
    assert not cal.is_judicial_day(observed)
    reason = cal.non_judicial_reason(observed)
    assert reason is not None
    assert reason.endswith("(observed)")
    assert observed in dict(cal.holidays(observed.year))


def test_new_year_on_saturday_is_listed_under_the_year_before(cal: JudicialCalendar) -> None:
    assert (date(2027, 12, 31), "New Year's Day (observed)") in cal.holidays(2027)
    assert all(d != date(2028, 1, 1) for d, _ in cal.holidays(2028))
    assert all(d.year == 2028 for d, _ in cal.holidays(2028))


@pytest.mark.parametrize(
    ("day", "judicial", "reason"),
    [
        (date(2026, 11, 28), False, "Saturday"),
        (date(2026, 11, 29), False, "Sunday"),
        (date(2026, 11, 30), True, None),
        (date(2026, 10, 12), True, None),  # Columbus Day: courts sit
        (date(2026, 9, 9), True, None),  # Admission Day: excluded by CCP 135
        (date(2026, 4, 3), True, None),  # Good Friday: partial state holiday only
        (date(2026, 12, 24), True, None),  # Christmas Eve is not statutory
        (date(2022, 6, 20), True, None),  # Juneteenth (observed) before it became a holiday
        (date(2023, 6, 19), False, "judicial holiday: Juneteenth"),  # first year
        (date(2014, 9, 26), True, None),  # 4th Fri Sept 2014: before Native American Day
        (date(2015, 9, 25), False, "judicial holiday: Native American Day"),  # first year
        (date(2029, 11, 12), False, "judicial holiday: Veterans Day (observed)"),
    ],
    ids=str,
)
def test_judicial_day_and_reason(
    cal: JudicialCalendar, day: date, judicial: bool, reason: str | None
) -> None:
    assert cal.is_judicial_day(day) is judicial
    assert cal.non_judicial_reason(day) == reason


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 25), date(2026, 11, 30)),  # Wed before Thanksgiving -> Mon
        (date(2026, 7, 2), date(2026, 7, 6)),  # Fri 3 July observed
        (date(2026, 12, 18), date(2026, 12, 21)),  # plain weekend
        (date(2027, 12, 23), date(2027, 12, 27)),  # Christmas observed Fri 24
        (date(2027, 12, 30), date(2028, 1, 3)),  # New Year observed Fri 31 Dec
        (date(2026, 1, 31), date(2026, 2, 2)),  # from a Saturday
        (date(2026, 1, 19), date(2026, 1, 20)),  # from a holiday
        (date(2026, 3, 30), date(2026, 4, 1)),  # Cesar Chavez Tue 31 March
    ],
    ids=str,
)
def test_next_judicial_day(cal: JudicialCalendar, day: date, expected: date) -> None:
    assert cal.next_judicial_day(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 30), date(2026, 11, 30)),
        (date(2026, 11, 26), date(2026, 11, 30)),
        (date(2026, 11, 28), date(2026, 11, 30)),
    ],
    ids=str,
)
def test_judicial_day_on_or_after(cal: JudicialCalendar, day: date, expected: date) -> None:
    assert cal.judicial_day_on_or_after(day) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 25), 0, date(2026, 11, 25)),
        (date(2026, 11, 25), 1, date(2026, 11, 30)),
        (date(2026, 11, 16), 15, date(2026, 12, 9)),  # skips Thanksgiving and the day after
        (date(2026, 12, 9), 10, date(2026, 12, 23)),
        (date(2026, 12, 17), 10, date(2027, 1, 4)),  # skips Christmas and New Year
        (date(2026, 11, 30), -1, date(2026, 11, 25)),
        (date(2026, 12, 9), -15, date(2026, 11, 16)),
    ],
    ids=str,
)
def test_add_judicial_days(cal: JudicialCalendar, start: date, n: int, expected: date) -> None:
    assert cal.add_judicial_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 16), date(2026, 12, 9), 15),
        (date(2026, 11, 16), date(2026, 12, 7), 13),  # "day 13 of 15"
        (date(2026, 11, 16), date(2026, 11, 16), 0),
        (date(2026, 11, 25), date(2026, 11, 29), 0),  # only holidays and a weekend
        (date(2026, 11, 25), date(2026, 11, 30), 1),
        (date(2026, 12, 9), date(2026, 11, 16), -15),
        (date(2026, 1, 1), date(2026, 12, 31), 365 - 104 - 14),  # 2026: 104 weekend days
    ],
    ids=str,
)
def test_judicial_days_between(
    cal: JudicialCalendar, start: date, end: date, expected: int
) -> None:
    assert cal.judicial_days_between(start, end) == expected


@pytest.mark.parametrize("start", [date(2026, 11, 20), date(2027, 12, 22), date(2026, 6, 27)])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 10, 15, 30])
def test_add_and_between_are_inverse(cal: JudicialCalendar, start: date, n: int) -> None:
    end = cal.add_judicial_days(start, n)
    assert cal.judicial_days_between(start, end) == n
    assert n == 0 or cal.is_judicial_day(end)


@pytest.mark.parametrize("year", [2019, 2031, 2040])
def test_years_outside_the_range_are_computed_on_demand(year: int) -> None:
    cal = JudicialCalendar(2026, 2026)
    assert not cal.covers(year)
    assert cal.covers(2026)
    names = [name for _, name in cal.holidays(year)]
    assert "Day after Thanksgiving" in names
    assert cal.holidays(year) == observed_holidays(year)


def test_county_addition() -> None:
    cal = JudicialCalendar(2026, 2027, additions={date(2026, 12, 24): "Christmas Eve (county)"})
    assert not cal.is_judicial_day(date(2026, 12, 24))
    assert cal.non_judicial_reason(date(2026, 12, 24)) == "judicial holiday: Christmas Eve (county)"
    assert (date(2026, 12, 24), "Christmas Eve (county)") in cal.holidays(2026)
    assert cal.next_judicial_day(date(2026, 12, 23)) == date(2026, 12, 28)


def test_county_addition_outside_the_confirmed_range() -> None:
    cal = JudicialCalendar(2026, 2026, additions={date(2030, 3, 4): "Court closure"})
    assert not cal.is_judicial_day(date(2030, 3, 4))


def test_county_alternative_observance_day() -> None:
    cal = JudicialCalendar(
        2026,
        2026,
        additions={date(2026, 7, 6): "Independence Day (alternative day)"},
        removals={date(2026, 7, 3)},
    )
    assert cal.is_judicial_day(date(2026, 7, 3))
    assert not cal.is_judicial_day(date(2026, 7, 6))
    listed = dict(cal.holidays(2026))
    assert date(2026, 7, 3) not in listed
    assert listed[date(2026, 7, 6)] == "Independence Day (alternative day)"


def test_county_removal_of_juneteenth() -> None:
    cal = JudicialCalendar(2026, 2026, removals=[date(2026, 6, 19)])
    assert cal.is_judicial_day(date(2026, 6, 19))
    assert cal.non_judicial_reason(date(2026, 6, 19)) is None
    assert len(cal.holidays(2026)) == len(HOLIDAYS_2026) - 1


def test_addition_on_a_statutory_holiday_joins_names() -> None:
    cal = JudicialCalendar(2026, 2026, additions={date(2026, 11, 11): "County furlough"})
    assert cal.holiday_name(date(2026, 11, 11)) == "Veterans Day; County furlough"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"first_year": 2027, "last_year": 2026}, "after last_year"),
        ({"removals": [date(2026, 7, 4)]}, "weekends are always non-judicial"),
        (
            {"additions": {date(2026, 7, 3): "x"}, "removals": [date(2026, 7, 3)]},
            "both a county addition and a removal",
        ),
        ({"additions": {date(2026, 12, 24): "  "}}, "needs a name"),
    ],
    ids=["range", "weekend-removal", "overlap", "blank-name"],
)
def test_invalid_calendar_rejected(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"first_year": 2026, "last_year": 2026, **kwargs}
    with pytest.raises(ValueError, match=message):
        JudicialCalendar(**args)  # type: ignore[arg-type]


def test_calendar_is_frozen_hashable_and_comparable() -> None:
    a = JudicialCalendar(2026, 2027, additions={date(2026, 12, 24): "Eve"}, version="ALA-2026.1")
    b = JudicialCalendar(2026, 2027, additions={date(2026, 12, 24): "Eve"}, version="ALA-2026.1")
    a.holidays(2035)  # warming the cache must not change equality
    assert a == b
    assert hash(a) == hash(b)
    assert a.version == "ALA-2026.1"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.version = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("year", "month", "weekday", "n", "expected"),
    [
        (2026, 1, 0, 3, date(2026, 1, 19)),
        (2027, 9, 4, 4, date(2027, 9, 24)),
        (2026, 11, 3, 4, date(2026, 11, 26)),
        (2026, 9, 0, 1, date(2026, 9, 7)),
    ],
)
def test_nth_weekday(year: int, month: int, weekday: int, n: int, expected: date) -> None:
    assert nth_weekday(year, month, weekday, n) == expected


def test_nth_weekday_out_of_month() -> None:
    with pytest.raises(ValueError, match="no weekday"):
        nth_weekday(2026, 2, 0, 5)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [(2026, 5, date(2026, 5, 25)), (2027, 5, date(2027, 5, 31)), (2026, 12, date(2026, 12, 28))],
)
def test_last_monday(year: int, month: int, expected: date) -> None:
    assert last_weekday(year, month, 0) == expected
