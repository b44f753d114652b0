"""Hearings on court days: scheduling with its refusals and warnings, outcomes, and the docket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    CourtCase,
    CustodyEpisode,
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
    HELD,
    OUTCOME_LABELS,
    SEALED_STATES,
    W_INTERPRETER,
    W_LIMIT,
    HearingCatalog,
    HearingInput,
    HearingWarning,
    LimitFacts,
    LimitFlag,
    OutcomeInput,
    Slot,
    booking_warnings,
    consented_limit,
    court_day_refusal,
    docket_name,
    limit_warning,
    load_hearing_catalog,
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
from girlscourt.services.court.court import (
    ACTIVE,
    DepartmentRecord,
    department_record,
    docket_config_in,
    hidden_case_ids,
)
from girlscourt.services.court.court_orders import apply_orders
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing

DET, JUR = "DET", "JUR"


def catalog() -> HearingCatalog:
    """The county's hearing code list (``resources/court/hearing_types.json``)."""
    return load_hearing_catalog()


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HearingRecord:
    """A hearing as saved; times are county-local and aware."""

    id: int
    version: int
    case_id: int
    case_number: str
    petition_id: int | None
    petition_number: str | None
    youth_id: int
    hearing_type: str
    hearing_label: str
    scheduled_at: dt.datetime
    department_id: int
    department_code: str
    judicial_officer: str | None
    prosecutor: str | None
    defence_counsel: str | None
    defence_type: str | None
    probation_officer: str | None
    interpreter_language: str | None
    custody_status: str
    transport_needed: bool
    girls_court: bool
    open_to_public: bool
    outcome: str | None
    continued_to_id: int | None
    continued_from_id: int | None
    continuance_reason: str | None
    youth_consented: bool | None
    notes: str | None

    def as_input(self) -> HearingInput:
        """This hearing as an edit form's starting point."""
        return HearingInput(
            case_id=self.case_id,
            hearing_type=self.hearing_type,
            scheduled_at=self.scheduled_at,
            department_id=self.department_id,
            custody_status=self.custody_status,
            petition_id=self.petition_id,
            judicial_officer=self.judicial_officer,
            prosecutor=self.prosecutor,
            defence_counsel=self.defence_counsel,
            defence_type=self.defence_type,
            probation_officer=self.probation_officer,
            interpreter_needed=self.interpreter_language is not None,
            interpreter_language=self.interpreter_language,
            transport_needed=self.transport_needed,
            girls_court=self.girls_court,
            open_to_public=self.open_to_public,
            notes=self.notes,
        )


@dataclass(frozen=True)
class ScheduleResult:
    """``saved`` is False when warnings wait for the clerk's acknowledgement (nothing written)."""

    saved: bool
    hearing: HearingRecord | None
    warnings: tuple[HearingWarning, ...]


@dataclass(frozen=True)
class OutcomeResult:
    """The hearing after its outcome and, for a continuance, the next hearing it created."""

    saved: bool
    hearing: HearingRecord
    next_hearing: HearingRecord | None
    warnings: tuple[HearingWarning, ...]


@dataclass(frozen=True)
class DocketRow:
    """One line of the clerk's docket (names per the variant asked for)."""

    hearing_id: int
    version: int
    scheduled_at: dt.datetime
    department_id: int
    department_code: str
    courtroom: str | None
    case_number: str
    petition_number: str | None
    youth_id: int
    minor: str
    hearing_type: str
    hearing_label: str
    custody_status: str
    transport_needed: bool
    judicial_officer: str | None
    prosecutor: str | None
    defence_counsel: str | None
    defence_type: str | None
    probation_officer: str | None
    interpreter_language: str | None
    deadline: LimitFlag | None
    girls_court: bool
    open_to_public: bool
    outcome: str | None
    continued_to_id: int | None
    continued_from_on: dt.date | None
    notes: str | None
    housing_unit: str | None
    sealed: bool = False

    @property
    def docket_notes(self) -> str:
        """What the notes column prints: continuance facts, the outcome, then clerk notes."""
        parts = []
        if self.continued_from_on is not None:
            parts.append(f"Cont. from {self.continued_from_on.day} {self.continued_from_on:%b}")
        if self.outcome:
            parts.append(OUTCOME_LABELS[self.outcome])
        if self.notes:
            parts.append(self.notes)
        return "; ".join(parts)


