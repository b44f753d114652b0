"""Hearings on court days: scheduling with its refusals and warnings, outcomes, and the docket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    CourtCase,
    Department,
    GirlsCourtAssignment,
    Hearing,
    Petition,
    Youth,
)
from girlscourt.domain.court_orders import validate_orders
from girlscourt.domain.hearing_rules import (
    ACTIVE_OUTCOMES,
    CONTINUED,
    GIRLS_COURT_CODE,
    OUTCOME_LABELS,
    SEALED_STATES,
    W_INTERPRETER,
    W_LIMIT,
    HearingInput,
    HearingWarning,
    OutcomeInput,
    Slot,
    booking_warnings,
    court_day_refusal,
    limit_warning,
    long_date,
    session_day_warning,
    statutory_flag,
    time_warnings,
    validate_hearing,
    validate_outcome,
)
from girlscourt.domain.judicial_calendar import JudicialCalendar
from girlscourt.domain.permissions import Action
from girlscourt.domain.sealing_rules import SEAL_HEARING
from girlscourt.errors import ConflictError, NotFound, RuleRefused, ValidationError
from girlscourt.services.clocks import legal_deadlines
from girlscourt.services.clocks.court_calendar import calendar_in
from girlscourt.services.court.assignments import ACTIVE
from girlscourt.services.court.cases import hidden_case_ids
from girlscourt.services.court.court_orders import apply_orders
from girlscourt.services.court.departments import department_record, docket_config_in
from girlscourt.services.court.hearing_records import (
    HearingRecord,
    OutcomeResult,
    ScheduleResult,
    _day_bounds,
    _hidden,
    _History,
    _Link,
    _record,
    _visible_hearing,
    catalog,
)
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing

# --- Scheduling ---------------------------------------------------------------------------------


def _same_day_slots(
    session: Session, actor: Actor, day: dt.date, tz: dt.tzinfo
) -> list[tuple[Slot, int]]:
    """Every active hearing of a local day as a conflict slot, with its case id."""
    start, end = _day_bounds(day, tz)
    rows = session.execute(
        select(Hearing, CourtCase.youth_id, Department.code, Petition.sealing_state)
        .join(CourtCase, CourtCase.id == Hearing.case_id)
        .join(Department, Department.id == Hearing.department_id)
        .outerjoin(Petition, Petition.id == Hearing.petition_id)
        .where(Hearing.scheduled_at >= start, Hearing.scheduled_at < end)
    ).all()
    sealed_access = actor.may(Action.SEALED_ACCESS)
    hidden = set() if sealed_access else hidden_case_ids(session, {h.case_id for h, *_ in rows})
    slots = []
    for hearing, youth_id, code, state in rows:
        if hearing.outcome not in ACTIVE_OUTCOMES:
            continue
        if not sealed_access and (state in SEALED_STATES or hearing.case_id in hidden):
            continue
        slot = Slot(
            hearing.id,
            youth_id,
            hearing.department_id,
            code,
            hearing.scheduled_at.astimezone(tz),
            hearing.hearing_type,
            Slot.people_of(hearing),
        )
        slots.append((slot, hearing.case_id))
    return slots


def _apply_defaults(
    session: Session, data: HearingInput, youth_id: int, day: dt.date
) -> HearingInput:
    """Girls Court flag and team: a girl with an active assignment, in the docket's department."""
    config = docket_config_in(session, GIRLS_COURT_CODE, day)
    assignment = (
        session.execute(
            select(GirlsCourtAssignment)
            .where(GirlsCourtAssignment.youth_id == youth_id, GirlsCourtAssignment.status == ACTIVE)
            .order_by(GirlsCourtAssignment.referred_at.desc())
        )
        .scalars()
        .first()
    )
    girls_court = data.girls_court
    if girls_court is None:
        girls_court = (
            assignment is not None
            and config is not None
            and config.department_id == data.department_id
        )
    if not girls_court:
        return replace(data, girls_court=False)
    team: dict[str, Any] = dict(assignment.team) if assignment else {}
    counsel = (
        data.defence_counsel
        or team.get("public_defender")
        or (config.public_defender if config else None)
    )
    return replace(
        data,
        girls_court=True,
        judicial_officer=data.judicial_officer
        or team.get("judicial_officer")
        or (config.judicial_officer if config else None),
        prosecutor=data.prosecutor
        or team.get("prosecutor")
        or (config.prosecutor if config else None),
        defence_counsel=counsel,
        defence_type=data.defence_type or ("PD" if counsel and not data.defence_counsel else None),
        probation_officer=data.probation_officer or team.get("probation_officer"),
    )


