"""What supervisors and housing units read: reminders due, the unit's printed list, the desk-check
log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    ContactRestriction,
    CustodyEpisode,
    RestrictionCheck,
    User,
    Youth,
)
from girlscourt.domain.permissions import Action
from girlscourt.domain.restriction_rules import (
    admission_block_effective,
    check_id,
    status_on,
)
from girlscourt.errors import ValidationError
from girlscourt.readmodels.restriction_list import CheckLogEntry, LoggedMatch, UnitList, UnitListRow
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.restrictions.restrictions import _initials, _initials_for, _notices_from
from girlscourt.services.security import sealing

LOG_LIMIT = 10_000  # checks one log query (and one printed log) may hold
REMINDER_DAYS_DEFAULT = 14


@dataclass(frozen=True)
class Reminder:
    """A restriction that needs attention by ``due_on`` (negative ``days_left``: overdue)."""

    restriction_id: int
    youth_id: int
    youth_initials: str
    person_name: str
    due_on: dt.date
    days_left: int
    in_custody: bool


@dataclass(frozen=True)
class Reminders:
    """What supervisors must act on: reviews due, restrictions ending, approvals, notices."""

    as_of: dt.date
    within_days: int
    reviews_due: tuple[Reminder, ...]
    expiring: tuple[Reminder, ...]
    pending_approval: tuple[Reminder, ...]
    notices_missing: tuple[Reminder, ...]


def _open_episodes(session: Session) -> dict[int, str | None]:
    """Youth in custody now, with the housing unit of their open episode."""
    rows = session.execute(
        select(CustodyEpisode.youth_id, CustodyEpisode.housing_unit)
        .where(CustodyEpisode.released_at.is_(None))
        .order_by(CustodyEpisode.custody_start_at)
    ).all()
    return {r.youth_id: r.housing_unit for r in rows}


def _reminder(row: Any, due_on: dt.date, today: dt.date, custody: Mapping[int, Any]) -> Reminder:
    return Reminder(
        restriction_id=row.id,
        youth_id=row.youth_id,
        youth_initials=_initials(row),
        person_name=row.person_name,
        due_on=due_on,
        days_left=(due_on - today).days,
        in_custody=row.youth_id in custody,
    )


def reminders(core: Core, actor: Actor, within_days: int = REMINDER_DAYS_DEFAULT) -> Reminders:
    """Reviews due (or overdue), restrictions ending, approvals pending, Title 15 notices owed.

    Youth hidden by sealing are left out (custodian excepted).
    """
    core.require(actor, Action.RESTRICTION_MANAGE)
    if not 0 <= within_days <= 366:
        raise ValidationError("within_days", "must be between 0 and 366")
    today = core.today()
    horizon = today + dt.timedelta(days=within_days)
    cr = ContactRestriction
    visible = (  # a youth hidden by sealing has no reminders but the custodian's
        sealing.visible_youth_filter(cr.youth_id) if not actor.may(Action.SEALED_ACCESS) else true()
    )
    with core.write() as session:
        rows = session.execute(
            select(
                cr.id,
                cr.youth_id,
                cr.person_name,
                cr.starts_on,
                cr.ends_on,
                cr.review_on,
                cr.approved_by,
                cr.notices,
                Youth.legal_first_name,
                Youth.legal_last_name,
                Youth.initials_override,
            )
            .join(Youth, Youth.id == cr.youth_id)
            .where(cr.lifted_at.is_(None), or_(cr.ends_on.is_(None), cr.ends_on >= today))
            .where(
                or_(
                    cr.review_on <= horizon,
                    cr.ends_on <= horizon,
                    cr.approved_by.is_(None),
                    cr.starts_on <= today,
                )
            )
            .where(visible)
            .order_by(cr.id)
        ).all()
        custody = _open_episodes(session)
        core.audit(session, actor, "restriction.reminders", detail=f"days={within_days}")
    reviews = [_reminder(r, r.review_on, today, custody) for r in rows if r.review_on <= horizon]
    ending = [
        _reminder(r, r.ends_on, today, custody)
        for r in rows
        if r.ends_on is not None and r.ends_on <= horizon
    ]
    pending = [_reminder(r, r.starts_on, today, custody) for r in rows if r.approved_by is None]
    notices = [
        _reminder(r, r.starts_on, today, custody)
        for r in rows
        if r.starts_on <= today and _notices_from(r.notices).missing
    ]

    def by_due(items: list[Reminder]) -> tuple[Reminder, ...]:
        return tuple(sorted(items, key=lambda m: (m.due_on, m.restriction_id)))

    return Reminders(
        today, within_days, by_due(reviews), by_due(ending), by_due(pending), by_due(notices)
    )


def housing_units(core: Core, actor: Actor) -> tuple[str, ...]:
    """The housing units that hold a youth in custody now (for the list's unit picker)."""
    core.require(actor, Action.RESTRICTION_CHECK)
    with core.read() as session:
        units = session.execute(
            select(CustodyEpisode.housing_unit)
            .where(CustodyEpisode.released_at.is_(None), CustodyEpisode.housing_unit.is_not(None))
            .distinct()
        ).scalars()
        return tuple(sorted({u for u in units if u}, key=str.casefold))


def _unit_row(row: ContactRestriction, youth_initials: str, today: dt.date) -> UnitListRow:
    return UnitListRow(
        youth_id=row.youth_id,
        youth_initials=youth_initials,
        restriction_id=row.id,
        person_name=row.person_name,
        aliases=tuple(row.aliases or ()),
        phones=tuple(row.phones or ()),
        handles=tuple(row.handles or ()),
        relationship=row.relationship_to_youth,
        channels=tuple(row.channels),
        basis=row.basis,
        court_order_number=row.court_order_number,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        review_on=row.review_on,
        status=status_on(row.starts_on, row.ends_on, False, today),
        approved=row.approved_by is not None,
        withhold_location=row.do_not_disclose_location,
        admission_calls_blocked=admission_block_effective(
            row.blocks_admission_calls, row.admission_block_reason, row.admission_block_signoff_by
        ),
    )


def unit_list_in(
    session: Session, unit: str, today: dt.date, *, include_sealed: bool = False
) -> UnitList:
    """The unit's list inside the caller's transaction (the printing service uses it).

    Youth hidden by sealing are left out, rows and count, unless ``include_sealed`` (the
    custodian); the desk check still blocks their restricted persons.
    """
    wanted = unit.strip().casefold()
    in_custody = _open_episodes(session)
    in_unit = sorted(
        youth_id
        for youth_id, housing in in_custody.items()
        if housing is not None and housing.strip().casefold() == wanted
    )
    if in_unit and not include_sealed:
        sealed = sealing.sealed_youth_ids(session, in_unit)
        in_unit = [y for y in in_unit if y not in sealed]
    shown = next((in_custody[y] for y in in_unit), None) or unit.strip()
    names = _initials_for(session, in_unit)
    rows: Sequence[ContactRestriction] = []
    if in_unit:
        rows = (
            session.execute(
                select(ContactRestriction)
                .where(
                    ContactRestriction.youth_id.in_(in_unit),
                    ContactRestriction.lifted_at.is_(None),
                    or_(ContactRestriction.ends_on.is_(None), ContactRestriction.ends_on >= today),
                )
                .order_by(ContactRestriction.id)
            )
            .scalars()
            .all()
        )
    listed = sorted(
        (_unit_row(r, names[r.youth_id], today) for r in rows),
        key=lambda r: (r.youth_initials, r.youth_id, r.starts_on, r.restriction_id),
    )
    return UnitList(shown.strip(), today, len(in_unit), tuple(listed))


def unit_list(core: Core, actor: Actor, unit: str) -> UnitList:
    """Active and scheduled restrictions of every youth in custody on ``unit`` (audited)."""
    core.require(actor, Action.RESTRICTION_CHECK)
    if not unit or not unit.strip():
        raise ValidationError("unit", "name a housing unit")
    with core.write() as session:
        result = unit_list_in(
            session, unit, core.today(), include_sealed=actor.may(Action.SEALED_ACCESS)
        )
        core.audit(session, actor, "restriction.unit_list", detail=f"rows={len(result.rows)}")
        return result


def _county_day_bounds(core: Core, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = core.settings.timezone
    lower = dt.datetime.combine(start, dt.time(0), zone).astimezone(dt.UTC)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), zone).astimezone(dt.UTC)
    return lower, upper


