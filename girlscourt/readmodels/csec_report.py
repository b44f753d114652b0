"""The CSEC report as published (after suppression): tables, charts, figures, how values read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from girlscourt.errors import ValidationError

Value = int | float | None

COUNT, STAFF, HOURS, DAYS, PERCENT, TARGET = "count", "staff", "hours", "days", "percent", "target"
DERIVED = (HOURS, DAYS, PERCENT)


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
