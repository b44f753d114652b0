"""CSEC data compilation (DOMAIN 6.3): each figure computed in SQL, suppressed before it leaves."""

# Two stages. :func:`compute` runs thirteen grouped statements (no per-row loops in Python;
# ``metrics_intake`` and ``metrics_court`` hold them, ``metrics_base`` what they share) and returns
# the raw counts; ``publication.finish`` applies small-cell suppression and builds the tables and
# charts a screen or an export shows. :func:`csec_report` is the service: analysts always get the
# suppressed report; supervisors and administrators may see raw counts on screen, never in an
# export (``report_export`` always suppresses).
#
# Suppression is coordinated across tables: the quantities several tables publish (the totals of
# the equity breakdowns, the youth first identified, the screenings) are listed in
# ``publication.linked_cells`` and are shown or hidden alike everywhere
# (``suppression.suppress_linked``).
#
# Sealed records never count: every query goes through ``metrics_base._visible_youths``, which is
# the sealing service's rule (a youth is hidden when every petition she has is sealed); hearings on
# a sealed petition are left out too.
#
# Court deadline compliance reads the deadlines stored with each episode (``legal_deadline``, kept
# by ``clocks.legal_deadlines`` with the board's own computation).

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    CustodyEpisode,
)
from girlscourt.domain import suppression
from girlscourt.domain.intake_rules import IntakeCodes
from girlscourt.domain.permissions import Action, Role
from girlscourt.errors import ValidationError
from girlscourt.readmodels.csec_report import (
    COUNT,
    PERCENT,
    CsecReport,
    Period,
)
from girlscourt.services.codes.intake_codes import intake_codes
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.reports.metrics_base import (
    Metrics,
    RawFigure,
    _Context,
    _pct,
    identifying_levels,
    period_bounds,
)
from girlscourt.services.reports.metrics_court import (
    _court,
    _court_times,
    _deadline_compliance,
    _partnership,
    _referrals,
)
from girlscourt.services.reports.metrics_intake import (
    _breakdowns,
    _detention,
    _first_identifications,
    _identification,
    _screenings,
    _timeliness,
)
from girlscourt.services.reports.publication import finish


def compute(
    session: Session,
    period: Period,
    *,
    tz: dt.tzinfo,
    now: dt.datetime,
    codes: IntakeCodes | None = None,
) -> Metrics:
    """Every metric for ``period``, unsuppressed (callers publish only :func:`finish` output)."""
    codes = codes or intake_codes()
    lo, hi = period_bounds(period, tz)
    ctx = _Context(
        session, period, lo, hi, now, session.get_bind().dialect.name, identifying_levels()
    )
    breakdowns, detention_table, overall = _breakdowns(ctx, codes)
    distribution, triggers = _screenings(ctx)
    first = _first_identifications(ctx)
    identified = _identification(ctx, first)
    timeliness = _timeliness(ctx, first, codes)
    band_decision, reasons, detention_figures = _detention(ctx)
    referrals = _referrals(ctx)
    stages, hearings = _court(ctx)
    deadlines = _deadline_compliance(ctx)
    court_times = _court_times(ctx)
    mdt, trainings = _partnership(ctx)
    intakes, screened = int(overall.get("intakes", 0)), int(overall.get("screened", 0))
    figures = [
        RawFigure("intakes", "Intakes", COUNT, intakes, cells=(("by_age", "total", "intakes"),)),
        RawFigure(
            "screening_rate",
            "Intakes screened",
            PERCENT,
            _pct(screened, intakes),
            screened,
            intakes,
            (("by_age", "total", "screened"), ("by_age", "total", "intakes")),
            "Intakes with a completed screening, of all intakes in the period.",
        ),
        RawFigure(
            "youth_identified",
            "Youth identified",
            COUNT,
            identified.total("total"),
            cells=(("identified_by_source", "total", "total"),),
            note="Each youth counted once, however many episodes.",
        ),
        RawFigure(
            "newly_identified",
            "Youth first identified",
            COUNT,
            identified.total("new"),
            cells=(("identified_by_source", "total", "new"),),
        ),
        *detention_figures,
        RawFigure(
            "status_only_intakes",
            "Intakes on status offences only (WIC 601)",
            COUNT,
            int(overall.get("status_only", 0)),
            cells=(("by_age", "total", "status_only"),),
            note="Runaway, truancy, curfew or beyond control, with no other charge.",
        ),
        RawFigure(
            "status_only_detained",
            "Status-offence-only intakes held securely (WIC 207)",
            COUNT,
            int(overall.get("status_only_detained", 0)),
            note="WIC 207 bars secure detention of a youth charged only with status offences, "
            "save its narrow exceptions (county data): each one here was held under one.",
        ),
        RawFigure(
            "deadlines_breached",
            "Court deadlines breached",
            COUNT,
            deadlines.total("breached"),
            cells=(("deadlines", "total", "breached"),),
            note="Statutory deadlines due in the period that were breached (WIC 631-702).",
        ),
        RawFigure(
            "mdt_meetings",
            "MDT meetings held",
            COUNT,
            mdt.column("count")[0],
            cells=(("mdt", "meetings", "count"),),
        ),
    ]
    tables = (
        distribution,
        triggers,
        identified,
        timeliness,
        band_decision,
        reasons,
        detention_table,
        referrals,
        stages,
        hearings,
        deadlines,
        court_times,
        mdt,
        trainings,
        *breakdowns,
    )
    return Metrics(period, now, tables, tuple(figures), ctx.statements)


# --- the service ---------------------------------------------------------------------------------


def configured_threshold(core: Core) -> int:
    """The county's small-cell threshold (settings ``small_cell_threshold``; default 11)."""
    value = core.settings.values.get("small_cell_threshold", suppression.DEFAULT_THRESHOLD)
    return int(value) if isinstance(value, int) and value >= 2 else suppression.DEFAULT_THRESHOLD


def csec_report(
    core: Core,
    actor: Actor,
    period: Period,
    *,
    suppress: bool = True,
    threshold: int | None = None,
) -> CsecReport:
    """The CSEC report for ``period``. Analysts always get it suppressed; a threshold may be
    raised, never lowered below the configured one. Each view is audited (no names)."""
    core.require(actor, Action.REPORT_AGGREGATE)
    configured = configured_threshold(core)
    if threshold is None:
        threshold = configured
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < configured:
        raise ValidationError("threshold", f"must be a whole number of at least {configured}")
    if actor.role == Role.ANALYST:
        suppress = True
    with core.write() as session:
        metrics = compute(session, period, tz=core.settings.timezone, now=core.now())
        core.audit(
            session,
            actor,
            "report.view",
            record_kind="report",
            detail=f"csec {period.label()} suppressed={suppress}",
        )
    return finish(metrics, suppress=suppress, threshold=threshold)


def housing_units(core: Core, actor: Actor) -> tuple[str, ...]:
    """The housing units intakes were recorded in, for the reports page's unit filter."""
    core.require(actor, Action.REPORT_AGGREGATE)
    unit = CustodyEpisode.housing_unit
    with core.read() as session:
        found = session.execute(select(unit).where(unit.is_not(None)).distinct().order_by(unit))
        return tuple(str(u) for (u,) in found)
