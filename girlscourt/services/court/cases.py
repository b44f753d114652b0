"""Court cases and their petitions: opened for a registered youth, numbered, read (a sealed
petition only by the custodian).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    CourtCase,
    Petition,
)
from girlscourt.domain.hearing_rules import (
    SEALED_STATES,
)
from girlscourt.domain.permissions import Action
from girlscourt.errors import NotFound, ValidationError
from girlscourt.services.court.departments import _text
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing

SEALING_STATES = ("open", "dismissed", *sorted(SEALED_STATES))


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
