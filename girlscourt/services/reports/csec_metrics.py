"""CSEC data compilation (DOMAIN 6.3): each figure computed in SQL, suppressed before it leaves."""

# Two stages. :func:`compute` runs thirteen grouped statements (no per-row loops in Python) and
# returns the raw counts; :func:`finish` applies small-cell suppression and builds the tables and
# charts a screen or an export shows. :func:`csec_report` is the service: analysts always get the
# suppressed report; supervisors and administrators may see raw counts on screen, never in an
# export (``report_export`` always suppresses).
#
# Suppression is coordinated across tables: the quantities several tables publish (the totals of
# the equity breakdowns, the youth first identified, the screenings) are listed in
# :func:`linked_cells` and are shown or hidden alike everywhere (``suppression.suppress_linked``).
#
# Sealed records never count: every query goes through :func:`_visible_youths`, which is the
# sealing service's rule (a youth is hidden when every petition she has is sealed); hearings on a
# sealed petition are left out too.
#
# Court deadline compliance reads the deadlines stored with each episode (``legal_deadline``,
# kept by ``services.legal_deadlines`` with the board's own computation).

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from girlscourt.db.base import UTCDateTime
from girlscourt.db.models import (
    AssignmentEvent,
    ChecklistStep,
    CourtCase,
    CustodyEpisode,
    DetentionAssessment,
    GirlsCourtAssignment,
    Hearing,
    LegalDeadline,
    MdtMeeting,
    Petition,
    Referral,
    ReferralEvent,
    SafetyPlanItem,
    Screening,
    StaffTraining,
    Youth,
)
from girlscourt.domain import suppression
from girlscourt.domain.deadlines import (
    RULE_241_1,
    RULE_631,
    RULE_631B,
    RULE_632A,
    RULE_657,
    RULE_702,
)
from girlscourt.domain.intake_rules import IntakeCodes
from girlscourt.domain.permissions import Action, Role
from girlscourt.errors import ValidationError
from girlscourt.services.intake.intake_codes import instruments, intake_codes
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security.sealing import visible_petition_filter, visible_youth_filter

Value = int | float | None

COUNT, STAFF, HOURS, DAYS, PERCENT, TARGET = "count", "staff", "hours", "days", "percent", "target"
DERIVED = (HOURS, DAYS, PERCENT)

