"""The legal clocks of custody episodes, computed from stored times and the judicial calendar.

One computation serves the in-custody board, ``youth show``, the intake result and the stored
deadlines the CSEC report counts (``legal_deadlines``), so they never disagree. An event counts
from the episode's own times and from held hearings: a held detention, jurisdiction, disposition
or 241.1 hearing (the hearing types whose limit is that rule in the county's hearing list) meets
the deadline of the youth's episode that was running when it was held, i.e. the latest episode
whose custody began at or before the hearing. The earlier of the two times counts.

Every query here names its columns (never a whole entity), so the schema migration that first
stores deadlines can run it against the tables as they were at that revision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from girlscourt.db.models import (
    Charge,
    CourtCase,
    CustodyEpisode,
    DetentionAssessment,
    Hearing,
    Youth,
)
from girlscourt.domain.court_orders import BASIS_TEXT, CONSENT, TIME_WAIVER
from girlscourt.domain.deadlines import (
    RULE_241_1,
    RULE_632A,
    RULE_657,
    RULE_702,
    Deadline,
    EpisodeTimes,
    LimitExtension,
    compute_deadlines,
)
from girlscourt.domain.dependency_rules import brings_241_1
from girlscourt.domain.hearing_rules import CONTINUED, HELD, consented_limit, load_hearing_catalog
from girlscourt.domain.judicial_calendar import JudicialCalendar

# What a held hearing of each limit stands for on the episode.
DETENTION, JURISDICTION, DISPOSITION, DUAL_STATUS = (
    "detention",
    "jurisdiction",
    "disposition",
    "dual_status",
)
_EVENT_OF_LIMIT = {
    RULE_632A: DETENTION,
    RULE_657: JURISDICTION,
    RULE_702: DISPOSITION,
    RULE_241_1: DUAL_STATUS,
}


class EpisodeFields(Protocol):
    """The episode columns a clock needs (an ORM row or a plain result row)."""

    @property
    def id(self) -> int: ...
    @property
    def youth_id(self) -> int: ...
    @property
    def custody_start_at(self) -> dt.datetime: ...
    @property
    def petition_filed_at(self) -> dt.datetime | None: ...
    @property
    def detention_hearing_at(self) -> dt.datetime | None: ...
    @property
    def jurisdiction_at(self) -> dt.datetime | None: ...
    @property
    def released_at(self) -> dt.datetime | None: ...
    @property
    def on_probation(self) -> bool: ...
    @property
    def warrant(self) -> bool: ...
    @property
    def claimed_adult(self) -> bool: ...
    @property
    def review_631b_at(self) -> dt.datetime | None: ...


EPISODE_COLUMNS = (
    CustodyEpisode.id,
    CustodyEpisode.youth_id,
    CustodyEpisode.custody_start_at,
    CustodyEpisode.petition_filed_at,
    CustodyEpisode.detention_hearing_at,
    CustodyEpisode.jurisdiction_at,
    CustodyEpisode.released_at,
    CustodyEpisode.on_probation,
    CustodyEpisode.warrant,
    CustodyEpisode.claimed_adult,
    CustodyEpisode.review_631b_at,
)
"""Select these (``select(*EPISODE_COLUMNS)``) to get rows :func:`episode_deadlines` accepts."""


@dataclass(frozen=True)
class HeldHearing:
    """The earliest held hearing of one kind on an episode."""

    at: dt.datetime
    hearing_id: int


@dataclass(frozen=True)
class MetDeadline:
    """A deadline and, when a held hearing met it, that hearing."""

    deadline: Deadline
    hearing_id: int | None


@dataclass(frozen=True)
class EpisodeClock:
    """An episode's deadlines, soonest first."""

    episode_id: int
    deadlines: tuple[Deadline, ...]

    def nearest_open(self) -> Deadline | None:
        """The open (or breached) deadline due first."""
        pending = [d for d in self.deadlines if d.state != "met"]
        return min(pending, key=lambda d: d.due) if pending else None


@dataclass(frozen=True)
class _Charge:
    level: str
    violent: bool
    weapon: bool


def _earliest(*values: dt.datetime | None) -> dt.datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


@dataclass(frozen=True)
class CourtOrders:
    """What the court ordered in an episode: detained or released at the detention hearing
    (with when), and the limits its continuances and time waivers moved."""

    detention_order: str | None = None
    ordered_at: dt.datetime | None = None
    extensions: tuple[LimitExtension, ...] = ()


