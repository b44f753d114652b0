"""Sealed petitions (WIC 786) vanish for everyone but the custodian: the shared query helpers.

A youth disappears from search, lists and counts when EVERY petition she has is sealed; a youth
with any petition still open or merely dismissed stays findable (the open matter has to be
worked), and the sealed petitions themselves, with the hearings on them, are left out with
``visible_petition_filter``. A youth with no petition at all is never hidden. The docket, reports
and exports build their queries with these helpers so the rule lives in one place.

Writes obey the same rule: every service writer that names a youth id looks her up with
``visible_youth``, so for everyone but the custodian a sealed id answers exactly like an unknown
one (the writer's own error, same type and text) and the refusal is audited.

The custodian seals a petition on the court's order (``seal_petition``); a held sealing (SEAL)
hearing seals its petition in the outcome's own transaction (``seal_at_hearing``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from girlscourt.db.models import (
    AssignmentEvent,
    CourtCase,
    GirlsCourtAssignment,
    Hearing,
    Petition,
    Youth,
)
from girlscourt.domain import sealing_rules
from girlscourt.domain.hearing_rules import HELD, SEALED_STATES, OutcomeInput
from girlscourt.domain.permissions import Action
from girlscourt.domain.value_rules import INT_MAX
from girlscourt.errors import GirlsCourtError, NotFound, RuleRefused, ValidationError
from girlscourt.services.kernel.core import Actor, Core

_SEALED = tuple(sorted(SEALED_STATES))


@dataclass(frozen=True)
class PetitionSeal:
    """A petition's sealing state after a change."""

    petition_id: int
    case_id: int
    youth_id: int
    sealing_state: str
    sealed_at: dt.datetime | None
    order_number: str | None
    version: int
    basis: str | None = None  # the sealing basis code (None after an unseal)
    completed_on: dt.date | None = None  # WIC 786: when she satisfactorily completed probation

    @property
    def sealed(self) -> bool:
        """Whether the petition is now hidden from everyone but the custodian."""
        return sealing_rules.is_sealed(self.sealing_state)


# --- query helpers (for youths, dockets, reports, exports) -----------------------------------


_CASE = CourtCase.__table__
_PETITION = Petition.__table__


@cache
def sealed_youth_ids_query() -> Select[int]:
    """SQL for the ids of youths with at least one petition, every one of them sealed.

    Starts from the sealed petitions (an indexed, small set) and drops youths who also have an
    unsealed one, so its cost follows the number of sealed petitions, not the registry's size.
    Built once, on the tables (not the ORM entities): it runs on every keystroke of a search,
    where building it anew and the ORM's per-statement overhead would cost far more than the
    query. Statements are immutable; ``.where(...)`` on it makes a new one.
    """
    other_case, other = _CASE.alias("other_case"), _PETITION.alias("other_petition")
    unsealed = (
        select(other.c.id)
        .join(other_case, other_case.c.id == other.c.case_id)
        .where(other_case.c.youth_id == _CASE.c.youth_id, other.c.sealing_state.not_in(_SEALED))
        .exists()
    )
    return (
        select(_CASE.c.youth_id)
        .join(_PETITION, _PETITION.c.case_id == _CASE.c.id)
        .where(_PETITION.c.sealing_state.in_(_SEALED), ~unsealed)
        .distinct()
    )


def sealed_youth_ids(session: Session, among: Collection[int] | None = None) -> set[int]:
    """Youths hidden by sealing; with ``among``, only those of the given ids (cheap for a page)."""
    statement = sealed_youth_ids_query()
    if among is not None:
        if not among:
            return set()
        statement = statement.where(_CASE.c.youth_id.in_(list(among)))
    return {int(i) for i in session.connection().execute(statement).scalars()}


