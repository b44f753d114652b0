"""The court's departments and the specialty dockets (Girls Court) they sit, effective-dated; and
the version check every court write shares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    Department,
    GirlsCourtAssignment,
    SpecialtyDocket,
)
from girlscourt.domain.hearing_rules import (
    GIRLS_COURT_CODE,
    NAME_MAX,
    long_date,
)
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConflictError, NotFound, ValidationError
from girlscourt.readmodels.department_record import DepartmentRecord
from girlscourt.services.kernel.core import Actor, Core


def _conflict(kind: str, record_id: int, current: int) -> ConflictError:
    return ConflictError(
        f"{kind} {record_id}: someone else saved this record (version {current}) after you "
        "opened it; nothing was overwritten",
        current_version=current,
    )


def _check_version(
    core: Core,
    session: Session,
    actor: Actor,
    kind: str,
    row: GirlsCourtAssignment | Department,
    expected: int,
) -> None:
    if row.version != expected:
        core.audit(
            session, actor, f"{kind}.edit", record_kind=kind, record_id=row.id, outcome="conflict"
        )
        session.commit()
        raise _conflict(kind, row.id, row.version)


def _text(
    field_name: str, value: str | None, *, required: bool = False, max_length: int = NAME_MAX
) -> str | None:
    return clean_text(
        field_name, value, required=required, max_length=max_length, multiline=max_length > NAME_MAX
    )


# --- Departments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentInput:
    """A department (courtroom) and the dates it is in use."""

    code: str
    name: str
    courtroom: str | None = None
    daily_capacity: int = 40
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


def department_record(row: Department) -> DepartmentRecord:
    """A row as a frozen record."""
    return DepartmentRecord(
        row.id,
        row.version,
        row.code,
        row.name,
        row.courtroom,
        row.daily_capacity,
        row.effective_from,
        row.effective_to,
    )


def _clean_department(data: DepartmentInput) -> DepartmentInput:
    code = _text("code", data.code, required=True, max_length=20)
    name = _text("name", data.name, required=True)
    room = _text("courtroom", data.courtroom, max_length=60)
    capacity = data.daily_capacity
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= 500:
        raise ValidationError("daily_capacity", "must be a whole number from 1 to 500")
    if data.effective_from and data.effective_to and data.effective_to < data.effective_from:
        raise ValidationError("effective_to", "must not be before effective_from")
    assert code is not None and name is not None
    return DepartmentInput(code, name, room, capacity, data.effective_from, data.effective_to)


def add_department(core: Core, actor: Actor, data: DepartmentInput) -> DepartmentRecord:
    """Add a department."""
    core.require(actor, Action.COURT_CONFIGURE)
    clean = _clean_department(data)
    with core.write() as session:
        if session.execute(select(Department.id).where(Department.code == clean.code)).first():
            raise ValidationError("code", f"department {clean.code!r} already exists")
        row = Department(**{f.name: getattr(clean, f.name) for f in fields(clean)})
        session.add(row)
        session.flush()
        core.audit(
            session, actor, "court.department_add", record_kind="department", record_id=row.id
        )
        return department_record(row)


def update_department(
    core: Core, actor: Actor, department_id: int, expected_version: int, data: DepartmentInput
) -> DepartmentRecord:
    """Change a department (close it with ``effective_to``; its hearings keep pointing at it)."""
    core.require(actor, Action.COURT_CONFIGURE, record_kind="department", record_id=department_id)
    clean = _clean_department(data)
    with core.write() as session:
        row = session.get(Department, department_id)
        if row is None:
            raise NotFound(f"department {department_id}: no such department")
        _check_version(core, session, actor, "department", row, expected_version)
        taken = session.execute(
            select(Department.id).where(Department.code == clean.code, Department.id != row.id)
        ).first()
        if taken:
            raise ValidationError("code", f"department {clean.code!r} already exists")
        for f in fields(clean):
            setattr(row, f.name, getattr(clean, f.name))
        core.audit(
            session, actor, "court.department_edit", record_kind="department", record_id=row.id
        )
        session.flush()
        return department_record(row)


def list_departments(
    core: Core, actor: Actor, on: dt.date | None = None
) -> tuple[DepartmentRecord, ...]:
    """Departments by code; with ``on``, only those in use that day."""
    del actor  # configuration, not a youth record: any signed-in user may read it
    with core.read() as session:
        rows = session.execute(select(Department).order_by(Department.code)).scalars().all()
        records = tuple(department_record(r) for r in rows)
    return records if on is None else tuple(r for r in records if r.in_use_on(on))


def department_by_code(core: Core, actor: Actor, code: str) -> DepartmentRecord:
    """The department with this code (ValidationError naming ``department`` if there is none)."""
    del actor
    with core.read() as session:
        row = session.execute(
            select(Department).where(Department.code == code.strip())
        ).scalar_one_or_none()
        if row is None:
            raise ValidationError("department", f"no department has the code {code!r}")
        return department_record(row)


# --- Specialty dockets (Girls Court) ------------------------------------------------------------


@dataclass(frozen=True)
class SpecialtyDocketInput:
    """A specialty docket's configuration from a date: department, team, session days and time."""

    code: str
    name: str
    department_id: int
    judicial_officer: str
    session_weekdays: tuple[int, ...]  # 0 = Monday
    session_time: dt.time
    effective_from: dt.date
    prosecutor: str | None = None
    public_defender: str | None = None


