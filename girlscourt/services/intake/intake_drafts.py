"""Intake drafts kept in the database: an unfinished intake saved by its officer, listed, resumed
or discarded (only by her).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    IntakeDraft,
)
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConflictError, NotFound
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing


@dataclass(frozen=True)
class DraftView:
    """An unfinished intake form."""

    id: int
    version: int
    youth_id: int | None
    content: dict[str, Any]
    updated_at: dt.datetime


def save_draft(
    core: Core,
    actor: Actor,
    content: dict[str, Any],
    *,
    draft_id: int | None = None,
    expected_version: int | None = None,
    youth_id: int | None = None,
) -> DraftView:
    """Keep an unfinished form so an interruption loses nothing (only its owner sees it)."""
    core.require(actor, Action.INTAKE_RECORD)
    with core.write() as session:
        if youth_id is not None:  # a draft names only a youth the officer may see
            sealing.visible_youth(
                core,
                session,
                actor,
                youth_id,
                action="intake.draft",
                unknown=lambda: NotFound(f"youth_id: no youth {youth_id}"),
            )
        if draft_id is None:
            draft = IntakeDraft(owner_id=actor.user_id, youth_id=youth_id, content=content)
            session.add(draft)
        else:
            draft = _own_draft(session, actor, draft_id)
            if draft.version != expected_version:
                raise ConflictError(
                    f"draft {draft_id}: saved elsewhere meanwhile", current_version=draft.version
                )
            draft.content, draft.youth_id = content, youth_id
        session.flush()
        core.audit(session, actor, "intake.draft", record_kind="draft", record_id=draft.id)
        return DraftView(
            draft.id, draft.version, draft.youth_id, dict(draft.content), draft.updated_at
        )


def _own_draft(session: Session, actor: Actor, draft_id: int) -> IntakeDraft:
    draft = session.get(IntakeDraft, draft_id)
    if draft is None or draft.owner_id != actor.user_id:
        raise NotFound(f"draft {draft_id}: no such draft of yours")
    return draft


def list_drafts(core: Core, actor: Actor) -> tuple[DraftView, ...]:
    """The actor's unfinished intakes, newest first."""
    core.require(actor, Action.INTAKE_RECORD)
    with core.read() as session:
        rows = (
            session.execute(
                select(IntakeDraft)
                .where(IntakeDraft.owner_id == actor.user_id)
                .order_by(IntakeDraft.updated_at.desc())
            )
            .scalars()
            .all()
        )
        return tuple(
            DraftView(d.id, d.version, d.youth_id, dict(d.content), d.updated_at) for d in rows
        )


def discard_draft(core: Core, actor: Actor, draft_id: int) -> None:
    """Remove a draft (after the intake is saved, or on purpose)."""
    core.require(actor, Action.INTAKE_RECORD)
    with core.write() as session:
        session.delete(_own_draft(session, actor, draft_id))
        core.audit(session, actor, "intake.draft_discard", record_kind="draft", record_id=draft_id)