ADVOCATE_REFERRAL_TYPES = ("csec_advocacy", "victim_advocate")
AGE_GROUPS = (
    ("13_under", "13 or younger"),
    ("14_15", "14–15"),
    ("16_17", "16–17"),
    ("18_over", "18 or older"),
    ("unknown", "Not recorded"),
)
SOURCES = (
    ("intake_screening", "Intake screening"),
    ("disclosure", "Disclosure (screening stopped)"),
    ("rescreen", "Other (re-screen on new information)"),
)
TRIGGER_LABELS = {
    "intake": "At intake",
    "return_from_awol": "Return from running away",
    "new_arrest": "New arrest",
    "placement_change": "Placement change",
    "new_information": "New information",
}
REFERRAL_TYPE_LABELS = {
    "medical": "Medical",
    "mental_health": "Mental health",
    "substance_use": "Substance use",
    "csec_advocacy": "CSEC advocacy / first crisis response",
    "forensic_interview": "Forensic interview",
    "victim_advocate": "Victim advocate",
    "victim_compensation": "Victim compensation (CalVCB)",
    "education": "Education",
    "housing": "Housing",
}
REFERRAL_OUTCOMES = (
    ("not_sent", "Not sent yet", ("draft", "consent_pending")),
    ("awaiting", "Awaiting contact", ("sent", "acknowledged")),
    ("in_contact", "In contact", ("first_contact", "active")),
    ("closed", "Closed", ("closed",)),
    ("declined", "Declined", ("declined",)),
    ("unable", "Unable to reach", ("unable_to_reach",)),
)
DECISIONS = (
    ("release", "Released"),
    ("alternative", "Alternative to detention"),
    ("detain", "Detained"),
    ("pending", "Pending"),
)
HEARING_OUTCOMES = (
    ("held", "Held"),
    ("continued", "Continued"),
    ("off_calendar", "Off calendar"),
    ("none", "No outcome yet"),
)
DEADLINE_RULES = (
    (RULE_631, "WIC 631: released, or petition filed, within 48 judicial hours"),
    (RULE_631B, "WIC 631(b): supervisor approval to hold past 24 hours"),
    (RULE_632A, "WIC 632(a): detention hearing by the next judicial day after filing"),
    (RULE_657, "WIC 657 / 636: jurisdiction hearing (detained: 15 judicial days)"),
    (RULE_702, "WIC 702: disposition hearing (detained: 10 judicial days)"),
    (RULE_241_1, "WIC 241.1: dual-status hearing (15 court days)"),
)
DEADLINE_AXIS = (  # chart axis labels, short enough to show whole
    (RULE_631, "§631"),
    (RULE_631B, "§631(b)"),
    (RULE_632A, "§632(a)"),
    (RULE_657, "§657"),
    (RULE_702, "§702"),
    (RULE_241_1, "§241.1"),
)
ALWAYS_SHOWN_RULES = (RULE_631, RULE_631B, RULE_632A, RULE_657, RULE_702)
DEADLINE_STATES = (
    ("met", "Met in time"),
    ("breached", "Breached"),
    ("pending", "Not yet due"),
)
COURT_TIMES = (
    (RULE_657, "jurisdiction", "Custody to jurisdiction hearing"),
    (RULE_702, "disposition", "Custody to disposition hearing"),
)
MILESTONES = (
    ("advocate_referral", "Advocate referral sent", "crisis_advocate"),
    ("advocate_contact", "First advocate contact", "crisis_advocate"),
    ("mdt", "MDT convened", "mdt_referral"),
    ("child_welfare_report", "Child-welfare report made", "child_welfare_report"),
)


# --- what the screens and exports get ------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """An inclusive range of county-local dates, optionally one housing unit."""

    start: dt.date
    end: dt.date
    unit: str | None = None

    def label(self) -> str:
        """``2026-01-01 to 2026-03-31`` (with the unit when there is one)."""
        text = f"{self.start.isoformat()} to {self.end.isoformat()}"
        return f"{text}, {self.unit}" if self.unit else text


