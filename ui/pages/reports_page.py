"""The CSEC report on screen: filters, each table with its bar chart beside it, and exports.

The report is computed in SQL by the metrics service on a worker thread and arrives already
suppressed for small cells; exports go through the export service (always suppressed, audited
with a document id) and are written to disk off the GUI thread too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, QStandardPaths, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.readmodels import csec_report
from girlscourt.readmodels.csec_report import Chart, CsecReport, Period, Table
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.reports import csec_metrics, report_export
from girlscourt.services.reports.report_export import ExportedReport
from ui import workers
from ui.context import AppContext
from ui.extensions import FeaturePage, Navigator
from ui.models.report_table_model import ReportTableModel
from ui.style import MUTED
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind

FORMATS = {"csv": "CSV (*.csv)", "json": "JSON (*.json)", "pdf": "PDF documents (*.pdf)"}


def last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full calendar quarter before ``today``."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    this_quarter = dt.date(today.year, first_month, 1)
    end = this_quarter - dt.timedelta(days=1)
    start = dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return start, end


def qdate(day: dt.date) -> QDate:
    """A Python date as a QDate."""
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    """A QDate as a Python date."""
    return dt.date(value.year(), value.month(), value.day())


def run_report(core: Core, actor: Actor, start: dt.date, end: dt.date, unit: str | None) -> object:
    """Runs on a worker thread: the checked period, then the report."""
    return csec_metrics.csec_report(core, actor, csec_report.make_period(start, end, unit))


def export_and_write(
    core: Core, actor: Actor, period: Period, fmt: str, path: str
) -> tuple[ExportedReport, str]:
    """Runs on a worker thread: the export, written in full before it is audited (never half)."""
    exported = report_export.export_csec_report(core, actor, period, fmt, out=path)
    return exported, path


def build_chart(chart: Chart) -> QChart:
    """A Qt Charts bar chart of one report chart; suppressed bars are left out (drawn as 0)."""
    horizontal = chart.kind == "horizontal" or len(chart.categories) > 6
    stacked = chart.kind == "stacked"
    series: QAbstractBarSeries
    if horizontal:
        series = QHorizontalStackedBarSeries() if stacked else QHorizontalBarSeries()
    else:
        series = QStackedBarSeries() if stacked else QBarSeries()
    top = 0.0
    hidden = 0
    for one in chart.series:
        bars = QBarSet(one.name)
        for value, suppressed in zip(one.values, one.suppressed, strict=True):
            hidden += int(suppressed)
            bars.append(0.0 if value is None or suppressed else float(value))
            top = max(top, 0.0 if value is None or suppressed else float(value))
        series.append(bars)
    result = QChart()
    title = chart.title + (f" ({hidden} suppressed, not drawn)" if hidden else "")
    result.setTitle(title)
    result.addSeries(series)
    result.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    result.setMargins(QMargins(4, 4, 4, 4))
    categories = QBarCategoryAxis()
    categories.append(list(chart.categories))
    values = QValueAxis()
    values.setRange(0, max(4.0, top))
    values.applyNiceNumbers()  # round ticks (0, 5, 10…), never 0, 6, 12, 17
    values.setLabelFormat("%.0f")
    values.setTitleText(chart.value_label)
    if horizontal:
        result.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        result.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    else:
        result.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        result.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values)
    result.legend().setVisible(len(chart.series) > 1)
    result.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return result


class ReportBlock(QFrame):
    """One table and, beside it, its chart."""

    def __init__(
        self, table: Table, chart: Chart | None, threshold: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(table.title)
        title.setStyleSheet("font-weight: bold; font-size: 11pt;")
        title.setWordWrap(True)
        self.model = ReportTableModel(table, threshold, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(table.title)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        row_height = self.fontMetrics().lineSpacing() + 8
        self.view.verticalHeader().setDefaultSectionSize(row_height)
        rows = min(len(table.rows), 12)
        header_height = self.view.horizontalHeader().sizeHint().height()
        # As tall as its rows (up to 12, then it scrolls): no empty table body under the rows.
        spare = self.view.horizontalScrollBar().sizeHint().height()  # room for a wide table
        self.view.setFixedHeight(row_height * rows + header_height + spare + 6)
        self.chart_view: QChartView | None = None
        body = QHBoxLayout()
        body.addWidget(self.view, 3, Qt.AlignmentFlag.AlignTop)
        if chart is not None:
            self.chart_view = QChartView(build_chart(chart))
            self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.chart_view.setFixedHeight(max(260, row_height * rows + header_height + 6))
            self.chart_view.setMinimumWidth(380)
            self.chart_view.setAccessibleName(f"Chart: {chart.title}")
            body.addWidget(self.chart_view, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if table.note:
            note = QLabel(table.note)
            note.setWordWrap(True)
            note.setStyleSheet(f"color: {MUTED};")
            layout.addWidget(note)
        layout.addLayout(body)


class ReportsPage(QWidget):
    """ "Reports": the CSEC report for a date range and unit, with charts and exports."""

    report_shown = Signal(object)  # CsecReport
    exported = Signal(object, str)  # ExportedReport, the path written
    failed = Signal(object)

    def __init__(
        self,
        context: AppContext,
        navigator: Navigator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.navigator = navigator
        self.report: CsecReport | None = None
        self.blocks: list[ReportBlock] = []
        self.save_dialog: QFileDialog | None = None
        self._job: workers.Job | None = None
        self._units_loaded = False

        title = QLabel("Reports")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        start, end = last_quarter(context.core.today())
        self.start_edit = QDateEdit(qdate(start))
        self.end_edit = QDateEdit(qdate(end))
        for edit, name in ((self.start_edit, "From"), (self.end_edit, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("MM/dd/yyyy")
            edit.setAccessibleName(name)
        self.unit_combo = QComboBox()
        self.unit_combo.setAccessibleName("Unit")
        self.unit_combo.addItem("All units", None)
        self.run_button = QPushButton("&Run report")
        self.run_button.setDefault(True)
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt in FORMATS:
            button = QPushButton(f"Export {fmt.upper()}…")
            button.setEnabled(False)
            button.setToolTip("Exports are always suppressed and recorded with a document id")
            button.clicked.connect(lambda _c=False, f=fmt: self.export(f))
            self.export_buttons[fmt] = button
        self.summary = QLabel(
            "Choose the dates and unit, then Run report. Counts below the small-cell threshold "
            "show as *."
        )
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setStyleSheet(f"color: {MUTED};")
        self.message = MessageBar()
        self.figures = QLabel("")
        self.figures.setTextFormat(Qt.TextFormat.PlainText)
        self.figures.setWordWrap(True)

        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.addWidget(self.figures)
        self.content_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.content)

        filters = QHBoxLayout()
        filters.addWidget(title)
        filters.addSpacing(16)
        for label, widget in (
            ("&From:", self.start_edit),
            ("&To:", self.end_edit),
            ("&Unit:", self.unit_combo),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addWidget(self.run_button)
        filters.addStretch(1)
        for button in self.export_buttons.values():
            filters.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)

        self.run_button.clicked.connect(self.run)
        self.message.action_triggered.connect(self.run)
        workers.run(
            csec_metrics.housing_units,
            context.core,
            context.actor,
            on_done=self._units,
            on_error=self._failed,
            context=self,
        )

    def _units(self, units: tuple[str, ...]) -> None:
        for unit in units:
            self.unit_combo.addItem(unit, unit)
        self._units_loaded = True

    def set_period(self, start: dt.date, end: dt.date, unit: str | None = None) -> None:
        """Set the filters (the unit must be one offered)."""
        self.start_edit.setDate(qdate(start))
        self.end_edit.setDate(qdate(end))
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(unit)))

    def run(self) -> None:
        """Compute the report for the filters (a run still going is dropped)."""
        if self._job is not None:
            self._job.cancel()
        self.message.clear()
        self.run_button.setEnabled(False)
        self.summary.setText("Computing the report…")
        self._job = workers.run(
            run_report,
            self.context.core,
            self.context.actor,
            pydate(self.start_edit.date()),
            pydate(self.end_edit.date()),
            self.unit_combo.currentData(),
            on_done=self._show,
            on_error=self._failed,
            context=self,
        )

    def _show(self, report: CsecReport) -> None:
        self._job = None
        self.run_button.setEnabled(True)
        self.report = report
        for block in self.blocks:
            self.content_layout.removeWidget(block)
            block.deleteLater()
        self.blocks = []
        charts = {c.table_key: c for c in report.charts}
        for table in report.tables:
            block = ReportBlock(table, charts.get(table.key), report.threshold)
            self.content_layout.insertWidget(self.content_layout.count() - 1, block)
            self.blocks.append(block)
        self.figures.setText(
            "\n".join(f"{figure.label}: {figure.text()}" for figure in report.figures)
        )
        state = (
            f"cells under {report.threshold} are suppressed (*)"
            if report.suppressed
            else "not suppressed (this role's on-screen view); exports are suppressed"
        )
        self.summary.setText(
            f"CSEC report {report.period.label()} · {len(report.tables)} tables · {state}."
        )
        for button in self.export_buttons.values():
            button.setEnabled(True)
        self.report_shown.emit(report)

    def _failed(self, error: BaseException) -> None:
        self._job = None
        self.run_button.setEnabled(True)
        text, retry = failure_text(error, "The report could not be produced")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)
        self.summary.setText("")
        self.failed.emit(error)

    # -- exports ------------------------------------------------------------------------------

    def export(self, fmt: str) -> QFileDialog | None:
        """Ask where to save, then export the report shown."""
        if self.report is None:
            return None
        period = self.report.period
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = f"csec-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
        dialog = QFileDialog(
            self, f"Export the CSEC report as {fmt.upper()}", str(Path(folder or ".") / name),
            FORMATS[fmt],
        )  # fmt: skip
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(fmt)
        dialog.fileSelected.connect(lambda path: self.export_to(fmt, path))
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        self.save_dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, fmt: str, path: str) -> None:
        """Export the report shown as ``fmt`` to ``path`` (both off the GUI thread)."""
        if self.report is None or not path:
            return
        for button in self.export_buttons.values():
            button.setEnabled(False)
        self.message.show_message(f"Exporting {fmt.upper()}…", MessageKind.INFO)
        workers.run(
            export_and_write,
            self.context.core,
            self.context.actor,
            self.report.period,
            fmt,
            path,
            on_done=self._exported,
            on_error=self._export_failed,
            context=self,
        )

    def _exported(self, result: tuple[ExportedReport, str]) -> None:
        exported, path = result
        for button in self.export_buttons.values():
            button.setEnabled(True)
        self.message.show_message(
            f"Saved {path} (document {exported.document_id}, suppressed).", MessageKind.INFO
        )
        self.exported.emit(exported, path)

    def _export_failed(self, error: BaseException) -> None:
        for button in self.export_buttons.values():
            button.setEnabled(True)
        if isinstance(error, OSError):
            text = f"Not saved: the file could not be written ({error.strerror or error})."
        else:
            text, _retry = failure_text(error, "Not exported")
        self.message.show_message(text, MessageKind.ERROR)
        self.failed.emit(error)


REPORTS_FEATURE = FeaturePage(
    key="reports",
    title="Reports",
    tooltip="The CSEC report: tables, charts and exports (aggregates only)",
    allowed=lambda context: context.may(Action.REPORT_AGGREGATE),
    factory=lambda context, navigator: ReportsPage(context, navigator),
    shortcut="Ctrl+R",
)
