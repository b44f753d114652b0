"""A day's docket for the clerk (names or initials), the public calendar of open hearings (WIC 676)
and the transport list from juvenile hall.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    CourtCase,
    Department,
    Hearing,
    Petition,
    Youth,
)
from girlscourt.domain.hearing_rules import (
    ACTIVE_OUTCOMES,
    SEALED_STATES,
    docket_name,
    statutory_flag,
)
from girlscourt.domain.permissions import Action
from girlscourt.errors import ValidationError
from girlscourt.readmodels.department_record import DepartmentRecord
from girlscourt.readmodels.docket import Docket, DocketRow, PublicCalendar, PublicRow, TransportList
from girlscourt.services.clocks.court_calendar import calendar_in
from girlscourt.services.court.cases import hidden_case_ids
from girlscourt.services.court.departments import department_record
from girlscourt.services.court.hearing_records import _day_bounds, _History, catalog
from girlscourt.services.kernel.core import Actor, Core

# --- The docket ---------------------------------------------------------------------------------


def full_name(first: str, last: str, preferred: str | None) -> str:
    """``Last, First “Preferred”`` for the internal copy."""
    name = f"{last}, {first}"
    if preferred and preferred != first:
        name += f" “{preferred}”"
    return name


def load_docket(
    core: Core,
    session: Session,
    actor: Actor,
    day: dt.date,
    department_id: int | None,
    *,
    full_names: bool,
    include_sealed: bool,
) -> Docket:
    """A day's docket inside the caller's session (no permission check, no audit)."""
    tz, cat = core.settings.timezone, catalog()
    calendar = calendar_in(session, core.today())
    start, end = _day_bounds(day, tz)
    query = (
        select(Hearing, CourtCase, Petition, Department, Youth)
        .join(CourtCase, CourtCase.id == Hearing.case_id)
        .join(Department, Department.id == Hearing.department_id)
        .join(Youth, Youth.id == CourtCase.youth_id)
        .outerjoin(Petition, Petition.id == Hearing.petition_id)
        .where(Hearing.scheduled_at >= start, Hearing.scheduled_at < end)
        .order_by(Hearing.scheduled_at, Department.code, CourtCase.case_number, Hearing.id)
    )
    if department_id is not None:
        query = query.where(Hearing.department_id == department_id)
    found = session.execute(query).all()
    hidden = hidden_case_ids(session, {c.id for _, c, *_ in found})
    history = _History(session, {c.id for _, c, *_ in found}, {y.id for *_, y in found}, tz)
    rows: list[DocketRow] = []
    departments: dict[int, DepartmentRecord] = {}
    for hearing, case, petition, department, youth in found:
        sealed = case.id in hidden or (
            petition is not None and petition.sealing_state in SEALED_STATES
        )
        if sealed and not include_sealed:
            continue
        departments.setdefault(department.id, department_record(department))
        local = hearing.scheduled_at.astimezone(tz)
        facts = history.facts(
            case_id=case.id,
            youth_id=youth.id,
            petition_id=hearing.petition_id,
            hearing_id=hearing.id,
            on=day,
            custody_status=hearing.custody_status,
            cat=cat,
        )
        episode = history.episode(youth.id, day)
        in_hall = episode is not None and episode.released_at is None
        rows.append(
            DocketRow(
                hearing_id=hearing.id,
                version=hearing.version,
                scheduled_at=local,
                department_id=department.id,
                department_code=department.code,
                courtroom=department.courtroom,
                case_number=case.case_number,
                petition_number=petition.petition_number if petition else None,
                youth_id=youth.id,
                minor=(
                    full_name(youth.legal_first_name, youth.legal_last_name, youth.preferred_name)
                    if full_names
                    else docket_name(
                        youth.legal_first_name, youth.legal_last_name, youth.initials_override
                    )
                ),
                hearing_type=hearing.hearing_type,
                hearing_label=cat.label(hearing.hearing_type),
                custody_status=hearing.custody_status,
                transport_needed=hearing.transport_needed,
                judicial_officer=hearing.judicial_officer,
                prosecutor=hearing.prosecutor,
                defence_counsel=hearing.defence_counsel,
                defence_type=hearing.defence_type,
                probation_officer=hearing.probation_officer,
                interpreter_language=hearing.interpreter_language,
                deadline=statutory_flag(hearing.hearing_type, day, facts, calendar, cat),
                girls_court=hearing.girls_court,
                open_to_public=hearing.open_to_public,
                outcome=hearing.outcome,
                continued_to_id=hearing.continued_to_id,
                continued_from_on=history.continued_from_on(hearing.id),
                notes=hearing.notes if full_names else None,
                housing_unit=episode.housing_unit if in_hall and episode else None,
                sealed=sealed,
            )
        )
    chosen = None
    if department_id is not None:
        dept_row = session.get(Department, department_id)
        if dept_row is None:
            raise ValidationError("department", f"no department has the id {department_id}")
        chosen = department_record(dept_row)
        departments.setdefault(chosen.id, chosen)
    ordered = tuple(sorted(departments.values(), key=lambda d: d.code))
    return Docket(day, chosen, ordered, tuple(rows), full_names, calendar.version)


def _docket_detail(day: dt.date, department_id: int | None, rows: int, names: bool) -> str:
    return (
        f"date={day.isoformat()} department={department_id or 'all'} rows={rows} "
        f"names={'full' if names else 'initials'}"
    )


def docket(
    core: Core,
    actor: Actor,
    day: dt.date,
    department_id: int | None = None,
    *,
    full_names: bool = False,
) -> Docket:
    """The clerk's docket for a day (one department or all), sorted by time, with each
    hearing's deadline flag, custody and transport, interpreter, counsel and Girls Court flag.

    Minors show as first name and last initial (or the clerk's initials); ``full_names`` needs
    DOCKET_PRINT_INTERNAL. Hearings on sealed petitions appear only for SEALED_ACCESS.
    """
    core.require(actor, Action.DOCKET_VIEW)
    if full_names:
        core.require(actor, Action.DOCKET_PRINT_INTERNAL)
    with core.write() as session:
        result = load_docket(
            core,
            session,
            actor,
            day,
            department_id,
            full_names=full_names,
            include_sealed=actor.may(Action.SEALED_ACCESS),
        )
        core.audit(
            session,
            actor,
            "docket.view",
            detail=_docket_detail(day, department_id, len(result.rows), full_names),
        )
        return result


def public_rows(docket_: Docket) -> tuple[PublicRow, ...]:
    """Only hearings flagged open (WIC 676), still on calendar, never on a sealed petition."""
    departments = {d.id: d for d in docket_.departments}
    return tuple(
        PublicRow(
            r.scheduled_at,
            r.department_code,
            departments[r.department_id].name,
            r.courtroom,
            r.hearing_label,
        )
        for r in docket_.rows
        if r.open_to_public and not r.sealed and r.outcome in ACTIVE_OUTCOMES
    )


def public_calendar(
    core: Core, actor: Actor, day: dt.date, department_id: int | None = None
) -> PublicCalendar:
    """The posting list of open hearings: time, department, courtroom and hearing type only."""
    core.require(actor, Action.DOCKET_VIEW)
    with core.read() as session:
        found = load_docket(
            core, session, actor, day, department_id, full_names=False, include_sealed=False
        )
    return PublicCalendar(day, found.department, public_rows(found))


def transport_rows(docket_: Docket) -> tuple[DocketRow, ...]:
    """Hearings that need a youth brought from juvenile hall (in custody, transport flagged)."""
    return tuple(
        r
        for r in docket_.rows
        if r.transport_needed
        and r.custody_status == "IN"
        and not r.sealed
        and r.outcome in ACTIVE_OUTCOMES
    )


def transport_list(
    core: Core, actor: Actor, day: dt.date, *, full_names: bool = False
) -> TransportList:
    """The JJC's list of youth to bring to court on a day, by time, with housing unit."""
    core.require(actor, Action.DOCKET_VIEW)
    if full_names:
        core.require(actor, Action.DOCKET_PRINT_INTERNAL)
    with core.write() as session:
        found = load_docket(
            core, session, actor, day, None, full_names=full_names, include_sealed=False
        )
        rows = transport_rows(found)
        core.audit(
            session,
            actor,
            "docket.transport_view",
            detail=_docket_detail(day, None, len(rows), full_names),
        )
    return TransportList(day, rows, full_names)