def make_period(start: object, end: object, unit: str | None = None) -> Period:
    """A checked period: dates, start on or before end, a short unit name."""
    for name, value in (("from", start), ("to", end)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValidationError(name, "must be a date (YYYY-MM-DD)")
    assert isinstance(start, dt.date) and isinstance(end, dt.date)
    if end < start:
        raise ValidationError("to", f"{end.isoformat()} is before from ({start.isoformat()})")
    if end - start > dt.timedelta(days=3660):
        raise ValidationError("to", "a report covers at most ten years")
    cleaned = unit.strip() if unit else None
    if cleaned is not None and len(cleaned) > 40:
        raise ValidationError("unit", "is longer than 40 characters")
    return Period(start, end, cleaned or None)


@dataclass(frozen=True)
class Column:
    """A column: ``kind`` is count, staff (never suppressed), hours, days, percent or target.

    ``additive`` columns add up to the row's ``total`` column; derived columns (hours, days,
    percent) name the count columns they come from in ``basis`` and vanish when those do.
    """

    key: str
    label: str
    kind: str = COUNT
    additive: bool = False
    basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """One row; a suppressed value is ``None`` with its ``suppressed`` flag set."""

    key: str
    label: str
    values: tuple[Value, ...]
    suppressed: tuple[bool, ...]
    is_total: bool = False


def format_value(value: Value, kind: str, hidden: bool) -> str:
    """How a value reads on screen and paper: ``*`` suppressed, ``–`` no value."""
    if hidden:
        return "*"
    if value is None:
        return "–"
    if kind == PERCENT:
        return f"{value:.1f}%"
    if kind in (HOURS, DAYS):
        return f"{value:,.1f}"
    if kind == TARGET:
        return f"{value:g}"
    return f"{int(value):,}"


@dataclass(frozen=True)
class Table:
    """A published table: body rows, then a ``Total`` row when ``is_total`` says so."""

    key: str
    title: str
    row_header: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    note: str = ""

    def text(self, row: int, column: int) -> str:
        """The cell as shown."""
        r = self.rows[row]
        return format_value(r.values[column], self.columns[column].kind, r.suppressed[column])

    def column_index(self, key: str) -> int:
        """Where the column ``key`` is."""
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    @property
    def body(self) -> tuple[Row, ...]:
        """The rows without the totals row."""
        return tuple(r for r in self.rows if not r.is_total)

    @property
    def any_suppressed(self) -> bool:
        """Whether any value here is hidden."""
        return any(any(r.suppressed) for r in self.rows)


@dataclass(frozen=True)
class Series:
    """One bar series: a value per category; ``None`` where suppressed or empty."""

    name: str
    values: tuple[float | None, ...]
    suppressed: tuple[bool, ...]


@dataclass(frozen=True)
class Chart:
    """A bar chart over one table's body rows (``kind``: bar, stacked or horizontal)."""

    key: str
    title: str
    table_key: str
    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    value_label: str


@dataclass(frozen=True)
class Figure:
    """A headline number: a count, a rate (with what it is a rate of) or a duration."""

    key: str
    label: str
    kind: str
    value: Value
    numerator: int | None = None
    denominator: int | None = None
    suppressed: bool = False
    note: str = ""

    def text(self) -> str:
        """As shown, e.g. ``12.5% (15 of 120)``."""
        shown = format_value(self.value, self.kind, self.suppressed)
        if self.kind == PERCENT and not self.suppressed and self.denominator:
            shown += f" ({self.numerator:,} of {self.denominator:,})"
        return shown


@dataclass(frozen=True)
class CsecReport:
    """The quarterly (or any-range) CSEC report."""

    period: Period
    generated_at: dt.datetime
    threshold: int
    suppressed: bool
    figures: tuple[Figure, ...]
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...]
    definitions: tuple[tuple[str, str], ...] = ()

    def table(self, key: str) -> Table:
        """The table ``key``."""
        return next(t for t in self.tables if t.key == key)

    def figure(self, key: str) -> Figure:
        """The figure ``key``."""
        return next(f for f in self.figures if f.key == key)


# --- raw results (before suppression) ------------------------------------------------------------


@dataclass(frozen=True)
class ChartSpec:
    """Which columns of a table become bar series."""

    kind: str
    series: tuple[str, ...]
    value_label: str
    title: str = ""
    short_labels: tuple[tuple[str, str], ...] = ()  # (row key, axis label) for long row labels


@dataclass(frozen=True)
class RawTable:
    """Unsuppressed values: body rows, and the totals row (counts summed, others computed)."""

    key: str
    title: str
    row_header: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, str], ...]
    values: tuple[tuple[Value, ...], ...]
    total_row: tuple[Value, ...] | None
    note: str = ""
    chart: ChartSpec | None = None

    def column(self, key: str) -> tuple[Value, ...]:
        """A body column's values."""
        j = next(i for i, c in enumerate(self.columns) if c.key == key)
        return tuple(row[j] for row in self.values)

    def total(self, key: str) -> Value:
        """The totals row's value in column ``key``."""
        assert self.total_row is not None
        j = next(i for i, c in enumerate(self.columns) if c.key == key)
        return self.total_row[j]


@dataclass(frozen=True)
class RawFigure:
    """A headline number before suppression; ``cells`` are the table cells it is made of."""

    key: str
    label: str
    kind: str
    value: Value
    numerator: int | None = None
    denominator: int | None = None
    cells: tuple[tuple[str, str, str], ...] = ()  # (table, row key, column key)
    note: str = ""


