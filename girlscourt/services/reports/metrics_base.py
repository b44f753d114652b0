"""What the CSEC metric queries share: the report's vocabulary, raw (unsuppressed) results, SQL
helpers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from girlscourt.db.base import UTCDateTime
from girlscourt.db.models import (
    CustodyEpisode,
)
from girlscourt.domain.deadlines import (
    RULE_241_1,
    RULE_631,
    RULE_631B,
    RULE_632A,
    RULE_657,
    RULE_702,
)
from girlscourt.readmodels.csec_report import (
    COUNT,
    STAFF,
    Column,
    Period,
    Value,
)
from girlscourt.services.codes.intake_codes import instruments
from girlscourt.services.security.sealing import visible_youth_filter

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
    ("met_extended", "Met within a limit the court extended"),
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
