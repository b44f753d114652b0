"""The legal clocks of custody episodes, computed from stored times and the judicial calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import Charge, CustodyEpisode, DetentionAssessment
from girlscourt.domain.deadlines import Deadline, EpisodeTimes, compute_deadlines
from girlscourt.domain.judicial_calendar import JudicialCalendar


@dataclass(frozen=True)
class EpisodeClock:
    """An episode's deadlines, soonest first."""

    episode_id: int
    deadlines: tuple[Deadline, ...]

    def nearest_open(self) -> Deadline | None:
        """The open (or breached) deadline due first."""
        pending = [d for d in self.deadlines if d.state != "met"]
        return min(pending, key=lambda d: d.due) if pending else None


def _times(
    episode: CustodyEpisode, charges: Sequence[Charge], decision: str | None
) -> EpisodeTimes:
    return EpisodeTimes(
        custody_start_at=episode.custody_start_at,
        petition_filed_at=episode.petition_filed_at,
        detention_hearing_at=episode.detention_hearing_at,
        jurisdiction_at=episode.jurisdiction_at,
        released_at=episode.released_at,
        detained=decision == "detain" and episode.detention_hearing_at is not None,
        misdemeanour_only=bool(charges)
        and all(c.level in {"misdemeanor", "infraction"} for c in charges),
        non_violent=not any(c.violent or c.weapon for c in charges),
        not_on_probation=not episode.on_probation,
        warrantless=not episode.warrant,
        supervisor_approved_at=episode.review_631b_at,
        claimed_18_plus=episode.claimed_adult,
    )


def clocks_for(
    session: Session,
    episodes: Sequence[CustodyEpisode],
    calendar: JudicialCalendar,
    now: dt.datetime,
    tz: ZoneInfo,
) -> dict[int, EpisodeClock]:
    """Deadlines for many episodes with two queries (their charges, their latest decisions)."""
    ids = [e.id for e in episodes]
    if not ids:
        return {}
    charges: dict[int, list[Charge]] = {}
    for charge in session.execute(select(Charge).where(Charge.episode_id.in_(ids))).scalars():
        charges.setdefault(charge.episode_id, []).append(charge)
    decisions: dict[int, str] = {}
    for episode_id, decision in session.execute(
        select(DetentionAssessment.episode_id, DetentionAssessment.decision)
        .where(DetentionAssessment.episode_id.in_(ids))
        .order_by(DetentionAssessment.decided_at)
    ):
        decisions[episode_id] = decision
    return {
        e.id: EpisodeClock(
            e.id,
            tuple(
                compute_deadlines(
                    _times(e, charges.get(e.id, []), decisions.get(e.id)), calendar, now, tz
                )
            ),
        )
        for e in episodes
    }
