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
    Youth,
)
from girlscourt.domain.dependency_rules import STATUSES
from girlscourt.domain.permissions import Action
from girlscourt.interchange import youth_to_json
from girlscourt.services.clocks.court_calendar import calendar_in
from girlscourt.services.clocks.custody_clocks import clocks_for
from girlscourt.services.court.cases import hidden_case_ids
from girlscourt.services.intake import protocol_checklist
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals.referral_records import visible_types_filter
from girlscourt.services.registry.youths import get_youth
from girlscourt.services.security.sealing import visible_petition_filter

# Sections a role receives only with the action named (field-level permissions).
_SECTIONS: tuple[tuple[str, Action], ...] = (
    ("screenings", Action.SCREENING_VIEW_RESULT),
    ("referrals", Action.REFERRAL_VIEW),
    ("restrictions", Action.RESTRICTION_VIEW),
    ("checklist", Action.SCREENING_VIEW_RESULT),
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def youth_document(
    core: Core, actor: Actor, youth_id: int, access_reason: str | None = None
) -> dict[str, Any]:
    """The youth keys plus episodes, screenings, referrals, restrictions, hearings, checklist.

    Screenings carry their result level only; item responses come from
    ``screening_detail.screening_detail`` for roles with ``screening.view_detail``. Each section
    is a field-level permission: a role without it never receives the section, whose name is
    listed in ``withheld_sections`` instead (screenings and the CSEC protocol checklist need
    ``screening.view_result``; referrals ``referral.view``, and health referrals also
    ``referral.view_health``, as do the protocol steps saying whether one was made;
    restrictions ``restriction.view``). A partner opens only an assigned youth (``get_youth``
    refuses the others).
    """
    record = get_youth(core, actor, youth_id, access_reason)  # checks, audits, hides sealed
    document: dict[str, Any] = {"id": record.id, "version": record.version}
    document |= youth_to_json(record.data)
    document["initials"] = record.initials
    if actor.may(Action.YOUTH_EDIT):  # child-welfare facts: not for read-only partners
        document["dependency"] = _dependency(core, youth_id)
    withheld = [section for section, action in _SECTIONS if not actor.may(action)]
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
        if "screenings" not in withheld:
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
        if "referrals" not in withheld:
            referral_query = select(Referral).where(Referral.youth_id == youth_id)
            types = visible_types_filter(actor)
            if types is not None:  # health referrals are a permission of their own
                referral_query = referral_query.where(types)
            referrals = session.execute(referral_query.order_by(Referral.id)).scalars().all()
            document["referrals"] = [
                {
                    "id": r.id,
                    "type": r.referral_type,
                    "status": r.status,
                    "due_at": _iso(r.due_at),
                }
                for r in referrals
            ]
        if "restrictions" not in withheld:
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
            cases = session.execute(select(CourtCase.id).where(CourtCase.youth_id == youth_id))
            sealed_whole = hidden_case_ids(session, cases.scalars())  # as ``cases_of_youth``
            if sealed_whole:  # so do those naming no petition on a case sealed whole
                hearing_query = hearing_query.where(Hearing.case_id.not_in(sorted(sealed_whole)))
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
        if "checklist" not in withheld:  # the CSEC protocol's steps tell the CSEC flag
            document["checklist"] = [
                {
                    "id": c.id,
                    "step": c.step,
                    "label": c.label,
                    "due_at": _iso(c.due_at),
                    "done_at": _iso(c.done_at),
                    "state": c.state(now),
                }
                for c in protocol_checklist.visible_steps(
                    actor, protocol_checklist.steps_for_youth(session, youth_id)
                )
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
    if withheld:
        document["withheld_sections"] = withheld
    return document


def _dependency(core: Core, youth_id: int) -> dict[str, Any]:
    """The youth's dependency status as it stands (the history is in the audit and the table)."""
    with core.read() as session:
        youth = session.get(Youth, youth_id)
        assert youth is not None
        return {
            "status": youth.dependency_status,
            "label": STATUSES.get(youth.dependency_status, youth.dependency_status),
            "since": youth.dependency_since.isoformat() if youth.dependency_since else None,
            "child_welfare_case_number": youth.child_welfare_case_number,
        }