def sealed_flag(youth_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """A column saying whether the row's youth is hidden by sealing (load it with the youth)."""
    return youth_id.in_(sealed_youth_ids_query().scalar_subquery())


def youth_is_sealed(session: Session, youth_id: int) -> bool:
    """Whether every petition of this youth is sealed (she is hidden from ordinary users)."""
    return youth_id in sealed_youth_ids(session, [youth_id])


def visible_youth_filter(
    youth_id: ColumnElement[int] | InstrumentedAttribute[int],
) -> ColumnElement[bool]:
    """A WHERE clause keeping rows whose youth is not hidden by sealing."""
    return youth_id.not_in(sealed_youth_ids_query().scalar_subquery())


def visible_petition_filter(
    sealing_state: ColumnElement[str] | InstrumentedAttribute[str] | None = None,
) -> ColumnElement[bool]:
    """A WHERE clause keeping unsealed petitions (pass an aliased petition's column if needed)."""
    column = Petition.sealing_state if sealing_state is None else sealing_state
    return column.not_in(_SEALED)


# --- the write guard: a sealed youth is an unknown youth ----------------------------------------

Unknown = Callable[[], GirlsCourtError]
"""Makes the error a writer raises for a youth id nobody has (its own type and text)."""


def visible_youth(
    core: Core, session: Session, actor: Actor, youth_id: object, *, action: str, unknown: Unknown
) -> Youth:
    """The youth a writer names, for use in place of its own existence check.

    An id no youth has raises ``unknown()``; so does, for an actor without ``sealed.access``,
    the id of a youth sealing hides: the same exception type and text, at the same point of the
    write, so no answer tells a sealed youth from one who never existed and nothing is attached
    to her. That refusal is audited (``action``, outcome ``denied``, detail ``sealed``) in a
    transaction of its own, after ``session``'s work is rolled back. The custodian passes.
    """
    youth = None
    if isinstance(youth_id, int) and not isinstance(youth_id, bool) and 0 < youth_id <= INT_MAX:
        youth = session.get(Youth, youth_id)
    if youth is None:
        raise unknown()
    refuse_if_sealed(core, session, actor, youth.id, action=action, unknown=unknown)
    return youth


def refuse_if_sealed(
    core: Core,
    session: Session,
    actor: Actor,
    youth_id: int,
    *,
    action: str,
    unknown: Unknown,
    record_kind: str = "youth",
    record_id: int | None = None,
) -> None:
    """Raise ``unknown()`` (the refusal audited) if sealing hides ``youth_id`` from ``actor``.

    For writers that reach the youth through another record (an episode, a restriction): the
    record is named in the audit event by ``record_kind`` and ``record_id``.
    """
    if actor.may(Action.SEALED_ACCESS) or not youth_is_sealed(session, youth_id):
        return
    session.rollback()  # nothing of the refused write is kept; the read lock is let go
    core.refuse(
        actor,
        action,
        record_kind=record_kind,
        record_id=youth_id if record_id is None else record_id,
        detail="sealed",
    )
    raise unknown()


# --- sealing and unsealing (the custodian) ----------------------------------------------------


def _load(session: Session, petition_id: int) -> tuple[Petition, int]:
    row = session.execute(
        select(Petition, CourtCase.youth_id)
        .join(CourtCase, CourtCase.id == Petition.case_id)
        .where(Petition.id == petition_id)
    ).first()
    if row is None:
        raise NotFound(f"petition {petition_id}: no such petition")
    petition, youth_id = row
    return petition, int(youth_id)


def _seal_record(
    petition: Petition,
    youth_id: int,
    basis: str | None = None,
    completed_on: dt.date | None = None,
) -> PetitionSeal:
    return PetitionSeal(
        petition.id,
        petition.case_id,
        youth_id,
        petition.sealing_state,
        petition.sealed_at,
        petition.seal_order_number,
        petition.version,
        basis,
        completed_on,
    )


def _seal(
    core: Core,
    session: Session,
    actor: Actor,
    petition: Petition,
    youth_id: int,
    basis: str,
    number: str,
    *,
    detail: str,
    completed_on: dt.date | None = None,
) -> PetitionSeal:
    """Seal ``petition`` in the caller's transaction, with its audit event."""
    if sealing_rules.is_sealed(petition.sealing_state):
        raise RuleRefused(f"petition {petition.id}: already sealed ({petition.sealing_state})")
    petition.sealing_state = sealing_rules.SEALING_BASES[basis]
    petition.sealed_at = core.now()
    petition.seal_order_number = number
    core.audit(
        session, actor, "sealed.seal", record_kind="petition", record_id=petition.id, detail=detail
    )
    session.flush()
    return _seal_record(petition, youth_id, basis, completed_on)


def _recorded_completion(core: Core, session: Session, case_id: int) -> tuple[dt.date, int] | None:
    """The day a Girls Court assignment on this case was completed, and its id (the only
    completion of a supervised program the app records), or None."""
    found = session.execute(
        select(AssignmentEvent.at, GirlsCourtAssignment.id)
        .join(GirlsCourtAssignment, GirlsCourtAssignment.id == AssignmentEvent.assignment_id)
        .where(
            GirlsCourtAssignment.case_id == case_id,
            GirlsCourtAssignment.status == "completed",
            AssignmentEvent.status == "completed",
        )
        .order_by(AssignmentEvent.at.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    return found[0].astimezone(core.settings.timezone).date(), int(found[1])


def seal_petition(
    core: Core,
    custodian: Actor,
    petition_id: int,
    order_number: str,
    reason: str,
    *,
    completed_on: dt.date | None = None,
) -> PetitionSeal:
    """Seal one petition on a court order; ``reason`` is the basis: wic786, wic781 or pc236.14.

    WIC 786 seals only after the youth satisfactorily completed probation: ``completed_on``
    gives that date, or, when it is left out, a completed Girls Court assignment on the
    petition's case stands for it; with neither the seal is refused (``completed_on``). The
    date is checked (not in the future, not before the filing) and kept in the audit event.
    """
    core.require(custodian, Action.SEAL_PETITION, record_kind="petition", record_id=petition_id)
    number = sealing_rules.order_number(order_number)
    basis = sealing_rules.sealing_basis(reason)
    with core.write() as session:
        petition, youth_id = _load(session, petition_id)
        if sealing_rules.is_sealed(petition.sealing_state):
            raise RuleRefused(f"petition {petition_id}: already sealed ({petition.sealing_state})")
        source = ""
        if completed_on is None and basis in sealing_rules.COMPLETION_BASES:
            recorded = _recorded_completion(core, session, petition.case_id)
            if recorded is not None:
                completed_on, assignment_id = recorded
                source = f" (Girls Court assignment {assignment_id})"
        completed = sealing_rules.completion_date(
            basis, completed_on, petition.filed_on, core.today()
        )
        detail = f"basis {basis}"
        if completed is not None:
            detail += f"; completed {completed.isoformat()}{source}"
        return _seal(
            core,
            session,
            custodian,
            petition,
            youth_id,
            basis,
            number,
            detail=detail,
            completed_on=completed,
        )


def seal_at_hearing(
    core: Core, session: Session, actor: Actor, hearing: Hearing, data: OutcomeInput, outcome: str
) -> PetitionSeal | None:
    """A held sealing (SEAL) hearing seals its petition, in the outcome's transaction.

    The court orders the seal at the hearing (for WIC 786 it finds the satisfactory completion
    there); the clerk who records the outcome records the order, so no seal permission is asked
    of her. ``data.seal_basis`` and ``data.seal_order_number`` are required for it and refused
    on any other outcome or hearing type. Audited as ``sealed.seal`` naming the hearing.
    """
    given = data.seal_basis is not None or data.seal_order_number is not None
    if hearing.hearing_type != sealing_rules.SEAL_HEARING or outcome != HELD:
        if given:
            raise ValidationError("seal_basis", "is only for a held sealing (SEAL) hearing")
        return None
    basis = sealing_rules.sealing_basis(data.seal_basis, "seal_basis")
    number = sealing_rules.order_number(data.seal_order_number, "seal_order_number")
    if hearing.petition_id is None:
        raise RuleRefused(
            f"petition_id: hearing {hearing.id} names no petition, and sealing is per petition; "
            "set the petition on the hearing first"
        )
    petition, youth_id = _load(session, hearing.petition_id)
    return _seal(
        core,
        session,
        actor,
        petition,
        youth_id,
        basis,
        number,
        detail=f"basis {basis}; hearing {hearing.id}",
    )


def unseal_petition(
    core: Core,
    custodian: Actor,
    petition_id: int,
    order_number: str,
    reason: str,
    *,
    state: str = "dismissed",
) -> PetitionSeal:
    """Lift a seal (a court order, or a seal entered on the wrong petition), audited.

    The petition returns to ``state``: ``dismissed`` by default, since sealing follows the end of
    the matter; ``open`` only when the seal was entered in error on a live petition. The
    petition's order number becomes the unsealing order's.
    """
    core.require(custodian, Action.SEAL_PETITION, record_kind="petition", record_id=petition_id)
    number = sealing_rules.order_number(order_number)
    why = sealing_rules.unseal_reason(reason)
    if state not in sealing_rules.UNSEALED_STATES:
        raise ValidationError("state", f"must be one of {', '.join(sealing_rules.UNSEALED_STATES)}")
    with core.write() as session:
        petition, youth_id = _load(session, petition_id)
        if not sealing_rules.is_sealed(petition.sealing_state):
            raise RuleRefused(f"petition {petition_id}: is not sealed")
        previous = petition.sealing_state
        petition.sealing_state = state
        petition.sealed_at = None
        petition.seal_order_number = number
        core.audit(
            session,
            custodian,
            "sealed.unseal",
            record_kind="petition",
            record_id=petition_id,
            detail=f"reason {why}; was {previous}",
        )
        session.flush()
        return _seal_record(petition, youth_id)