@dataclass(frozen=True)
class _Checked:
    data: HearingInput
    youth: Youth
    department: Department
    warnings: tuple[HearingWarning, ...]


def _resolve(
    session: Session, actor: Actor, clean: HearingInput, day: dt.date, calendar: JudicialCalendar
) -> tuple[CourtCase, Department]:
    """The case and department a hearing names, or the refusal: unknown, sealed, not sitting,
    or not a court day."""
    case = session.get(CourtCase, clean.case_id)
    if case is None or _hidden(session, actor, clean.case_id, None):
        raise ValidationError("case_id", f"no case has the id {clean.case_id}")
    if clean.petition_id is not None:
        petition = session.get(Petition, clean.petition_id)
        if petition is None or petition.case_id != case.id:
            raise ValidationError("petition_id", "is not a petition on this case")
        if petition.sealing_state in SEALED_STATES and not actor.may(Action.SEALED_ACCESS):
            raise ValidationError("petition_id", "is not a petition on this case")
    elif clean.hearing_type == SEAL_HEARING:  # its held outcome seals the petition
        raise ValidationError("petition_id", "a sealing hearing must name the petition it seals")
    department = session.get(Department, clean.department_id)
    if department is None:
        raise ValidationError("department_id", f"no department has the id {clean.department_id}")
    if not department_record(department).in_use_on(day):
        raise ValidationError(
            "department_id", f"Dept {department.code} is not in use on {long_date(day)}"
        )
    refusal = court_day_refusal(day, calendar)
    if refusal:
        raise ValidationError("scheduled_at", refusal)
    return case, department


def _check(
    core: Core,
    session: Session,
    actor: Actor,
    data: HearingInput,
    *,
    hearing_id: int | None,
    calendar: JudicialCalendar,
    first_link: _Link | None = None,
) -> _Checked:
    """Refusals (raised) and warnings (returned) for a hearing about to be saved."""
    cat = catalog()
    tz = core.settings.timezone
    clean = validate_hearing(data, cat)
    local = clean.scheduled_at.astimezone(tz)
    day = local.date()
    case, department = _resolve(session, actor, clean, day, calendar)
    youth = session.get(Youth, case.youth_id)
    assert youth is not None
    clean = _apply_defaults(session, clean, youth.id, day)

    warnings = time_warnings(local, core.now().astimezone(tz), cat)
    if youth.interpreter_needed and clean.interpreter_language is None:
        language = f" ({youth.primary_language})" if youth.primary_language else ""
        warnings.append(
            HearingWarning(
                W_INTERPRETER, f"the youth's record says an interpreter is needed{language}"
            )
        )
    candidate = Slot(
        hearing_id,
        youth.id,
        department.id,
        department.code,
        local,
        clean.hearing_type,
        Slot.people_of(clean),
    )
    others = [s for s, _ in _same_day_slots(session, actor, day, tz)]
    warnings += booking_warnings(candidate, others, department.daily_capacity, cat)
    history = _History(session, [case.id], [youth.id], tz)
    facts = history.facts(
        case_id=case.id,
        youth_id=youth.id,
        petition_id=clean.petition_id,
        hearing_id=hearing_id,
        on=day,
        custody_status=clean.custody_status,
        cat=cat,
        first_link=first_link,
    )
    flag = statutory_flag(clean.hearing_type, day, facts, calendar, cat)
    hearing_type = cat.get(clean.hearing_type)
    if flag is not None and flag.over and hearing_type is not None:
        warnings.append(
            HearingWarning(W_LIMIT, limit_warning(flag, hearing_type, clean.custody_status))
        )
    if clean.girls_court:
        config = docket_config_in(session, GIRLS_COURT_CODE, day)
        if config is not None:
            off_day = session_day_warning(day, config.session_weekdays, config.name)
            if off_day:
                warnings.append(off_day)
    return _Checked(clean, youth, department, tuple(warnings))


