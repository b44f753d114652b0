"""The intake desk: record a custody episode with its charges, screening, risk score and
detention decision in one transaction; start the CSEC protocol; keep drafts of unfinished forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    Charge,
    CustodyEpisode,
    DetentionAssessment,
    Screening,
    User,
)
from girlscourt.domain.deadlines import Deadline
from girlscourt.domain.dependency_rules import is_dependent
from girlscourt.domain.instrument_scoring import score_risk, score_screening
from girlscourt.domain.instruments import Instrument, RiskResult, ScreeningResult
from girlscourt.domain.intake_rules import (
    FUTURE_GRACE,
    CheckedEpisode,
    DecisionInput,
    EpisodeInput,
    SB1322Refusal,
    check_decision,
    check_episode,
    require_aware,
    sb1322_notice,
)
from girlscourt.domain.permissions import Action, Role, allowed
from girlscourt.errors import NotFound, RuleRefused, ValidationError
from girlscourt.services.clocks import legal_deadlines
from girlscourt.services.clocks.court_calendar import calendar_in
from girlscourt.services.clocks.custody_clocks import EPISODE_COLUMNS, episode_deadlines
from girlscourt.services.codes.intake_codes import instrument, intake_codes
from girlscourt.services.intake import protocol_checklist
from girlscourt.services.intake.protocol_checklist import StepView
from girlscourt.services.kernel import retry
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing
from girlscourt.services.security.training import current_training


@dataclass(frozen=True)
class ScreeningInput:
    """The screening part of an intake: the officer's rating of each item."""

    instrument: str
    responses: Mapping[str, str]
    override_level: str | None = None
    override_reason: str | None = None
    disclosure: bool = False
    trigger: str = "intake"
    identified_at: dt.datetime | None = None  # when it was done; default: when it is saved


@dataclass(frozen=True)
class RiskInput:
    """The detention risk instrument's answers."""

    instrument: str
    answers: Mapping[str, str]


@dataclass(frozen=True)
class IntakeRequest:
    """Everything the officer entered for one intake."""

    episode: EpisodeInput
    screening: ScreeningInput | None = None
    risk: RiskInput | None = None
    decision: DecisionInput | None = None


@dataclass(frozen=True)
class IntakeResult:
    """What was recorded, with the clocks and the protocol steps it started."""

    episode_id: int
    screening_id: int | None
    assessment_id: int | None
    result_level: str | None
    recommended_band: str | None
    decision: str | None
    override_direction: str | None
    deadlines: tuple[Deadline, ...]
    checklist: tuple[StepView, ...] = field(default=())
    notices: tuple[str, ...] = ()  # what the officer must read: counts struck under SB 1322


def approver_allowed(officer: Actor, approver: Actor | None) -> bool | None:
    """None when nobody approved; otherwise whether ``approver`` may approve this override."""
    if approver is None:
        return None
    return (
        approver.may(Action.OVERRIDE_APPROVE)
        and approver.user_id != officer.user_id
        and (approver.role in {Role.SUPERVISOR, Role.ADMINISTRATOR})
    )


def preview_screening(data: ScreeningInput) -> ScreeningResult:
    """Score as the officer rates items (the live result on screen); nothing is saved."""
    tool = instrument(data.instrument, kind="screening", field="screening.instrument")
    return score_screening(tool, data.responses, data.override_level, data.override_reason)


def preview_risk(data: RiskInput) -> RiskResult:
    """Score the risk instrument so far (every item must be answered before saving)."""
    tool = instrument(data.instrument, kind="risk", field="risk.instrument")
    return score_risk(tool, data.answers)


def _score_screening(data: ScreeningInput) -> tuple[Instrument, ScreeningResult, str]:
    tool = instrument(data.instrument, kind="screening", field="screening.instrument")
    if data.disclosure:
        # The youth disclosed: the screening stops where it is and becomes a referral, never an
        # interrogation. The result is the instrument's highest level.
        scored = score_screening(tool, data.responses, complete=False)
        return tool, scored, tool.result_levels[-1].code
    scored = score_screening(
        tool, data.responses, data.override_level, data.override_reason, complete=True
    )
    return tool, scored, scored.final_level


def _require_training(session: Session, core: Core, actor: Actor, tool: Instrument) -> int:
    today = core.today()
    if not tool.licence_valid_on(today):
        raise RuleRefused(f"screening.instrument: {tool.key} is outside its licence window")
    training = current_training(session, actor.user_id, tool, today)
    if training is None:
        raise RuleRefused(
            f"screening: {actor.username} holds no current training for {tool.title}; "
            "a trained screener must complete it"
        )
    return training.id


