"""CSEC metrics of what followed: referrals, court and Girls Court, deadline compliance, the
partnership.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Float,
    and_,
    case,
    cast,
    func,
    or_,
    select,
)

from girlscourt.db.models import (
    AssignmentEvent,
    CourtCase,
    CustodyEpisode,
    GirlsCourtAssignment,
    Hearing,
    LegalDeadline,
    MdtMeeting,
    Petition,
    Referral,
    SafetyPlanItem,
    StaffTraining,
)
from girlscourt.readmodels.csec_report import (
    DAYS,
    STAFF,
    Column,
    Value,
)
from girlscourt.services.reports.metrics_base import (
    ALWAYS_SHOWN_RULES,
    COURT_TIMES,
    DEADLINE_AXIS,
    DEADLINE_RULES,
    DEADLINE_STATES,
    HEARING_OUTCOMES,
    REFERRAL_OUTCOMES,
    REFERRAL_TYPE_LABELS,
    ChartSpec,
    RawTable,
    _Context,
    _f,
    _raw_table,
    _stats,
    _visible_youths,
)
from girlscourt.services.security.sealing import visible_petition_filter


def _referrals(ctx: _Context) -> RawTable:
    r = Referral
    outcome = case(
        *((r.status.in_(statuses), key) for key, _, statuses in REFERRAL_OUTCOMES),
        else_="other",
    )
    query = select(r.referral_type, outcome, func.count()).where(
        ctx.in_period(r.created_at), _visible_youths(r.youth_id)
    )
    if ctx.period.unit:
        query = query.where(r.episode_id.in_(ctx.unit_episodes()))
    cells: dict[str, dict[str, Value]] = {}
    for kind, bucket, n in ctx.run(query.group_by(r.referral_type, outcome)):
        cells.setdefault(str(kind), {})[str(bucket)] = int(n)
    order = list(REFERRAL_TYPE_LABELS)
    kinds = sorted(cells, key=lambda k: (order.index(k) if k in order else 99, k))
    columns = [Column(k, label, additive=True) for k, label, _ in REFERRAL_OUTCOMES]
    if any("other" in c for c in cells.values()):
        columns.append(Column("other", "Other", additive=True))
    return _raw_table(
        "referrals",
        "Referrals made in the period, by type and where they stand now",
        "Referral type",
        (*columns, Column("total", "Total")),
        [
            (k, REFERRAL_TYPE_LABELS.get(k, k.replace("_", " ").capitalize()), cells[k])
            for k in kinds
        ],
        chart=ChartSpec("horizontal", ("total",), "referrals", "Referrals by type"),
    )


def _court(ctx: _Context) -> tuple[RawTable, RawTable]:
    """Girls Court referrals, admissions, completions and exits; hearings held or continued."""
    gca, ev = GirlsCourtAssignment, AssignmentEvent
    visible = _visible_youths(gca.youth_id)

    def event_count(status: str) -> Any:
        return (
            select(func.count())
            .select_from(ev)
            .join(gca, gca.id == ev.assignment_id)
            .where(ev.status == status, ctx.in_period(ev.at), visible)
            .scalar_subquery()
        )

    referred = (
        select(func.count())
        .select_from(gca)
        .where(ctx.in_period(gca.referred_at), visible)
        .scalar_subquery()
    )
    admitted = (
        select(func.count())
        .select_from(gca)
        .where(gca.accepted_on >= ctx.period.start, gca.accepted_on <= ctx.period.end, visible)
        .scalar_subquery()
    )
    (counts,) = ctx.run(select(referred, admitted, event_count("completed"), event_count("exited")))
    stage_rows = [
        ("referred", "Referred to Girls Court", counts[0]),
        ("admitted", "Admitted (accepted)", counts[1]),
        ("completed", "Completed (graduated)", counts[2]),
        ("exited", "Exited without completing", counts[3]),
    ]
    unit_note = " Not limited to a housing unit." if ctx.period.unit else ""
    stages = _raw_table(
        "girls_court",
        "Girls Court",
        "Stage",
        (Column("youth", "Youth"),),
        [(k, label, {"youth": int(n)}) for k, label, n in stage_rows],
        total_row=False,
        note="Referrals by referral date, admissions by acceptance date, completions and exits "
        "by the date recorded." + unit_note,
        chart=ChartSpec("bar", ("youth",), "youth", "Girls Court"),
    )
    h, c, p = Hearing, CourtCase, Petition
    outcome = func.coalesce(h.outcome, "none")
    open_petition = h.petition_id.in_(select(p.id).where(visible_petition_filter(p.sealing_state)))
    query = (
        select(h.girls_court, outcome, func.count())
        .join(c, c.id == h.case_id)
        .where(ctx.in_period(h.scheduled_at), _visible_youths(c.youth_id))
        .where(or_(h.petition_id.is_(None), open_petition))
        .group_by(h.girls_court, outcome)
    )
    cells: dict[str, dict[str, Value]] = {}
    for girls_court, result, n in ctx.run(query):
        cells.setdefault("girls_court" if girls_court else "other", {})[str(result)] = int(n)
    hearings = _raw_table(
        "hearings",
        "Hearings held and continued",
        "Calendar",
        (
            *(Column(k, label, additive=True) for k, label in HEARING_OUTCOMES),
            Column("total", "Total"),
        ),
        [
            ("girls_court", "Girls Court", cells.get("girls_court", {})),
            ("other", "Other juvenile calendars", cells.get("other", {})),
        ],
        note="Hearings scheduled in the period." + unit_note,
        chart=ChartSpec("stacked", ("held", "continued", "off_calendar", "none"), "hearings"),
    )
    return stages, hearings


def _deadline_compliance(ctx: _Context) -> RawTable:
    """Statutory deadlines due in the period, met in time, breached or not yet due, per rule.

    The state is taken at the period's end, or now when the period has not ended: met when the
    satisfying event happened by then and by the due time; breached when it happened late, or
    had not happened by then and the due time had passed; otherwise not yet due. That is the
    board's rule (``deadlines.deadline_state``) applied at that moment. The stored due time is
    the limit as the court left it: a continuance for good cause (WIC 682), on the youth's
    consent, or a time waiver moved it, and a deadline met within such a limit is counted
    apart ("met within a limit the court extended"), never as a breach.
    """
    ld = LegalDeadline
    as_of = ctx.at(min(ctx.hi, ctx.now))
    known = and_(ld.met_at.is_not(None), ld.met_at <= as_of)
    state = case(
        (and_(known, ld.met_at <= ld.due_at, ld.extended_by.is_not(None)), "met_extended"),
        (and_(known, ld.met_at <= ld.due_at), "met"),
        (known, "breached"),
        (ld.due_at < as_of, "breached"),
        else_="pending",
    )
    query = select(ld.rule, state, func.count()).where(
        ctx.in_period(ld.due_at), _visible_youths(ld.youth_id)
    )
    if ctx.period.unit:
        query = query.where(ld.episode_id.in_(ctx.unit_episodes()))
    cells: dict[str, dict[str, Value]] = {}
    for rule, bucket, n in ctx.run(query.group_by(ld.rule, state)):
        cells.setdefault(str(rule), {})[str(bucket)] = int(n)
    labels = dict(DEADLINE_RULES)
    order = [r for r, _ in DEADLINE_RULES]
    rules = [r for r in order if r in ALWAYS_SHOWN_RULES or r in cells]
    rules += sorted(r for r in cells if r not in order)
    return _raw_table(
        "deadlines",
        "Court deadline compliance",
        "Statutory deadline",
        (
            *(Column(k, label, additive=True) for k, label in DEADLINE_STATES),
            Column("total", "Deadlines due"),
        ),
        [(r, labels.get(r, r), cells.get(r, {})) for r in rules],
        note="Deadlines of custody episodes falling due in the period, as of the period's end "
        "(or now). Met: the release, petition or hearing came by the due time. Met within a "
        "limit the court extended: a continuance for good cause (WIC 682), on the youth's "
        "consent, or a time waiver moved the limit, and the hearing came by the new one. "
        "Breached: it came late, or had not come when the due time passed. Judicial days "
        "follow the county court calendar.",
        chart=ChartSpec(
            "stacked",
            ("met", "breached", "pending", "met_extended"),  # breached keeps the warm colour
            "deadlines",
            short_labels=DEADLINE_AXIS,
        ),
    )


def _court_times(ctx: _Context) -> RawTable:
    """Days from custody to the jurisdiction and disposition hearings held in the period."""
    ld, e = LegalDeadline, CustodyEpisode
    kinds = {rule: key for rule, key, _ in COURT_TIMES}
    days = ctx.hours(ld.met_at, e.custody_start_at) / 24.0
    query = (
        select(
            case(*((ld.rule == rule, key) for rule, key in kinds.items())).label("k"),
            cast(days, Float).label("v"),
        )
        .join(e, e.id == ld.episode_id)
        .where(
            ld.rule.in_(list(kinds)),
            ld.met_at >= ctx.at(ctx.lo),
            ld.met_at < ctx.at(min(ctx.hi, ctx.now)),
            _visible_youths(ld.youth_id),
        )
    )
    if ctx.period.unit:
        query = query.where(e.housing_unit == ctx.period.unit)
    values = query.subquery()
    found = {
        str(k): (int(n), _f(p50), _f(p90))
        for k, n, p50, p90 in ctx.run(
            _stats(ctx, values, (0.5, 0.9), lambda c: [func.count().label("n")])
        )
    }
    return _raw_table(
        "court_times",
        "Days from custody to the jurisdiction and disposition hearings",
        "Interval",
        (
            Column("episodes", "Hearings held"),
            Column("median", "Median (days)", DAYS, basis=("episodes",)),
            Column("p90", "90th pct (days)", DAYS, basis=("episodes",)),
        ),
        [
            (
                key,
                label,
                dict(
                    zip(("episodes", "median", "p90"), found.get(key, (0, None, None)), strict=True)
                ),
            )
            for _, key, label in COURT_TIMES
        ],
        total_row=False,
        note="Episodes whose jurisdiction or disposition hearing was held in the period, counted "
        "from the start of custody.",
        chart=ChartSpec(
            "bar",
            ("median", "p90"),
            "days",
            "Days from custody to hearing",
            (("jurisdiction", "Jurisdiction"), ("disposition", "Disposition")),
        ),
    )


def _partnership(ctx: _Context) -> tuple[RawTable, RawTable]:
    """MDT meetings and staff trainings in the period."""
    m, item = MdtMeeting, SafetyPlanItem
    in_period = and_(ctx.in_period(m.held_at), _visible_youths(m.youth_id))
    meetings = select(func.count()).select_from(m).where(in_period).scalar_subquery()
    youth = select(func.count(func.distinct(m.youth_id))).where(in_period).scalar_subquery()
    items = (
        select(func.count())
        .select_from(item)
        .join(m, m.id == item.meeting_id)
        .where(in_period)
        .scalar_subquery()
    )
    done = (
        select(func.count())
        .select_from(item)
        .join(m, m.id == item.meeting_id)
        .where(in_period, item.done_on.is_not(None))
        .scalar_subquery()
    )
    (found,) = ctx.run(select(meetings, youth, items, done))
    mdt = _raw_table(
        "mdt",
        "Multidisciplinary team (MDT) meetings",
        "Measure",
        (Column("count", "Count"),),
        [
            ("meetings", "MDT meetings held", {"count": found[0]}),
            ("youth", "Youth discussed", {"count": found[1]}),
            ("items", "Safety-plan items agreed", {"count": found[2]}),
            ("items_done", "Safety-plan items done", {"count": found[3]}),
        ],
        total_row=False,
        note="Meetings held in the period, all units.",
    )
    t = StaffTraining
    rows = ctx.run(
        select(t.course, func.count(), func.count(func.distinct(t.user_id)), func.sum(t.hours))
        .where(t.completed_on >= ctx.period.start, t.completed_on <= ctx.period.end)
        .group_by(t.course)
        .order_by(t.course)
    )
    trainings = _raw_table(
        "trainings",
        "Staff trainings completed",
        "Course",
        (
            Column("completions", "Completions", STAFF),
            Column("staff", "Staff trained", STAFF),
            Column("hours", "Hours", STAFF),
        ),
        [
            (
                str(course),
                str(course).replace("_", " "),
                {"completions": n, "staff": people, "hours": round(float(hours or 0))},
            )
            for course, n, people, hours in rows
        ],
        note="Staff records, not youth records: never suppressed.",
    )
    return mdt, trainings