def _fill(row: Hearing, data: HearingInput) -> None:
    row.case_id = data.case_id
    row.petition_id = data.petition_id
    row.hearing_type = data.hearing_type
    row.scheduled_at = data.scheduled_at
    row.department_id = data.department_id
    row.judicial_officer = data.judicial_officer
    row.prosecutor = data.prosecutor
    row.defence_counsel = data.defence_counsel
    row.defence_type = data.defence_type
    row.probation_officer = data.probation_officer
    row.interpreter_language = data.interpreter_language
    row.custody_status = data.custody_status
    row.transport_needed = bool(data.transport_needed)
    row.girls_court = bool(data.girls_court)
    row.open_to_public = data.open_to_public
    row.notes = data.notes


def _warned_detail(warnings: Sequence[HearingWarning], extra: str = "") -> str | None:
    parts = [extra] if extra else []
    if warnings:
        parts.append("warnings acknowledged: " + ",".join(sorted({w.code for w in warnings})))
    return "; ".join(parts) or None


def check_hearing(
    core: Core, actor: Actor, data: HearingInput, hearing_id: int | None = None
) -> tuple[HearingWarning, ...]:
    """The warnings a save would raise (refusals raise), for a dialog to show as the clerk types."""
    core.require(actor, Action.HEARING_SCHEDULE)
    with core.read() as session:
        calendar = calendar_in(session, core.today())
        return _check(core, session, actor, data, hearing_id=hearing_id, calendar=calendar).warnings


def schedule_hearing(
    core: Core, actor: Actor, data: HearingInput, *, acknowledge_warnings: bool = False
) -> ScheduleResult:
    """Set a hearing on a court day.

    A weekend or judicial holiday is refused (ValidationError on ``scheduled_at`` naming the
    day and the holiday). Warnings (double-booking, capacity, statutory limits, session day,
    past or odd times, a missing interpreter) come back unsaved until the caller repeats the call
    with ``acknowledge_warnings=True``; the audit event lists the acknowledged warning codes.
    """
    core.require(actor, Action.HEARING_SCHEDULE)
    with core.write() as session:
        calendar = calendar_in(session, core.today())
        checked = _check(core, session, actor, data, hearing_id=None, calendar=calendar)
        if checked.warnings and not acknowledge_warnings:
            return ScheduleResult(False, None, checked.warnings)
        row = Hearing()
        _fill(row, checked.data)
        session.add(row)
        session.flush()
        core.audit(
            session,
            actor,
            "hearing.schedule",
            record_kind="hearing",
            record_id=row.id,
            detail=_warned_detail(checked.warnings),
        )
        return ScheduleResult(
            True, _record(session, row, core.settings.timezone, catalog()), checked.warnings
        )


def _stale(core: Core, session: Session, actor: Actor, row: Hearing, expected: int) -> None:
    if row.version != expected:
        core.audit(
            session,
            actor,
            "hearing.edit",
            record_kind="hearing",
            record_id=row.id,
            outcome="conflict",
        )
        session.commit()
        raise ConflictError(
            f"hearing {row.id}: someone else saved it (version {row.version}) after you opened it "
            f"(version {expected}); nothing was overwritten",
            current_version=row.version,
        )


