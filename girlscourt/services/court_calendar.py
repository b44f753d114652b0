"""The county's judicial calendar: California's computed holidays plus the county's own changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from girlscourt.db.models import CourtHoliday
from girlscourt.domain.hearing_rules import long_date
from girlscourt.domain.judicial_calendar import JudicialCalendar, observed_holidays
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConflictError, NotFound, ValidationError
from girlscourt.services.core import Actor, Core

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


def _name(value: str | None, field: str) -> str:
    name = clean_text(field, value, required=True, max_length=120)
    assert name is not None
    return name


def _free_day(session: Session, day: dt.date) -> None:
    existing = session.execute(
        select(CourtHoliday).where(CourtHoliday.day == day)
    ).scalar_one_or_none()
    if existing is not None:
        kind = "an added holiday" if existing.action == ADD else "a removal"
        raise ValidationError(
            "day", f"{long_date(day)} already has a county change ({kind}: {existing.name})"
        )


def _refresh_deadlines(core: Core, session: Session, day: dt.date) -> None:
    """Stored deadlines that count across ``day`` move with it, in the same transaction."""
    from girlscourt.services import legal_deadlines  # it builds on this module's calendar

    session.flush()
    calendar = calendar_in(session, core.today())
    legal_deadlines.refresh_for_day(session, day, calendar, core.settings.timezone, core.now())


def add_court_holiday(core: Core, actor: Actor, day: dt.date, name: str) -> HolidayEntry:
    """Close the court on ``day`` (a county closure or an alternate observance date)."""
    core.require(actor, Action.COURT_CONFIGURE)
    clean = _name(name, "name")
    if day.weekday() >= 5:
        raise ValidationError("day", f"{long_date(day)} is a weekend and never a court day")
    with core.write() as session:
        _free_day(session, day)
        row = CourtHoliday(day=day, name=clean, action=ADD)
        session.add(row)
        session.flush()
        core.audit(
            session, actor, "court.holiday_add", record_kind="court_holiday", record_id=row.id
        )
        _refresh_deadlines(core, session, day)
        return HolidayEntry(day, clean, COUNTY, row.id, row.version)


def remove_statutory_holiday(core: Core, actor: Actor, day: dt.date, reason: str) -> HolidayEntry:
    """Make a statutory holiday a court day (the court sits; e.g. a moved observance)."""
    core.require(actor, Action.COURT_CONFIGURE)
    clean = _name(reason, "reason")
    statutory = dict(observed_holidays(day.year))
    if day not in statutory:
        raise ValidationError("day", f"{long_date(day)} is not a California judicial holiday")
    with core.write() as session:
        _free_day(session, day)
        row = CourtHoliday(day=day, name=clean, action=REMOVE)
        session.add(row)
        session.flush()
        core.audit(
            session, actor, "court.holiday_remove", record_kind="court_holiday", record_id=row.id
        )
        _refresh_deadlines(core, session, day)
        return HolidayEntry(day, clean, REMOVED, row.id, row.version)


def undo_county_change(core: Core, actor: Actor, change_id: int, expected_version: int) -> None:
    """Withdraw a county addition or removal; the day goes back to its statutory state."""
    core.require(actor, Action.COURT_CONFIGURE, record_kind="court_holiday", record_id=change_id)
    with core.write() as session:
        row = session.get(CourtHoliday, change_id)
        if row is None:
            raise NotFound(f"court holiday change {change_id}: no such change")
        if row.version != expected_version:
            raise ConflictError(
                f"court holiday change {change_id}: someone else changed it; reload the calendar",
                current_version=row.version,
            )
        day = row.day
        session.delete(row)
        core.audit(
            session, actor, "court.holiday_undo", record_kind="court_holiday", record_id=change_id
        )
        _refresh_deadlines(core, session, day)
