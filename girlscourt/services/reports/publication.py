"""Small-cell suppression coordinated across tables, then the published tables, charts, figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from girlscourt.domain import suppression
from girlscourt.readmodels.csec_report import (
    COUNT,
    DERIVED,
    PERCENT,
    Chart,
    CsecReport,
    Figure,
    Row,
    Series,
    Table,
    Value,
)
from girlscourt.services.reports.metrics_base import MILESTONES, Metrics, RawFigure, RawTable
from girlscourt.services.reports.metrics_intake import BREAKDOWNS

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

    * The totals of intakes, screened, identified, detained and status-offence-only intakes are
      the same in the four equity breakdowns, and intakes and detained again in the detention
      table (one episode list).
    * The youth first identified in the period: the "first identified" total by source, and the
      youth count of every timeliness row (the same cohort).
    * The screenings completed in the period: by instrument and by trigger.
    """
    breakdowns = [key for _, key, _, _ in BREAKDOWNS]
    links: list[tuple[CellRef, ...]] = []
    for column in ("intakes", "screened", "identified", "detained", "status_only"):
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
