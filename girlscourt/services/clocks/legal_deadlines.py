"""Stored legal deadlines (``legal_deadline``), kept in step with what they are computed from.

The CSEC report counts deadline compliance in SQL, so every episode's deadlines are stored when
they change, by the same computation the in-custody board draws (``custody_clocks``):

* the intake, a later event on the episode (petition filed, hearing held, release, 631(b)
  approval) and a hearing's schedule, edit or outcome rewrite the episode's rows in their own
  transaction (the youth's episodes, for a hearing);
* a court-holiday change rewrites every episode whose counting can cross that day;
* ``girlscourt db recompute-deadlines`` (:func:`recompute_all`) rewrites them all, and the
  migration that created the table filled it the same way (:func:`backfill`).

Callers refresh after their audit event: on PostgreSQL that event locks the chain head until
commit, so two writers touching one episode refresh one after the other, each seeing the other's
committed facts; on SQLite a write transaction holds the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, delete, func, insert, select
from sqlalchemy.orm import Session

from girlscourt.db.base import utcnow
from girlscourt.db.models import CustodyEpisode, LegalDeadline
from girlscourt.domain.judicial_calendar import JudicialCalendar
from girlscourt.domain.permissions import Action
from girlscourt.services.clocks.court_calendar import calendar_in
from girlscourt.services.clocks.custody_clocks import (
    EPISODE_COLUMNS,
    MetDeadline,
    episode_deadlines,
)
from girlscourt.services.kernel.core import Actor, Core

_TABLE = cast(Table, LegalDeadline.__table__)
CHUNK = 500  # episodes per statement (keeps IN lists far below SQLite's variable limit)
_CITATION_LENGTH = 200


@dataclass(frozen=True)
class RecomputeReport:
    """What a full recomputation rewrote."""

    episodes: int
    deadlines: int
    calendar_version: str


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def refresh_episodes(
    session: Session,
    episode_ids: Iterable[int],
    calendar: JudicialCalendar,
    tz: ZoneInfo,
    now: dt.datetime,
    *,
    with_court_orders: bool = True,
) -> dict[int, list[MetDeadline]]:
    """Recompute and store the deadlines of these episodes (inside the caller's transaction);
    returns what was computed, with each deadline's state at ``now``."""
    ids = sorted(set(episode_ids))
    found: dict[int, list[MetDeadline]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(select(*EPISODE_COLUMNS).where(CustodyEpisode.id.in_(chunk))).all()
        computed = episode_deadlines(
            session, rows, calendar, now, tz, with_court_orders=with_court_orders
        )
        youth_of = {r.id: r.youth_id for r in rows}
        session.execute(
            delete(LegalDeadline).where(LegalDeadline.episode_id.in_(chunk)),
            execution_options={"synchronize_session": False},
        )
        values: list[dict[str, Any]] = [
            {
                "episode_id": episode_id,
                "youth_id": youth_of[episode_id],
                "hearing_id": m.hearing_id,
                "rule": m.deadline.rule,
                "citation": m.deadline.citation[:_CITATION_LENGTH],
                "due_at": m.deadline.due,
                "met_at": m.deadline.met_at,
                "calendar_version": calendar.version[:120],
                "computed_at": now,
                # Only with the court's orders: the backfill of an older revision has no column.
                **({"extended_by": m.deadline.extended_by} if with_court_orders else {}),
            }
            for episode_id, met in computed.items()
            for m in met
        ]
        if values:
            session.execute(insert(_TABLE), values)  # Core: one executemany
        found.update(computed)
    return found


def refresh_youths(
    session: Session,
    youth_ids: Iterable[int],
    calendar: JudicialCalendar,
    tz: ZoneInfo,
    now: dt.datetime,
) -> int:
    """Recompute every episode of these youths (after a hearing changed); returns how many."""
    youths = sorted(set(youth_ids))
    episode_ids: list[int] = []
    for chunk in [youths[i : i + CHUNK] for i in range(0, len(youths), CHUNK)]:
        episode_ids += session.execute(
            select(CustodyEpisode.id).where(CustodyEpisode.youth_id.in_(chunk))
        ).scalars()
    refresh_episodes(session, episode_ids, calendar, tz, now)
    return len(episode_ids)


def episodes_counting_across(session: Session, day: dt.date, tz: ZoneInfo) -> list[int]:
    """Episodes whose deadlines may count across ``day``: custody began by then and a deadline
    falls on or after it (a day a count never reaches, or a count that starts later, cannot
    move a due time). A day of margin each side covers the time-zone edge."""
    start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=2), dt.time.min, tzinfo=tz)
    e = CustodyEpisode
    return list(
        session.execute(
            select(LegalDeadline.episode_id)
            .join(e, e.id == LegalDeadline.episode_id)
            .where(LegalDeadline.due_at >= start.astimezone(dt.UTC), e.custody_start_at < end)
            .distinct()
        ).scalars()
    )