def _times(
    episode: EpisodeFields,
    charges: Sequence[_Charge],
    decision: str | None,
    held: Mapping[str, HeldHearing],
    orders: CourtOrders = CourtOrders(),
    dependent: bool = False,
) -> EpisodeTimes:
    def heard(kind: str) -> dt.datetime | None:
        found = held.get(kind)
        return found.at if found else None

    detention_at = _earliest(episode.detention_hearing_at, heard(DETENTION))
    # The court decides detention (WIC 635, 636): its order at the detention hearing picks the
    # detained or not-detained limits; probation's intake decision stands only until then.
    if orders.detention_order is not None:
        detained = orders.detention_order == "detained"
    else:
        detained = decision == "detain" and detention_at is not None
    released_at = episode.released_at
    if orders.detention_order == "released" and released_at is None:
        released_at = orders.ordered_at
    return EpisodeTimes(
        custody_start_at=episode.custody_start_at,
        petition_filed_at=episode.petition_filed_at,
        detention_hearing_at=detention_at,
        jurisdiction_at=_earliest(episode.jurisdiction_at, heard(JURISDICTION)),
        disposition_at=heard(DISPOSITION),
        released_at=released_at,
        detained=detained,
        misdemeanour_only=bool(charges)
        and all(c.level in {"misdemeanor", "infraction"} for c in charges),
        non_violent=not any(c.violent or c.weapon for c in charges),
        not_on_probation=not episode.on_probation,
        warrantless=not episode.warrant,
        supervisor_approved_at=episode.review_631b_at,
        claimed_18_plus=episode.claimed_adult,
        dual_status_hearing_at=heard(DUAL_STATUS),
        dual_status_candidate=dependent,
        extensions=orders.extensions,
    )


def _hearing_kinds() -> dict[str, str]:
    """Hearing type code -> the event it stands for (from the county's hearing list)."""
    return {
        t.code: _EVENT_OF_LIMIT[t.limit]
        for t in load_hearing_catalog().types
        if t.limit in _EVENT_OF_LIMIT
    }


def _in_episode(columns: Sequence[Any], ids: Sequence[int], *where: Any) -> Any:
    """``columns`` of the hearings that fall in the episodes ``ids`` (episode id first).

    A hearing falls in the youth's latest episode that began at or before it, whichever
    episodes ``ids`` names; hearings on sealed petitions count too (the clock is a fact of the
    episode; who may see the hearing is another matter).
    """
    e, later = CustodyEpisode, aliased(CustodyEpisode)
    newer_episode = (
        select(later.id)
        .where(
            later.youth_id == e.youth_id,
            later.custody_start_at > e.custody_start_at,
            later.custody_start_at <= Hearing.scheduled_at,
        )
        .exists()
    )
    return (
        select(e.id, *columns)
        .join(CourtCase, CourtCase.youth_id == e.youth_id)
        .join(
            Hearing,
            and_(Hearing.case_id == CourtCase.id, Hearing.scheduled_at >= e.custody_start_at),
        )
        .where(e.id.in_(ids), ~newer_episode, *where)
        .order_by(Hearing.scheduled_at, Hearing.id)
    )


def held_hearings(session: Session, ids: Sequence[int]) -> dict[int, dict[str, HeldHearing]]:
    """Per episode, the earliest held hearing of each kind that falls in it (one statement)."""
    kinds = _hearing_kinds()
    if not ids or not kinds:
        return {}
    rows = session.execute(
        _in_episode(
            (Hearing.hearing_type, Hearing.scheduled_at, Hearing.id),
            ids,
            Hearing.outcome == HELD,
            Hearing.hearing_type.in_(sorted(kinds)),
        )
    ).all()
    found: dict[int, dict[str, HeldHearing]] = {}
    for episode_id, hearing_type, at, hearing_id in rows:
        found.setdefault(episode_id, {}).setdefault(
            kinds[hearing_type], HeldHearing(at, hearing_id)
        )
    return found


_RULE_OF_EVENT = {JURISDICTION: RULE_657, DISPOSITION: RULE_702}