def update_hearing(
    core: Core,
    actor: Actor,
    hearing_id: int,
    expected_version: int,
    data: HearingInput,
    *,
    acknowledge_warnings: bool = False,
) -> ScheduleResult:
    """Edit or move a hearing that has no outcome yet (same checks as scheduling)."""
    core.require(actor, Action.HEARING_SCHEDULE, record_kind="hearing", record_id=hearing_id)
    with core.write() as session:
        row = _visible_hearing(session, actor, hearing_id)
        _stale(core, session, actor, row, expected_version)
        if row.outcome is not None:
            raise RuleRefused(
                f"outcome: hearing {hearing_id} is already {OUTCOME_LABELS[row.outcome].lower()}; "
                "continue it or record a new hearing instead"
            )
        if data.case_id != row.case_id:
            raise ValidationError("case_id", "a hearing cannot move to another case")
        calendar = calendar_in(session, core.today())
        checked = _check(core, session, actor, data, hearing_id=hearing_id, calendar=calendar)
        if checked.warnings and not acknowledge_warnings:
            return ScheduleResult(False, None, checked.warnings)
        _fill(row, checked.data)
        row.updated_at = core.now()
        session.flush()
        core.audit(
            session,
            actor,
            "hearing.edit",
            record_kind="hearing",
            record_id=row.id,
            detail=_warned_detail(checked.warnings),
        )
        return ScheduleResult(
            True, _record(session, row, core.settings.timezone, catalog()), checked.warnings
        )


def record_outcome(
    core: Core,
    actor: Actor,
    hearing_id: int,
    expected_version: int,
    data: OutcomeInput,
    *,
    acknowledge_warnings: bool = False,
) -> OutcomeResult:
    """Record held, continued or off calendar; a continuance creates the next hearing.

    The next hearing copies the type, department, people, custody and flags, and goes through
    the same refusals and warnings as any scheduling. An outcome may be corrected, except that a
    continued hearing's outcome stays while the hearing it created is still on calendar.
    """
    core.require(actor, Action.HEARING_SCHEDULE, record_kind="hearing", record_id=hearing_id)
    tz = core.settings.timezone
    cat = catalog()
    with core.write() as session:
        row = _visible_hearing(session, actor, hearing_id)
        _stale(core, session, actor, row, expected_version)
        if row.outcome == CONTINUED and row.continued_to_id is not None:
            following = session.get(Hearing, row.continued_to_id)
            if following is not None and following.outcome in ACTIVE_OUTCOMES:
                raise RuleRefused(
                    f"outcome: hearing {hearing_id} was continued to hearing {following.id}; "
                    "take that hearing off calendar first"
                )
        local = row.scheduled_at.astimezone(tz)
        clean = validate_outcome(
            data, local.date(), cat.detained(row.custody_status), core.today(), tz
        )
        orders = validate_orders(
            data.orders,
            row.hearing_type,
            clean.outcome,
            clean.continued_to.astimezone(tz).date() if clean.continued_to else None,
            clean.youth_consented,
        )
        warnings: tuple[HearingWarning, ...] = ()
        next_row: Hearing | None = None
        if clean.outcome == CONTINUED:
            assert clean.continued_to is not None
            current = _record(session, row, tz, cat)
            next_input = replace(current.as_input(), scheduled_at=clean.continued_to, notes=None)
            calendar = calendar_in(session, core.today())
            link = _Link(
                row.id,
                local.date(),
                row.hearing_type,
                clean.youth_consented,
                clean.continued_to.astimezone(tz).date(),
            )
            try:
                checked = _check(
                    core,
                    session,
                    actor,
                    next_input,
                    hearing_id=None,
                    calendar=calendar,
                    first_link=link,
                )
            except ValidationError as error:
                field = "continued_to" if error.field == "scheduled_at" else error.field
                raise ValidationError(field, error.detail) from None
            warnings = checked.warnings
            if warnings and not acknowledge_warnings:
                return OutcomeResult(False, current, None, warnings)
            next_row = Hearing()
            _fill(next_row, checked.data)
            session.add(next_row)
            session.flush()
        row.outcome = clean.outcome
        row.continued_to_id = next_row.id if next_row else None
        row.continuance_reason = clean.reason
        row.youth_consented = clean.youth_consented
        apply_orders(session, core, actor, row, orders)
        if clean.notes:
            row.notes = clean.notes
        row.updated_at = core.now()
        session.flush()
        core.audit(
            session,
            actor,
            "hearing.outcome",
            record_kind="hearing",
            record_id=row.id,
            detail=f"outcome={clean.outcome}",
        )
        sealing.seal_at_hearing(core, session, actor, row, data, clean.outcome)  # SEAL, held
        if next_row is not None:
            core.audit(
                session,
                actor,
                "hearing.schedule",
                record_kind="hearing",
                record_id=next_row.id,
                detail=_warned_detail(warnings, f"continuance of hearing {row.id}"),
            )
        # A held (or no longer held) detention, jurisdiction or disposition hearing meets (or no
        # longer meets) a deadline of the youth's episode: the stored deadlines follow in this
        # transaction. Scheduling or moving a hearing cannot: only held hearings count.
        case = session.get(CourtCase, row.case_id)
        assert case is not None
        legal_deadlines.refresh(core, session, youth_ids=[case.youth_id])
        return OutcomeResult(
            True,
            _record(session, row, tz, cat),
            _record(session, next_row, tz, cat) if next_row else None,
            warnings,
        )