@dataclass(frozen=True)
class Docket:
    """A day's docket for one department (or all), sorted by time."""

    day: dt.date
    department: DepartmentRecord | None
    departments: tuple[DepartmentRecord, ...]
    rows: tuple[DocketRow, ...]
    full_names: bool
    calendar_version: str


@dataclass(frozen=True)
class PublicRow:
    """An open hearing on the public list (WIC 676): no names, no case numbers."""

    scheduled_at: dt.datetime
    department_code: str
    department_name: str
    courtroom: str | None
    hearing_label: str


@dataclass(frozen=True)
class PublicCalendar:
    """The open hearings of a day, for posting."""

    day: dt.date
    department: DepartmentRecord | None
    rows: tuple[PublicRow, ...]


@dataclass(frozen=True)
class TransportList:
    """Youth in custody to bring from juvenile hall to court on a day."""

    day: dt.date
    rows: tuple[DocketRow, ...]
    full_names: bool


# --- Loading ------------------------------------------------------------------------------------


def _day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end.astimezone(dt.UTC)


@dataclass(frozen=True)
class _Past:
    """The facts of one earlier hearing that a time limit counts from."""

    id: int
    hearing_type: str
    on: dt.date
    outcome: str | None
    continued_to_id: int | None
    youth_consented: bool | None


@dataclass(frozen=True)
class _Link:
    """A continuance from one hearing into the next: the youth's consent and the new day."""

    from_id: int | None
    from_on: dt.date
    from_type: str
    consented: bool | None
    to_day: dt.date


class _History:
    """Petitions, earlier hearings and custody episodes behind the time limits of some cases."""

    def __init__(
        self, session: Session, case_ids: Iterable[int], youth_ids: Iterable[int], tz: dt.tzinfo
    ) -> None:
        cases, youths = set(case_ids), set(youth_ids)
        self.tz = tz
        self.petitions: dict[int, tuple[int, dt.date, str]] = {}
        self.by_case: dict[int, list[_Past]] = {}
        self.episodes: dict[int, list[CustodyEpisode]] = {}
        self.linked_from: dict[int, _Past] = {}
        if cases:
            for p in session.execute(select(Petition).where(Petition.case_id.in_(cases))).scalars():
                self.petitions[p.id] = (p.case_id, p.filed_on, p.sealing_state)
            rows = session.execute(
                select(
                    Hearing.id,
                    Hearing.case_id,
                    Hearing.hearing_type,
                    Hearing.scheduled_at,
                    Hearing.outcome,
                    Hearing.continued_to_id,
                    Hearing.youth_consented,
                ).where(Hearing.case_id.in_(cases))
            ).all()
            for r in rows:
                past = _Past(
                    r.id,
                    r.hearing_type,
                    r.scheduled_at.astimezone(tz).date(),
                    r.outcome,
                    r.continued_to_id,
                    r.youth_consented,
                )
                self.by_case.setdefault(r.case_id, []).append(past)
                if r.continued_to_id is not None:
                    self.linked_from[r.continued_to_id] = past
        if youths:
            for e in session.execute(
                select(CustodyEpisode)
                .where(CustodyEpisode.youth_id.in_(youths))
                .order_by(CustodyEpisode.custody_start_at)
            ).scalars():
                self.episodes.setdefault(e.youth_id, []).append(e)

    def _local(self, value: dt.datetime | None) -> dt.date | None:
        return None if value is None else value.astimezone(self.tz).date()

    def episode(self, youth_id: int, on: dt.date) -> CustodyEpisode | None:
        """The youth's latest custody episode that began on or before ``on``."""
        found = None
        for e in self.episodes.get(youth_id, []):
            if e.custody_start_at.astimezone(self.tz).date() <= on:
                found = e
        return found

    def _first_held(self, case_id: int, hearing_type: str, on: dt.date) -> dt.date | None:
        days = [
            p.on
            for p in self.by_case.get(case_id, [])
            if p.hearing_type == hearing_type and p.outcome == HELD and p.on <= on
        ]
        return min(days) if days else None

    def _link_into(self, hearing_id: int, on: dt.date) -> _Link | None:
        past = self.linked_from.get(hearing_id)
        if past is None:
            return None
        return _Link(past.id, past.on, past.hearing_type, past.youth_consented, on)

    def consented_until(
        self,
        hearing_id: int | None,
        first_link: _Link | None,
        hearing_on: dt.date,
        cat: HearingCatalog,
    ) -> dt.date | None:
        """The latest limit a consented jurisdiction continuance in this hearing's chain allows."""
        best: dt.date | None = None
        link = first_link
        if link is None and hearing_id is not None:
            link = self._link_into(hearing_id, hearing_on)
        for _ in range(100):  # a chain of continuances; the bound guards against a bad cycle
            if link is None:
                break
            if link.from_type == JUR and link.consented:
                limit = consented_limit(link.to_day, cat)
                best = limit if best is None or limit > best else best
            link = None if link.from_id is None else self._link_into(link.from_id, link.from_on)
        return best

    def facts(
        self,
        *,
        case_id: int,
        youth_id: int,
        petition_id: int | None,
        hearing_id: int | None,
        on: dt.date,
        custody_status: str,
        cat: HearingCatalog,
        first_link: _Link | None = None,
    ) -> LimitFacts:
        """What a hearing's limit counts from: held hearings on the case, else the intake record."""
        episode = self.episode(youth_id, on)
        filed: dt.date | None = None
        if petition_id is not None and petition_id in self.petitions:
            filed = self.petitions[petition_id][1]
        else:
            dates = [
                d
                for c, d, s in self.petitions.values()
                if c == case_id and s not in SEALED_STATES and d <= on
            ]
            filed = min(dates) if dates else None
        if filed is None and episode is not None:
            filed = self._local(episode.petition_filed_at)
        detention = self._first_held(case_id, DET, on)
        if detention is None and episode is not None:
            detention = self._local(episode.detention_hearing_at)
        jurisdiction = self._first_held(case_id, JUR, on)
        if jurisdiction is None and episode is not None:
            jurisdiction = self._local(episode.jurisdiction_at)
        return LimitFacts(
            custody_status=custody_status,
            petition_filed_on=filed,
            detention_hearing_on=detention,
            jurisdiction_on=jurisdiction,
            consented_until=self.consented_until(hearing_id, first_link, on, cat),
        )

    def continued_from_on(self, hearing_id: int) -> dt.date | None:
        """The day of the hearing that was continued to this one, if any."""
        past = self.linked_from.get(hearing_id)
        return past.on if past else None