def court_orders(session: Session, ids: Sequence[int], tz: ZoneInfo) -> dict[int, CourtOrders]:
    """Per episode, the court's detention order and the limits its continuances moved (two
    statements). A continuance moves the limit only with good cause, the youth's consent or a
    time waiver; one without any of them leaves it, so a late hearing reads as a breach."""
    kinds = _hearing_kinds()
    if not ids or not kinds:
        return {}
    found: dict[int, CourtOrders] = {}
    detention_types = sorted(code for code, kind in kinds.items() if kind == DETENTION)
    for episode_id, order, at in session.execute(
        _in_episode(
            (Hearing.detention_order, Hearing.scheduled_at),
            ids,
            Hearing.outcome == HELD,
            Hearing.hearing_type.in_(detention_types),
            Hearing.detention_order.is_not(None),
        )
    ):
        found.setdefault(episode_id, CourtOrders(order, at))
    moved = sorted(code for code, kind in kinds.items() if kind in _RULE_OF_EVENT)
    following = aliased(Hearing)
    catalog = load_hearing_catalog()
    extensions: dict[int, list[LimitExtension]] = {}
    for episode_id, hearing_type, consented, basis, waived_until, next_at in session.execute(
        _in_episode(
            (
                Hearing.hearing_type,
                Hearing.youth_consented,
                Hearing.continuance_basis,
                Hearing.time_waiver_until,
                following.scheduled_at,
            ),
            ids,
            Hearing.outcome == CONTINUED,
            Hearing.hearing_type.in_(moved),
        ).join(following, following.id == Hearing.continued_to_id)
    ):
        basis = basis or (CONSENT if consented else None)
        if basis not in BASIS_TEXT:
            continue
        next_day = next_at.astimezone(tz).date()
        if basis == CONSENT:
            until = consented_limit(next_day, catalog)
        elif basis == TIME_WAIVER and waived_until is not None:
            until = waived_until
        else:
            until = next_day
        reason = f"{BASIS_TEXT[basis]}, limit {until.isoformat()}"
        rule = _RULE_OF_EVENT[kinds[hearing_type]]
        extensions.setdefault(episode_id, []).append(LimitExtension(rule, until, reason, basis))
    for episode_id, moves in extensions.items():
        base = found.get(episode_id, CourtOrders())
        found[episode_id] = CourtOrders(base.detention_order, base.ordered_at, tuple(moves))
    return found


def _dependents(session: Session, episodes: Sequence[EpisodeFields]) -> set[int]:
    """The youths among these episodes whose dependency status brings WIC 241.1."""
    youth_ids = sorted({e.youth_id for e in episodes})
    return {
        youth_id
        for youth_id, status in session.execute(
            select(Youth.id, Youth.dependency_status).where(Youth.id.in_(youth_ids))
        )
        if brings_241_1(status)
    }


def episode_deadlines(
    session: Session,
    episodes: Sequence[EpisodeFields],
    calendar: JudicialCalendar,
    now: dt.datetime,
    tz: ZoneInfo,
    *,
    with_court_orders: bool = True,
) -> dict[int, list[MetDeadline]]:
    """Every deadline of each episode, with the held hearing that met it (six statements:
    charges, latest decisions, held hearings, dependency, the court's orders).

    ``with_court_orders=False`` leaves out what the schema before the court's orders cannot
    answer (the migration that first stored deadlines runs this code on that schema).
    """
    ids = [e.id for e in episodes]
    if not ids:
        return {}
    charges: dict[int, list[_Charge]] = {}
    for episode_id, level, violent, weapon in session.execute(
        select(Charge.episode_id, Charge.level, Charge.violent, Charge.weapon).where(
            Charge.episode_id.in_(ids)
        )
    ):
        charges.setdefault(episode_id, []).append(_Charge(level, bool(violent), bool(weapon)))
    decisions: dict[int, str] = {}
    for episode_id, decision in session.execute(
        select(DetentionAssessment.episode_id, DetentionAssessment.decision)
        .where(DetentionAssessment.episode_id.in_(ids))
        .order_by(DetentionAssessment.decided_at, DetentionAssessment.id)
    ):
        decisions[episode_id] = decision
    held = held_hearings(session, ids)
    orders = court_orders(session, ids, tz) if with_court_orders else {}
    dependents = _dependents(session, episodes)
    result: dict[int, list[MetDeadline]] = {}
    for e in episodes:
        hearings = held.get(e.id, {})
        by_time = {h.at: h.hearing_id for h in hearings.values()}
        times = _times(
            e,
            charges.get(e.id, []),
            decisions.get(e.id),
            hearings,
            orders.get(e.id, CourtOrders()),
            e.youth_id in dependents,
        )
        result[e.id] = [
            MetDeadline(d, by_time.get(d.met_at) if d.met_at is not None else None)
            for d in compute_deadlines(times, calendar, now, tz)
        ]
    return result


def clocks_for(
    session: Session,
    episodes: Sequence[EpisodeFields],
    calendar: JudicialCalendar,
    now: dt.datetime,
    tz: ZoneInfo,
) -> dict[int, EpisodeClock]:
    """Deadlines for many episodes, with their state at ``now`` (see :func:`episode_deadlines`)."""
    found = episode_deadlines(session, episodes, calendar, now, tz)
    return {
        episode_id: EpisodeClock(episode_id, tuple(m.deadline for m in met))
        for episode_id, met in found.items()
    }