def refresh_for_day(
    session: Session, day: dt.date, calendar: JudicialCalendar, tz: ZoneInfo, now: dt.datetime
) -> int:
    """After a court-holiday change on ``day``: recompute the episodes it can affect."""
    ids = episodes_counting_across(session, day, tz)
    refresh_episodes(session, ids, calendar, tz, now)
    return len(ids)


def refresh(
    core: Core,
    session: Session,
    *,
    episode_ids: Iterable[int] = (),
    youth_ids: Iterable[int] = (),
) -> dict[int, list[MetDeadline]]:
    """The services' entry point: recompute with the calendar as this transaction sees it."""
    calendar = calendar_in(session, core.today())
    tz, now = core.settings.timezone, core.now()
    found = refresh_episodes(session, episode_ids, calendar, tz, now)
    youths = set(youth_ids)
    if youths:
        refresh_youths(session, youths, calendar, tz, now)
    return found


def _all_episodes(session: Session) -> list[int]:
    return list(session.execute(select(CustodyEpisode.id).order_by(CustodyEpisode.id)).scalars())


def _refresh_counting(
    session: Session,
    ids: Sequence[int],
    calendar: JudicialCalendar,
    tz: ZoneInfo,
    now: dt.datetime,
    *,
    with_court_orders: bool = True,
) -> int:
    """Refresh chunk by chunk, keeping only the count (a whole county's worth of episodes)."""
    total = 0
    for chunk in _chunks(ids):
        found = refresh_episodes(
            session, chunk, calendar, tz, now, with_court_orders=with_court_orders
        )
        total += sum(len(v) for v in found.values())
    return total


def recompute_all(core: Core, actor: Actor) -> RecomputeReport:
    """Rewrite every episode's stored deadlines (after a change of county time zone, a bulk
    import, or to check): one transaction, one audit event."""
    core.require(actor, Action.COURT_CONFIGURE)
    with core.write() as session:
        calendar = calendar_in(session, core.today())
        ids = _all_episodes(session)
        total = _refresh_counting(session, ids, calendar, core.settings.timezone, core.now())
        core.audit(
            session,
            actor,
            "deadlines.recompute",
            detail=f"episodes={len(ids)} deadlines={total}",
        )
    return RecomputeReport(len(ids), total, calendar.version)


def backfill(connection: Connection, tz: ZoneInfo) -> int:
    """Fill the table for a database that had none (the migration that creates it); returns the
    number of deadlines stored. No audit event: a schema upgrade changes no record."""
    now = utcnow()
    with Session(bind=connection) as session:  # joins the migration's transaction
        calendar = calendar_in(session, now.astimezone(tz).date())
        return _refresh_counting(  # the hearing table has no court orders yet at that revision
            session, _all_episodes(session), calendar, tz, now, with_court_orders=False
        )


def stored_count(session: Session) -> int:
    """How many deadlines are stored (for status lines and tests)."""
    return int(session.execute(select(func.count()).select_from(LegalDeadline)).scalar_one())
