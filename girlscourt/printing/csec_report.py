"""The CSEC report on paper: figures, tables with bar charts, definitions, all suppressed."""

from __future__ import annotations

import datetime as dt

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table
from reportlab.platypus import TableStyle as RLTableStyle

from girlscourt.printing.base import (
    FONT,
    FONT_CONDENSED,
    DocumentMeta,
    build_pdf,
    para,
    styles,
    text,
)
from girlscourt.readmodels.csec_report import Chart, CsecReport
from girlscourt.readmodels.csec_report import Table as ReportTable

PAGE_WIDTH = 7.5 * inch
PALETTE = (
    colors.HexColor("#1f3a5f"),
    colors.HexColor("#c8553d"),
    colors.HexColor("#7a9e7e"),
    colors.HexColor("#e0a458"),
    colors.HexColor("#8c6bb1"),
    colors.HexColor("#5b8fb9"),
)
GRID = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#eef1f5")


def _title(report: CsecReport) -> str:
    start, end = report.period.start, report.period.end
    quarter = (start.month - 1) // 3 + 1
    quarter_end = dt.date(start.year + (quarter == 4), (quarter * 3) % 12 + 1, 1)
    if start.day == 1 and start.month in (1, 4, 7, 10) and end == quarter_end - dt.timedelta(1):
        return f"CSEC data report – Q{quarter} {start.year}"
    return "CSEC data report"


def _figures(report: CsecReport) -> Flowable:
    cells = [[para(f.label, "cell_bold"), para(f.text(), "cell")] for f in report.figures]
    half = (len(cells) + 1) // 2
    left, right = cells[:half], cells[half:]
    while len(right) < len(left):
        right.append([para(""), para("")])
    rows = [a + b for a, b in zip(left, right, strict=True)]
    width = PAGE_WIDTH / 2
    table = Table(rows, colWidths=[width * 0.62, width * 0.38] * 2)
    table.setStyle(
        RLTableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (0, -1), SHADE),
                ("BACKGROUND", (2, 0), (2, -1), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _table(table: ReportTable) -> Flowable:
    header = [para(table.row_header, "cell_bold")] + [
        para(c.label, "cell_bold") for c in table.columns
    ]
    body = []
    for i, row in enumerate(table.rows):
        style = "cell_bold" if row.is_total else "cell"
        body.append(
            [para(row.label, style)]
            + [
                Paragraph(text(table.text(i, j)), styles()[style])
                for j in range(len(table.columns))
            ]
        )
    n = len(table.columns)
    label_width = PAGE_WIDTH * (0.3 if n > 5 else 0.34 if n > 3 else 0.42)
    widths = [label_width] + [(PAGE_WIDTH - label_width) / max(n, 1)] * n
    flow = Table([header, *body], colWidths=widths, repeatRows=1)
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]
    if table.rows and table.rows[-1].is_total:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 1.0, colors.black))
    flow.setStyle(RLTableStyle(commands))
    return flow


def _bar_values(chart: Chart) -> tuple[list[list[float]], list[str]]:
    data = [[v or 0.0 for v in s.values] for s in chart.series]
    labels = []
    for k, category in enumerate(chart.categories):
        hidden = any(s.suppressed[k] for s in chart.series)
        short = category if len(category) <= 34 else category[:32] + "…"
        labels.append(short + (" *" if hidden else ""))
    return data, labels


def _legend(drawing: Drawing, chart: Chart, x: float, y: float) -> None:
    if len(chart.series) < 2:
        return
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = FONT_CONDENSED, 7
    legend.alignment = "right"
    legend.columnMaximum = 6
    legend.deltay = 9
    legend.colorNamePairs = [
        (PALETTE[i % len(PALETTE)], s.name if len(s.name) <= 30 else s.name[:29] + "…")
        for i, s in enumerate(chart.series)
    ]
    drawing.add(legend)


def _style_bars(bars: VerticalBarChart | HorizontalBarChart, chart: Chart) -> None:
    for i in range(len(chart.series)):
        bars.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        bars.bars[i].strokeColor = None
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labels.fontName = FONT_CONDENSED
    bars.valueAxis.labels.fontSize = 7
    bars.categoryAxis.labels.fontName = FONT_CONDENSED
    bars.categoryAxis.labels.fontSize = 7
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = colors.HexColor("#d8dde3")
    bars.valueAxis.gridStrokeWidth = 0.4
    if chart.kind == "stacked":
        bars.categoryAxis.style = "stacked"