def get_hearing(core: Core, actor: Actor, hearing_id: int) -> HearingRecord:
    """One hearing (audited as a view; NotFound, the refusal audited, if sealing hides it)."""
    core.require(actor, Action.DOCKET_VIEW, record_kind="hearing", record_id=hearing_id)
    with core.write() as session:
        row = session.get(Hearing, hearing_id)
        if row is None:
            raise NotFound(f"hearing {hearing_id}: no such hearing")
        if not _hidden(session, actor, row.case_id, row.petition_id):
            core.audit(session, actor, "hearing.view", record_kind="hearing", record_id=row.id)
            return _record(session, row, core.settings.timezone, catalog())
    core.refuse(actor, "hearing.view", record_kind="hearing", record_id=hearing_id, detail="sealed")
    raise NotFound(f"hearing {hearing_id}: no such hearing")


def hearings_of_case(core: Core, actor: Actor, case_id: int) -> tuple[HearingRecord, ...]:
    """A case's hearings in time order (the ones on sealed petitions left out).

    Part of the youth's record (YOUTH_VIEW), not a docket: a partner assigned to her reads it,
    and ``Core.require`` keeps everyone else's cases out of a partner's reach.
    """
    core.require(actor, Action.YOUTH_VIEW, record_kind="court_case", record_id=case_id)
    tz, cat = core.settings.timezone, catalog()
    with core.read() as session:
        hidden = _hidden(session, actor, case_id, None)
    if hidden:  # the case is sealed whole, or its youth is hidden by sealing
        core.refuse(
            actor, "hearing.list", record_kind="court_case", record_id=case_id, detail="sealed"
        )
        raise NotFound(f"case {case_id}: no such case")
    with core.write() as session:
        rows = (
            session.execute(
                select(Hearing)
                .where(Hearing.case_id == case_id)
                .order_by(Hearing.scheduled_at, Hearing.id)
            )
            .scalars()
            .all()
        )
        sealed: set[int] = set()  # the case is visible: only its sealed petitions hide hearings
        if not actor.may(Action.SEALED_ACCESS):
            sealed = set(
                session.execute(
                    select(Petition.id).where(
                        Petition.case_id == case_id, Petition.sealing_state.in_(SEALED_STATES)
                    )
                ).scalars()
            )
        shown = [r for r in rows if r.petition_id not in sealed]
        core.audit(session, actor, "hearing.list", record_kind="court_case", record_id=case_id)
        return tuple(_record(session, r, tz, cat) for r in shown)
