"""The county CSEC protocol checklist: steps started for each identified youth, their targets,
who did each and when, and which are overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import ChecklistStep, CustodyEpisode, User, Youth
from girlscourt.domain.deadlines import Deadline
from girlscourt.domain.intake_rules import ChecklistSpec
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConflictError, NotFound, RuleRefused
from girlscourt.services.clocks.court_calendar import calendar_in
from girlscourt.services.clocks.custody_clocks import clocks_for
from girlscourt.services.codes.intake_codes import intake_codes
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security.sealing import youth_is_sealed


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
    report_details: bool = False  # a mandated report: completing it asks who, to whom, number
    reported_by: str | None = None
    reported_to: str | None = None
    report_number: str | None = None

    def state(self, now: dt.datetime) -> str:
        """``done``, ``overdue`` or ``open``."""
        if self.done_at is not None:
            return "done"
        return "overdue" if now > self.due_at else "open"


def _spec_for(row: ChecklistStep) -> ChecklistSpec | None:
    """The spec a stored step was started from.

    Two lists share codes (``child_welfare_report``): a step started by the SB 1322 refusal has
    neither episode nor screening, so it reads as that list's step; every other as the CSEC one.
    """
    codes = intake_codes()
    protective = row.episode_id is None and row.screening_id is None
    lists = (
        (codes.sb1322_steps, codes.csec_checklist)
        if protective
        else (codes.csec_checklist, codes.sb1322_steps)
    )
    for specs in (*lists, (codes.disclosure_step,)):
        for spec in specs:
            if spec.code == row.step:
                return spec
    return None


def view(row: ChecklistStep) -> StepView:
    """A row as a frozen view."""
    spec = _spec_for(row)
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
        spec.report_details if spec else False,
        row.reported_by,
        row.reported_to,
        row.report_number,
    )


def _clock_start(
    spec: ChecklistSpec, identified_at: dt.datetime, custody_at: dt.datetime | None
) -> dt.datetime:
    if spec.clock_from == "custody" and custody_at is not None:
        return custody_at
    return identified_at


def start_steps(
    session: Session,
    specs: Iterable[ChecklistSpec],
    *,
    youth_id: int,
    episode_id: int | None,
    screening_id: int | None,
    identified_at: dt.datetime,
    custody_at: dt.datetime | None = None,
) -> list[ChecklistStep]:
    """Add the steps not already open for this youth (a re-screen does not duplicate them).

    Each step's time runs from the event it names (``clock_from``): identification, or the
    start of custody; never from when the record was typed, so a late entry shows late steps.
    """
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
            due_at=_clock_start(spec, identified_at, custody_at)
            + dt.timedelta(hours=spec.sla_hours),
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


@dataclass(frozen=True)
class ReportDetails:
    """A mandated report as made: who made it, to whom (agency and person), its number."""

    reported_by: str | None = None
    reported_to: str | None = None
    report_number: str | None = None


def _checked_report(details: ReportDetails | None, required: bool) -> ReportDetails:
    details = details or ReportDetails()
    if not required:
        return ReportDetails()
    return ReportDetails(
        clean_text("reported_by", details.reported_by, required=True, max_length=120),
        clean_text("reported_to", details.reported_to, required=True, max_length=120),
        clean_text("report_number", details.report_number, required=True, max_length=60),
    )


def complete_step(
    core: Core,
    actor: Actor,
    step_id: int,
    expected_version: int,
    notes: str | None = None,
    report: ReportDetails | None = None,
) -> StepView:
    """Mark a step done, stamped with who and when (NotFound, audited, if sealing hides the
    youth: the step is part of her record). A mandated report needs who reported, to whom and
    the report number."""
    core.require(actor, Action.CHECKLIST_UPDATE, record_kind="checklist_step", record_id=step_id)
    text = clean_text("notes", notes, required=False, max_length=2000, multiline=True)
    if not actor.may(Action.SEALED_ACCESS):
        with core.read() as session:
            step = session.get(ChecklistStep, step_id)
            hidden = step is not None and youth_is_sealed(session, step.youth_id)
        if hidden:
            core.refuse(
                actor,
                "checklist.done",
                record_kind="checklist_step",
                record_id=step_id,
                detail="sealed",
            )
            raise NotFound(f"checklist step {step_id}: no such step")
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
        spec = _spec_for(row)
        made = _checked_report(report, spec is not None and spec.report_details)
        row.done_at, row.done_by, row.notes = core.now(), actor.user_id, text
        row.reported_by, row.reported_to = made.reported_by, made.reported_to
        row.report_number = made.report_number
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


@dataclass(frozen=True)
class ChecklistEntry:
    """A step as the record page lists it: its state now and who completed it."""

    step: StepView
    state: str
    done_by_name: str | None


@dataclass(frozen=True)
class EpisodeDeadlines:
    """One custody episode's statutory deadlines, soonest first."""

    episode_id: int
    custody_start_at: dt.datetime
    released_at: dt.datetime | None
    deadlines: tuple[Deadline, ...]