def _protective_response(
    core: Core,
    actor: Actor,
    youth_id: int,
    custody_start_at: dt.datetime,
    operation_id: str,
    digest: str | None,
) -> None:
    """SB 1322: no booking; a child-welfare report and a CSEC screening start instead."""
    with core.write() as session:
        retry.record(session, operation_id, SB1322_KIND, youth_id, actor, digest)
        protocol_checklist.start_steps(
            session,
            intake_codes().sb1322_steps,
            youth_id=youth_id,
            episode_id=None,
            screening_id=None,
            identified_at=custody_start_at,
            custody_at=custody_start_at,
        )
        core.audit(
            session,
            actor,
            "intake.sb1322",
            record_kind="youth",
            record_id=youth_id,
            outcome="refused",
        )


INTAKE_KIND = "intake"
SB1322_KIND = "intake.sb1322"


def record_intake(
    core: Core,
    actor: Actor,
    request: IntakeRequest,
    approver: Actor | None = None,
    *,
    operation_id: str | None = None,
) -> IntakeResult:
    """Validate every part, then write the whole intake and its audit events in one transaction.

    ``operation_id`` (a UUID the caller generates once per intake and sends again on a retry)
    makes the save exactly-once: a lost connection re-runs the whole save, and a save already
    committed under that id answers with its first result instead of writing again.
    """
    digest = retry.request_digest(request)
    return retry.apply_once(
        core,
        actor,
        INTAKE_KIND,
        operation_id,
        lambda op: _record_intake(core, actor, request, approver, op, digest),
        lambda applied: _replay_intake(core, actor, request, applied),
        digest=digest,
    )


def _checked_episode(
    core: Core, actor: Actor, request: IntakeRequest
) -> tuple[CheckedEpisode, bool]:
    """The episode checked against the youth's age and rules (raises SB1322Refusal), and
    whether the youth is a dependent of the court (a youth sealing hides is unknown)."""
    codes = intake_codes()
    youth_id = request.episode.youth_id
    with core.read() as session:
        youth = sealing.visible_youth(
            core,
            session,
            actor,
            youth_id,
            action="intake.create",
            unknown=lambda: NotFound(f"youth_id: no youth {youth_id}"),
        )
        dob, dependent = youth.dob, is_dependent(youth.dependency_status)
    checked = check_episode(request.episode, dob, codes, core.settings.timezone, core.now())
    return checked, dependent


def _record_intake(
    core: Core,
    actor: Actor,
    request: IntakeRequest,
    approver: Actor | None,
    operation_id: str,
    digest: str | None = None,
) -> IntakeResult:
    core.require(
        actor, Action.INTAKE_RECORD, record_kind="youth", record_id=request.episode.youth_id
    )
    if request.screening is not None:
        core.require(actor, Action.SCREENING_RECORD)
    if request.decision is not None:
        core.require(actor, Action.DETENTION_DECIDE)
        if request.risk is None:
            raise ValidationError("risk", "a detention decision needs the risk instrument scored")
    codes = intake_codes()
    try:
        checked, dependent = _checked_episode(core, actor, request)
    except SB1322Refusal:
        _protective_response(
            core,
            actor,
            request.episode.youth_id,
            request.episode.custody_start_at,
            operation_id,
            digest,
        )
        raise
    screening = _score_screening(request.screening) if request.screening else None
    risk = preview_risk(request.risk) if request.risk else None
    direction = None
    if request.decision is not None and risk is not None:
        direction = check_decision(
            request.decision,
            risk.recommended_band,
            dependent=dependent,
            codes=codes,
            approver_may_approve=approver_allowed(actor, approver),
            status_only=checked.status_only,
        )
    with core.write() as session:
        episode = _write_episode(session, core, actor, checked)
        retry.record(session, operation_id, INTAKE_KIND, episode.id, actor, digest)
        screening_id = result_level = None
        if screening is not None and request.screening is not None:
            screening_id, result_level = _write_screening(
                session, core, actor, episode, request.screening, *screening
            )
        assessment_id = None
        if risk is not None and request.risk is not None:
            assessment_id = _write_assessment(
                session,
                core,
                actor,
                episode.id,
                request.risk,
                risk,
                request.decision,
                direction,
                approver,
            )
        session.flush()
        # The deadlines are stored (for the CSEC report) in this transaction, after the audit
        # events; the result shows the same ones, with their state now.
        deadlines = legal_deadlines.refresh(core, session, episode_ids=[episode.id])[episode.id]
        steps = protocol_checklist.steps_for_youth(session, episode.youth_id)
        return IntakeResult(
            episode.id,
            screening_id,
            assessment_id,
            result_level,
            risk.recommended_band if risk else None,
            request.decision.decision if request.decision else None,
            direction,
            tuple(m.deadline for m in deadlines),
            tuple(s for s in steps if s.episode_id == episode.id),
            (sb1322_notice(checked.struck),) if checked.struck else (),
        )