@dataclass(frozen=True)
class Metrics:
    """Everything :func:`compute` found, unsuppressed."""

    period: Period
    computed_at: dt.datetime
    tables: tuple[RawTable, ...]
    figures: tuple[RawFigure, ...]
    statements: int = 0

    def table(self, key: str) -> RawTable:
        """The raw table ``key``."""
        return next(t for t in self.tables if t.key == key)

    def figure(self, key: str) -> RawFigure:
        """The raw figure ``key``."""
        return next(f for f in self.figures if f.key == key)


def _raw_table(
    key: str,
    title: str,
    row_header: str,
    columns: Sequence[Column],
    body: Sequence[tuple[str, str, Mapping[str, Value]]],
    *,
    total_row: bool = True,
    totals: Mapping[str, Value] | None = None,
    note: str = "",
    chart: ChartSpec | None = None,
) -> RawTable:
    """Lay out ``body`` (row key, label, values by column key); fill the ``total`` column and the
    totals row (counts summed; other kinds from ``totals``)."""
    given = totals or {}
    additive = [c.key for c in columns if c.additive]
    values: list[tuple[Value, ...]] = []
    for _, _, found in body:
        row: list[Value] = []
        for c in columns:
            if c.key == "total" and additive:
                row.append(sum(int(found.get(k) or 0) for k in additive))
            elif c.kind in (COUNT, STAFF):
                row.append(int(found.get(c.key) or 0))
            else:
                row.append(found.get(c.key))
        values.append(tuple(row))
    total: tuple[Value, ...] | None = None
    if total_row:
        total = tuple(
            sum(int(r[j] or 0) for r in values) if c.kind in (COUNT, STAFF) else given.get(c.key)
            for j, c in enumerate(columns)
        )
    return RawTable(
        key,
        title,
        row_header,
        tuple(columns),
        tuple((k, label) for k, label, _ in body),
        tuple(values),
        total,
        note,
        chart,
    )


# --- SQL helpers ---------------------------------------------------------------------------------


@dataclass
class _Context:
    """What every query of one report shares."""

    session: Session
    period: Period
    lo: dt.datetime
    hi: dt.datetime
    now: dt.datetime
    dialect: str
    levels: tuple[str, ...]
    statements: int = 0

    def run(self, statement: Any) -> list[Any]:
        """Execute one statement (and count it)."""
        self.statements += 1
        return list(self.session.execute(statement).all())

    def at(self, value: dt.datetime) -> ColumnElement[dt.datetime]:
        """A UTC timestamp as a bound parameter of the column type."""
        return literal(value, UTCDateTime())

    def hours(self, later: Any, earlier: Any) -> ColumnElement[Any]:
        """Elapsed hours between two timestamps, on either backend."""
        if self.dialect == "postgresql":
            return func.extract("epoch", later - earlier) / 3600.0
        return (func.julianday(later) - func.julianday(earlier)) * 24.0

    def in_period(self, column: Any) -> ColumnElement[bool]:
        """``column`` (a UTC timestamp) falls in the period's local days."""
        return and_(column >= self.at(self.lo), column < self.at(self.hi))

    def identifying(self, s: Any) -> ColumnElement[bool]:
        """A screening that identifies the youth: any level above the lowest, or a disclosure."""
        return or_(s.disclosure.is_(True), s.result_level.in_(self.levels))

    def unit_episodes(self) -> Select[Any]:
        """Episodes in the chosen housing unit."""
        return select(CustodyEpisode.id).where(CustodyEpisode.housing_unit == self.period.unit)

    def age(self, start: Any, dob: Any) -> ColumnElement[int]:
        """Whole years of age on the (UTC) date of ``start``."""
        if self.dialect == "postgresql":
            day = cast(func.timezone("UTC", start), Date)
            return cast(func.date_part("year", func.age(day, dob)), Integer)
        year = cast(func.strftime("%Y", start), Integer) - cast(func.strftime("%Y", dob), Integer)
        before_birthday = case(
            (func.strftime("%m-%d", start) < func.strftime("%m-%d", dob), 1), else_=0
        )
        return year - before_birthday