def _record(session: Session, row: Hearing, tz: dt.tzinfo, cat: HearingCatalog) -> HearingRecord:
    case = session.get(CourtCase, row.case_id)
    department = session.get(Department, row.department_id)
    petition = session.get(Petition, row.petition_id) if row.petition_id else None
    previous = session.execute(
        select(Hearing.id).where(Hearing.continued_to_id == row.id)
    ).scalar_one_or_none()
    assert case is not None and department is not None
    return HearingRecord(
        id=row.id,
        version=row.version,
        case_id=row.case_id,
        case_number=case.case_number,
        petition_id=row.petition_id,
        petition_number=petition.petition_number if petition else None,
        youth_id=case.youth_id,
        hearing_type=row.hearing_type,
        hearing_label=cat.label(row.hearing_type),
        scheduled_at=row.scheduled_at.astimezone(tz),
        department_id=row.department_id,
        department_code=department.code,
        judicial_officer=row.judicial_officer,
        prosecutor=row.prosecutor,
        defence_counsel=row.defence_counsel,
        defence_type=row.defence_type,
        probation_officer=row.probation_officer,
        interpreter_language=row.interpreter_language,
        custody_status=row.custody_status,
        transport_needed=row.transport_needed,
        girls_court=row.girls_court,
        open_to_public=row.open_to_public,
        outcome=row.outcome,
        continued_to_id=row.continued_to_id,
        continued_from_id=previous,
        continuance_reason=row.continuance_reason,
        youth_consented=row.youth_consented,
        notes=row.notes,
    )


def _hidden(session: Session, actor: Actor, case_id: int, petition_id: int | None) -> bool:
    """Whether a hearing on this case/petition is sealed away from this actor."""
    if actor.may(Action.SEALED_ACCESS):
        return False
    if petition_id is not None:
        petition = session.get(Petition, petition_id)
        if petition is not None and petition.sealing_state in SEALED_STATES:
            return True
    return case_id in hidden_case_ids(session, [case_id])


def _visible_hearing(session: Session, actor: Actor, hearing_id: int) -> Hearing:
    row = session.get(Hearing, hearing_id)
    if row is None or _hidden(session, actor, row.case_id, row.petition_id):
        raise NotFound(f"hearing {hearing_id}: no such hearing")
    return row


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
