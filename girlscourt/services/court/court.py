"""Court configuration (effective-dated), cases and petitions, and Girls Court assignments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    AssignmentEvent,
    CourtCase,
    Department,
    GirlsCourtAssignment,
    Hearing,
    Petition,
    SpecialtyDocket,
    User,
    Youth,
)
from girlscourt.domain.hearing_rules import (
    GIRLS_COURT_CODE,
    NAME_MAX,
    NOTES_MAX,
    SEALED_STATES,
    docket_name,
    long_date,
)
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConflictError, NotFound, RuleRefused, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing

REFERRED = "referred"
ACTIVE = "active"
COMPLETED = "completed"
EXITED = "exited"
STATUSES = (REFERRED, ACTIVE, COMPLETED, EXITED)
OPEN_STATUSES = (REFERRED, ACTIVE)
TRANSITIONS = {REFERRED: (ACTIVE, EXITED), ACTIVE: (COMPLETED, EXITED)}
SEALING_STATES = ("open", "dismissed", *sorted(SEALED_STATES))


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


@dataclass(frozen=True)
class DepartmentRecord:
    """A department as saved."""

    id: int
    version: int
    code: str
    name: str
    courtroom: str | None
    daily_capacity: int
    effective_from: dt.date | None
    effective_to: dt.date | None

    def in_use_on(self, day: dt.date) -> bool:
        """Whether the department sits on ``day`` by its effective dates."""
        starts = self.effective_from is None or self.effective_from <= day
        return starts and (self.effective_to is None or day <= self.effective_to)

    @property
    def label(self) -> str:
        """``Dept 4 – Girls Court (Courtroom 4)``."""
        room = f" ({self.courtroom})" if self.courtroom else ""
        return f"Dept {self.code} – {self.name}{room}"


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


# --- Cases and petitions ------------------------------------------------------------------------


@dataclass(frozen=True)
class PetitionInput:
    """A petition on a case."""

    petition_number: str
    filed_on: dt.date


@dataclass(frozen=True)
class CaseInput:
    """A new case for a youth, with its first petitions."""

    youth_id: int
    case_number: str
    petitions: tuple[PetitionInput, ...] = ()


@dataclass(frozen=True)
class PetitionRecord:
    """A petition as saved; ``sealing_state`` per petition (WIC 786, 781, PC 236.14)."""

    id: int
    version: int
    case_id: int
    petition_number: str
    filed_on: dt.date
    sealing_state: str

    @property
    def sealed(self) -> bool:
        """Whether this petition is hidden from everyone without sealed access."""
        return self.sealing_state in SEALED_STATES


@dataclass(frozen=True)
class CaseRecord:
    """A case and the petitions this actor may see."""

    id: int
    version: int
    youth_id: int
    case_number: str
    petitions: tuple[PetitionRecord, ...] = field(default=())


def _petition_record(row: Petition) -> PetitionRecord:
    return PetitionRecord(
        row.id, row.version, row.case_id, row.petition_number, row.filed_on, row.sealing_state
    )


def hidden_case_ids(session: Session, case_ids: Iterable[int]) -> set[int]:
    """Cases that vanish whole for ordinary users: every petition on the case is sealed, or its
    youth is hidden by sealing (every petition she has is sealed), which takes her other cases,
    even one with no petition yet, and whatever hangs on them (hearings, dockets) with her."""
    wanted = set(case_ids)
    if not wanted:
        return set()
    states: dict[int, list[str]] = {}
    owners: dict[int, int] = {}
    for case_id, youth_id, state in session.execute(
        select(CourtCase.id, CourtCase.youth_id, Petition.sealing_state)
        .outerjoin(Petition, Petition.case_id == CourtCase.id)
        .where(CourtCase.id.in_(wanted))
    ):
        owners[case_id] = youth_id
        if state is not None:
            states.setdefault(case_id, []).append(state)
    hidden = {c for c, s in states.items() if s and all(x in SEALED_STATES for x in s)}
    sealed_youth = sealing.sealed_youth_ids(session, set(owners.values()))
    return hidden | {c for c, y in owners.items() if y in sealed_youth}


def _clean_petition(data: PetitionInput, where: str) -> PetitionInput:
    number = _text(f"{where}petition_number", data.petition_number, required=True, max_length=40)
    if not isinstance(data.filed_on, dt.date):
        raise ValidationError(f"{where}filed_on", "is required (YYYY-MM-DD)")
    assert number is not None
    return PetitionInput(number, data.filed_on)


def _case_record(session: Session, row: CourtCase, sealed_access: bool) -> CaseRecord:
    petitions = (
        session.execute(
            select(Petition)
            .where(Petition.case_id == row.id)
            .order_by(Petition.filed_on, Petition.id)
        )
        .scalars()
        .all()
    )
    shown = tuple(
        _petition_record(p)
        for p in petitions
        if sealed_access or p.sealing_state not in SEALED_STATES
    )
    return CaseRecord(row.id, row.version, row.youth_id, row.case_number, shown)


def open_case(core: Core, actor: Actor, data: CaseInput) -> CaseRecord:
    """Open a case for a youth with its petitions."""
    core.require(actor, Action.CASE_MANAGE)
    number = _text("case_number", data.case_number, required=True, max_length=40)
    petitions = [_clean_petition(p, f"petitions[{i}].") for i, p in enumerate(data.petitions)]
    numbers = [p.petition_number for p in petitions]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("petitions", "each petition number may appear once")
    latest = core.today()
    for i, p in enumerate(petitions):
        if p.filed_on > latest:
            raise ValidationError(f"petitions[{i}].filed_on", "is in the future")
    with core.write() as session:
        sealing.visible_youth(
            core,
            session,
            actor,
            data.youth_id,
            action="case.create",
            unknown=lambda: ValidationError("youth_id", f"no youth has the id {data.youth_id}"),
        )
        if session.execute(select(CourtCase.id).where(CourtCase.case_number == number)).first():
            raise ValidationError("case_number", f"case {number} already exists")
        row = CourtCase(youth_id=data.youth_id, case_number=number)
        session.add(row)
        session.flush()
        session.add_all(
            Petition(case_id=row.id, petition_number=p.petition_number, filed_on=p.filed_on)
            for p in petitions
        )
        session.flush()
        core.audit(session, actor, "case.create", record_kind="court_case", record_id=row.id)
        return _case_record(session, row, actor.may(Action.SEALED_ACCESS))


def add_petition(core: Core, actor: Actor, case_id: int, data: PetitionInput) -> PetitionRecord:
    """Add a petition to a case."""
    core.require(actor, Action.CASE_MANAGE, record_kind="court_case", record_id=case_id)
    clean = _clean_petition(data, "")
    if clean.filed_on > core.today():
        raise ValidationError("filed_on", "is in the future")
    with core.write() as session:
        case = session.get(CourtCase, case_id)
        if case is None or (
            case_id in hidden_case_ids(session, [case_id]) and not actor.may(Action.SEALED_ACCESS)
        ):
            raise NotFound(f"case {case_id}: no such case")
        taken = session.execute(
            select(Petition.id).where(
                Petition.case_id == case_id, Petition.petition_number == clean.petition_number
            )
        ).first()
        if taken:
            raise ValidationError(
                "petition_number", f"{clean.petition_number} is already on this case"
            )
        row = Petition(
            case_id=case_id, petition_number=clean.petition_number, filed_on=clean.filed_on
        )
        session.add(row)
        session.flush()
        core.audit(session, actor, "case.petition_add", record_kind="petition", record_id=row.id)
        return _petition_record(row)


def _sealed_away(session: Session, actor: Actor, row: CourtCase) -> bool:
    return not actor.may(Action.SEALED_ACCESS) and row.id in hidden_case_ids(session, [row.id])


def _view_case(
    core: Core, actor: Actor, row_of: Callable[[Session], CourtCase | None], label: str
) -> CaseRecord:
    """Open the case ``row_of`` finds, audited; one sealing hides is refused (audited) as
    NotFound, exactly like one that does not exist."""
    with core.write() as session:
        row = row_of(session)
        if row is None:
            raise NotFound(f"case {label}: no such case")
        if not _sealed_away(session, actor, row):
            core.audit(session, actor, "case.view", record_kind="court_case", record_id=row.id)
            return _case_record(session, row, actor.may(Action.SEALED_ACCESS))
        hidden_id = row.id
    core.refuse(actor, "case.view", record_kind="court_case", record_id=hidden_id, detail="sealed")
    raise NotFound(f"case {label}: no such case")


def get_case(core: Core, actor: Actor, case_id: int) -> CaseRecord:
    """A case with the petitions this actor may see (audited as a view of the youth's record)."""
    core.require(actor, Action.YOUTH_VIEW, record_kind="court_case", record_id=case_id)
    return _view_case(core, actor, lambda session: session.get(CourtCase, case_id), str(case_id))


def find_case(core: Core, actor: Actor, case_number: str) -> CaseRecord:
    """The case with this number (NotFound if none, or if it is sealed for this actor).

    A partner names a case by number, so her scope is checked once the number is known; an
    unknown number is refused like an unassigned one (no probing for case numbers).
    """
    core.require(actor, Action.YOUTH_VIEW)
    if actor.partner:
        with core.read() as session:
            case_id = session.execute(
                select(CourtCase.id).where(CourtCase.case_number == case_number.strip())
            ).scalar_one_or_none()
        core.require(actor, Action.YOUTH_VIEW, record_kind="court_case", record_id=case_id or 0)
    wanted = select(CourtCase).where(CourtCase.case_number == case_number.strip())
    return _view_case(
        core, actor, lambda session: session.execute(wanted).scalar_one_or_none(), case_number
    )


def cases_of_youth(core: Core, actor: Actor, youth_id: int) -> tuple[CaseRecord, ...]:
    """A youth's cases (sealed ones left out unless the actor has sealed access)."""
    core.require(actor, Action.YOUTH_VIEW, record_kind="youth", record_id=youth_id)
    sealed_access = actor.may(Action.SEALED_ACCESS)
    with core.read() as session:
        rows = (
            session.execute(
                select(CourtCase).where(CourtCase.youth_id == youth_id).order_by(CourtCase.id)
            )
            .scalars()
            .all()
        )
        hidden = set() if sealed_access else hidden_case_ids(session, [r.id for r in rows])
        return tuple(_case_record(session, r, sealed_access) for r in rows if r.id not in hidden)


# --- Girls Court assignment ---------------------------------------------------------------------

TEAM_ROLES = ("judicial_officer", "prosecutor", "public_defender", "probation_officer", "advocate")
TEAM_LABELS = {
    "judicial_officer": "Judicial officer",
    "prosecutor": "DA",
    "public_defender": "Public defender",
    "probation_officer": "Probation officer",
    "advocate": "Advocate",
}


@dataclass(frozen=True)
class Team:
    """The Girls Court team around one youth."""

    judicial_officer: str | None = None
    prosecutor: str | None = None
    public_defender: str | None = None
    probation_officer: str | None = None
    advocate: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The named members only."""
        return {r: v for r in TEAM_ROLES if (v := getattr(self, r))}


def _clean_team(team: Team) -> Team:
    return Team(*(_text(f"team.{r}", getattr(team, r)) for r in TEAM_ROLES))


def _team_from(document: dict[str, object] | None) -> Team:
    data = document or {}
    return Team(*(str(data[r]) if data.get(r) else None for r in TEAM_ROLES))


@dataclass(frozen=True)
class ReferralInput:
    """A referral to Girls Court: who it is for, on which case, why, eligibility notes."""

    youth_id: int
    reason: str
    case_id: int | None = None
    eligibility_notes: str | None = None
    referred_at: dt.datetime | None = None  # when the referral was made (default: now)


@dataclass(frozen=True)
class AssignmentRecord:
    """A youth's Girls Court assignment."""

    id: int
    version: int
    youth_id: int
    case_id: int | None
    referred_by: int
    referred_at: dt.datetime
    reason: str | None
    eligibility_notes: str | None
    accepted_on: dt.date | None
    status: str
    exit_reason: str | None
    team: Team


@dataclass(frozen=True)
class AssignmentEventRecord:
    """One step of an assignment's history."""

    status: str
    at: dt.datetime
    actor_id: int
    actor_name: str
    note: str | None


def _assignment_record(row: GirlsCourtAssignment) -> AssignmentRecord:
    return AssignmentRecord(
        row.id,
        row.version,
        row.youth_id,
        row.case_id,
        row.referred_by,
        row.referred_at,
        row.reason,
        row.eligibility_notes,
        row.accepted_on,
        row.status,
        row.exit_reason,
        _team_from(row.team),
    )


def _event(
    session: Session,
    core: Core,
    actor: Actor,
    row: GirlsCourtAssignment,
    note: str | None,
    at: dt.datetime | None = None,
) -> None:
    session.add(
        AssignmentEvent(
            assignment_id=row.id,
            status=row.status,
            actor_id=actor.user_id,
            at=at or core.now(),
            note=note,
        )
    )


def refer_to_girls_court(core: Core, actor: Actor, data: ReferralInput) -> AssignmentRecord:
    """Refer a youth to Girls Court (status ``referred``); one open assignment per youth."""
    core.require(actor, Action.GIRLS_COURT_ASSIGN)
    reason = _text("reason", data.reason, required=True, max_length=NOTES_MAX)
    notes = _text("eligibility_notes", data.eligibility_notes, max_length=NOTES_MAX)
    referred_at = data.referred_at or core.now()
    if referred_at.tzinfo is None:
        raise ValidationError("referred_at", "must include a UTC offset")
    if referred_at > core.now():
        raise ValidationError("referred_at", "is in the future")
    with core.write() as session:
        sealing.visible_youth(
            core,
            session,
            actor,
            data.youth_id,
            action="girls_court.refer",
            unknown=lambda: ValidationError("youth_id", f"no youth has the id {data.youth_id}"),
        )
        if data.case_id is not None:
            case = session.get(CourtCase, data.case_id)
            if case is None or case.youth_id != data.youth_id or _sealed_away(session, actor, case):
                raise ValidationError("case_id", "is not a case of this youth")
        open_one = session.execute(
            select(GirlsCourtAssignment.id).where(
                GirlsCourtAssignment.youth_id == data.youth_id,
                GirlsCourtAssignment.status.in_(OPEN_STATUSES),
            )
        ).first()
        if open_one:
            raise RuleRefused(
                f"youth_id: the youth already has an open Girls Court assignment ({open_one[0]})"
            )
        row = GirlsCourtAssignment(
            youth_id=data.youth_id,
            case_id=data.case_id,
            referred_by=actor.user_id,
            referred_at=referred_at,
            reason=reason,
            eligibility_notes=notes,
            status=REFERRED,
            team={},
        )
        session.add(row)
        session.flush()
        _event(session, core, actor, row, None, referred_at)
        core.audit(
            session, actor, "girls_court.refer", record_kind="gc_assignment", record_id=row.id
        )
        return _assignment_record(row)


def _assignment_hidden(session: Session, actor: Actor, row: GirlsCourtAssignment) -> bool:
    """Whether sealing hides this assignment: her youth is hidden, or its case is sealed whole."""
    if actor.may(Action.SEALED_ACCESS):
        return False
    if row.case_id is not None and row.case_id in hidden_case_ids(session, [row.case_id]):
        return True
    return sealing.youth_is_sealed(session, row.youth_id)


def _require_visible_assignment(core: Core, actor: Actor, assignment_id: int, action: str) -> None:
    """Refuse (audited, as NotFound) an assignment sealing hides from this actor."""
    if actor.may(Action.SEALED_ACCESS):
        return
    with core.read() as session:
        row = session.get(GirlsCourtAssignment, assignment_id)
        hidden = row is not None and _assignment_hidden(session, actor, row)
    if hidden:
        core.refuse(
            actor, action, record_kind="gc_assignment", record_id=assignment_id, detail="sealed"
        )
        raise NotFound(f"Girls Court assignment {assignment_id}: no such assignment")


def _load_assignment(
    core: Core, session: Session, actor: Actor, assignment_id: int, expected_version: int
) -> GirlsCourtAssignment:
    row = session.get(GirlsCourtAssignment, assignment_id)
    if row is None:
        raise NotFound(f"Girls Court assignment {assignment_id}: no such assignment")
    _check_version(core, session, actor, "gc_assignment", row, expected_version)
    return row


def accept_assignment(
    core: Core,
    actor: Actor,
    assignment_id: int,
    expected_version: int,
    accepted_on: dt.date,
    team: Team | None = None,
) -> AssignmentRecord:
    """Accept a referred youth; team members left blank come from the Girls Court docket."""
    core.require(
        actor, Action.GIRLS_COURT_ASSIGN, record_kind="gc_assignment", record_id=assignment_id
    )
    _require_visible_assignment(core, actor, assignment_id, "girls_court.accept")
    clean = _clean_team(team or Team())
    if accepted_on > core.today():
        raise ValidationError("accepted_on", "is in the future")
    with core.write() as session:
        row = _load_assignment(core, session, actor, assignment_id, expected_version)
        if row.status != REFERRED:
            raise RuleRefused(
                f"status: only a referred youth can be accepted (this one is {row.status})"
            )
        if accepted_on < row.referred_at.astimezone(core.settings.timezone).date():
            raise ValidationError("accepted_on", "is before the referral")
        config = docket_config_in(session, GIRLS_COURT_CODE, accepted_on)
        defaults = Team(
            config.judicial_officer if config else None,
            config.prosecutor if config else None,
            config.public_defender if config else None,
        )
        merged = Team(*(getattr(clean, r) or getattr(defaults, r) for r in TEAM_ROLES))
        row.status = ACTIVE
        row.accepted_on = accepted_on
        row.team = merged.as_dict()
        _event(session, core, actor, row, f"accepted on {accepted_on.isoformat()}")
        core.audit(
            session, actor, "girls_court.accept", record_kind="gc_assignment", record_id=row.id
        )
        session.flush()
        return _assignment_record(row)


def update_team(
    core: Core, actor: Actor, assignment_id: int, expected_version: int, team: Team
) -> AssignmentRecord:
    """Replace the team (the history names the roles that changed, not the people)."""
    core.require(
        actor, Action.GIRLS_COURT_ASSIGN, record_kind="gc_assignment", record_id=assignment_id
    )
    _require_visible_assignment(core, actor, assignment_id, "girls_court.team")
    clean = _clean_team(team)
    with core.write() as session:
        row = _load_assignment(core, session, actor, assignment_id, expected_version)
        if row.status not in OPEN_STATUSES:
            raise RuleRefused(f"status: the assignment is {row.status}; its team is closed")
        before = _team_from(row.team)
        changed = [
            TEAM_LABELS[r].lower() for r in TEAM_ROLES if getattr(before, r) != getattr(clean, r)
        ]
        if not changed:
            return _assignment_record(row)
        row.team = clean.as_dict()
        _event(session, core, actor, row, "team changed: " + ", ".join(changed))
        core.audit(
            session, actor, "girls_court.team", record_kind="gc_assignment", record_id=row.id
        )
        session.flush()
        return _assignment_record(row)


def change_status(
    core: Core,
    actor: Actor,
    assignment_id: int,
    expected_version: int,
    status: str,
    reason: str | None = None,
) -> AssignmentRecord:
    """Complete or exit an assignment (an exit needs a reason); see ``accept_assignment``."""
    core.require(
        actor, Action.GIRLS_COURT_ASSIGN, record_kind="gc_assignment", record_id=assignment_id
    )
    _require_visible_assignment(core, actor, assignment_id, f"girls_court.{status}")
    if status not in (COMPLETED, EXITED):
        raise ValidationError(
            "status", f"must be {COMPLETED} or {EXITED} (accept a referral instead)"
        )
    why = _text("reason", reason, required=status == EXITED, max_length=120)
    with core.write() as session:
        row = _load_assignment(core, session, actor, assignment_id, expected_version)
        if status not in TRANSITIONS.get(row.status, ()):
            raise RuleRefused(f"status: a {row.status} assignment cannot become {status}")
        row.status = status
        row.exit_reason = why if status == EXITED else None
        _event(session, core, actor, row, why)
        core.audit(
            session, actor, f"girls_court.{status}", record_kind="gc_assignment", record_id=row.id
        )
        session.flush()
        return _assignment_record(row)


def assignment_history(
    core: Core, actor: Actor, assignment_id: int
) -> tuple[AssignmentEventRecord, ...]:
    """The assignment's status history, oldest first (NotFound, audited, if sealing hides it)."""
    core.require(actor, Action.YOUTH_VIEW, record_kind="gc_assignment", record_id=assignment_id)
    _require_visible_assignment(core, actor, assignment_id, "girls_court.view")
    with core.read() as session:
        rows = session.execute(
            select(AssignmentEvent, User.display_name)
            .join(User, User.id == AssignmentEvent.actor_id)
            .where(AssignmentEvent.assignment_id == assignment_id)
            .order_by(AssignmentEvent.at, AssignmentEvent.id)
        ).all()
        return tuple(
            AssignmentEventRecord(e.status, e.at, e.actor_id, name, e.note) for e, name in rows
        )


def assignments_of_youth(core: Core, actor: Actor, youth_id: int) -> tuple[AssignmentRecord, ...]:
    """A youth's Girls Court assignments, newest first (none for a youth hidden by sealing)."""
    core.require(actor, Action.YOUTH_VIEW, record_kind="youth", record_id=youth_id)
    with core.read() as session:
        if not actor.may(Action.SEALED_ACCESS) and sealing.youth_is_sealed(session, youth_id):
            return ()  # every assignment goes with her, those naming no case too
        rows = (
            session.execute(
                select(GirlsCourtAssignment)
                .where(GirlsCourtAssignment.youth_id == youth_id)
                .order_by(GirlsCourtAssignment.referred_at.desc())
            )
            .scalars()
            .all()
        )
        hidden = (
            set()
            if actor.may(Action.SEALED_ACCESS)
            else hidden_case_ids(session, [r.case_id for r in rows if r.case_id is not None])
        )
        return tuple(_assignment_record(r) for r in rows if r.case_id not in hidden)


@dataclass(frozen=True)
class RosterRow:
    """A girl on the Girls Court roster with her status and next hearing."""

    assignment_id: int
    version: int
    youth_id: int
    legal_first_name: str
    legal_last_name: str
    preferred_name: str | None
    docket_name: str
    status: str
    referred_at: dt.datetime
    accepted_on: dt.date | None
    team: Team
    next_hearing_id: int | None
    next_hearing_at: dt.datetime | None  # county-local
    next_hearing_type: str | None
    next_hearing_department: str | None


def girls_court_roster(
    core: Core, actor: Actor, statuses: tuple[str, ...] = OPEN_STATUSES
) -> tuple[RosterRow, ...]:
    """Girls with an open assignment (referred or active), each with her next hearing."""
    core.require(actor, Action.DOCKET_VIEW)
    tz = core.settings.timezone
    now = core.now()
    with core.write() as session:
        rows = session.execute(
            select(GirlsCourtAssignment, Youth)
            .join(Youth, Youth.id == GirlsCourtAssignment.youth_id)
            .where(GirlsCourtAssignment.status.in_(statuses))
            .order_by(Youth.legal_last_name, Youth.legal_first_name, GirlsCourtAssignment.id)
        ).all()
        sealed_access = actor.may(Action.SEALED_ACCESS)
        hidden = (
            set()
            if sealed_access
            else hidden_case_ids(session, [a.case_id for a, _ in rows if a.case_id is not None])
        )
        if not sealed_access:  # a youth hidden by sealing leaves the roster, case or none
            gone = sealing.sealed_youth_ids(session, {y.id for _, y in rows})
            rows = [r for r in rows if r[1].id not in gone]
        youth_ids = [y.id for a, y in rows if a.case_id not in hidden]
        upcoming = session.execute(
            select(Hearing, CourtCase.youth_id, Department.code, Petition.sealing_state)
            .join(CourtCase, CourtCase.id == Hearing.case_id)
            .join(Department, Department.id == Hearing.department_id)
            .outerjoin(Petition, Petition.id == Hearing.petition_id)
            .where(
                CourtCase.youth_id.in_(youth_ids),
                Hearing.scheduled_at >= now,
                Hearing.outcome.is_(None),
            )
            .order_by(Hearing.scheduled_at)
        ).all()
        hidden_hearing_cases = (
            set() if sealed_access else hidden_case_ids(session, {h.case_id for h, *_ in upcoming})
        )
        next_by_youth: dict[int, tuple[Hearing, str]] = {}
        for hearing, youth_id, dept_code, state in upcoming:
            if not sealed_access and (
                state in SEALED_STATES or hearing.case_id in hidden_hearing_cases
            ):
                continue
            next_by_youth.setdefault(youth_id, (hearing, dept_code))
        result = []
        for assignment, youth in rows:
            if assignment.case_id in hidden:
                continue
            nxt = next_by_youth.get(youth.id)
            result.append(
                RosterRow(
                    assignment.id,
                    assignment.version,
                    youth.id,
                    youth.legal_first_name,
                    youth.legal_last_name,
                    youth.preferred_name,
                    docket_name(
                        youth.legal_first_name, youth.legal_last_name, youth.initials_override
                    ),
                    assignment.status,
                    assignment.referred_at,
                    assignment.accepted_on,
                    _team_from(assignment.team),
                    nxt[0].id if nxt else None,
                    nxt[0].scheduled_at.astimezone(tz) if nxt else None,
                    nxt[0].hearing_type if nxt else None,
                    nxt[1] if nxt else None,
                )
            )
        core.audit(session, actor, "girls_court.roster", detail=f"rows={len(result)}")
    return tuple(result)