def _visible_youths(youth_id: Any) -> ColumnElement[bool]:
    """The one filter every query uses: the sealing service's rule, so a youth vanishes from
    the report exactly when she vanishes from search and lists (every petition sealed)."""
    return visible_youth_filter(youth_id)


def _stats(
    ctx: _Context,
    rows: Subquery,
    fractions: Sequence[float],
    extra: Callable[[Any], list[ColumnElement[Any]]],
) -> Select[Any]:
    """Per key ``k``: ``extra`` aggregates and the percentiles of ``v`` (NULLs ignored).

    PostgreSQL has ``percentile_cont``; on SQLite the same interpolation is done with
    ``row_number()`` over the non-null count, so both backends agree to the last digit.
    """
    if ctx.dialect == "postgresql":
        found = [
            func.percentile_cont(f).within_group(rows.c.v.asc()).label(f"p{i}")
            for i, f in enumerate(fractions)
        ]
        return select(rows.c.k, *extra(rows.c), *found).group_by(rows.c.k)
    rank = func.row_number().over(partition_by=rows.c.k, order_by=(rows.c.v.is_(None), rows.c.v))
    have = func.count(rows.c.v).over(partition_by=rows.c.k)
    ranked = select(rows, rank.label("rn"), have.label("nn")).subquery()
    sums: list[ColumnElement[Any]] = []
    for i, f in enumerate(fractions):
        position = (ranked.c.nn - 1) * f + 1.0
        low = cast(position, Integer)
        weight = position - low
        value = ranked.c.v
        sums.append(
            func.sum(
                case(
                    (and_(value.is_not(None), ranked.c.rn == low), value * (1.0 - weight)),
                    (and_(value.is_not(None), ranked.c.rn == low + 1), value * weight),
                    else_=None,
                )
            ).label(f"p{i}")
        )
    return select(ranked.c.k, *extra(ranked.c), *sums).group_by(ranked.c.k)


def _f(value: Any) -> float | None:
    return None if value is None else round(float(value), 6)


def _pct(numerator: int, denominator: int) -> float | None:
    return None if not denominator else 100.0 * numerator / denominator


# --- the metrics ---------------------------------------------------------------------------------


def _episode_cte(ctx: _Context) -> Any:
    """Intakes in the period with their demographics and what happened (one CTE)."""
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


