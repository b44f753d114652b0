"""County changes to the court calendar: an added closure, a statutory holiday removed, undone.

Each change moves the stored legal deadlines that count across that day, in the same transaction,
which is why this sits apart from ``court_calendar`` (the read side that the deadlines build on).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import CourtHoliday
from girlscourt.domain.hearing_rules import long_date
from girlscourt.domain.judicial_calendar import observed_holidays
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConflictError, NotFound, ValidationError
from girlscourt.services.clocks import legal_deadlines
from girlscourt.services.clocks.court_calendar import (
    ADD,
    COUNTY,
    REMOVE,
    REMOVED,
    HolidayEntry,
    calendar_in,
)
from girlscourt.services.kernel.core import Actor, Core


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