def _nothing_to_draw(chart: Chart) -> bool:
    return not any(v for s in chart.series for v in s.values)


def _chart(chart: Chart) -> Flowable | None:
    if _nothing_to_draw(chart):
        return None
    data, labels = _bar_values(chart)
    legend_width = 150 if len(chart.series) > 1 else 0
    long_labels = max((len(c) for c in labels), default=0) > 16
    bars: VerticalBarChart | HorizontalBarChart
    if chart.kind == "horizontal" or long_labels:
        per_category = 14 if chart.kind == "stacked" else 9 * len(chart.series) + 6
        height = max(80, per_category * len(labels) + 44)
        drawing = Drawing(PAGE_WIDTH, height)
        bars = HorizontalBarChart()
        bars.x, bars.y = 175, 20
        bars.width = PAGE_WIDTH - bars.x - legend_width - 16
        bars.height = height - 40
        bars.categoryAxis.reverseDirection = True
        bars.categoryAxis.labels.boxAnchor = "e"
        bars.categoryAxis.labels.dx = -4
    else:
        height = 160
        drawing = Drawing(PAGE_WIDTH, height)
        bars = VerticalBarChart()
        bars.x, bars.y = 40, 30
        bars.width = PAGE_WIDTH - bars.x - legend_width - 16
        bars.height = height - 50
        bars.categoryAxis.labels.boxAnchor = "n"
        bars.categoryAxis.labels.dy = -4
    bars.data = data
    bars.categoryAxis.categoryNames = labels
    _style_bars(bars, chart)
    drawing.add(bars)
    _legend(drawing, chart, PAGE_WIDTH - legend_width + 14, height - 18)
    title = chart.title
    if chart.value_label not in title.lower():
        title += f" ({chart.value_label})"
    drawing.add(
        String(8, height - 10, title, fontName=FONT, fontSize=8,
               fillColor=colors.HexColor("#1f3a5f"))
    )  # fmt: skip
    return drawing


def _section(table: ReportTable, chart: Chart | None) -> list[Flowable]:
    parts: list[Flowable] = [para(table.title, "heading"), _table(table)]
    if table.note:
        parts += [Spacer(1, 2), para(table.note, "small")]
    drawn = _chart(chart) if chart is not None else None
    if drawn is not None:
        parts += [Spacer(1, 6), drawn]
    return [CondPageBreak(1.6 * inch), KeepTogether(parts)]


def render_csec_report(report: CsecReport, meta: DocumentMeta) -> bytes:
    """The report as a PDF (Letter, portrait), with the shared banner and page X of Y."""
    period = report.period
    story: list[Flowable] = [
        para(_title(report), "title"),
        para(
            f"Period {period.start.isoformat()} to {period.end.isoformat()} (county-local dates)"
            f" · {period.unit or 'all housing units'} · generated "
            f"{report.generated_at.astimezone(meta.printed_at.tzinfo):%Y-%m-%d %H:%M}",
            "body",
        ),
        para(
            f"Aggregates only. Counts from 1 to {report.threshold - 1} are shown as *, and so "
            "are enough other counts that none can be worked out from the totals, in one table "
            "or across tables; a number printed in several tables is shown or hidden alike in "
            "all. Rates and durations resting on a hidden count are hidden too. Youth whose "
            "every petition is sealed are left out. A bar marked * in a chart is hidden.",
            "small",
        ),
        Spacer(1, 6),
        para("Headline figures", "heading"),
        _figures(report),
    ]
    charts = {c.table_key: c for c in report.charts}
    for table in report.tables:
        story += _section(table, charts.get(table.key))
    story += [CondPageBreak(1.5 * inch), para("Definitions", "heading")]
    story += [_definition(term, meaning) for term, meaning in report.definitions]
    return build_pdf(meta, story)


def _definition(term: str, meaning: str) -> Flowable:
    return Paragraph(f"<b>{text(term)}.</b> {text(meaning)}", styles()["small"])
