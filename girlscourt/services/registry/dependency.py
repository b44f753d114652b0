"""A youth's dependency (WIC 300) status: record a change, effective-dated, and read the history.

The current status sits on the youth (the intake's WIC 636 guard and the WIC 241.1 clock read
it); every change is also kept as a row, with the day it took effect and who recorded it, so the
history survives the next change. Sealing hides the youth here as everywhere: a sealed youth
answers as an unknown one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, select, update

from girlscourt.db.models import DependencyChange, Youth
from girlscourt.domain.dependency_rules import STATUSES, DependencyInput, validate_dependency
from girlscourt.domain.permissions import Action
from girlscourt.errors import NotFound
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing

_YOUTH = cast(Table, Youth.__table__)


@dataclass(frozen=True)
class DependencyEntry:
    """One status as it took effect."""

    status: str
    label: str
    effective_on: dt.date
    child_welfare_case_number: str | None
    recorded_at: dt.datetime


@dataclass(frozen=True)
class DependencyView:
    """A youth's current dependency status and the history, newest first."""

    youth_id: int
    current: DependencyEntry | None
    history: tuple[DependencyEntry, ...]


def _entry(row: DependencyChange) -> DependencyEntry:
    return DependencyEntry(
        row.status,
        STATUSES.get(row.status, row.status),
        row.effective_on,
        row.child_welfare_case_number,
        row.recorded_at,
    )


def _hidden(core: Core, actor: Actor, youth_id: int, action: str) -> None:
    """NotFound, exactly as for an unknown id, for a youth who is unknown or sealed from her."""
    with core.read() as session:
        exists = session.get(Youth, youth_id) is not None
        sealed = exists and sealing.youth_is_sealed(session, youth_id)
    if sealed and not actor.may(Action.SEALED_ACCESS):
        core.refuse(actor, action, record_kind="youth", record_id=youth_id, detail="sealed")
        exists = False
    if not exists:
        raise NotFound(f"youth {youth_id}: no such youth")


def set_dependency(
    core: Core, actor: Actor, youth_id: int, data: DependencyInput
) -> DependencyView:
    """Record a change of status (audited).

    The history is append-only, so two desks recording a change at once both keep theirs; the
    status in force is the one with the latest effective date. The youth's current status is
    updated with a plain UPDATE, not through the ORM's version counter: it is not part of the
    demographic form, so recording it does not make a form open at another desk stale.
    """
    core.require(actor, Action.YOUTH_EDIT, record_kind="youth", record_id=youth_id)
    clean = validate_dependency(data, core.today())
    _hidden(core, actor, youth_id, "youth.dependency")
    assert clean.effective_on is not None
    with core.write() as session:
        if session.get(Youth, youth_id) is None:
            raise NotFound(f"youth {youth_id}: no such youth")
        session.add(
            DependencyChange(
                youth_id=youth_id,
                status=clean.status,
                effective_on=clean.effective_on,
                child_welfare_case_number=clean.child_welfare_case_number,
                recorded_at=core.now(),
                recorded_by=actor.user_id,
            )
        )
        session.flush()
        latest = session.execute(  # a back-dated correction does not displace a later change
            select(DependencyChange)
            .where(DependencyChange.youth_id == youth_id)
            .order_by(DependencyChange.effective_on.desc(), DependencyChange.id.desc())
            .limit(1)
        ).scalar_one()
        session.execute(
            update(_YOUTH)
            .where(_YOUTH.c.id == youth_id)
            .values(
                dependency_status=latest.status,
                dependency_since=latest.effective_on,
                child_welfare_case_number=latest.child_welfare_case_number,
            )
        )
        core.audit(
            session,
            actor,
            "youth.dependency",
            record_kind="youth",
            record_id=youth_id,
            detail=clean.status,
        )
    return _view(core, youth_id)


def dependency_of(core: Core, actor: Actor, youth_id: int) -> DependencyView:
    """The current status and the history, newest first. Child-welfare facts: for the roles
    that keep the youth's record (YOUTH_EDIT), not for read-only partners or the court desk."""
    core.require(actor, Action.YOUTH_EDIT, record_kind="youth", record_id=youth_id)
    _hidden(core, actor, youth_id, "youth.view")
    with core.read() as session:
        if session.get(Youth, youth_id) is None:
            raise NotFound(f"youth {youth_id}: no such youth")
    return _view(core, youth_id)


def _view(core: Core, youth_id: int) -> DependencyView:
    with core.read() as session:
        rows = (
            session.execute(
                select(DependencyChange)
                .where(DependencyChange.youth_id == youth_id)
                .order_by(DependencyChange.effective_on.desc(), DependencyChange.id.desc())
            )
            .scalars()
            .all()
        )
        history = tuple(_entry(r) for r in rows)
    return DependencyView(youth_id, history[0] if history else None, history)
