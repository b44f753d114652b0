"""The county's judicial calendar: California's computed holidays plus the county's own changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from girlscourt.db.models import CourtHoliday
from girlscourt.domain.judicial_calendar import JudicialCalendar
from girlscourt.services.kernel.core import Actor, Core

ADD = "add"
REMOVE = "remove"
STATUTORY = "statutory"
COUNTY = "county"
REMOVED = "removed"


@dataclass(frozen=True)
class HolidayEntry:
    """One line of a year's list: a closed day (statutory or county) or a statutory day removed."""

    day: dt.date
    name: str
    source: str  # statutory, county, removed
    change_id: int | None = None  # the CourtHoliday row behind a county change
    version: int | None = None


def calendar_in(session: Session, today: dt.date) -> JudicialCalendar:
    """The calendar as the database has it now (inside the caller's session).

    Names its columns rather than loading entities, so the migration that first stores legal
    deadlines can count days with it.
    """
    rows = session.execute(
        select(CourtHoliday.day, CourtHoliday.name, CourtHoliday.action).order_by(CourtHoliday.day)
    ).all()
    additions = {r.day: r.name for r in rows if r.action == ADD}
    removals = [r.day for r in rows if r.action == REMOVE]
    years = [r.day.year for r in rows] + [today.year]
    stamp = session.execute(select(func.max(CourtHoliday.updated_at))).scalar_one_or_none()
    version = f"CA statutory + {len(rows)} county changes"
    if stamp is not None:
        version += f" (last {stamp:%Y-%m-%d %H:%M} UTC)"
    return JudicialCalendar(min(years), max(years), additions, removals, version)


def load_calendar(core: Core) -> JudicialCalendar:
    """The judicial calendar every service counts court days with (not sensitive: no audit)."""
    with core.read() as session:
        return calendar_in(session, core.today())


def list_holidays(core: Core, actor: Actor, year: int) -> tuple[HolidayEntry, ...]:
    """A year's closed days with their source, and the statutory days the county removed."""
    del actor  # any signed-in user may read the court calendar
    with core.read() as session:
        calendar = calendar_in(session, core.today())
        changes = {
            r.day: r
            for r in session.execute(
                select(CourtHoliday).where(
                    CourtHoliday.day >= dt.date(year, 1, 1),
                    CourtHoliday.day <= dt.date(year, 12, 31),
                )
            ).scalars()
        }
    entries = []
    for day, name in calendar.holidays(year):
        change = changes.get(day)
        if change is not None and change.action == ADD:
            entries.append(HolidayEntry(day, name, COUNTY, change.id, change.version))
        else:
            entries.append(HolidayEntry(day, name, STATUTORY))
    for change in changes.values():
        if change.action == REMOVE:
            entries.append(
                HolidayEntry(change.day, change.name, REMOVED, change.id, change.version)
            )
    return tuple(sorted(entries, key=lambda e: (e.day, e.source)))