@dataclass(frozen=True)
class YouthChecklist:
    """The protocol steps and the custody deadlines of one youth, as of ``as_of``."""

    youth_id: int
    as_of: dt.datetime
    steps: tuple[ChecklistEntry, ...]
    episodes: tuple[EpisodeDeadlines, ...]

    @property
    def overdue(self) -> int:
        """How many steps are past their target and not done."""
        return sum(1 for entry in self.steps if entry.state == "overdue")


HEALTH_CHECKLIST_STEPS = frozenset({"medical_referral", "mental_health_referral"})
"""Steps that tell a health referral was made: only for roles that may see health referrals."""


def visible_steps(actor: Actor, steps: Sequence[StepView]) -> list[StepView]:
    """The steps this actor may see: none without the CSEC result (the steps exist only for an
    identified youth, so they tell the flag), and no health steps without health referrals."""
    if not actor.may(Action.SCREENING_VIEW_RESULT):
        return []
    health = actor.may(Action.REFERRAL_VIEW_HEALTH)
    return [s for s in steps if health or s.step not in HEALTH_CHECKLIST_STEPS]


def checklist_for_youth(core: Core, actor: Actor, youth_id: int) -> YouthChecklist:
    """A youth's protocol steps (soonest due first) and episode deadlines (newest episode first).

    Hidden by sealing like the record itself; the read is audited as part of the record. The
    steps are filtered by ``visible_steps`` (a DA or defender gets the deadlines only).
    """
    core.require(actor, Action.YOUTH_VIEW, record_kind="youth", record_id=youth_id)
    now = core.now()
    with core.read() as session:
        missing = session.get(Youth, youth_id) is None
        sealed_away = not actor.may(Action.SEALED_ACCESS) and youth_is_sealed(session, youth_id)
        hidden = not missing and sealed_away
    if hidden:
        core.refuse(
            actor, "checklist.view", record_kind="youth", record_id=youth_id, detail="sealed"
        )
    if missing or hidden:
        raise NotFound(f"youth {youth_id}: no such youth")
    with core.write() as session:
        steps = visible_steps(actor, steps_for_youth(session, youth_id))
        people = [s.done_by for s in steps if s.done_by is not None]
        names: dict[int, str] = {}
        if people:
            query = select(User.id, User.display_name).where(User.id.in_(set(people)))
            names = {user_id: name for user_id, name in session.execute(query)}
        episodes = (
            session.execute(
                select(CustodyEpisode)
                .where(CustodyEpisode.youth_id == youth_id)
                .order_by(CustodyEpisode.custody_start_at.desc(), CustodyEpisode.id.desc())
            )
            .scalars()
            .all()
        )
        calendar = calendar_in(session, core.today())
        clocks = clocks_for(session, episodes, calendar, now, core.settings.timezone)
        core.audit(session, actor, "checklist.view", record_kind="youth", record_id=youth_id)
        return YouthChecklist(
            youth_id,
            now,
            tuple(
                ChecklistEntry(
                    s, s.state(now), names.get(s.done_by) if s.done_by is not None else None
                )
                for s in steps
            ),
            tuple(
                EpisodeDeadlines(e.id, e.custody_start_at, e.released_at, clocks[e.id].deadlines)
                for e in episodes
            ),
        )
