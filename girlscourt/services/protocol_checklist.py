"""The county CSEC protocol checklist: steps started for each identified youth, their targets,
who did each and when, and which are overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import ChecklistStep
from girlscourt.domain.intake_rules import ChecklistSpec
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConflictError, NotFound, RuleRefused
from girlscourt.services.core import Actor, Core
from girlscourt.services.intake_codes import intake_codes


@dataclass(frozen=True)
class StepView:
    """A checklist step as the record page and the board show it."""

    id: int
    version: int
    youth_id: int
    episode_id: int | None
    step: str
    label: str
    due_at: dt.datetime
    done_at: dt.datetime | None
    done_by: int | None
    notes: str | None
    county_to_confirm: bool

    def state(self, now: dt.datetime) -> str:
        """``done``, ``overdue`` or ``open``."""
        if self.done_at is not None:
            return "done"
        return "overdue" if now > self.due_at else "open"


def _specs() -> dict[str, ChecklistSpec]:
    codes = intake_codes()
    specs = {s.code: s for s in (*codes.csec_checklist, *codes.sb1322_steps)}
    specs[codes.disclosure_step.code] = codes.disclosure_step
    return specs


def view(row: ChecklistStep) -> StepView:
    """A row as a frozen view."""
    spec = _specs().get(row.step)
    return StepView(
        row.id,
        row.version,
        row.youth_id,
        row.episode_id,
        row.step,
        spec.label if spec else row.step,
        row.due_at,
        row.done_at,
        row.done_by,
        row.notes,
        spec.county_to_confirm if spec else False,
    )


def start_steps(
    session: Session,
    specs: Iterable[ChecklistSpec],
    *,
    youth_id: int,
    episode_id: int | None,
    screening_id: int | None,
    started_at: dt.datetime,
) -> list[ChecklistStep]:
    """Add the steps not already open for this youth (a re-screen does not duplicate them)."""
    open_steps = set(
        session.execute(
            select(ChecklistStep.step).where(
                ChecklistStep.youth_id == youth_id, ChecklistStep.done_at.is_(None)
            )
        ).scalars()
    )
    rows = [
        ChecklistStep(
            youth_id=youth_id,
            episode_id=episode_id,
            screening_id=screening_id,
            step=spec.code,
            due_at=started_at + dt.timedelta(hours=spec.sla_hours),
        )
        for spec in specs
        if spec.code not in open_steps
    ]
    session.add_all(rows)
    return rows


def steps_for_youth(session: Session, youth_id: int) -> list[StepView]:
    """Every step for a youth, soonest due first."""
    rows = (
        session.execute(
            select(ChecklistStep)
            .where(ChecklistStep.youth_id == youth_id)
            .order_by(ChecklistStep.due_at)
        )
        .scalars()
        .all()
    )
    return [view(r) for r in rows]


def complete_step(
    core: Core, actor: Actor, step_id: int, expected_version: int, notes: str | None = None
) -> StepView:
    """Mark a step done, stamped with who and when."""
    core.require(actor, Action.CHECKLIST_UPDATE, record_kind="checklist_step", record_id=step_id)
    text = clean_text("notes", notes, required=False, max_length=2000, multiline=True)
    with core.write() as session:
        row = session.get(ChecklistStep, step_id)
        if row is None:
            raise NotFound(f"checklist step {step_id}: no such step")
        if row.version != expected_version:
            raise ConflictError(
                f"checklist step {step_id}: someone else updated it first",
                current_version=row.version,
            )
        if row.done_at is not None:
            raise RuleRefused(f"checklist step {step_id}: already done")
        row.done_at, row.done_by, row.notes = core.now(), actor.user_id, text
        core.audit(
            session,
            actor,
            "checklist.done",
            record_kind="youth",
            record_id=row.youth_id,
            detail=row.step,
        )
        session.flush()
        return view(row)