def _replay_intake(
    core: Core, actor: Actor, request: IntakeRequest, applied: retry.Applied
) -> IntakeResult:
    """The answer of an intake that already committed under this operation id (its
    acknowledgement was lost): the same ids and levels, its deadlines as they stand now."""
    if applied.kind == SB1322_KIND:
        _checked_episode(core, actor, request)  # raises the same SB1322Refusal as the first save
        raise RuleRefused("charges: this booking was already refused under SB 1322")
    episode_id = applied.record_id
    core.require(actor, Action.INTAKE_RECORD, record_kind="episode", record_id=episode_id)
    with core.write() as session:
        episode = session.get(CustodyEpisode, episode_id)
        if episode is None:
            raise NotFound(f"episode {episode_id}: no such custody episode")
        screening = (
            session.execute(
                select(Screening).where(Screening.episode_id == episode_id).order_by(Screening.id)
            )
            .scalars()
            .first()
        )
        assessment = (
            session.execute(
                select(DetentionAssessment)
                .where(DetentionAssessment.episode_id == episode_id)
                .order_by(DetentionAssessment.id)
            )
            .scalars()
            .first()
        )
        rows = session.execute(
            select(*EPISODE_COLUMNS).where(CustodyEpisode.id == episode_id)
        ).all()
        calendar = calendar_in(session, core.today())
        met = episode_deadlines(session, rows, calendar, core.now(), core.settings.timezone)
        steps = protocol_checklist.steps_for_youth(session, episode.youth_id)
        core.audit(
            session,
            actor,
            "operation.replay",
            record_kind="episode",
            record_id=episode_id,
            detail=INTAKE_KIND,
        )
        decision = assessment.decision if assessment is not None else None
        return IntakeResult(
            episode_id,
            screening.id if screening is not None else None,
            assessment.id if assessment is not None else None,
            screening.result_level if screening is not None else None,
            assessment.band if assessment is not None else None,
            None if decision == "pending" else decision,
            assessment.override_direction if assessment is not None else None,
            tuple(m.deadline for m in met.get(episode_id, [])),
            tuple(s for s in steps if s.episode_id == episode_id),
        )


def _write_episode(
    session: Session, core: Core, actor: Actor, checked: CheckedEpisode
) -> CustodyEpisode:
    data = checked.episode
    episode = CustodyEpisode(
        youth_id=data.youth_id,
        custody_start_at=data.custody_start_at,
        arresting_agency_id=data.arresting_agency_id,
        arresting_officer=data.arresting_officer,
        warrant=data.warrant,
        on_probation=data.on_probation,
        claimed_adult=data.claimed_adult,
        age_exception_reason=data.age_exception_reason if checked.needs_age_exception else None,
        petition_filed_at=data.petition_filed_at,
        detention_hearing_at=data.detention_hearing_at,
        released_at=data.released_at,
        release_type=data.release_type,
        housing_unit=data.housing_unit,
        created_by=actor.user_id,
        sb1322_struck=", ".join(c.code for c in checked.struck)[:200] or None,
        advocate_at_interview=data.advocate_at_interview,
        le_advocacy_referral=data.le_advocacy_referral,
    )
    session.add(episode)
    session.flush()
    session.add_all(
        Charge(
            episode_id=episode.id,
            code=c.code,
            description=c.description,
            level=c.level,
            violent=c.violent,
            weapon=c.weapon,
        )
        for c in checked.charges
    )
    core.audit(session, actor, "intake.create", record_kind="episode", record_id=episode.id)
    if checked.struck:  # SB 1322: the other counts book; the protective steps start, once
        protocol_checklist.start_steps(
            session,
            intake_codes().sb1322_steps,
            youth_id=data.youth_id,
            episode_id=episode.id,
            screening_id=None,
            identified_at=data.custody_start_at,
            custody_at=data.custody_start_at,
        )
        core.audit(
            session,
            actor,
            "intake.sb1322",
            record_kind="episode",
            record_id=episode.id,
            outcome="struck",
            detail=episode.sb1322_struck,
        )
    if checked.needs_age_exception:
        core.audit(
            session, actor, "intake.age_exception", record_kind="episode", record_id=episode.id
        )
    return episode


