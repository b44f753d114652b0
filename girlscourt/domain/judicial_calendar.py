"""California judicial days and court holidays, which every detention clock counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

# Sources and choices (see DOMAIN.md section 2.2, "What counts as a judicial day"):
# - CCP 135: judicial holidays are every Saturday, every Sunday and every full-day state holiday
#   in Gov. Code 6700, with exceptions. Excluded here: Admission Day (Sept 9), Good Friday (a
#   noon-3 pm partial holiday), and Lunar New Year and Genocide Remembrance Day (which CCP 135
#   reportedly excludes). Columbus Day (second Monday of October) is listed in Gov. Code 6700,
#   but California courts do not close for it (published court lists, e.g. Calaveras Superior
#   Court 2026), so it is not included. DOMAIN.md does not mention it; confirm with the court.
# - Observance [UNVERIFIED detail in DOMAIN.md]: a holiday on Sunday is observed the following
#   Monday; a holiday on Saturday is observed the preceding Friday (LA Sheriff's manual, and
#   CRC 1.11 as quoted by court calendars). The Judicial Council may name another day; a county
#   records that as an addition plus a removal.
# - Native American Day (fourth Friday of September) counts from 2015 (Gov. Code 6700 as amended
#   by AB 1973, 2014).
# - Juneteenth (June 19) counts from 2023 (AB 1655, 2022; the Judicial Council announced the
#   first judicial-branch Juneteenth holiday on 19 June 2023). DOMAIN.md says it needs per-year
#   checking, so a county can remove it per date if its court sits.

MONDAY = 0
THURSDAY = 3
FRIDAY = 4
SATURDAY = 5
SUNDAY = 6

NATIVE_AMERICAN_DAY_FIRST_YEAR = 2015
JUNETEENTH_FIRST_YEAR = 2023

OBSERVED_SUFFIX = " (observed)"

_ONE_DAY = timedelta(days=1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based) given weekday (Monday=0) of a month."""
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    result = first + timedelta(days=offset + 7 * (n - 1))
    if result.month != month:
        raise ValueError(f"there is no weekday {weekday} number {n} in {year}-{month:02d}")
    return result


def last_weekday(year: int, month: int, weekday: int) -> date:
    """The last given weekday (Monday=0) of a month."""
    next_month = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    last = next_month - _ONE_DAY
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def statutory_holidays(year: int) -> list[tuple[date, str]]:
    """Judicial holidays of a year on their statutory dates, before weekend observance."""
    thanksgiving = nth_weekday(year, 11, THURSDAY, 4)
    days: list[tuple[date, str]] = [
        (date(year, 1, 1), "New Year's Day"),
        (nth_weekday(year, 1, MONDAY, 3), "Martin Luther King Jr. Day"),
        (date(year, 2, 12), "Lincoln's Birthday"),
        (nth_weekday(year, 2, MONDAY, 3), "Presidents' Day"),
        (date(year, 3, 31), "Cesar Chavez Day"),
        (last_weekday(year, 5, MONDAY), "Memorial Day"),
    ]
    if year >= JUNETEENTH_FIRST_YEAR:
        days.append((date(year, 6, 19), "Juneteenth"))
    days += [
        (date(year, 7, 4), "Independence Day"),
        (nth_weekday(year, 9, MONDAY, 1), "Labor Day"),
    ]
    if year >= NATIVE_AMERICAN_DAY_FIRST_YEAR:
        days.append((nth_weekday(year, 9, FRIDAY, 4), "Native American Day"))
    days += [
        (date(year, 11, 11), "Veterans Day"),
        (thanksgiving, "Thanksgiving Day"),
        (thanksgiving + _ONE_DAY, "Day after Thanksgiving"),
        (date(year, 12, 25), "Christmas Day"),
    ]
    return days


def observed_date(holiday: date) -> date:
    """Where a holiday is observed: Saturday moves to Friday, Sunday to Monday."""
    if holiday.weekday() == SATURDAY:
        return holiday - _ONE_DAY
    if holiday.weekday() == SUNDAY:
        return holiday + _ONE_DAY
    return holiday


def observed_holidays(year: int) -> list[tuple[date, str]]:
    """Statutory holidays observed on a date in ``year``, sorted; shifted ones say "(observed)".

    A New Year's Day on a Saturday is observed on 31 December of the year before, so it is
    listed under that earlier year.
    """
    result: list[tuple[date, str]] = []
    for source_year in (year - 1, year, year + 1):
        for day, name in statutory_holidays(source_year):
            observed = observed_date(day)
            if observed.year == year:
                result.append((observed, name if observed == day else name + OBSERVED_SUFFIX))
    result.sort()
    return result