@dataclass(frozen=True)
class SpecialtyDocketRecord:
    """One effective-dated configuration of a specialty docket."""

    id: int
    version: int
    code: str
    name: str
    department_id: int
    department_code: str
    judicial_officer: str
    prosecutor: str | None
    public_defender: str | None
    session_weekdays: tuple[int, ...]
    session_time: dt.time
    effective_from: dt.date
    effective_to: dt.date | None


def _docket_record(row: SpecialtyDocket, department_code: str) -> SpecialtyDocketRecord:
    return SpecialtyDocketRecord(
        row.id,
        row.version,
        row.code,
        row.name,
        row.department_id,
        department_code,
        row.judicial_officer,
        row.prosecutor,
        row.public_defender,
        tuple(int(d) for d in row.session_weekdays),
        row.session_time,
        row.effective_from,
        row.effective_to,
    )


def configure_specialty_docket(
    core: Core, actor: Actor, data: SpecialtyDocketInput
) -> SpecialtyDocketRecord:
    """Start a new configuration on ``effective_from``; the one before it ends the day before."""
    core.require(actor, Action.COURT_CONFIGURE)
    code = _text("code", data.code, required=True, max_length=20)
    name = _text("name", data.name, required=True)
    judge = _text("judicial_officer", data.judicial_officer, required=True)
    prosecutor = _text("prosecutor", data.prosecutor)
    defender = _text("public_defender", data.public_defender)
    days = tuple(sorted(set(data.session_weekdays)))
    if not days or any(not isinstance(d, int) or not 0 <= d <= 4 for d in days):
        raise ValidationError("session_weekdays", "must list weekdays 0 (Monday) to 4 (Friday)")
    if not isinstance(data.session_time, dt.time):
        raise ValidationError("session_time", "is required (HH:MM)")
    assert code is not None and name is not None and judge is not None
    with core.write() as session:
        department = session.get(Department, data.department_id)
        if department is None:
            raise ValidationError("department_id", "no such department")
        rows = (
            session.execute(select(SpecialtyDocket).where(SpecialtyDocket.code == code))
            .scalars()
            .all()
        )
        if any(r.effective_from >= data.effective_from for r in rows):
            raise ValidationError(
                "effective_from",
                f"{code} already has a configuration from "
                f"{long_date(data.effective_from)} or later",
            )
        for previous in rows:
            if previous.effective_to is None or previous.effective_to >= data.effective_from:
                previous.effective_to = data.effective_from - dt.timedelta(days=1)
        row = SpecialtyDocket(
            code=code,
            name=name,
            department_id=department.id,
            judicial_officer=judge,
            prosecutor=prosecutor,
            public_defender=defender,
            session_weekdays=list(days),
            session_time=data.session_time,
            effective_from=data.effective_from,
            effective_to=None,
        )
        session.add(row)
        session.flush()
        core.audit(
            session,
            actor,
            "court.docket_configure",
            record_kind="specialty_docket",
            record_id=row.id,
        )
        return _docket_record(row, department.code)


def docket_config_in(session: Session, code: str, day: dt.date) -> SpecialtyDocketRecord | None:
    """The configuration of docket ``code`` in effect on ``day`` (inside a session)."""
    found = session.execute(
        select(SpecialtyDocket, Department.code)
        .join(Department, Department.id == SpecialtyDocket.department_id)
        .where(
            SpecialtyDocket.code == code,
            SpecialtyDocket.effective_from <= day,
            or_(SpecialtyDocket.effective_to.is_(None), SpecialtyDocket.effective_to >= day),
        )
        .order_by(SpecialtyDocket.effective_from.desc())
    ).first()
    return None if found is None else _docket_record(found[0], found[1])


def specialty_docket_on(
    core: Core, actor: Actor, day: dt.date, code: str = GIRLS_COURT_CODE
) -> SpecialtyDocketRecord | None:
    """The docket's configuration in effect on ``day``, if any."""
    del actor
    with core.read() as session:
        return docket_config_in(session, code, day)


def specialty_docket_history(
    core: Core, actor: Actor, code: str = GIRLS_COURT_CODE
) -> tuple[SpecialtyDocketRecord, ...]:
    """Every configuration of a docket, oldest first."""
    del actor
    with core.read() as session:
        found = session.execute(
            select(SpecialtyDocket, Department.code)
            .join(Department, Department.id == SpecialtyDocket.department_id)
            .where(SpecialtyDocket.code == code)
            .order_by(SpecialtyDocket.effective_from)
        ).all()
        return tuple(_docket_record(r, c) for r, c in found)