def _identified_at(data: ScreeningInput, episode: CustodyEpisode, now: dt.datetime) -> dt.datetime:
    """When the youth was identified: the screening's own time if given (a late entry), else
    now. The protocol steps' clocks run from it, never from the time it was typed."""
    if data.identified_at is None:
        return now
    require_aware("screening.identified_at", data.identified_at)
    if data.identified_at > now + FUTURE_GRACE:
        raise ValidationError("screening.identified_at", "is in the future")
    if data.identified_at < episode.custody_start_at:
        raise ValidationError(
            "screening.identified_at", "is before custody started (screen at or after intake)"
        )
    return data.identified_at


def _write_screening(
    session: Session,
    core: Core,
    actor: Actor,
    episode: CustodyEpisode,
    data: ScreeningInput,
    tool: Instrument,
    scored: ScreeningResult,
    level: str,
) -> tuple[int, str]:
    training_id = _require_training(session, core, actor, tool)
    now = core.now()
    identified = _identified_at(data, episode, now)
    row = Screening(
        youth_id=episode.youth_id,
        episode_id=episode.id,
        instrument_id=tool.id,
        instrument_version=tool.version,
        instrument_checksum=tool.checksum,
        screener_id=actor.user_id,
        training_id=training_id,
        trigger=data.trigger,
        responses=dict(data.responses),
        domain_scores={k: v.score for k, v in scored.domain_scores.items()},
        total_score=scored.total,
        computed_level=scored.computed_level,
        result_level=level,
        override_reason=None if data.disclosure else scored.override_reason,
        disclosure=data.disclosure,
        completed_at=now,
        identified_at=identified,
    )
    session.add(row)
    session.flush()
    core.audit(
        session,
        actor,
        "screening.create",
        record_kind="youth",
        record_id=episode.youth_id,
        detail=f"screening {row.id}",
    )
    codes = intake_codes()
    specs = []
    if data.disclosure:
        specs.append(codes.disclosure_step)
    if tool.level_rank(level) >= 1:  # anything above the lowest level identifies the youth
        specs.extend(codes.csec_checklist)
    if specs:
        protocol_checklist.start_steps(
            session,
            specs,
            youth_id=episode.youth_id,
            episode_id=episode.id,
            screening_id=row.id,
            identified_at=identified,
            custody_at=episode.custody_start_at,
        )
    return row.id, level


def _write_assessment(
    session: Session,
    core: Core,
    actor: Actor,
    episode_id: int,
    data: RiskInput,
    risk: RiskResult,
    decision: DecisionInput | None,
    direction: str | None,
    approver: Actor | None,
) -> int:
    tool = instrument(data.instrument, kind="risk", field="risk.instrument")
    now = core.now()
    row = DetentionAssessment(
        episode_id=episode_id,
        instrument_id=tool.id,
        instrument_version=tool.version,
        instrument_checksum=tool.checksum,
        answers=dict(data.answers),
        total_score=risk.total,
        band=risk.recommended_band,
        mandatory_category=risk.mandatory_category,
        decision=decision.decision if decision else "pending",
        detention_reason=",".join(decision.detention_reasons) if decision else None,
        override_direction=direction,
        override_reason_code=decision.override_reason_code if decision and direction else None,
        override_narrative=decision.override_narrative if decision and direction else None,
        approved_by=approver.user_id if direction and approver else None,
        approved_at=now if direction else None,
        decided_by=actor.user_id,
        decided_at=now,
    )
    session.add(row)
    session.flush()
    core.audit(
        session,
        actor,
        "detention.decide",
        record_kind="episode",
        record_id=episode_id,
        detail=f"override {direction}" if direction else None,
    )
    if direction and approver:
        core.audit(
            session, approver, "override.approve", record_kind="episode", record_id=episode_id
        )
    return row.id


def approver_from_credentials(core: Core, username: str, password: str) -> Actor:
    """A supervisor signs the override with their own password (audited as a login)."""
    from girlscourt.services.security.accounts import authenticate

    approver = authenticate(core, username, password)
    if approver.must_change_password and allowed(approver.role, Action.OVERRIDE_APPROVE):
        raise ValidationError(
            "approver",
            f"{approver.username} must choose a new password (signing in once) before approving",
        )
    if not approver.may(Action.OVERRIDE_APPROVE):
        raise ValidationError("approver", f"{approver.username} is not a supervisor")
    return approver


def screener_names(core: Core, ids: list[int]) -> dict[int, str]:
    """Display names of users, for showing who did what."""
    with core.read() as session:
        return dict(
            session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()
        )