def _merge(holidays: Iterable[tuple[date, str]]) -> dict[date, str]:
    """Map date to name, joining names when two holidays share a date."""
    merged: dict[date, str] = {}
    for day, name in holidays:
        merged[day] = f"{merged[day]}; {name}" if day in merged else name
    return merged


@dataclass(frozen=True, init=False)
class JudicialCalendar:
    """A county's judicial calendar: statutory holidays plus county additions and removals.

    ``first_year``..``last_year`` is the range the county has confirmed (and is computed eagerly);
    any other year is computed from the statutory rules on demand and cached. Weekends are always
    non-judicial, so a removal may not fall on a weekend. An addition on a statutory holiday's date
    joins the two names; an addition and a removal may not share a date.
    """

    first_year: int
    last_year: int
    additions: tuple[tuple[date, str], ...]
    removals: frozenset[date]
    version: str
    _added: dict[date, str] = field(repr=False, compare=False, hash=False)
    _cache: dict[int, dict[date, str]] = field(repr=False, compare=False, hash=False)

    def __init__(
        self,
        first_year: int,
        last_year: int,
        additions: Mapping[date, str] | None = None,
        removals: Iterable[date] = (),
        version: str = "CA statutory",
    ) -> None:
        """Validate and store the range and county changes; precompute the confirmed years."""
        if first_year > last_year:
            raise ValueError(f"first_year {first_year} is after last_year {last_year}")
        added = dict(additions or {})
        removed = frozenset(removals)
        for day, name in added.items():
            if not name.strip():
                raise ValueError(f"county addition on {day.isoformat()} needs a name")
        for day in removed:
            if day.weekday() in (SATURDAY, SUNDAY):
                raise ValueError(
                    f"cannot remove {day.isoformat()}: weekends are always non-judicial"
                )
        both = sorted(removed & added.keys())
        if both:
            raise ValueError(f"{both[0].isoformat()} is both a county addition and a removal")
        object.__setattr__(self, "first_year", first_year)
        object.__setattr__(self, "last_year", last_year)
        object.__setattr__(self, "additions", tuple(sorted(added.items())))
        object.__setattr__(self, "removals", removed)
        object.__setattr__(self, "version", version)
        object.__setattr__(self, "_added", added)
        object.__setattr__(self, "_cache", {})
        for year in range(first_year, last_year + 1):
            self._year(year)

    def _year(self, year: int) -> dict[date, str]:
        """Holiday map of one year (observed statutory - removals + additions), cached."""
        cached = self._cache.get(year)
        if cached is None:
            statutory = [(d, n) for d, n in observed_holidays(year) if d not in self.removals]
            added = [(d, n) for d, n in self._added.items() if d.year == year]
            cached = _merge(sorted(statutory + added, key=lambda item: item[0]))
            self._cache[year] = cached
        return cached

    def covers(self, year: int) -> bool:
        """True when the county has confirmed this year's holiday list."""
        return self.first_year <= year <= self.last_year

    def holidays(self, year: int) -> list[tuple[date, str]]:
        """Holidays (observed dates, with names) that close the court in ``year``, sorted."""
        return sorted(self._year(year).items())

    def holiday_name(self, day: date) -> str | None:
        """Name of the holiday observed on ``day``, if any."""
        return self._year(day.year).get(day)

    def is_judicial_day(self, day: date) -> bool:
        """True unless ``day`` is a weekend or a judicial holiday."""
        return day.weekday() < SATURDAY and self.holiday_name(day) is None

    def non_judicial_reason(self, day: date) -> str | None:
        """Why ``day`` is not a judicial day ("Saturday", "judicial holiday: ..."), else None."""
        if day.weekday() == SATURDAY:
            return "Saturday"
        if day.weekday() == SUNDAY:
            return "Sunday"
        name = self.holiday_name(day)
        return None if name is None else f"judicial holiday: {name}"

    def next_judicial_day(self, day: date) -> date:
        """The first judicial day strictly after ``day``."""
        return self.add_judicial_days(day, 1)

    def judicial_day_on_or_after(self, day: date) -> date:
        """``day`` itself if judicial, else the next judicial day (CCP 136)."""
        return day if self.is_judicial_day(day) else self.next_judicial_day(day)

    def add_judicial_days(self, day: date, n: int) -> date:
        """The n-th judicial day after ``day`` (before it if n < 0), not counting ``day``."""
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        current = day
        while remaining:
            current += step
            if self.is_judicial_day(current):
                remaining -= 1
        return current

    def judicial_days_between(self, start: date, end: date) -> int:
        """Judicial days in (start, end]; negative if end is before start.

        The inverse of ``add_judicial_days``: 15 judicial days after a detention hearing, the
        count on the deadline day is 15 ("day 15 of 15").
        """
        if end < start:
            return -self.judicial_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += _ONE_DAY
            if self.is_judicial_day(current):
                count += 1
        return count
