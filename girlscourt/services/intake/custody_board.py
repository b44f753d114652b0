"""The in-custody board: every detained youth, nearest deadline first, overdue steps shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from girlscourt.db.models import AuditEvent, ChecklistStep, CustodyEpisode, Youth
from girlscourt.domain.deadlines import Deadline, hours_left
from girlscourt.domain.intake_rules import AgeLimits
from girlscourt.domain.names import initials
from girlscourt.domain.permissions import Action
from girlscourt.services.clocks.court_calendar import calendar_in
from girlscourt.services.clocks.custody_clocks import clocks_for
from girlscourt.services.codes.intake_codes import intake_codes
from girlscourt.services.intake.protocol_checklist import HEALTH_CHECKLIST_STEPS
from girlscourt.services.kernel import partner_scope
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing


@dataclass(frozen=True)
class BoardRow:
    """One youth in custody."""

    episode_id: int
    youth_id: int
    initials: str
    display_name: str
    housing_unit: str | None
    custody_start_at: dt.datetime
    nearest: Deadline | None
    hours_left: float | None
    deadlines: tuple[Deadline, ...]
    overdue_steps: int
    warnings: tuple[str, ...] = ()  # e.g. she turned 18 while detained


DEFAULT_LIMITS = AgeLimits()


def age_warnings(
    dob: dt.date, custody_on: dt.date, today: dt.date, limits: AgeLimits = DEFAULT_LIMITS
) -> tuple[str, ...]:
    """A youth who turned 18 while detained (or turns 18 soon), and one whose juvenile court
    jurisdiction ends soon or has ended (WIC 607): housing (WIC 208.5) and the case need a look.
    The ages and the notice are county data (``age_limits`` in the intake codes)."""
    soon = today + dt.timedelta(days=limits.warn_days)
    warnings: list[str] = []
    adult = _birthday(dob, limits.adult_age)
    if custody_on < adult <= today:
        warnings.append(
            f"Turned {limits.adult_age} on {adult:%m/%d/%Y} while detained: review housing and "
            "jurisdiction (WIC 208.5)"
        )
    elif today < adult <= soon:
        warnings.append(
            f"Turns {limits.adult_age} on {adult:%m/%d/%Y}: review housing and jurisdiction "
            "(WIC 208.5)"
        )
    end = _birthday(dob, limits.jurisdiction_end_age)
    if end <= soon:
        verb = "ended" if end <= today else "ends"
        warnings.append(
            f"Juvenile court jurisdiction {verb} at {limits.jurisdiction_end_age} on "
            f"{end:%m/%d/%Y} (WIC 607)"
        )
    return tuple(warnings)


def _local_day(moment: dt.datetime, core: Core) -> dt.date:
    return moment.astimezone(core.settings.timezone).date()


def _birthday(dob: dt.date, years: int) -> dt.date:
    """The day she turns ``years`` (a 29 February birthday counts from 1 March)."""
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return dt.date(dob.year + years, 3, 1)


def in_custody_board(core: Core, actor: Actor) -> tuple[BoardRow, ...]:
    """Everyone in custody now, sorted by the deadline due first (breached ones on top).

    Youth hidden by sealing are left out (custodian excepted); a partner sees only the youth
    assigned to her.
    """
    core.require(actor, Action.YOUTH_SEARCH)
    now = core.now()
    with core.read() as session:
        statement = (
            select(
                CustodyEpisode,
                Youth.legal_first_name,
                Youth.legal_last_name,
                Youth.preferred_name,
                Youth.initials_override,
                Youth.dob,
            )
            .join(Youth, Youth.id == CustodyEpisode.youth_id)
            .where(CustodyEpisode.released_at.is_(None))
        )
        if not actor.may(Action.SEALED_ACCESS):  # a sealed youth is on no list but the custodian's
            statement = statement.where(sealing.visible_youth_filter(CustodyEpisode.youth_id))
        scope = partner_scope.scope_filter(core, actor, CustodyEpisode.youth_id)
        if scope is not None:  # a partner sees only her assigned youth
            statement = statement.where(scope)
        rows = session.execute(statement).all()
        episodes = [r[0] for r in rows]
        calendar = calendar_in(session, core.today())
        clocks = clocks_for(session, episodes, calendar, now, core.settings.timezone)
        overdue: dict[int, int] = {}
        if actor.may(Action.SCREENING_VIEW_RESULT):  # overdue CSEC steps tell the CSEC flag
            steps = (
                select(ChecklistStep.youth_id, func.count(ChecklistStep.id))
                .where(ChecklistStep.done_at.is_(None), ChecklistStep.due_at < now)
                .group_by(ChecklistStep.youth_id)
            )
            if not actor.may(Action.REFERRAL_VIEW_HEALTH):
                steps = steps.where(ChecklistStep.step.not_in(HEALTH_CHECKLIST_STEPS))
            overdue = {youth: count for youth, count in session.execute(steps)}
    board = []
    today = core.today()
    limits = intake_codes().age_limits
    for episode, first, last, preferred, override, dob in rows:
        clock = clocks[episode.id]
        nearest = clock.nearest_open()
        shown = f"{last}, {preferred or first}"
        board.append(
            BoardRow(
                episode.id,
                episode.youth_id,
                initials(first, last, override),
                shown,
                episode.housing_unit,
                episode.custody_start_at,
                nearest,
                hours_left(nearest, now) if nearest else None,
                clock.deadlines,
                int(overdue.get(episode.youth_id, 0)),
                age_warnings(dob, _local_day(episode.custody_start_at, core), today, limits),
            )
        )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    board.sort(key=lambda r: (r.nearest.due if r.nearest else far, r.display_name))
    return tuple(board)


def change_token(core: Core) -> int:
    """Changes whenever any workstation writes (every write appends an audit event).

    Open views poll this cheaply (an index-only max) to refresh themselves: PostgreSQL and
    SQLite alike, with no listener thread to keep alive.
    """
    with core.read() as session:
        return int(session.execute(select(func.coalesce(func.max(AuditEvent.id), 0))).scalar_one())
