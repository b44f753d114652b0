"""Girls Court assignments: a youth referred, accepted with her team (judge, prosecutor, defender,
probation officer, advocate), moved through her status; and the roster.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    AssignmentEvent,
    CourtCase,
    Department,
    GirlsCourtAssignment,
    Hearing,
    Petition,
    User,
    Youth,
)
from girlscourt.domain.hearing_rules import (
    GIRLS_COURT_CODE,
    NOTES_MAX,
    SEALED_STATES,
    docket_name,
)
from girlscourt.domain.permissions import Action
from girlscourt.errors import NotFound, RuleRefused, ValidationError
from girlscourt.services.court.cases import _sealed_away, hidden_case_ids
from girlscourt.services.court.departments import _check_version, _text, docket_config_in
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing

REFERRED = "referred"
ACTIVE = "active"
COMPLETED = "completed"
EXITED = "exited"
STATUSES = (REFERRED, ACTIVE, COMPLETED, EXITED)
OPEN_STATUSES = (REFERRED, ACTIVE)
TRANSITIONS = {REFERRED: (ACTIVE, EXITED), ACTIVE: (COMPLETED, EXITED)}


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
