"""Partner scope, checked by ``Core.require``: a read-only partner names only assigned youth.

WIC 827 opens a juvenile case file only to persons with a role in that youth's case. This module
is the kernel's half of that rule (the query), so ``Core`` can apply it to every record named by
id without importing a capability; assigning and ending live in ``referrals.partner_access``.
For staff every function here is free: no query, no clause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, and_, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from girlscourt.db.models import (
    Consent,
    ContactRestriction,
    CourtCase,
    CustodyEpisode,
    GirlsCourtAssignment,
    Hearing,
    PartnerAssignment,
    Petition,
    Referral,
    Screening,
)
from girlscourt.errors import PermissionDenied

if TYPE_CHECKING:
    from girlscourt.services.kernel.core import Actor, Core

NOT_ASSIGNED = "not assigned"


def _active(core: Core, user_id: int) -> ColumnElement[bool]:
    """This user's assignments in force now (by the core's clock)."""
    now = core.now()
    pa = PartnerAssignment
    return and_(
        pa.user_id == user_id,
        pa.assigned_at <= now,
        or_(pa.ended_at.is_(None), pa.ended_at > now),
    )


def assigned_ids_query(core: Core, actor: Actor) -> Select[int]:
    """SQL for the ids of the youth this actor is assigned to now."""
    return select(PartnerAssignment.youth_id).where(_active(core, actor.user_id))


def scope_filter(
    core: Core, actor: Actor, youth_id: ColumnElement[int] | InstrumentedAttribute[int]
) -> ColumnElement[bool] | None:
    """For a partner, a WHERE clause keeping rows of assigned youth; None for everyone else."""
    if not actor.partner:
        return None
    return youth_id.in_(assigned_ids_query(core, actor).scalar_subquery())


def assigned_youth_ids(core: Core, session: Session, actor: Actor) -> frozenset[int] | None:
    """The youth a partner may read now; None (no limit) for staff, without a query."""
    if not actor.partner:
        return None
    return frozenset(int(i) for i in session.execute(assigned_ids_query(core, actor)).scalars())


_OWNED: dict[str, tuple[InstrumentedAttribute[int], InstrumentedAttribute[int]]] = {
    "referral": (Referral.id, Referral.youth_id),
    "consent": (Consent.id, Consent.youth_id),
    "contact_restriction": (ContactRestriction.id, ContactRestriction.youth_id),
    "screening": (Screening.id, Screening.youth_id),
    "court_case": (CourtCase.id, CourtCase.youth_id),
    "gc_assignment": (GirlsCourtAssignment.id, GirlsCourtAssignment.youth_id),
    "episode": (CustodyEpisode.id, CustodyEpisode.youth_id),
}


def _youth_of(record_kind: str | None, record_id: int) -> ColumnElement[int] | None:
    """SQL for the youth a record belongs to; None for a kind no partner may name."""
    if record_kind == "youth":
        return literal(record_id)
    if record_kind in _OWNED:
        id_column, youth_column = _OWNED[record_kind]
        return select(youth_column).where(id_column == record_id).scalar_subquery()
    if record_kind in ("petition", "hearing"):
        child = Petition if record_kind == "petition" else Hearing
        return (
            select(CourtCase.youth_id)
            .join(child, child.case_id == CourtCase.id)
            .where(child.id == record_id)
            .scalar_subquery()
        )
    return None


def in_scope(
    core: Core, session: Session, actor: Actor, record_kind: str | None, record_id: int
) -> bool:
    """Whether the actor may read this record: always for staff; for a partner, only a record
    of an assigned youth (one indexed look-up). Unknown kinds and ids are out of scope."""
    if not actor.partner:
        return True
    if isinstance(record_id, bool) or not isinstance(record_id, int):
        return False
    youth = _youth_of(record_kind, record_id)
    if youth is None:
        return False
    found = session.execute(
        select(PartnerAssignment.id)
        .where(_active(core, actor.user_id), PartnerAssignment.youth_id == youth)
        .limit(1)
    ).first()
    return found is not None


def require_in_scope(
    core: Core, actor: Actor, action: str, record_kind: str | None, record_id: int
) -> None:
    """Refuse a partner (audited, in its own transaction) a record outside their assignments."""
    if not actor.partner:
        return
    with core.read() as session:
        allowed = in_scope(core, session, actor, record_kind, record_id)
    if allowed:
        return
    shown = record_id if isinstance(record_id, int) and not isinstance(record_id, bool) else None
    core.refuse(actor, action, record_kind=record_kind, record_id=shown, detail=NOT_ASSIGNED)
    raise PermissionDenied(
        f"{actor.username} ({actor.role.value}): {record_kind or 'record'} {record_id} is not "
        "part of a youth's case you are assigned to"
    )