def check_log_in(
    core: Core,
    session: Session,
    start: dt.date,
    end: dt.date,
    youth_id: int | None = None,
    *,
    include_sealed: bool = False,
) -> tuple[CheckLogEntry, ...]:
    """Logged checks from ``start`` to ``end`` (county dates, inclusive), oldest first.

    Unless ``include_sealed`` (the custodian), a check made for a youth hidden by sealing is
    left out, and a match on one keeps its restriction, field, score and grade (what the desk
    answered) without her id or initials.
    """
    if end < start:
        raise ValidationError("to", f"{end.isoformat()} is before {start.isoformat()}")
    lower, upper = _county_day_bounds(core, start, end)
    query = (
        select(RestrictionCheck, User.username, User.display_name)
        .join(User, User.id == RestrictionCheck.checked_by)
        .where(RestrictionCheck.checked_at >= lower, RestrictionCheck.checked_at < upper)
        .order_by(RestrictionCheck.checked_at, RestrictionCheck.id)
        .limit(LOG_LIMIT + 1)
    )
    if youth_id is not None:
        query = query.where(RestrictionCheck.youth_id == youth_id)
    found = session.execute(query).all()
    if len(found) > LOG_LIMIT:
        raise ValidationError(
            "to", f"more than {LOG_LIMIT:,} checks in this range; choose a shorter range"
        )
    entries = []
    wanted: set[int] = set()
    for check, _, _ in found:
        wanted.update(int(m["youth_id"]) for m in check.matches or () if m.get("youth_id"))
        if check.youth_id is not None:
            wanted.add(check.youth_id)
    sealed: set[int] = set() if include_sealed else sealing.sealed_youth_ids(session, wanted)
    names = _initials_for(session, wanted - sealed)
    for check, username, display in found:
        if check.youth_id in sealed:
            continue
        matches = tuple(
            LoggedMatch(
                int(m["restriction_id"]),
                None if m.get("youth_id") in sealed else m.get("youth_id"),
                str(m.get("field", "")),
                float(m.get("score", 0.0)),
                str(m.get("grade", check.result)),
            )
            for m in check.matches or ()
        )
        entries.append(
            CheckLogEntry(
                id=check.id,
                checked_at=check.checked_at,
                checked_by=check.checked_by,
                staff=f"{display} ({username})",
                youth_id=check.youth_id,
                youth_initials=names.get(check.youth_id) if check.youth_id else None,
                channel=check.channel,
                probe_name=check.probe_name,
                probe_phone=check.probe_phone,
                probe_handle=check.probe_handle,
                result=check.result,
                matches=matches,
                match_initials={
                    m.youth_id: names[m.youth_id] for m in matches if m.youth_id in names
                },
            )
        )
    return tuple(entries)


def check_log(
    core: Core, actor: Actor, start: dt.date, end: dt.date, *, youth_id: int | None = None
) -> tuple[CheckLogEntry, ...]:
    """The desk check log for a date range, as evidence (supervisors; the read is audited)."""
    core.require(actor, Action.AUDIT_VIEW)
    if youth_id is not None:
        check_id("youth_id", youth_id)
    with core.write() as session:
        entries = check_log_in(
            core, session, start, end, youth_id, include_sealed=actor.may(Action.SEALED_ACCESS)
        )
        core.audit(
            session,
            actor,
            "restriction.check_log",
            record_kind="youth" if youth_id else None,
            record_id=youth_id,
            detail=f"from={start.isoformat()} to={end.isoformat()} rows={len(entries)}",
        )
    return entries
