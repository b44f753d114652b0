"""A youth's whole record as one interchange document (``youth show --json``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from girlscourt.db.models import (
    ContactRestriction,
    CourtCase,
    CustodyEpisode,
    Hearing,
    Petition,
    Referral,
    Screening,
)
from girlscourt.domain.permissions import Action
from girlscourt.interchange import youth_to_json
from girlscourt.services import protocol_checklist
from girlscourt.services.core import Actor, Core
from girlscourt.services.court_calendar import calendar_in
from girlscourt.services.custody_clocks import clocks_for
from girlscourt.services.sealing import visible_petition_filter
from girlscourt.services.youths import get_youth


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def youth_document(
    core: Core, actor: Actor, youth_id: int, access_reason: str | None = None
) -> dict[str, Any]:
    """The youth keys plus episodes, screenings, referrals, restrictions, hearings, checklist.

    Screenings carry their result level only; item responses come from
    ``screening_detail.screening_detail`` for roles with ``screening.view_detail``.
    """
    record = get_youth(core, actor, youth_id, access_reason)  # checks, audits, hides sealed
    document: dict[str, Any] = {"id": record.id, "version": record.version}
    document |= youth_to_json(record.data)
    document["initials"] = record.initials
    with core.read() as session:
        episodes = (
            session.execute(
                select(CustodyEpisode)
                .where(CustodyEpisode.youth_id == youth_id)
                .order_by(CustodyEpisode.custody_start_at)
            )
            .scalars()
            .all()
        )
        document["episodes"] = [
            {
                "id": e.id,
                "custody_start": _iso(e.custody_start_at),
                "released_at": _iso(e.released_at),
                "release_type": e.release_type,
                "housing_unit": e.housing_unit,
            }
            for e in episodes
        ]
        screenings = (
            session.execute(
                select(Screening)
                .where(Screening.youth_id == youth_id)
                .order_by(Screening.completed_at)
            )
            .scalars()
            .all()
        )
        document["screenings"] = [
            {
                "id": s.id,
                "instrument_id": s.instrument_id,
                "instrument_version": s.instrument_version,
                "result_level": s.result_level,
                "completed_at": _iso(s.completed_at),
            }
            for s in screenings
        ]
        referrals = (
            session.execute(
                select(Referral).where(Referral.youth_id == youth_id).order_by(Referral.id)
            )
            .scalars()
            .all()
        )
        document["referrals"] = [
            {"id": r.id, "type": r.referral_type, "status": r.status, "due_at": _iso(r.due_at)}
            for r in referrals
        ]
        restrictions = (
            session.execute(
                select(ContactRestriction)
                .where(ContactRestriction.youth_id == youth_id)
                .order_by(ContactRestriction.id)
            )
            .scalars()
            .all()
        )
        document["restrictions"] = [
            {
                "id": r.id,
                "channels": r.channels,
                "starts_on": _iso(r.starts_on),
                "ends_on": _iso(r.ends_on),
            }
            for r in restrictions
        ]
        hearing_query = (
            select(Hearing)
            .join(CourtCase, CourtCase.id == Hearing.case_id)
            .outerjoin(Petition, Petition.id == Hearing.petition_id)
            .where(CourtCase.youth_id == youth_id)
        )
        if not actor.may(Action.SEALED_ACCESS):  # hearings on a sealed petition vanish with it
            hearing_query = hearing_query.where(
                or_(Hearing.petition_id.is_(None), visible_petition_filter())
            )
        hearings = session.execute(hearing_query.order_by(Hearing.scheduled_at)).scalars().all()
        document["hearings"] = [
            {
                "id": h.id,
                "type": h.hearing_type,
                "scheduled_at": _iso(h.scheduled_at),
                "outcome": h.outcome,
            }
            for h in hearings
        ]
        now = core.now()
        document["checklist"] = [
            {
                "id": c.id,
                "step": c.step,
                "label": c.label,
                "due_at": _iso(c.due_at),
                "done_at": _iso(c.done_at),
                "state": c.state(now),
            }
            for c in protocol_checklist.steps_for_youth(session, youth_id)
        ]
        calendar = calendar_in(session, core.today())
        clocks = clocks_for(session, episodes, calendar, now, core.settings.timezone)
        document["deadlines"] = [
            {
                "episode_id": episode_id,
                "rule": d.rule,
                "citation": d.citation,
                "due": d.due.astimezone(core.settings.timezone).isoformat(),
                "state": d.state,
            }
            for episode_id, clock in clocks.items()
            for d in clock.deadlines
        ]
    return document