def _breakdowns(ctx: _Context) -> tuple[list[RawTable], RawTable, dict[str, int]]:
    """One statement: intakes, screened, identified, detained by each equity dimension, by
    CSEC identification (for the detention table), and overall."""
    ep = _episode_cte(ctx)
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
    for dim, k, label, intakes, screened, identified, detained in rows:
        counts = {
            "intakes": int(intakes),
            "screened": int(screened or 0),
            "identified": int(identified or 0),
            "detained": int(detained or 0),
        }
        found.setdefault(dim, []).append((str(k), label, counts))
    columns = (
        Column("intakes", "Intakes"),
        Column("screened", "Screened"),
        Column("identified", "Screening identified concern"),
        Column("detained", "Detained"),
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
    overall = found.get("all", [("all", None, {"intakes": 0, "screened": 0})])[0][2]
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
    board's rule (``deadlines.deadline_state``) applied at that moment.
    """
    ld = LegalDeadline
    as_of = ctx.at(min(ctx.hi, ctx.now))
    known = and_(ld.met_at.is_not(None), ld.met_at <= as_of)
    state = case(
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
        "(or now). Met: the release, petition or hearing came by the due time. Breached: it "
        "came late, or had not come when the due time passed. Judicial days follow the county "
        "court calendar; continuances and time waivers are not applied.",
        chart=ChartSpec(
            "stacked", ("met", "breached", "pending"), "deadlines", short_labels=DEADLINE_AXIS
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


def identifying_levels() -> tuple[str, ...]:
    """Result-level codes that identify a youth: every level above each instrument's lowest."""
    codes = {
        level.code
        for tool in instruments().values()
        if tool.kind == "screening"
        for level in tool.result_levels[1:]
    }
    return tuple(sorted(codes))


def period_bounds(period: Period, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The period's local days as a half-open UTC range."""
    lo = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
    hi = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi.astimezone(dt.UTC)


def compute(
    session: Session,
    period: Period,
    *,
    tz: dt.tzinfo,
    now: dt.datetime,
    codes: IntakeCodes | None = None,
) -> Metrics:
    """Every metric for ``period``, unsuppressed (callers publish only :func:`finish` output)."""
    lo, hi = period_bounds(period, tz)
    ctx = _Context(
        session, period, lo, hi, now, session.get_bind().dialect.name, identifying_levels()
    )
    breakdowns, detention_table, overall = _breakdowns(ctx)
    distribution, triggers = _screenings(ctx)
    first = _first_identifications(ctx)
    identified = _identification(ctx, first)
    timeliness = _timeliness(ctx, first, codes or intake_codes())
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


# --- suppression and publication -----------------------------------------------------------------


Position = tuple[int, int]  # (row, column) of a table; row -1 is the totals row
CellRef = tuple[str, str, str]  # (table key, row key or "total", column key)


@dataclass(frozen=True)
class SuppressionBlock:
    """Count columns of one table that are suppressed together, and where their entries sit.

    The additive columns of a table form one block with the row's ``total`` column as row totals;
    every other count column is a block of its own. Each block's column totals are the table's
    totals row, when it has one.
    """

    table: str
    block: suppression.Block
    positions: Mapping[suppression.Entry, Position]

    def entry_at(self, position: Position) -> suppression.Entry | None:
        """The block entry published at ``position``, if this block has one there."""
        return next((e for e, p in self.positions.items() if p == position), None)


def suppression_blocks(raw: RawTable) -> list[SuppressionBlock]:
    """The blocks of ``raw`` (none when it has no body rows)."""
    if not raw.rows:
        return []
    columns = raw.columns
    total_j = next((j for j, c in enumerate(columns) if c.key == "total"), None)
    additive = [j for j, c in enumerate(columns) if c.additive]
    groups: list[tuple[list[int], bool]] = []
    if additive:
        groups.append((additive, total_j is not None))
    for j, c in enumerate(columns):
        if c.kind == COUNT and not c.additive and not (additive and j == total_j):
            groups.append(([j], False))
    with_totals_row = raw.total_row is not None
    blocks = []
    for cols, row_totals in groups:
        matrix = [[int(raw.values[i][j] or 0) for j in cols] for i in range(len(raw.rows))]
        positions: dict[suppression.Entry, Position] = {}
        for i in range(len(raw.rows)):
            for k, j in enumerate(cols):
                positions[("cell", i, k)] = (i, j)
            if row_totals and total_j is not None:
                positions[("row_total", i, -1)] = (i, total_j)
        if with_totals_row:
            for k, j in enumerate(cols):
                positions[("column_total", -1, k)] = (-1, j)
            if row_totals and total_j is not None:
                positions[("grand_total", -1, -1)] = (-1, total_j)
        blocks.append(
            SuppressionBlock(
                raw.key, suppression.Block(matrix, row_totals, with_totals_row), positions
            )
        )
    return blocks


def linked_cells(metrics: Metrics) -> list[tuple[CellRef, ...]]:
    """Cells of different tables (or rows) that publish one quantity, so suppression treats
    them as one: hidden in one place, hidden in all.

    * The totals of intakes, screened, identified and detained are the same in the four equity
      breakdowns, and intakes and detained again in the detention table (one episode list).
    * The youth first identified in the period: the "first identified" total by source, and the
      youth count of every timeliness row (the same cohort).
    * The screenings completed in the period: by instrument and by trigger.
    """
    breakdowns = [key for _, key, _, _ in BREAKDOWNS]
    links: list[tuple[CellRef, ...]] = []
    for column in ("intakes", "screened", "identified", "detained"):
        group = [(key, "total", column) for key in breakdowns]
        if column in ("intakes", "detained"):
            group.append(("detention_csec", "total", column))
        links.append(tuple(group))
    links.append(
        (
            ("identified_by_source", "total", "new"),
            *(("timeliness", key, "total") for key, _, _ in MILESTONES),
        )
    )
    links.append(
        (("screening_results", "total", "total"), ("screening_triggers", "total", "screenings"))
    )
    present = {t.key for t in metrics.tables}
    return [tuple(ref for ref in group if ref[0] in present) for group in links]


def _position(raw: RawTable, row_key: str, column_key: str) -> Position | None:
    if row_key == "total":
        i = -1 if raw.total_row is not None else None
    else:
        i = next((n for n, (k, _) in enumerate(raw.rows) if k == row_key), None)
    j = next((n for n, c in enumerate(raw.columns) if c.key == column_key), None)
    return None if i is None or j is None else (i, j)


def hidden_cells(metrics: Metrics, threshold: int) -> dict[str, set[Position]]:
    """Per table, the (row, column) positions to hide, suppression coordinated across tables."""
    tables = {raw.key: raw for raw in metrics.tables}
    blocks: dict[tuple[str, int], SuppressionBlock] = {}
    for raw in metrics.tables:
        for n, block in enumerate(suppression_blocks(raw)):
            blocks[(raw.key, n)] = block
    links: list[list[tuple[tuple[str, int], suppression.Entry]]] = []
    for group in linked_cells(metrics):
        refs = []
        for table_key, row_key, column_key in group:
            position = _position(tables[table_key], row_key, column_key)
            for block_key, block in blocks.items():
                entry = block.entry_at(position) if position and block_key[0] == table_key else None
                if entry is not None:
                    refs.append((block_key, entry))
        if len(refs) > 1:
            links.append(refs)
    results = suppression.suppress_linked(
        {key: b.block for key, b in blocks.items()}, links, threshold=threshold
    )
    hidden: dict[str, set[Position]] = {raw.key: set() for raw in metrics.tables}
    for key, result in results.items():
        block = blocks[key]
        hidden[block.table] |= {block.positions[e] for e in result.hidden}
    for raw in metrics.tables:
        _hide_derived(raw, hidden[raw.key], threshold)
    return hidden


def _hide_derived(raw: RawTable, hidden: set[Position], threshold: int) -> None:
    """Rates and durations go with the counts they rest on (hidden, or small)."""
    columns = raw.columns
    rows = [*range(len(raw.rows)), *([-1] if raw.total_row is not None else [])]
    for j, c in enumerate(columns):
        if c.kind not in DERIVED:
            continue
        basis = [i for i, b in enumerate(columns) if b.key in c.basis]
        for i in rows:
            source = raw.total_row if i == -1 else raw.values[i]
            assert source is not None
            small = any(c.kind != PERCENT and 0 < int(source[b] or 0) < threshold for b in basis)
            if small or any((i, b) in hidden for b in basis):
                hidden.add((i, j))


def _publish(raw: RawTable, hidden: set[Position]) -> Table:
    def row(i: int, key: str, label: str, values: Sequence[Value], total: bool) -> Row:
        flags = tuple((i, j) in hidden for j in range(len(values)))
        shown = tuple(None if flag else v for v, flag in zip(values, flags, strict=True))
        return Row(key, label, shown, flags, total)

    rows = [row(i, k, label, raw.values[i], False) for i, (k, label) in enumerate(raw.rows)]
    if raw.total_row is not None:
        rows.append(row(-1, "total", "Total", raw.total_row, True))
    return Table(raw.key, raw.title, raw.row_header, raw.columns, tuple(rows), raw.note)


def _chart(raw: RawTable, table: Table) -> Chart | None:
    spec = raw.chart
    if spec is None or not table.body:
        return None
    series = []
    for key in spec.series:
        j = table.column_index(key)
        column = table.columns[j]
        values = tuple(None if r.values[j] is None else float(r.values[j] or 0) for r in table.body)
        series.append(Series(column.label, values, tuple(r.suppressed[j] for r in table.body)))
    return Chart(
        table.key,
        spec.title or table.title,
        table.key,
        spec.kind,
        tuple(dict(spec.short_labels).get(r.key, r.label) for r in table.body),
        tuple(series),
        spec.value_label,
    )


def _publish_figure(raw: RawFigure, tables: Mapping[str, Table], suppress: bool, t: int) -> Figure:
    hidden = False
    if suppress:
        if raw.kind == COUNT and isinstance(raw.value, int) and 0 < raw.value < t:
            hidden = True
        for table_key, row_key, column_key in raw.cells:
            table = tables[table_key]
            j = table.column_index(column_key)
            for r in table.rows:
                if r.key == row_key and r.suppressed[j]:
                    hidden = True
        for part in (raw.numerator, raw.denominator):
            if part is not None and 0 < part < t:
                hidden = True
    if hidden:
        return Figure(raw.key, raw.label, raw.kind, None, None, None, True, raw.note)
    return Figure(
        raw.key, raw.label, raw.kind, raw.value, raw.numerator, raw.denominator, False, raw.note
    )


DEFINITIONS = (
    ("Eligible intake", "Every custody episode that started in the period (county-local dates)."),
    (
        "Identified",
        "A screening at any level above the instrument's lowest (possible or clear concern), or "
        "a disclosure. Each youth is counted once; the first identification ever decides 'first "
        "identified in the period'.",
    ),
    (
        "Timeliness",
        "From the youth's first identification to: the first advocate referral sent (CSEC "
        "advocacy or victim advocate); the first advocate contact (crisis-advocate checklist step "
        "done, or a first contact on an advocate referral); the first MDT meeting held; the "
        "child-welfare report step done. Targets: the checklist service levels in codes.json "
        "(advocate: crisis_advocate; MDT: mdt_referral; report: child_welfare_report).",
    ),
    (
        "Detain-override rate",
        "JDAI: intakes scoring below the detain cut-off that were detained, of all decided "
        "intakes scoring below it; mandatory detention cases are shown apart.",
    ),
    (
        "Small cells",
        "Counts from 1 to the threshold minus one are shown as *, and so are enough other "
        "counts that none can be worked out from the totals. Zero is shown. Rates and durations "
        "built on a hidden or small count are hidden too.",
    ),
    (
        "Court deadlines",
        "The statutory deadlines of each custody episode (WIC 631, 631(b), 632(a), 657 with "
        "636, 702), computed as the in-custody board shows them and stored when the intake, a "
        "later event, a hearing's outcome or the court calendar changes. A deadline counts in "
        "the period it falls due in; its state is taken at the period's end (or now): met in "
        "time, breached (late, or not met when due), or not yet due. WIC 631 is met by release "
        "or a petition (on the 631(b) non-violent misdemeanour track, by release or the "
        "detention hearing). A held detention, jurisdiction or disposition hearing meets the "
        "deadline of the custody episode running when it was held.",
    ),
    (
        "Small cells across tables",
        "A number shown in several tables (such as the total of intakes in every breakdown) is "
        "shown or hidden alike in all of them, so no table gives away what another hides.",
    ),
    (
        "Sealed records",
        "Youth whose every petition is sealed are left out of every figure, as they are from "
        "search and lists; hearings on a sealed petition are left out too.",
    ),
)


def finish(metrics: Metrics, *, suppress: bool, threshold: int) -> CsecReport:
    """Suppress (when asked) and lay out the report: tables, charts and headline figures."""
    hidden = hidden_cells(metrics, threshold) if suppress else {}
    tables = [_publish(raw, hidden.get(raw.key, set())) for raw in metrics.tables]
    by_key = {t.key: t for t in tables}
    charts = [c for raw in metrics.tables if (c := _chart(raw, by_key[raw.key])) is not None]
    figures = tuple(_publish_figure(f, by_key, suppress, threshold) for f in metrics.figures)
    return CsecReport(
        metrics.period,
        metrics.computed_at,
        threshold,
        suppress,
        figures,
        tuple(tables),
        tuple(charts),
        DEFINITIONS,
    )


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
