"""Sealed petitions (WIC 786) vanish for everyone but the custodian: the shared query helpers.

A youth disappears from search, lists and counts when EVERY petition she has is sealed; a youth
with any petition still open or merely dismissed stays findable (the open matter has to be
worked), and the sealed petitions themselves, with the hearings on them, are left out with
``visible_petition_filter``. A youth with no petition at all is never hidden. The docket, reports
and exports build their queries with these helpers so the rule lives in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from girlscourt.db.models import CourtCase, Petition
from girlscourt.domain import sealing_rules
from girlscourt.domain.hearing_rules import SEALED_STATES
from girlscourt.domain.permissions import Action
from girlscourt.errors import NotFound, RuleRefused, ValidationError
from girlscourt.services.core import Actor, Core

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


def _seal_record(petition: Petition, youth_id: int) -> PetitionSeal:
    return PetitionSeal(
        petition.id,
        petition.case_id,
        youth_id,
        petition.sealing_state,
        petition.sealed_at,
        petition.seal_order_number,
        petition.version,
    )


def seal_petition(
    core: Core, custodian: Actor, petition_id: int, order_number: str, reason: str
) -> PetitionSeal:
    """Seal one petition on a court order; ``reason`` is the basis: wic786, wic781 or pc236.14."""
    core.require(custodian, Action.SEAL_PETITION, record_kind="petition", record_id=petition_id)
    number = sealing_rules.order_number(order_number)
    basis = sealing_rules.sealing_basis(reason)
    with core.write() as session:
        petition, youth_id = _load(session, petition_id)
        if sealing_rules.is_sealed(petition.sealing_state):
            raise RuleRefused(f"petition {petition_id}: already sealed ({petition.sealing_state})")
        petition.sealing_state = sealing_rules.SEALING_BASES[basis]
        petition.sealed_at = core.now()
        petition.seal_order_number = number
        core.audit(
            session,
            custodian,
            "sealed.seal",
            record_kind="petition",
            record_id=petition_id,
            detail=f"basis {basis}",
        )
        session.flush()
        return _seal_record(petition, youth_id)


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
