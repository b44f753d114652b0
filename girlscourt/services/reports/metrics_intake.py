"""CSEC metrics of intake: who came in (equity breakdowns), screening, identification, timeliness,
detention.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from girlscourt.db.models import (
    Charge,
    ChecklistStep,
    CustodyEpisode,
    DetentionAssessment,
    MdtMeeting,
    Referral,
    ReferralEvent,
    Screening,
    Youth,
)
from girlscourt.domain.intake_rules import IntakeCodes
from girlscourt.readmodels.csec_report import (
    COUNT,
    DAYS,
    HOURS,
    PERCENT,
    TARGET,
    Column,
    Value,
)
from girlscourt.services.codes.intake_codes import instruments, intake_codes
from girlscourt.services.reports.metrics_base import (
    ADVOCATE_REFERRAL_TYPES,
    AGE_GROUPS,
    DECISIONS,
    MILESTONES,
    SOURCES,
    TRIGGER_LABELS,
    ChartSpec,
    RawFigure,
    RawTable,
    _Context,
    _f,
    _pct,
    _raw_table,
    _stats,
    _visible_youths,
)

# --- the metrics ---------------------------------------------------------------------------------


def _episode_cte(ctx: _Context, status_codes: frozenset[str]) -> Any:
    """Intakes in the period with their demographics and what happened (one CTE).

    ``status_only``: every charge booked on the intake is a WIC 601 status offence (the county
    code list's ``status_offence`` codes, the rule ``ChargeSet.status_only`` applies at the desk).
    """
    e, y = CustodyEpisode, Youth
    s1, s2, s3 = aliased(Screening), aliased(Screening), aliased(Screening)
    # EXISTS over an id (not *) lets SQLite answer from a covering index.
    screened = select(s1.id).where(s1.episode_id == e.id).exists()
    identified_here = select(s2.id).where(s2.episode_id == e.id, ctx.identifying(s2)).exists()
    known_csec = (
        select(s3.id)
        .where(
            s3.youth_id == e.youth_id,
            s3.completed_at <= func.coalesce(e.released_at, ctx.at(ctx.now)),
            ctx.identifying(s3),
        )
        .exists()
    )
    c1, c2 = aliased(Charge), aliased(Charge)
    charged = select(c1.id).where(c1.episode_id == e.id).exists()
    other_charge = (
        select(c2.id).where(c2.episode_id == e.id, c2.code.not_in(sorted(status_codes))).exists()
    )
    status_only = and_(charged, ~other_charge) if status_codes else false()
    decision = (
        select(DetentionAssessment.decision)
        .where(DetentionAssessment.episode_id == e.id)
        .order_by(DetentionAssessment.decided_at.desc(), DetentionAssessment.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            e.id.label("id"),
            e.custody_start_at.label("start"),
            e.released_at.label("released"),
            y.gender_identity.label("gender"),
            y.race_ethnicity.label("race"),
            y.primary_language.label("language"),
            ctx.age(e.custody_start_at, y.dob).label("age"),
            case((screened, 1), else_=0).label("screened"),
            case((identified_here, 1), else_=0).label("identified"),
            case((known_csec, 1), else_=0).label("csec"),
            case((decision == "detain", 1), else_=0).label("detained"),
            case((status_only, 1), else_=0).label("status_only"),
        )
        .join(y, y.id == e.youth_id)
        .where(ctx.in_period(e.custody_start_at), _visible_youths(e.youth_id))
    )
    if ctx.period.unit:
        query = query.where(e.housing_unit == ctx.period.unit)
    return query.cte("ep").prefix_with("MATERIALIZED")  # computed once, read by every part


BREAKDOWNS = (
    ("age", "by_age", "Intakes by age at custody", "Age"),
    ("gender", "by_gender", "Intakes by gender identity", "Gender identity"),
    ("race", "by_race", "Intakes by race / ethnicity", "Race / ethnicity"),
    ("language", "by_language", "Intakes by primary language", "Language"),
)


def _breakdowns(
    ctx: _Context, codes: IntakeCodes
) -> tuple[list[RawTable], RawTable, dict[str, int]]:
    """One statement: intakes, screened, identified, detained and status-offence-only intakes by
    each equity dimension, by CSEC identification (for the detention table), and overall."""
    status_codes = frozenset(c.code for c in codes.charges.values() if c.status_offence)
    ep = _episode_cte(ctx, status_codes)
    age = ep.c.age
    age_key = case(
        (age.is_(None), "unknown"),
        (age <= 13, "13_under"),
        (age <= 15, "14_15"),
        (age <= 17, "16_17"),
        else_="18_over",
    )

    def text_key(column: Any) -> ColumnElement[str]:
        return func.lower(func.trim(func.coalesce(column, "")))

    keys: list[tuple[str, ColumnElement[Any], ColumnElement[Any]]] = [
        ("age", age_key, age_key),
        ("gender", text_key(ep.c.gender), ep.c.gender),
        ("race", text_key(ep.c.race), ep.c.race),
        ("language", text_key(ep.c.language), ep.c.language),
        ("csec", cast(ep.c.csec, String), cast(ep.c.csec, String)),
        ("all", literal("all", String), literal("all", String)),
    ]
    parts: list[Any] = [
        select(
            literal(dim, String).label("dim"),
            key.label("k"),
            func.min(label).label("label"),
            func.count().label("intakes"),
            func.sum(ep.c.screened).label("screened"),
            func.sum(ep.c.identified).label("identified"),
            func.sum(ep.c.detained).label("detained"),
            func.sum(ep.c.status_only).label("status_only"),
            func.sum(ep.c.status_only * ep.c.detained).label("status_only_detained"),
        ).group_by(key)
        for dim, key, label in keys
    ]
    # Length of stay of detained youth rides in the same statement (one pass over the CTE):
    # its median and 90th percentile come back in the screened / identified columns.
    stay = _length_of_stay(ctx, ep).subquery()
    parts.append(
        select(
            literal("los", String),
            stay.c.k,
            literal(None, String),
            literal(0, Integer),
            stay.c.p50,
            stay.c.p90,
            literal(0, Integer),
            literal(0, Integer),
            literal(0, Integer),
        )
    )
    los_rows: dict[str, tuple[float | None, float | None]] = {}
    merged = []
    for found_row in ctx.run(union_all(*parts)):
        if found_row[0] == "los":
            los_rows[str(found_row[1])] = (_f(found_row[4]), _f(found_row[5]))
        else:
            merged.append(found_row)
    rows = merged
    found: dict[str, list[tuple[str, str | None, dict[str, int]]]] = {}
    for dim, k, label, intakes, screened, identified, detained, status, held in rows:
        counts = {
            "intakes": int(intakes),
            "screened": int(screened or 0),
            "identified": int(identified or 0),
            "detained": int(detained or 0),
            "status_only": int(status or 0),
            "status_only_detained": int(held or 0),
        }
        found.setdefault(dim, []).append((str(k), label, counts))
    columns = (
        Column("intakes", "Intakes"),
        Column("screened", "Screened"),
        Column("identified", "Screening identified concern"),
        Column("detained", "Detained"),
        Column("status_only", "Status offences only (WIC 601)"),
    )
    tables = []
    for dim, key, title, header in BREAKDOWNS:
        entries = found.get(dim, [])
        if dim == "age":
            order = {k: i for i, (k, _) in enumerate(AGE_GROUPS)}
            labels = dict(AGE_GROUPS)
            body = sorted(((k, labels[k], c) for k, _, c in entries), key=lambda r: order[r[0]])
        else:
            body = sorted(
                ((k or "none", label or "Not recorded", c) for k, label, c in entries),
                key=lambda r: (r[0] == "none", -r[2]["intakes"], r[0]),
            )
        tables.append(
            _raw_table(
                key,
                title,
                header,
                columns,
                body,
                chart=ChartSpec("horizontal", ("intakes", "identified"), "intakes"),
            )
        )
    csec = {k: c for k, _, c in found.get("csec", [])}
    empty = {"intakes": 0, "screened": 0, "status_only": 0, "status_only_detained": 0}
    overall = found.get("all", [("all", None, empty)])[0][2]
    los = los_rows
    detention = _raw_table(
        "detention_csec",
        "Detention and length of stay: identified youth and others",
        "Youth",
        (
            Column("intakes", "Intakes"),
            Column("detained", "Detained"),
            Column("rate", "Detained (%)", PERCENT, basis=("detained", "intakes")),
            Column("los_median", "Median stay (days)", DAYS, basis=("detained",)),
            Column("los_p90", "90th pct stay (days)", DAYS, basis=("detained",)),
        ),
        [
            (
                key,
                label,
                {
                    "intakes": csec.get(flag, {}).get("intakes", 0),
                    "detained": csec.get(flag, {}).get("detained", 0),
                    "rate": _pct(
                        csec.get(flag, {}).get("detained", 0), csec.get(flag, {}).get("intakes", 0)
                    ),
                    "los_median": los.get(key, (None, None))[0],
                    "los_p90": los.get(key, (None, None))[1],
                },
            )
            for key, label, flag in (
                ("identified", "Identified (possible or clear concern, or disclosure)", "1"),
                ("other", "All other youth", "0"),
            )
        ],
        totals={
            "rate": _pct(
                sum(c.get("detained", 0) for c in csec.values()),
                sum(c.get("intakes", 0) for c in csec.values()),
            ),
            "los_median": los.get("total", (None, None))[0],
            "los_p90": los.get("total", (None, None))[1],
        },
        note="Stay: custody start to release, or to now for youth still detained. "
        "Identified: a screening identified concern before the episode ended.",
        chart=ChartSpec(
            "bar", ("los_median", "los_p90"), "days", "Length of stay of detained youth"
        ),
    )
    return tables, detention, overall


def _length_of_stay(ctx: _Context, ep: Any) -> Select[Any]:
    """Median and 90th percentile days in custody of detained youth, by identification."""
    days = ctx.hours(func.coalesce(ep.c.released, ctx.at(ctx.now)), ep.c.start) / 24.0
    group = case((ep.c.csec == 1, "identified"), else_="other")
    detained = ep.c.detained == 1
    values = union_all(
        select(group.label("k"), cast(days, Float).label("v")).where(detained),
        select(literal("total", String).label("k"), cast(days, Float).label("v")).where(detained),
    ).subquery()
    stats = _stats(ctx, values, (0.5, 0.9), lambda c: []).subquery()
    return select(stats.c.k, stats.c.p0.label("p50"), stats.c.p1.label("p90"))


def _screenings(ctx: _Context) -> tuple[RawTable, RawTable]:
    """Result levels by instrument and version, and screenings by trigger (one statement)."""
    s = Screening
    query = select(
        s.instrument_id, s.instrument_version, s.result_level, s.trigger, func.count()
    ).where(ctx.in_period(s.completed_at), _visible_youths(s.youth_id))
    if ctx.period.unit:
        query = query.where(s.episode_id.in_(ctx.unit_episodes()))
    rows = ctx.run(query.group_by(s.instrument_id, s.instrument_version, s.result_level, s.trigger))
    known = instruments()
    level_labels: dict[str, str] = {}
    level_order: dict[str, tuple[int, str]] = {}
    for tool in known.values():
        for rank, level in enumerate(tool.result_levels):
            level_labels.setdefault(level.code, level.label)
            level_order.setdefault(level.code, (rank, level.code))
    by_tool: dict[tuple[str, str], dict[str, Value]] = {}
    by_trigger: dict[str, int] = {}
    for instrument_id, version, level, trigger, n in rows:
        cell = by_tool.setdefault((instrument_id, version), {})
        cell[level] = int(cell.get(level) or 0) + int(n)
        by_trigger[trigger] = by_trigger.get(trigger, 0) + int(n)
        level_order.setdefault(level, (99, level))
    used = sorted({lv for cells in by_tool.values() for lv in cells}, key=lambda c: level_order[c])
    shipped = sorted(level_order, key=lambda c: level_order[c])
    levels = [lv for lv in shipped if lv in used or level_order[lv][0] < 99]
    body = []
    for (instrument_id, version), cells in sorted(by_tool.items()):
        found = known.get(f"{instrument_id}@{version}")
        name = (found.short_name or found.title) if found else instrument_id
        body.append((f"{instrument_id}@{version}", f"{name} {version}", cells))
    distribution = _raw_table(
        "screening_results",
        "Screening results by instrument and version",
        "Instrument",
        (
            *(Column(lv, level_labels.get(lv, lv), additive=True) for lv in levels),
            Column("total", "Total"),
        ),
        body,
        note="Every screening completed in the period, re-screens included.",
        chart=ChartSpec("stacked", tuple(levels), "screenings", "Screening results"),
    )
    triggers = _raw_table(
        "screening_triggers",
        "Screenings and re-screens by what triggered them",
        "Trigger",
        (Column("screenings", "Screenings"),),
        [
            (t, TRIGGER_LABELS.get(t, t.replace("_", " ").capitalize()), {"screenings": n})
            for t, n in sorted(by_trigger.items(), key=lambda kv: (kv[0] != "intake", kv[0]))
        ],
    )
    return distribution, triggers


def _first_identifications(ctx: _Context) -> Any:
    """Per youth identified in the period: the first identifying screening in it, its source,
    and whether it was the youth's first identification ever (de-duplicated across episodes)."""
    s, earlier = Screening, aliased(Screening)
    condition = and_(ctx.in_period(s.completed_at), ctx.identifying(s), _visible_youths(s.youth_id))
    if ctx.period.unit:
        condition = and_(condition, s.episode_id.in_(ctx.unit_episodes()))
    rank = func.row_number().over(partition_by=s.youth_id, order_by=(s.completed_at, s.id))
    ranked = (
        select(s.youth_id, s.completed_at, s.disclosure, s.trigger, rank.label("rn"))
        .where(condition)
        .subquery()
    )
    before = (
        select(earlier.id)
        .where(
            earlier.youth_id == ranked.c.youth_id,
            earlier.completed_at < ctx.at(ctx.lo),
            ctx.identifying(earlier),
        )
        .exists()
    )
    source = case(
        (ranked.c.disclosure.is_(True), "disclosure"),
        (ranked.c.trigger == "intake", "intake_screening"),
        else_="rescreen",
    )
    return (
        select(
            ranked.c.youth_id.label("youth_id"),
            ranked.c.completed_at.label("t0"),
            source.label("source"),
            case((before, 0), else_=1).label("new"),
        )
        .where(ranked.c.rn == 1)
        .cte("first_ident")
    )


def _identification(ctx: _Context, first: Any) -> RawTable:
    rows = ctx.run(
        select(first.c.source, first.c.new, func.count()).group_by(first.c.source, first.c.new)
    )
    cells: dict[str, dict[str, Value]] = {}
    for source, new, n in rows:
        cells.setdefault(str(source), {})["new" if int(new) else "known"] = int(n)
    return _raw_table(
        "identified_by_source",
        "Youth identified, by source (each youth counted once)",
        "Source of the first identification in the period",
        (
            Column("new", "First identified in the period", additive=True),
            Column("known", "Identified before (again in the period)", additive=True),
            Column("total", "Youth identified"),
        ),
        [(k, label, cells.get(k, {})) for k, label in SOURCES],
        note="Identified: a screening at any level above the lowest, or a disclosure.",
        chart=ChartSpec("stacked", ("new", "known"), "youth", "Youth identified by source"),
    )


def _timeliness(ctx: _Context, first: Any, codes: IntakeCodes) -> RawTable:
    """Hours from first identification to each protocol milestone (SQL percentiles)."""
    targets = {s.code: s.sla_hours for s in codes.csec_checklist}
    cohort = select(first.c.youth_id, first.c.t0).where(first.c.new == 1).subquery()
    youth, t0 = cohort.c.youth_id, cohort.c.t0
    ref, ev, step = Referral, ReferralEvent, ChecklistStep

    def referral_event(status: str) -> Any:
        return (
            select(func.min(ev.at))
            .join(ref, ref.id == ev.referral_id)
            .where(
                ref.youth_id == youth,
                ref.referral_type.in_(ADVOCATE_REFERRAL_TYPES),
                ev.to_status == status,
                ev.at >= t0,
            )
            .scalar_subquery()
        )

    def step_done(code: str) -> Any:
        return (
            select(func.min(step.done_at))
            .where(step.youth_id == youth, step.step == code, step.done_at >= t0)
            .scalar_subquery()
        )

    mdt = (
        select(func.min(MdtMeeting.held_at))
        .where(MdtMeeting.youth_id == youth, MdtMeeting.held_at >= t0)
        .scalar_subquery()
    )
    events = select(
        youth.label("youth_id"),
        t0.label("t0"),
        referral_event("sent").label("advocate_referral"),
        step_done("crisis_advocate").label("contact_step"),
        referral_event("first_contact").label("contact_referral"),
        mdt.label("mdt"),
        step_done("child_welfare_report").label("child_welfare_report"),
    ).cte("milestones")
    step_at, ref_at = events.c.contact_step, events.c.contact_referral
    earliest_contact = case(
        (step_at.is_(None), ref_at),
        (ref_at.is_(None), step_at),
        (step_at <= ref_at, step_at),
        else_=ref_at,
    )
    waited = ctx.hours(ctx.at(ctx.now), events.c.t0)
    parts = []
    for key, _, spec in MILESTONES:
        at = earliest_contact if key == "advocate_contact" else events.c[key]
        hours = ctx.hours(at, events.c.t0)
        target = float(targets.get(spec, 0))
        overdue = case(
            (at.is_not(None), case((hours > target, 1), else_=0)),
            (waited > target, 1),
            else_=0,
        )
        parts.append(
            select(
                literal(key, String).label("k"),
                cast(hours, Float).label("v"),
                overdue.label("late"),
            )
        )
    values = union_all(*parts).subquery()

    def counts(c: Any) -> list[ColumnElement[Any]]:
        return [func.count().label("n"), func.count(c.v).label("reached"), func.sum(c.late)]

    rows = {
        str(k): (int(n), int(reached), int(late or 0), _f(p50), _f(p90))
        for k, n, reached, late, p50, p90 in ctx.run(_stats(ctx, values, (0.5, 0.9), counts))
    }
    body = []
    for key, label, spec in MILESTONES:
        n, reached, late, p50, p90 = rows.get(key, (0, 0, 0, None, None))
        body.append(
            (
                key,
                label,
                {
                    "reached": reached,
                    "not_reached": n - reached,
                    "median": p50,
                    "p90": p90,
                    "target": float(targets.get(spec, 0)),
                    "breaches": late,
                },
            )
        )
    return _raw_table(
        "timeliness",
        "Hours from first identification to each protocol step",
        "Step",
        (
            Column("reached", "Reached", additive=True),
            Column("not_reached", "Not yet", additive=True),
            Column("total", "Youth"),
            Column("median", "Median", HOURS, basis=("reached",)),
            Column("p90", "90th pct", HOURS, basis=("reached",)),
            Column("target", "Target", TARGET),
            Column("breaches", "Past target"),
        ),
        body,
        total_row=False,
        note="Youth first identified in the period; a milestone counts from the first "
        "identification. Past target: reached late, or not reached and the target has passed. "
        "Targets are the protocol checklist's service levels (codes.json).",
        chart=ChartSpec("bar", ("median", "p90", "target"), "hours", "Hours from identification"),
    )


def _detention(ctx: _Context) -> tuple[RawTable, RawTable, list[RawFigure]]:
    """Risk band against decision, override reasons and the JDAI override rates (one statement)."""
    da, e = DetentionAssessment, CustodyEpisode
    rank = func.row_number().over(
        partition_by=da.episode_id, order_by=(da.decided_at.desc(), da.id.desc())
    )
    latest = (
        select(
            da.band,
            da.mandatory_category,
            da.decision,
            da.override_direction,
            da.override_reason_code,
            rank.label("rn"),
        )
        .join(e, e.id == da.episode_id)
        .where(ctx.in_period(e.custody_start_at), _visible_youths(e.youth_id))
    )
    if ctx.period.unit:
        latest = latest.where(e.housing_unit == ctx.period.unit)
    sub = latest.subquery()
    band = case((sub.c.mandatory_category.is_not(None), "mandatory"), else_=sub.c.band)
    grouped = (
        select(band, sub.c.decision, sub.c.override_direction, sub.c.override_reason_code)
        .add_columns(func.count())
        .where(sub.c.rn == 1)
        .group_by(band, sub.c.decision, sub.c.override_direction, sub.c.override_reason_code)
    )
    crosstab: dict[str, dict[str, Value]] = {}
    reasons: dict[str, dict[str, Value]] = {}
    for band_code, decision, direction, reason, n in ctx.run(grouped):
        cell = crosstab.setdefault(str(band_code), {})
        cell[decision] = int(cell.get(decision) or 0) + int(n)
        if direction:
            row = reasons.setdefault(reason or "unstated", {})
            row[direction] = int(row.get(direction) or 0) + int(n)
    risk = [t for t in instruments().values() if t.kind == "risk"]
    band_labels: dict[str, str] = {}
    for tool in risk:
        for b in tool.bands:
            band_labels.setdefault(b.code, f"Scored {b.label.lower()}")
    bands = list(band_labels) or ["release", "alternative", "detain"]
    bands += sorted(b for b in crosstab if b not in bands and b != "mandatory")
    decision_codes = [d for d, _ in DECISIONS]
    decision_codes += sorted({d for c in crosstab.values() for d in c} - set(decision_codes))
    labels = dict(DECISIONS)
    table = _raw_table(
        "band_decision",
        "Risk band against the intake decision",
        "Recommended band",
        (
            *(
                Column(d, labels.get(d, d.replace("_", " ").capitalize()), additive=True)
                for d in decision_codes
            ),
            Column("total", "Total"),
        ),
        [
            *((b, band_labels.get(b, b), crosstab.get(b, {})) for b in bands),
            ("mandatory", "Mandatory detention case (any score)", crosstab.get("mandatory", {})),
        ],
        note="Latest assessment of each intake in the period. Mandatory detention cases are "
        "counted apart from the scored bands (JDAI).",
        chart=ChartSpec("stacked", tuple(decision_codes), "intakes", "Band against decision"),
    )
    override_labels = {c.code: c.label for c in intake_codes().override_reasons.values()}
    reason_table = _raw_table(
        "override_reasons",
        "Overrides by reason",
        "Reason",
        (
            Column("up", "More restrictive", additive=True),
            Column("down", "Less restrictive", additive=True),
            Column("total", "Total"),
        ),
        [
            (code, override_labels.get(code, code.replace("_", " ").capitalize()), cells)
            for code, cells in sorted(reasons.items())
        ],
        chart=ChartSpec("horizontal", ("up", "down"), "overrides", "Overrides by reason"),
    )
    below = [b for b in bands if b != "detain"]
    decided = ("release", "alternative", "detain")
    den = sum(int(crosstab.get(b, {}).get(d) or 0) for b in below for d in decided)
    num = sum(int(crosstab.get(b, {}).get("detain") or 0) for b in below)
    detain_row = crosstab.get("detain", {})
    rel_den = sum(int(detain_row.get(d) or 0) for d in decided)
    rel_num = sum(int(detain_row.get(d) or 0) for d in ("release", "alternative"))
    mandatory = crosstab.get("mandatory", {})
    figures = [
        RawFigure(
            "detain_override_rate",
            "Detain-override rate (JDAI)",
            PERCENT,
            _pct(num, den),
            num,
            den,
            tuple(("band_decision", b, d) for b in below for d in decided),
            "Youth scoring below the detain cut-off who were detained, of all scoring below it "
            "(decided intakes; mandatory cases apart).",
        ),
        RawFigure(
            "release_override_rate",
            "Release-override rate",
            PERCENT,
            _pct(rel_num, rel_den),
            rel_num,
            rel_den,
            tuple(("band_decision", "detain", d) for d in decided),
            "Youth scoring detain who were released or sent to an alternative.",
        ),
        RawFigure(
            "mandatory_detained",
            "Mandatory detention cases",
            COUNT,
            sum(int(v or 0) for v in mandatory.values()),
            cells=(("band_decision", "mandatory", "total"),),
        ),
    ]
    return table, reason_table, figures
