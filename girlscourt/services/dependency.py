"""A youth's dependency (WIC 300) status: record a change, effective-dated, and read the history.

The current status sits on the youth (the intake's WIC 636 guard and the WIC 241.1 clock read
it); every change is also kept as a row, with the day it took effect and who recorded it, so the
history survives the next change. Sealing hides the youth here as everywhere: a sealed youth
answers as an unknown one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from girlscourt.db.models import DependencyChange, Youth
from girlscourt.domain.dependency_rules import STATUSES, DependencyInput, validate_dependency
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConflictError, NotFound
from girlscourt.services import sealing
from girlscourt.services.core import Actor, Core


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
    """A youth's current dependency status, the record version after the change, the history."""

    youth_id: int
    version: int
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
    core: Core, actor: Actor, youth_id: int, expected_version: int | None, data: DependencyInput
) -> DependencyView:
    """Record a change of status (audited); ``expected_version`` guards against a stale edit."""
    core.require(actor, Action.YOUTH_EDIT, record_kind="youth", record_id=youth_id)
    clean = validate_dependency(data, core.today())
    _hidden(core, actor, youth_id, "youth.dependency")
    assert clean.effective_on is not None
    with core.write() as session:
        youth = session.get(Youth, youth_id)
        if youth is None:
            raise NotFound(f"youth {youth_id}: no such youth")
        if expected_version is not None and youth.version != expected_version:
            raise ConflictError(
                f"youth {youth_id}: someone else saved this record (version {youth.version}) "
                f"after you opened it (version {expected_version}); nothing was overwritten",
                current_version=youth.version,
            )
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
        youth.dependency_status = latest.status
        youth.dependency_since = latest.effective_on
        youth.child_welfare_case_number = latest.child_welfare_case_number
        youth.updated_at = core.now()
        core.audit(
            session,
            actor,
            "youth.dependency",
            record_kind="youth",
            record_id=youth_id,
            detail=clean.status,
        )
        session.flush()
        version = youth.version
    return _view(core, youth_id, version)


def dependency_of(core: Core, actor: Actor, youth_id: int) -> DependencyView:
    """The current status and the history, newest first (a read, as the record view audits)."""
    core.require(actor, Action.YOUTH_VIEW, record_kind="youth", record_id=youth_id)
    _hidden(core, actor, youth_id, "youth.view")
    with core.read() as session:
        youth = session.get(Youth, youth_id)
        if youth is None:
            raise NotFound(f"youth {youth_id}: no such youth")
        version = youth.version
    return _view(core, youth_id, version)


def _view(core: Core, youth_id: int, version: int) -> DependencyView:
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
    return DependencyView(youth_id, version, history[0] if history else None, history)
