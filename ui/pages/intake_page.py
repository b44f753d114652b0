"""The intake desk's one flow: youth, custody episode, charges, screening, risk, decision.

Built for the keyboard and for interruptions: every step is reached with Alt+1…6 or Next/Back,
the service validates the whole intake on Save and each error lands on its field, and the form
is kept as a draft (a moment after each edit and when the page is left) so nothing typed is
ever lost.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.instruments import Instrument, RiskResult
from girlscourt.domain.intake_rules import (
    DECISIONS,
    ChargeCode,
    ChargeInput,
    DecisionInput,
    EpisodeInput,
    IntakeCodes,
    SB1322Refusal,
)
from girlscourt.domain.permissions import Action
from girlscourt.domain.youth_rules import age_on
from girlscourt.errors import (
    DatabaseUnavailable,
    GirlsCourtError,
    NotFound,
    PermissionDenied,
    RuleRefused,
    ValidationError,
)
from girlscourt.services import agencies, intake, youths
from girlscourt.services.core import Actor
from girlscourt.services.intake import DraftView, IntakeRequest, IntakeResult
from girlscourt.services.intake_codes import default_instrument, intake_codes
from girlscourt.services.youths import YouthRecord, YouthSummary
from ui import workers
from ui.context import AppContext
from ui.dialogs.approval_dialog import ApprovalDialog
from ui.dialogs.new_youth_dialog import NewYouthDialog
from ui.extensions import FeaturePage, Navigator
from ui.formatting import DATE_HINT, format_date, format_timestamp, parse_dob
from ui.keyboard import chain_tab_order
from ui.models.board_table_model import format_due
from ui.models.youth_table_model import COL_NAME, YouthTableModel
from ui.style import ERROR, INFO_BG, INFO_BORDER, INVALID_FIELD_CSS, MUTED, set_invalid
from ui.widgets.message_bar import MessageBar, MessageKind
from ui.widgets.risk_form import RiskForm
from ui.widgets.screening_form import ScreeningForm
from ui.widgets.youth_table_view import YouthTableView

Index = QModelIndex | QPersistentModelIndex

DRAFT_DELAY_MS = 1500  # autosave this long after the last edit
SEARCH_DELAY_MS = 150
DRAFT_FORMAT = 1

STEP_YOUTH, STEP_EPISODE, STEP_CHARGES, STEP_SCREENING, STEP_RISK, STEP_DECISION = range(6)
STEP_TITLES = ("Youth", "Custody episode", "Charges", "Screening", "Risk", "Decision")

FIELD_LABELS = {
    "youth_id": "The youth",
    "custody_start_at": "Custody start",
    "petition_filed_at": "Petition filed",
    "released_at": "Release time",
    "release_type": "Release type",
    "arresting_officer": "Arresting officer",
    "housing_unit": "Housing unit",
    "age_exception_reason": "The reason",
    "charges": "Charges",
    "override_level": "The override level",
    "override_reason": "The override reason",
    "decision": "The decision",
    "detention_reasons": "The detention grounds",
    "override_reason_code": "The override reason",
    "override_narrative": "The narrative",
    "approver": "Supervisor approval",
    "risk": "The risk instrument",
}

# What the officer does next when a rule refuses the intake, by the field the rule names.
NEXT_STEPS = {
    "charges": (
        "What happens next: make the child-welfare hotline report and arrange the CSEC "
        "screening; both steps are on the youth's record with their target times. Nothing else "
        "was saved; your entries are still here."
    ),
    "detention_reasons": (
        "What happens next: choose another statutory ground on the Decision step if one "
        "applies, or release the youth (to a parent or guardian, or to shelter / child "
        "welfare). Nothing was saved; your entries are still here."
    ),
    "screening": (
        "What happens next: ask a screener with current training to complete the screening, "
        "or tick “Screen later” on the Screening step to save the intake without it. Nothing "
        "was saved; your entries are still here."
    ),
    "screening.instrument": (
        "What happens next: tell a supervisor; tick “Screen later” on the Screening step to "
        "save the intake without the screening. Nothing was saved."
    ),
}
_RULE_STEP = {
    "charges": STEP_CHARGES,
    "detention_reasons": STEP_DECISION,
    "screening": STEP_SCREENING,
    "screening.instrument": STEP_SCREENING,
}


# -- small helpers ------------------------------------------------------------------------------


_TIME_24 = re.compile(r"^(\d{1,2}):?(\d{2})$")
_TIME_12 = re.compile(r"^(\d{1,2})(?::?(\d{2}))?\s*([ap])\.?\s*m?\.?$", re.IGNORECASE)


def parse_time(text: str, field: str) -> dt.time:
    """A time typed as 21:40, 2140, 9:40 pm or 9 pm; ValidationError names ``field``."""
    value = text.strip()
    if not value:
        raise ValidationError(field, "needs a time (e.g. 21:40 or 9:40 pm)")
    hour = minute = -1
    if match := _TIME_12.match(value):
        twelve, minute = int(match[1]), int(match[2] or 0)
        if 1 <= twelve <= 12:
            hour = twelve % 12 + (12 if match[3].lower() == "p" else 0)
    elif match := _TIME_24.match(value):
        hour, minute = int(match[1]), int(match[2])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValidationError(field, f"“{value}” is not a time; write it as 21:40 or 9:40 pm")
    return dt.time(hour, minute)


def parse_moment(
    date_text: str, time_text: str, field: str, tz: ZoneInfo, *, required: bool
) -> dt.datetime | None:
    """A county-local date and time as an aware datetime (None when optional and empty)."""
    if not date_text.strip() and not time_text.strip():
        if required:
            raise ValidationError(field, "is required")
        return None
    day = parse_dob(date_text, field)
    return dt.datetime.combine(day, parse_time(time_text, field), tzinfo=tz)


def sentence(error: ValidationError) -> str:
    """A whole sentence for an inline error: "Custody start is required."."""
    field = error.field
    detail = error.detail.strip()
    if field.startswith("responses.") and detail.startswith("no answer"):
        return "Choose an answer (Unknown if you do not know)."
    if field.startswith("answers.") and detail.startswith("no answer"):
        return "Choose an answer."
    base = re.split(r"[.\[]", field, maxsplit=1)[0]
    label = FIELD_LABELS.get(base)
    if label and detail.startswith(("is ", "must ", "needs ", "contains ")):
        text = f"{label} {detail}"
    else:
        text = detail[:1].upper() + detail[1:]
    return text if text.endswith(".") else text + "."


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {ERROR};")
    label.hide()
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED};")
    return label


@dataclass(frozen=True)
class Setup:
    """What the page needs before it can be built: code lists, instruments, agencies."""

    codes: IntakeCodes
    screening: Instrument
    risk: Instrument
    agencies: tuple[tuple[int, str], ...]


def load_setup(context: AppContext) -> Setup:
    """Read the county's code lists and instruments (files) and the agency directory."""
    directory = agencies.list_agencies(
        context.core, context.actor, kind="law_enforcement", active_only=True
    )
    return Setup(
        intake_codes(),
        default_instrument("screening"),
        default_instrument("risk"),
        tuple((a.id, a.name) for a in directory),
    )


class Step(QWidget):
    """One step of the flow: fields with inline errors, its draft content, ``edited``."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(INVALID_FIELD_CSS)
        self.loading = False
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}

    def cell(
        self,
        name: str,
        widget: QWidget,
        extra: QWidget | None = None,
        *,
        mark: QWidget | None = None,
    ) -> QWidget:
        """``widget`` (and ``extra`` beside it) over its error label, registered as ``name``.

        ``mark`` is what gets the red frame on an error (default: ``widget``).
        """
        error = _error_label()
        self.fields[name] = (mark or widget, error)
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if extra is None:
            column.addWidget(widget)
        else:
            line = QHBoxLayout()
            line.addWidget(widget)
            line.addWidget(extra, 1)
            column.addLayout(line)
        column.addWidget(error)
        return host

    def touched(self) -> None:
        """The officer changed something (not a programmatic fill)."""
        if not self.loading:
            self.edited.emit()

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        """Show ``text`` by the field ``error`` names; the widget to focus, or None if not ours."""
        base = re.split(r"\[", error.field, maxsplit=1)[0]
        found = self.fields.get(error.field) or self.fields.get(base)
        if found is None:
            return None
        widget, label = found
        label.setText(text)
        label.show()
        set_invalid(widget, True)
        return widget

    def clear_errors(self) -> None:
        """Hide every inline error."""
        for widget, label in self.fields.values():
            label.hide()
            set_invalid(widget, False)

    def first_field(self) -> QWidget:
        """Where the cursor goes when the step is shown."""
        return self

    def content(self) -> dict[str, Any]:
        """The step as JSON-able data (for drafts)."""
        return {}

    def load(self, content: dict[str, Any]) -> None:
        """Fill the step from ``content()`` output."""

    def summary(self) -> str:
        """A few words for the step list."""
        return ""


# -- 1. the youth -------------------------------------------------------------------------------


class _SearchEdit(QLineEdit):
    """Down arrow (or Enter) moves from the search field into the results."""

    to_results = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.to_results.emit()
            event.accept()
            return
        super().keyPressEvent(event)


@dataclass(frozen=True)
class ChosenYouth:
    """The youth this intake is for."""

    id: int
    name: str
    dob: dt.date


class YouthStep(Step):
    """Find the youth as you type (Enter picks), or register a new one."""

    chosen = Signal(object)  # ChosenYouth
    register_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.youth: ChosenYouth | None = None
        self._job: workers.Job | None = None
        self._focus_results = False
        self.search = _SearchEdit()
        self.search.setPlaceholderText(
            "Name, alias or date of birth — e.g. “maya ash” or 06/01/2010"
        )
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find the youth")
        label = QLabel("Find the &youth")
        label.setBuddy(self.search)
        self.register_button = QPushButton("&Register a new youth…")
        self.register_button.setToolTip("The youth is not in the registry yet")
        self.register_button.setAutoDefault(False)
        self.register_button.setEnabled(context.may(Action.YOUTH_CREATE))
        self.model = YouthTableModel(context.core.today, self)
        self.table = YouthTableView()
        self.table.setModel(self.model)
        self.table.set_column_widths()
        self.table.setAccessibleName("Youths found")
        self.status = _hint("Type part of the name; Enter picks the highlighted youth.")
        self.chosen_label = QLabel("No youth chosen yet.")
        self.chosen_label.setObjectName("chosenYouth")
        self.chosen_label.setTextFormat(Qt.TextFormat.PlainText)
        self.chosen_label.setStyleSheet(
            f"QLabel#chosenYouth {{ background: {INFO_BG}; border: 1px solid {INFO_BORDER};"
            " border-radius: 4px; padding: 6px; font-weight: bold; }"
        )
        error = _error_label()
        self.fields["youth_id"] = (self.search, error)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.register_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chosen_label)
        layout.addWidget(label)
        layout.addLayout(top)
        layout.addWidget(error)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        chain_tab_order([self.search, self.register_button, self.table])

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.run_query)
        self.search.textEdited.connect(lambda _t: self._debounce.start())
        self.search.to_results.connect(self._to_results)
        self.table.open_requested.connect(self._pick_id)
        self.register_button.clicked.connect(self.register_requested)

    def run_query(self) -> None:
        """Search for what is typed (an older search still running is dropped)."""
        self._debounce.stop()
        if self._job is not None:
            self._job.cancel()
        text = self.search.text().strip()
        if not text:
            self.model.clear()
            self.status.setText("Type part of the name; Enter picks the highlighted youth.")
            return
        self._job = workers.run(
            youths.find_youths,
            self.context.core,
            self.context.actor,
            text,
            on_done=lambda page: self._show(text, page),
            on_error=self._failed,
            context=self,
        )

    def _show(self, text: str, page: youths.SearchPage) -> None:
        self._job = None
        self.model.set_rows(page.rows, page.truncated)
        if page.rows:
            self.table.setCurrentIndex(self.model.index(0, COL_NAME))
            count = len(page.rows)
            self.status.setText(
                f"{count} {'youth matches' if count == 1 else 'youths match'} “{text}”. "
                "↓ or Enter goes to the list; Enter there picks the youth."
            )
        else:
            self.status.setText(
                f"No youth matches “{text}”. Try part of the name or the date of birth, "
                "or register a new youth (Alt+R)."
            )
        if self._focus_results:
            self._focus_results = False
            if page.rows:
                self.table.setFocus()

    def _failed(self, error: BaseException) -> None:
        self._job = None
        text = str(error) if isinstance(error, GirlsCourtError) else "see the log for details"
        self.status.setText(f"The search did not work: {text}")

    def _to_results(self) -> None:
        if self._debounce.isActive() or self._job is not None:
            self._focus_results = True
            self.run_query()
            return
        if self.model.rowCount():
            self.table.setFocus()

    def _pick_id(self, youth_id: int) -> None:
        for row in range(self.model.rowCount()):
            summary = self.model.summary(row)
            if summary is not None and summary.id == youth_id:
                self.choose(summary)
                return

    def choose(self, summary: YouthSummary | YouthRecord) -> None:
        """Make ``summary`` the youth of this intake."""
        if isinstance(summary, YouthRecord):
            youth = ChosenYouth(summary.id, summary.summary().display_name, summary.data.dob)
        else:
            name = f"{summary.legal_last_name}, {summary.legal_first_name}"
            if summary.preferred_name:
                name += f" “{summary.preferred_name}”"
            youth = ChosenYouth(summary.id, name, summary.dob)
        self.set_youth(youth)
        self.touched()
        self.chosen.emit(youth)

    def set_youth(self, youth: ChosenYouth | None) -> None:
        """Show the chosen youth (no signal)."""
        self.youth = youth
        self.clear_errors()
        if youth is None:
            self.chosen_label.setText("No youth chosen yet.")
            return
        age = age_on(youth.dob, self.context.core.today())
        self.chosen_label.setText(
            f"Intake for: {youth.name} · born {format_date(youth.dob)} · age {age} · "
            f"record #{youth.id}"
        )

    def first_field(self) -> QWidget:
        return self.search

    def content(self) -> dict[str, Any]:
        if self.youth is None:
            return {}
        return {"id": self.youth.id, "name": self.youth.name, "dob": self.youth.dob.isoformat()}

    def load(self, content: dict[str, Any]) -> None:
        try:
            youth = ChosenYouth(
                int(content["id"]), str(content["name"]), dt.date.fromisoformat(content["dob"])
            )
        except (KeyError, TypeError, ValueError):
            youth = None
        self.set_youth(youth)
        self.search.clear()
        self.model.clear()

    def summary(self) -> str:
        return self.youth.name if self.youth else "not chosen"


# -- 2. the custody episode ---------------------------------------------------------------------


class EpisodeStep(Step):
    """When custody started (county time), who brought the youth in, status flags, housing."""

    def __init__(self, context: AppContext, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setup = setup
        self.tz = context.core.settings.timezone
        self.youth: ChosenYouth | None = None

        self.custody_date = QLineEdit()
        self.custody_date.setPlaceholderText(DATE_HINT)
        self.custody_time = QLineEdit()
        self.custody_time.setPlaceholderText("e.g. 21:40")
        self.custody_time.setToolTip("24-hour (21:40, 2140) or 12-hour (9:40 pm)")
        self.custody_time.setAccessibleName("Custody start time")
        self.zone_label = _hint("")
        self.petition_date = QLineEdit()
        self.petition_date.setPlaceholderText(DATE_HINT)
        self.petition_time = QLineEdit()
        self.petition_time.setPlaceholderText("time")
        self.petition_time.setAccessibleName("Petition filed time")
        for edit in (self.custody_date, self.petition_date):
            edit.setMaxLength(10)
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        for edit in (self.custody_time, self.petition_time):
            edit.setMaxLength(10)
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("00:00 pm, e.g.") + 40)
        self.agency = QComboBox()
        self.agency.addItem("Not recorded", None)
        for agency_id, name in setup.agencies:
            self.agency.addItem(name, agency_id)
        if not setup.agencies:
            self.agency.setToolTip("No law-enforcement agency is in the agency directory yet")
        self.officer = QLineEdit()
        self.officer.setMaxLength(120)
        self.officer.setPlaceholderText("Name and badge number, if known")
        self.warrant = QCheckBox("Held on a &warrant")
        self.probation = QCheckBox("On &probation or parole")
        self.claimed_adult = QCheckBox("Youth says they are 1&8 or older")
        self.housing = QLineEdit()
        self.housing.setMaxLength(40)
        self.housing.setPlaceholderText("e.g. Unit 3")
        self.age_reason = QPlainTextEdit()
        self.age_reason.setTabChangesFocus(True)
        self.age_reason.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.age_note = _hint("")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        start_row = QWidget()
        start_line = QHBoxLayout(start_row)
        start_line.setContentsMargins(0, 0, 0, 0)
        start_line.addWidget(self.custody_date)
        start_line.addWidget(self.custody_time)
        start_line.addWidget(self.zone_label, 1)
        custody_label = QLabel("&Custody started *")
        custody_label.setBuddy(self.custody_date)
        form.addRow(custody_label, self.cell("custody_start_at", start_row, mark=self.custody_time))
        petition_row = QWidget()
        petition_line = QHBoxLayout(petition_row)
        petition_line.setContentsMargins(0, 0, 0, 0)
        petition_line.addWidget(self.petition_date)
        petition_line.addWidget(self.petition_time)
        petition_line.addWidget(_hint("Leave empty until a petition is filed."), 1)
        petition_label = QLabel("P&etition filed")
        petition_label.setBuddy(self.petition_date)
        form.addRow(
            petition_label, self.cell("petition_filed_at", petition_row, mark=self.petition_time)
        )
        agency_label = QLabel("Arresting &agency")
        agency_label.setBuddy(self.agency)
        form.addRow(agency_label, self.cell("arresting_agency_id", self.agency))
        officer_label = QLabel("Arresting office&r")
        officer_label.setBuddy(self.officer)
        form.addRow(officer_label, self.cell("arresting_officer", self.officer))
        flags = QWidget()
        flag_line = QHBoxLayout(flags)
        flag_line.setContentsMargins(0, 0, 0, 0)
        for box in (self.warrant, self.probation, self.claimed_adult):
            flag_line.addWidget(box)
        flag_line.addStretch(1)
        form.addRow("Status", flags)
        housing_label = QLabel("Housin&g unit")
        housing_label.setBuddy(self.housing)
        form.addRow(housing_label, self.cell("housing_unit", self.housing))
        self.age_label = QLabel("Reason to proceed")
        self.age_label.setBuddy(self.age_reason)
        self.age_cell = self.cell("age_exception_reason", self.age_reason)
        age_host = QWidget()
        age_column = QVBoxLayout(age_host)
        age_column.setContentsMargins(0, 0, 0, 0)
        age_column.addWidget(self.age_note)
        age_column.addWidget(self.age_cell)
        form.addRow(self.age_label, age_host)
        self.age_host = age_host

        layout = QVBoxLayout(self)
        layout.addWidget(
            _hint(
                "Times are county time; the legal deadlines are counted from them. Type the "
                "time custody really started, not the time of this intake."
            )
        )
        layout.addLayout(form)
        layout.addStretch(1)
        chain_tab_order(
            [
                self.custody_date,
                self.custody_time,
                self.petition_date,
                self.petition_time,
                self.agency,
                self.officer,
                self.warrant,
                self.probation,
                self.claimed_adult,
                self.housing,
                self.age_reason,
            ]
        )
        for edit in (
            self.custody_date,
            self.custody_time,
            self.petition_date,
            self.petition_time,
            self.officer,
            self.housing,
        ):
            edit.textChanged.connect(lambda _t: self._changed())
        for box in (self.warrant, self.probation, self.claimed_adult):
            box.toggled.connect(lambda _c: self.touched())
        self.agency.currentIndexChanged.connect(lambda _i: self.touched())
        self.age_reason.textChanged.connect(self.touched)
        self.reset()

    def reset(self) -> None:
        """Today's date, everything else empty."""
        self.loading = True
        try:
            for edit in (self.custody_time, self.petition_date, self.petition_time):
                edit.clear()
            self.custody_date.setText(format_date(self.context.core.today()))
            self.agency.setCurrentIndex(0)
            self.officer.clear()
            self.housing.clear()
            for box in (self.warrant, self.probation, self.claimed_adult):
                box.setChecked(False)
            self.age_reason.clear()
        finally:
            self.loading = False
        self.clear_errors()
        self._update_zone()
        self._update_age_note()

    def _changed(self) -> None:
        self._update_zone()
        self._update_age_note()
        self.touched()

    def _update_zone(self) -> None:
        try:
            day = parse_dob(self.custody_date.text(), "custody_start_at")
        except ValidationError:
            self.zone_label.setText(f"{self.tz.key} time")
            return
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=self.tz)
        offset = noon.utcoffset() or dt.timedelta()
        hours = int(offset.total_seconds() // 3600)
        self.zone_label.setText(f"{noon.tzname()} (UTC{hours:+d}), {self.tz.key}")

    def set_youth(self, youth: ChosenYouth | None) -> None:
        """The youth chosen on step 1 (her age decides whether a reason is needed)."""
        self.youth = youth
        self._update_age_note()

    def age_at_custody(self) -> int | None:
        """The youth's age on the custody date typed (None when unknown)."""
        if self.youth is None:
            return None
        try:
            day = parse_dob(self.custody_date.text(), "custody_start_at")
        except ValidationError:
            return None
        return age_on(self.youth.dob, day)

    def _update_age_note(self) -> None:
        age = self.age_at_custody()
        youngest, oldest = self.setup.codes.juvenile_ages
        outside = age is not None and not youngest <= age <= oldest
        self.age_host.setVisible(outside or bool(self.age_reason.toPlainText().strip()))
        self.age_label.setVisible(self.age_host.isVisibleTo(self))
        if outside:
            self.age_note.setText(
                f"The youth was {age} at custody, outside the juvenile limits "
                f"{youngest}–{oldest}. Record why this intake proceeds (audited)."
            )

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        if error.field == "age_exception_reason":
            self.age_host.show()
            self.age_label.show()
        widget = super().show_error(error, text)
        if error.field in ("custody_start_at", "petition_filed_at"):
            edits = (
                (self.custody_date, self.custody_time)
                if error.field == "custody_start_at"
                else (self.petition_date, self.petition_time)
            )
            for edit in edits:
                set_invalid(edit, True)
            try:
                parse_dob(edits[0].text(), error.field)
            except ValidationError:
                return edits[0]
            return edits[1]
        return widget

    def clear_errors(self) -> None:
        super().clear_errors()
        for edit in (self.custody_date, self.custody_time, self.petition_date, self.petition_time):
            set_invalid(edit, False)

    def values(self) -> tuple[dict[str, Any], list[ValidationError]]:
        """The episode fields, parsed; with the format problems found."""
        problems: list[ValidationError] = []
        data: dict[str, Any] = {}
        for name, date_edit, time_edit, required in (
            ("custody_start_at", self.custody_date, self.custody_time, True),
            ("petition_filed_at", self.petition_date, self.petition_time, False),
        ):
            try:
                data[name] = parse_moment(
                    date_edit.text(), time_edit.text(), name, self.tz, required=required
                )
            except ValidationError as error:
                problems.append(error)
        start = data.get("custody_start_at")
        if start is not None and start > self.context.core.now() + dt.timedelta(minutes=5):
            problems.append(ValidationError("custody_start_at", "is in the future"))
        agency = self.agency.currentData()
        data.update(
            arresting_agency_id=int(agency) if agency is not None else None,
            arresting_officer=self.officer.text().strip() or None,
            warrant=self.warrant.isChecked(),
            on_probation=self.probation.isChecked(),
            claimed_adult=self.claimed_adult.isChecked(),
            housing_unit=self.housing.text().strip() or None,
            age_exception_reason=self.age_reason.toPlainText().strip() or None,
        )
        return data, problems

    def first_field(self) -> QWidget:
        return self.custody_time if self.custody_date.text() else self.custody_date

    def content(self) -> dict[str, Any]:
        return {
            "custody_date": self.custody_date.text(),
            "custody_time": self.custody_time.text(),
            "petition_date": self.petition_date.text(),
            "petition_time": self.petition_time.text(),
            "agency_id": self.agency.currentData(),
            "officer": self.officer.text(),
            "warrant": self.warrant.isChecked(),
            "on_probation": self.probation.isChecked(),
            "claimed_adult": self.claimed_adult.isChecked(),
            "housing_unit": self.housing.text(),
            "age_exception_reason": self.age_reason.toPlainText(),
        }

    def load(self, content: dict[str, Any]) -> None:
        if not content:
            self.reset()
            return
        self.loading = True
        try:
            self.custody_date.setText(str(content.get("custody_date") or ""))
            self.custody_time.setText(str(content.get("custody_time") or ""))
            self.petition_date.setText(str(content.get("petition_date") or ""))
            self.petition_time.setText(str(content.get("petition_time") or ""))
            self.agency.setCurrentIndex(max(self.agency.findData(content.get("agency_id")), 0))
            self.officer.setText(str(content.get("officer") or ""))
            self.warrant.setChecked(bool(content.get("warrant")))
            self.probation.setChecked(bool(content.get("on_probation")))
            self.claimed_adult.setChecked(bool(content.get("claimed_adult")))
            self.housing.setText(str(content.get("housing_unit") or ""))
            self.age_reason.setPlainText(str(content.get("age_exception_reason") or ""))
        finally:
            self.loading = False
        self.clear_errors()
        self._update_zone()
        self._update_age_note()

    def summary(self) -> str:
        time = self.custody_time.text().strip()
        return f"from {self.custody_date.text()} {time}".strip() if time else "time needed"


# -- 3. charges ---------------------------------------------------------------------------------


CHARGE_COLUMNS = ("Code", "Charge", "Level", "Flags")


def charge_flags(charge: ChargeCode) -> str:
    """ "violent, weapon, SB 1322" as applicable."""
    flags = [name for name, on in (("violent", charge.violent), ("weapon", charge.weapon)) if on]
    if charge.sb1322:
        flags.append("SB 1322: a minor is not booked on this alone")
    return ", ".join(flags)


class ChargeTableModel(QAbstractTableModel):
    """Charges (from the county list): code, description, level, flags.

    ``one_line`` shows the whole charge in column 0 (the pick list is a one-column view).
    """

    def __init__(
        self,
        charges: Sequence[ChargeCode] = (),
        parent: QObject | None = None,
        *,
        one_line: bool = False,
    ) -> None:
        super().__init__(parent)
        self._rows = list(charges)
        self._one_line = one_line

    def set_charges(self, charges: Sequence[ChargeCode]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(charges)
        self.endResetModel()

    def append(self, charge: ChargeCode) -> None:
        """Add a row at the end."""
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(charge)
        self.endInsertRows()

    def remove(self, row: int) -> None:
        """Remove one row."""
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def charges(self) -> list[ChargeCode]:
        """Every row, in order."""
        return list(self._rows)

    def charge(self, row: int) -> ChargeCode | None:
        """The charge on ``row`` (None out of range)."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Charges listed."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Code, description, level, flags."""
        return 0 if parent.isValid() else len(CHARGE_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text per column; the whole line in column 0 for the pick list's search."""
        charge = self.charge(index.row()) if index.isValid() else None
        if charge is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if self._one_line and index.column() == 0:
                flags = charge_flags(charge).split(":", 1)[0]  # "…, SB 1322"
                return f"{charge.code} — {charge.description} · {charge.level}" + (
                    f" · {flags}" if flags else ""
                )
            return (charge.code, charge.description, charge.level, charge_flags(charge))[
                index.column()
            ]
        if role == Qt.ItemDataRole.UserRole:
            return charge.code
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{charge.code}: {charge.description} ({charge.level})"
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(CHARGE_COLUMNS)
        ):
            return CHARGE_COLUMNS[section]
        return None


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


class ChargeFilterModel(QSortFilterProxyModel):
    """Charges whose code or description holds every word typed ("211", "pc 245", "theft")."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        """Filter by ``text`` (empty: every charge)."""
        self.beginFilterChange()
        self._words = [w for w in (_compact(part) for part in text.split()) if w]
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        source = self.sourceModel()
        assert isinstance(source, ChargeTableModel)
        charge = source.charge(source_row)
        if charge is None:
            return False
        haystack = _compact(f"{charge.code} {charge.description} {charge.level}")
        return all(word in haystack for word in self._words)


class _PickEdit(QLineEdit):
    """Enter picks the highlighted charge; ↑/↓ move the highlight in the list below."""

    submitted = Signal()
    step = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.step.emit(1 if event.key() == Qt.Key.Key_Down else -1)
            event.accept()
            return
        super().keyPressEvent(event)


class _KeyTable(QTableView):
    """Delete removes the selected charge."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class _PickList(QListView):
    """Enter adds the highlighted charge."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ChargesStep(Step):
    """Pick charges from the county list by typing; add, remove, see level and flags."""

    def __init__(self, context: AppContext, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.codes = setup.codes
        self.youth: ChosenYouth | None = None
        self.age_of: Callable[[], int | None] = lambda: None

        self.pick = _PickEdit()
        self.pick.setPlaceholderText("Code or words, e.g. 211, 245 or theft; Enter adds")
        self.pick.setAccessibleName("Find a charge")
        pick_label = QLabel("Find a &charge")
        pick_label.setBuddy(self.pick)
        self.source = ChargeTableModel(list(setup.codes.charges.values()), self, one_line=True)
        self.filter = ChargeFilterModel(self)
        self.filter.setSourceModel(self.source)
        self.pick_list = _PickList()
        self.pick_list.setModel(self.filter)
        self.pick_list.setModelColumn(0)
        self.pick_list.setAccessibleName("Charge list")
        self.pick_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = self.pick_list.fontMetrics().lineSpacing() + 6
        self.pick_list.setFixedHeight(rows * 6 + 8)
        self.pick_list.setAlternatingRowColors(True)
        self.no_match = _hint(
            "No charge on the county list matches; try the code number or a word."
        )
        self.no_match.hide()
        self.add_button = QPushButton("&Add charge")
        self.add_button.setAutoDefault(False)

        self.model = ChargeTableModel((), self)
        self.table = _KeyTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Charges for this intake")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        em = self.fontMetrics().horizontalAdvance("M")
        self.table.setColumnWidth(0, em * 8)
        self.table.setColumnWidth(2, self.fontMetrics().horizontalAdvance("misdemeanor") + 16)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(3, em * 16)
        self.remove_button = QPushButton("Re&move charge")
        self.remove_button.setAutoDefault(False)
        self.sb1322_note = QLabel()
        self.sb1322_note.setWordWrap(True)
        self.sb1322_note.setObjectName("sb1322Note")
        self.sb1322_note.setStyleSheet(
            f"QLabel#sb1322Note {{ background: {INFO_BG}; border: 1px solid {INFO_BORDER};"
            " border-radius: 4px; padding: 6px; }"
        )
        self.sb1322_note.setText(
            "SB 1322: a youth under 18 is not booked on PC 647(b) or PC 653.22 alone. Saving "
            "will not book the youth on these charges; it starts a child-welfare hotline report "
            "and a CSEC screening instead."
        )
        self.sb1322_note.hide()

        picker = QGridLayout()
        picker.addWidget(pick_label, 0, 0)
        picker.addWidget(self.pick, 0, 1)
        picker.addWidget(self.add_button, 0, 2)
        picker.addWidget(self.pick_list, 1, 1, 1, 2)
        picker.addWidget(self.no_match, 2, 1, 1, 2)
        picker.setColumnStretch(1, 1)
        chosen_label = QLabel("Charges for this intake *")
        chosen_label.setStyleSheet("font-weight: bold;")
        buttons = QHBoxLayout()
        buttons.addWidget(_hint("Delete removes the selected charge."), 1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(picker)
        layout.addSpacing(10)
        layout.addWidget(chosen_label)
        layout.addWidget(self.cell("charges", self.table))
        layout.addLayout(buttons)
        layout.addWidget(self.sb1322_note)
        chain_tab_order(
            [self.pick, self.add_button, self.pick_list, self.table, self.remove_button]
        )

        self.pick.textChanged.connect(self._filter)
        self.pick.submitted.connect(self._submitted)
        self.pick.step.connect(self._move_highlight)
        self.pick_list.submitted.connect(self.add_highlighted)
        self.pick_list.doubleClicked.connect(lambda _i: self.add_highlighted())
        self.add_button.clicked.connect(self.add_highlighted)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.delete_pressed.connect(self.remove_selected)
        self._filter("")

    def _filter(self, text: str) -> None:
        self.filter.set_text(text)
        if self.filter.rowCount():
            self.pick_list.setCurrentIndex(self.filter.index(0, 0))
        self.no_match.setVisible(self.filter.rowCount() == 0)

    def _move_highlight(self, step: int) -> None:
        count = self.filter.rowCount()
        if not count:
            return
        row = max(0, min(count - 1, self.pick_list.currentIndex().row() + step))
        self.pick_list.setCurrentIndex(self.filter.index(row, 0))

    def _highlighted(self) -> ChargeCode | None:
        index = self.pick_list.currentIndex()
        if not index.isValid():
            return None
        return self.source.charge(self.filter.mapToSource(index).row())

    def _submitted(self) -> None:
        # Enter in an empty search adds nothing: the first charge on the list is no default.
        if self.pick.text().strip():
            self.add_highlighted()

    def add_highlighted(self) -> None:
        """Add the highlighted charge (once) and clear the search for the next one."""
        charge = self._highlighted()
        if charge is None:
            return
        if charge.code not in [c.code for c in self.model.charges()]:
            self.model.append(charge)
            self.table.selectRow(self.model.rowCount() - 1)
            self.clear_errors()
            self._changed()
        self.pick.clear()
        self.pick.setFocus()

    def add(self, code: str) -> None:
        """Add a charge by its exact code (tests, drafts)."""
        charge = self.codes.charges.get(code)
        if charge is not None and code not in [c.code for c in self.model.charges()]:
            self.model.append(charge)
            self._changed()

    def remove_selected(self) -> None:
        """Remove the charge selected in the table."""
        index = self.table.currentIndex()
        if index.isValid():
            self.model.remove(index.row())
            self._changed()

    def codes_chosen(self) -> list[str]:
        """The codes, in order."""
        return [c.code for c in self.model.charges()]

    def _changed(self) -> None:
        self.update_sb1322()
        self.touched()

    def update_sb1322(self) -> None:
        """Explain SB 1322 before saving when it will apply."""
        charges = self.model.charges()
        age = self.age_of()
        applies = bool(charges) and all(c.sb1322 for c in charges) and (age is None or age < 18)
        self.sb1322_note.setVisible(applies)

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        match = re.fullmatch(r"charges\[(\d+)\]\..*", error.field)
        if match:
            self.table.selectRow(int(match[1]))
            table, label = self.fields["charges"]
            label.setText(f"Charge {int(match[1]) + 1}: {text}")
            label.show()
            set_invalid(table, True)
            return table
        widget = super().show_error(error, text)
        if widget is not None and error.field == "charges":
            return self.pick
        return widget

    def first_field(self) -> QWidget:
        return self.pick

    def content(self) -> dict[str, Any]:
        return {"codes": self.codes_chosen()}

    def load(self, content: dict[str, Any]) -> None:
        self.loading = True
        try:
            codes = [str(c) for c in content.get("codes") or []]
            self.model.set_charges(
                [self.codes.charges[c] for c in codes if c in self.codes.charges]
            )
            self.pick.clear()
        finally:
            self.loading = False
        self.clear_errors()
        self.update_sb1322()

    def summary(self) -> str:
        count = self.model.rowCount()
        return "none yet" if not count else ", ".join(self.codes_chosen())


# -- 4. screening -------------------------------------------------------------------------------


class ScreeningStep(Step):
    """The screening form, or "screen later" when no trained screener is at hand."""

    def __init__(self, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = ScreeningForm(setup.screening)
        self.later = QCheckBox(
            "Screen &later: not screening now (a trained screener completes it; the intake "
            "saves without it)"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.later)
        layout.addWidget(self.form, 1)
        self.later.toggled.connect(self._later_toggled)
        self.form.edited.connect(self.touched)

    def _later_toggled(self, later: bool) -> None:
        self.form.setEnabled(not later)
        self.form.clear_errors()
        self.touched()

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        widget = self.form.show_error(error, text)
        if widget is not None and error.field.startswith("responses."):
            first = self.form.mark_unrated()
            return first or widget
        return widget

    def clear_errors(self) -> None:
        self.form.clear_errors()

    def first_field(self) -> QWidget:
        return self.later if self.later.isChecked() else self.form.first_field()

    def content(self) -> dict[str, Any]:
        return {"later": self.later.isChecked(), **self.form.content()}

    def load(self, content: dict[str, Any]) -> None:
        self.loading = True
        try:
            self.later.setChecked(bool(content.get("later")))
            self.form.load(content)
        finally:
            self.loading = False

    def summary(self) -> str:
        if self.later.isChecked():
            return "later"
        if self.form.disclosure:
            return "stopped: disclosure"
        rated = len(self.form.rows) - len(self.form.unrated())
        if self.form.result is not None and rated:
            level = self.form.instrument.level(self.form.result.final_level).label
            return (
                level
                if not self.form.unrated()
                else f"{level} so far ({rated}/{len(self.form.rows)})"
            )
        return f"{rated} of {len(self.form.rows)} rated"


class RiskStep(Step):
    """The risk instrument form."""

    def __init__(self, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = RiskForm(setup.risk)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        self.form.edited.connect(self.touched)

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        widget = self.form.show_error(error, text)
        if widget is not None and error.field.startswith("answers."):
            return self.form.mark_unanswered() or widget
        if widget is not None and error.field == "risk":
            self.form.mark_unanswered()
        return widget

    def clear_errors(self) -> None:
        self.form.clear_errors()

    def first_field(self) -> QWidget:
        return self.form.first_field()

    def content(self) -> dict[str, Any]:
        return self.form.content()

    def load(self, content: dict[str, Any]) -> None:
        self.form.load(content)

    def summary(self) -> str:
        result = self.form.result
        if result is not None:
            band = self.form.instrument.band(result.recommended_band).label
            return f"{band} (score {result.total})"
        answered = len(self.form.answers())
        return f"{answered} of {len(self.form.combos)} answered"


# -- 6. decision --------------------------------------------------------------------------------


DECISION_TEXT = {
    "release": "&Release",
    "alternative": "A&lternative to detention",
    "detain": "&Detain",
}


class DecisionStep(Step):
    """Release, alternative or detain; grounds; an override's reason, narrative and approval."""

    approval_requested = Signal()

    def __init__(self, context: AppContext, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setup = setup
        self.tz = context.core.settings.timezone
        self.band: RiskResult | None = None
        self.approver: Actor | None = None

        self.band_label = QLabel()
        self.band_label.setWordWrap(True)
        self.band_label.setTextFormat(Qt.TextFormat.PlainText)
        self.band_label.setStyleSheet("font-weight: bold;")
        self.group = QButtonGroup(self)
        self.choices: dict[str, QRadioButton] = {}
        choice_row = QWidget()
        choice_line = QHBoxLayout(choice_row)
        choice_line.setContentsMargins(0, 0, 0, 0)
        bands = {band.code: band.label for band in setup.risk.bands}
        for code in DECISIONS:
            button = QRadioButton(DECISION_TEXT.get(code, code.title()))
            button.setToolTip(f"Band: {bands.get(code, code)}")
            self.group.addButton(button)
            self.choices[code] = button
            choice_line.addWidget(button)
        choice_line.addStretch(1)

        self.reasons: dict[str, QCheckBox] = {}
        self.reasons_box = QGroupBox("Statutory grounds for detention (choose at least one)")
        reasons_column = QVBoxLayout(self.reasons_box)
        for code, reason in setup.codes.detention_reasons.items():
            box = QCheckBox(reason.label)
            self.reasons[code] = box
            reasons_column.addWidget(box)
        self.reasons_error = _error_label()
        reasons_column.addWidget(self.reasons_error)
        self.fields["detention_reasons"] = (self.reasons_box, self.reasons_error)

        self.override_box = QGroupBox("Override")
        self.override_note = QLabel()
        self.override_note.setWordWrap(True)
        self.override_reason = QComboBox()
        self.override_reason.addItem("Choose the reason…", None)
        for code, reason in setup.codes.override_reasons.items():
            self.override_reason.addItem(reason.label, code)
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.narrative.setPlaceholderText(
            "In a sentence or two: why this decision, and what was considered first"
        )
        self.narrative.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.approval_label = QLabel("Not approved yet.")
        self.approval_label.setWordWrap(True)
        self.approval_label.setTextFormat(Qt.TextFormat.PlainText)
        self.approval_button = QPushButton("Supervisor a&pproval…")
        self.approval_button.setToolTip(
            "A supervisor approves the override with their own user name and password"
        )
        self.approval_button.setAutoDefault(False)
        approval_row = QWidget()
        approval_line = QHBoxLayout(approval_row)
        approval_line.setContentsMargins(0, 0, 0, 0)
        approval_line.addWidget(self.approval_label, 1)
        approval_line.addWidget(self.approval_button)
        override_form = QFormLayout(self.override_box)
        override_form.addRow(self.override_note)
        reason_label = QLabel("Reason &code *")
        reason_label.setBuddy(self.override_reason)
        override_form.addRow(reason_label, self.cell("override_reason_code", self.override_reason))
        narrative_label = QLabel("Narrati&ve *")
        narrative_label.setBuddy(self.narrative)
        override_form.addRow(narrative_label, self.cell("override_narrative", self.narrative))
        override_form.addRow(
            "Approval *", self.cell("approver", approval_row, mark=self.approval_label)
        )

        self.release_box = QGroupBox("Release (only if the youth leaves now)")
        self.release_date = QLineEdit()
        self.release_date.setPlaceholderText(DATE_HINT)
        self.release_date.setFixedWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        self.release_time = QLineEdit()
        self.release_time.setPlaceholderText("time")
        self.release_time.setFixedWidth(self.fontMetrics().horizontalAdvance("00:00 pm") + 30)
        self.release_type = QComboBox()
        self.release_type.addItem("How the youth is released…", None)
        for code, release in setup.codes.release_types.items():
            self.release_type.addItem(release.label, code)
        release_row = QWidget()
        release_line = QHBoxLayout(release_row)
        release_line.setContentsMargins(0, 0, 0, 0)
        release_line.addWidget(self.release_date)
        release_line.addWidget(self.release_time)
        release_line.addWidget(self.release_type, 1)
        release_form = QFormLayout(self.release_box)
        released_label = QLabel("&When released")
        released_label.setBuddy(self.release_date)
        release_form.addRow(
            released_label, self.cell("released_at", release_row, mark=self.release_time)
        )
        self.fields["release_type"] = (self.release_type, self.fields["released_at"][1])

        decision_error = _error_label()
        self.fields["decision"] = (choice_row, decision_error)
        layout = QVBoxLayout(self)
        layout.addWidget(self.band_label)
        decision_label = QLabel("Decision")
        decision_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(decision_label)
        layout.addWidget(choice_row)
        layout.addWidget(decision_error)
        layout.addWidget(self.reasons_box)
        layout.addWidget(self.override_box)
        layout.addWidget(self.release_box)
        layout.addStretch(1)
        chain_tab_order(
            [
                *self.choices.values(),
                *self.reasons.values(),
                self.override_reason,
                self.narrative,
                self.approval_button,
                self.release_date,
                self.release_time,
                self.release_type,
            ]
        )

        self.group.buttonToggled.connect(self._decision_toggled)
        for box in self.reasons.values():
            box.toggled.connect(lambda _c: self._changed())
        self.override_reason.currentIndexChanged.connect(lambda _i: self._changed())
        self.narrative.textChanged.connect(self._changed)
        for edit in (self.release_date, self.release_time):
            edit.textChanged.connect(lambda _t: self.touched())
        self.release_type.currentIndexChanged.connect(lambda _i: self.touched())
        self.approval_button.clicked.connect(self.approval_requested)
        self._update_visibility()

    def decision(self) -> str | None:
        """The decision chosen, if any."""
        for code, button in self.choices.items():
            if button.isChecked():
                return code
        return None

    def choose(self, code: str | None) -> None:
        """Select a decision as a click would."""
        if code is not None:
            self.choices[code].click()

    def set_band(self, result: RiskResult | None) -> None:
        """The risk result from step 5 (None while incomplete)."""
        self.band = result
        self._update_visibility()

    def override_direction(self) -> str | None:
        """``up`` / ``down`` when the decision differs from the band, else None."""
        decision = self.decision()
        if self.band is None or decision is None:
            return None
        delta = DECISIONS.index(decision) - DECISIONS.index(self.band.recommended_band)
        return None if delta == 0 else ("up" if delta > 0 else "down")

    def _decision_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._changed()

    def _changed(self) -> None:
        self._update_visibility()
        self.touched()

    def _update_visibility(self) -> None:
        risk = self.setup.risk
        if self.band is None:
            self.band_label.setText(
                "Recommended band: shown once every risk item is answered (step 5)."
            )
        else:
            band = risk.band(self.band.recommended_band)
            extra = (
                f"; mandatory category: {self.band.mandatory_category}"
                if self.band.mandatory_category
                else ""
            )
            self.band_label.setText(
                f"Recommended band: {band.label} (score {self.band.total}{extra})."
            )
        decision = self.decision()
        self.reasons_box.setVisible(decision == "detain")
        direction = self.override_direction()
        self.override_box.setVisible(direction is not None)
        if direction is not None and self.band is not None and decision is not None:
            recommended = risk.band(self.band.recommended_band).label
            chosen = (
                risk.band(decision).label if decision in {b.code for b in risk.bands} else decision
            )
            word = "more" if direction == "up" else "less"
            self.override_note.setText(
                f"{chosen} is {word} restrictive than the recommended {recommended}: an "
                "override. It needs a reason code, a narrative and a supervisor's approval."
            )
        self.release_box.setVisible(decision in ("release", "alternative"))

    def set_approver(self, approver: Actor | None, note: str | None = None) -> None:
        """Show who approved the override (or that it needs approval again)."""
        self.approver = approver
        if approver is not None:
            when = format_timestamp(self.context.core.now(), self.tz)
            self.approval_label.setText(
                f"Approved by {approver.display_name} ({approver.username}) at {when}."
            )
            self.approval_label.setStyleSheet("color: #2e6b3a; font-weight: bold;")
            widget, label = self.fields["approver"]
            label.hide()
            set_invalid(widget, False)
        else:
            self.approval_label.setText(note or "Not approved yet.")
            self.approval_label.setStyleSheet(f"color: {ERROR};" if note else "")

    def decision_input(self) -> DecisionInput | None:
        """The decision for ``record_intake`` (None when none is chosen)."""
        decision = self.decision()
        if decision is None:
            return None
        reasons = (
            tuple(code for code, box in self.reasons.items() if box.isChecked())
            if decision == "detain"
            else ()
        )
        overriding = self.override_direction() is not None
        code = self.override_reason.currentData()
        return DecisionInput(
            decision,
            reasons,
            str(code) if overriding and code else None,
            self.narrative.toPlainText().strip() or None if overriding else None,
        )

    def approval_key(self) -> tuple[object, ...]:
        """What a supervisor approved: any change to it voids the approval."""
        return (
            self.band.recommended_band if self.band else None,
            self.band.total if self.band else None,
            self.decision(),
            self.override_reason.currentData(),
            self.narrative.toPlainText().strip(),
        )

    def release_values(self) -> tuple[dict[str, Any], list[ValidationError]]:
        """``released_at`` and ``release_type`` when the youth leaves now."""
        if self.decision() not in ("release", "alternative"):
            return {}, []
        try:
            when = parse_moment(
                self.release_date.text(),
                self.release_time.text(),
                "released_at",
                self.tz,
                required=False,
            )
        except ValidationError as error:
            return {}, [error]
        if when is None:
            return {}, []
        code = self.release_type.currentData()
        return {"released_at": when, "release_type": str(code) if code else None}, []

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        widget = super().show_error(error, text)
        if widget is self.reasons_box:
            boxes = list(self.reasons.values())
            return boxes[0] if boxes else widget
        if error.field == "decision":
            return next(iter(self.choices.values()))
        if error.field == "approver":
            return self.approval_button
        if error.field == "released_at":
            return self.release_date
        return widget

    def first_field(self) -> QWidget:
        decision = self.decision()
        return self.choices[decision] if decision else next(iter(self.choices.values()))

    def content(self) -> dict[str, Any]:
        return {
            "decision": self.decision(),
            "reasons": [code for code, box in self.reasons.items() if box.isChecked()],
            "override_reason_code": self.override_reason.currentData(),
            "override_narrative": self.narrative.toPlainText(),
            "release_date": self.release_date.text(),
            "release_time": self.release_time.text(),
            "release_type": self.release_type.currentData(),
        }

    def load(self, content: dict[str, Any]) -> None:
        self.loading = True
        try:
            decision = content.get("decision")
            self.group.setExclusive(False)
            for code, button in self.choices.items():
                button.setChecked(code == decision)
            self.group.setExclusive(True)
            chosen = set(content.get("reasons") or [])
            for code, box in self.reasons.items():
                box.setChecked(code in chosen)
            index = self.override_reason.findData(content.get("override_reason_code"))
            self.override_reason.setCurrentIndex(max(index, 0))
            self.narrative.setPlainText(str(content.get("override_narrative") or ""))
            self.release_date.setText(str(content.get("release_date") or ""))
            self.release_time.setText(str(content.get("release_time") or ""))
            self.release_type.setCurrentIndex(
                max(self.release_type.findData(content.get("release_type")), 0)
            )
        finally:
            self.loading = False
        self.set_approver(None)
        self.clear_errors()
        self._update_visibility()

    def summary(self) -> str:
        decision = self.decision()
        if decision is None:
            return "not chosen"
        label = self.choices[decision].text().replace("&", "")
        if self.override_direction():
            return f"{label}: override, {'approved' if self.approver else 'not approved'}"
        return label


# -- the result ---------------------------------------------------------------------------------


class ResultView(QWidget):
    """What was recorded: result level, band, decision, the legal clocks and protocol steps."""

    def __init__(self, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.title = QLabel("Intake saved")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold; color: #2e6b3a;")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        deadlines_caption = QLabel("Legal deadlines")
        deadlines_caption.setStyleSheet("font-weight: bold;")
        self.deadlines = QLabel()
        self.deadlines.setTextFormat(Qt.TextFormat.PlainText)
        self.deadlines.setWordWrap(True)
        self.deadlines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        steps_caption = QLabel("CSEC protocol steps started")
        steps_caption.setStyleSheet("font-weight: bold;")
        self.steps = QLabel()
        self.steps.setTextFormat(Qt.TextFormat.PlainText)
        self.steps.setWordWrap(True)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("&Open the youth's record")
        self.open_button.setDefault(True)
        self.another_button = QPushButton("Start a&nother intake")
        self.another_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.another_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addSpacing(6)
        layout.addWidget(deadlines_caption)
        layout.addWidget(self.deadlines)
        layout.addSpacing(6)
        layout.addWidget(steps_caption)
        layout.addWidget(self.steps)
        layout.addSpacing(10)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def show_result(
        self,
        result: IntakeResult,
        youth: ChosenYouth | None,
        setup: Setup,
        approver: Actor | None,
    ) -> None:
        """Fill the view from the service's result."""
        name = youth.name if youth else "the youth"
        self.title.setText(f"Intake saved for {name}")
        lines = [f"Custody episode #{result.episode_id} is recorded."]
        if result.result_level:
            level = setup.screening.level(result.result_level).label
            lines.append(f"Screening: {level} (a screen for referral, not evidence).")
        else:
            lines.append("Screening: not done yet; a trained screener completes it later.")
        if result.recommended_band:
            band = setup.risk.band(result.recommended_band).label
            lines.append(f"Risk instrument recommends: {band}.")
        if result.decision:
            decision = setup.risk.band(result.decision).label
            text = f"Decision: {decision}"
            if result.override_direction:
                text += f" (override {result.override_direction}"
                text += f", approved by {approver.display_name})" if approver else ")"
            lines.append(text + ".")
        self.facts.setText("\n".join(lines))
        self.deadlines.setText(
            "\n".join(
                f"• {d.citation} — due {format_due(d.due, self.tz)} ({d.state})"
                for d in result.deadlines
            )
            or "None running (the youth is not in custody)."
        )
        self.steps.setText(
            "\n".join(
                f"• {s.label} — by {format_timestamp(s.due_at, self.tz)}" for s in result.checklist
            )
            or "None: the screening did not identify a concern."
        )


# -- the page -----------------------------------------------------------------------------------


class IntakePage(QWidget):
    """The "New intake" page."""

    ready = Signal()  # code lists and instruments loaded; the steps exist
    saved = Signal(object)  # IntakeResult
    save_failed = Signal(object)  # the error, after it is shown
    draft_saved = Signal(object)  # DraftView
    drafts_checked = Signal(int)  # drafts offered for resuming (0: none)
    approval_shown = Signal(object)  # ApprovalDialog
    new_youth_shown = Signal(object)  # NewYouthDialog

    def __init__(
        self,
        context: AppContext,
        navigator: Navigator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.navigator = navigator
        self.tz = context.core.settings.timezone
        self.setup: Setup | None = None
        self.draft: DraftView | None = None
        self.offered: DraftView | None = None
        self.result: IntakeResult | None = None
        self.approval_dialog: ApprovalDialog | None = None
        self.new_youth_dialog: NewYouthDialog | None = None
        self.in_progress = False  # edited since the page was last fresh
        self._dirty = False  # edited since the last draft save
        self._saving_draft = False
        self._saving = False
        self._approval_key: tuple[object, ...] | None = None
        self._message_action: Callable[[], None] | None = None
        self.steps: list[Step] = []

        title = QLabel("New intake")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.subtitle = _hint(
            "Alt+1…6 or Ctrl+PgDown / Ctrl+PgUp move between steps; Ctrl+S saves the intake. "
            "Your work is kept as a draft as you type."
        )
        self.message = MessageBar()
        self._build_draft_bar()

        self.step_list = QListWidget()
        self.step_list.setAccessibleName("Intake steps")
        self.step_list.setFixedWidth(230)
        self.step_list.setSpacing(2)
        self.step_list.setWordWrap(True)
        self.stack = QStackedWidget()
        self.loading_label = _hint("Loading the intake forms…")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading_label)
        self.back_button = QPushButton("◀ &Back")
        self.next_button = QPushButton("&Next ▶")
        self.save_button = QPushButton("&Save intake")
        self.save_button.setToolTip("Check and save the whole intake (Ctrl+S)")
        self.draft_status = _hint("")
        for button in (self.back_button, self.next_button, self.save_button):
            button.setAutoDefault(False)
            button.setEnabled(False)
        self.save_button.setStyleSheet("font-weight: bold;")

        self.form_view = QWidget()
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.step_list)
        body.addWidget(self.stack, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.next_button)
        bottom.addWidget(self.draft_status, 1)
        bottom.addWidget(self.save_button)
        form_column = QVBoxLayout(self.form_view)
        form_column.setContentsMargins(0, 0, 0, 0)
        form_column.addLayout(body, 1)
        form_column.addLayout(bottom)
        self.result_view = ResultView(self.tz)
        self.views = QStackedWidget()
        self.views.addWidget(self.form_view)
        self.views.addWidget(self.result_view)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.message)
        layout.addWidget(self.draft_bar)
        layout.addWidget(self.views, 1)

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(DRAFT_DELAY_MS)
        self._autosave.timeout.connect(self.save_draft)
        self._shortcuts()
        self.back_button.clicked.connect(lambda: self.go_to(self.current_step() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.current_step() + 1))
        self.save_button.clicked.connect(self.save)
        self.step_list.currentRowChanged.connect(self._step_selected)
        self.message.action_triggered.connect(self._message_clicked)
        self.result_view.open_button.clicked.connect(self._open_record)
        self.result_view.another_button.clicked.connect(self.start_new)

        workers.run(
            load_setup,
            context,
            on_done=self._setup_loaded,
            on_error=self._setup_failed,
            context=self,
        )

    # -- building -----------------------------------------------------------------------------

    def _build_draft_bar(self) -> None:
        self.draft_bar = QFrame()
        self.draft_bar.setObjectName("draftBar")
        self.draft_bar.setStyleSheet(
            f"QFrame#draftBar {{ background: {INFO_BG}; border: 1px solid {INFO_BORDER};"
            " border-radius: 4px; }"
        )
        self.draft_label = QLabel()
        self.draft_label.setWordWrap(True)
        self.draft_label.setTextFormat(Qt.TextFormat.PlainText)
        self.resume_button = QPushButton("Res&ume it")
        self.discard_button = QPushButton("Discard it")
        self.discard_button.setAutoDefault(False)
        row = QHBoxLayout(self.draft_bar)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.draft_label, 1)
        row.addWidget(self.resume_button)
        row.addWidget(self.discard_button)
        self.resume_button.clicked.connect(self.resume_offered)
        self.discard_button.clicked.connect(self.discard_offered)
        self.draft_bar.hide()

    def _shortcuts(self) -> None:
        def bind(
            keys: QKeySequence | QKeySequence.StandardKey | str, slot: Callable[[], object]
        ) -> None:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        bind(QKeySequence.StandardKey.Save, self.save)
        bind("Ctrl+PgDown", lambda: self.go_to(self.current_step() + 1))
        bind("Ctrl+PgUp", lambda: self.go_to(self.current_step() - 1))
        for number in range(len(STEP_TITLES)):
            bind(f"Alt+{number + 1}", functools.partial(self.go_to, number))

    @property
    def is_ready(self) -> bool:
        """The steps are built."""
        return self.setup is not None

    def _setup_loaded(self, setup: Setup) -> None:
        self.setup = setup
        self.youth_step = YouthStep(self.context)
        self.episode_step = EpisodeStep(self.context, setup)
        self.charges_step = ChargesStep(self.context, setup)
        self.charges_step.age_of = self.episode_step.age_at_custody
        self.screening_step = ScreeningStep(setup)
        self.risk_step = RiskStep(setup)
        self.decision_step = DecisionStep(self.context, setup)
        self.steps = [
            self.youth_step,
            self.episode_step,
            self.charges_step,
            self.screening_step,
            self.risk_step,
            self.decision_step,
        ]
        for number, step in enumerate(self.steps):
            scroll = QScrollArea()
            scroll.setWidget(step)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            if number in (STEP_SCREENING, STEP_RISK, STEP_YOUTH):
                # These pages scroll inside themselves; the outer scroll never needs to.
                scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.stack.addWidget(scroll)
            item = QListWidgetItem()
            self.step_list.addItem(item)
            step.edited.connect(self._edited)
        self.youth_step.chosen.connect(self._youth_chosen)
        self.youth_step.register_requested.connect(self.register_youth)
        self.risk_step.form.result_changed.connect(self._risk_scored)
        self.screening_step.form.result_changed.connect(lambda _r: self._update_titles())
        self.decision_step.approval_requested.connect(self.request_approval)
        for button in (self.back_button, self.next_button, self.save_button):
            button.setEnabled(True)
        self._update_titles()
        self.go_to(STEP_YOUTH)
        self.ready.emit()
        if self.isVisible():
            self.check_drafts()

    def _setup_failed(self, error: BaseException) -> None:
        text = str(error) if isinstance(error, GirlsCourtError) else "see the log for details"
        self.loading_label.setText(f"The intake forms could not be loaded: {text}")
        self._show_message(
            f"The intake forms could not be loaded: {text}",
            MessageKind.ERROR,
            "&Try again",
            self._retry_setup,
        )

    def _retry_setup(self) -> None:
        self.loading_label.setText("Loading the intake forms…")
        workers.run(
            load_setup,
            self.context,
            on_done=self._setup_loaded,
            on_error=self._setup_failed,
            context=self,
        )

    # -- moving between steps -----------------------------------------------------------------

    def current_step(self) -> int:
        """The step shown (0 = youth)."""
        return max(self.step_list.currentRow(), 0)

    def go_to(self, number: int) -> None:
        """Show step ``number`` and put the cursor in its first field."""
        if not self.steps or not 0 <= number < len(self.steps):
            return
        self.views.setCurrentWidget(self.form_view)
        self.step_list.setCurrentRow(number)
        self.steps[number].first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def _step_selected(self, number: int) -> None:
        if 0 <= number < len(self.steps):
            self.stack.setCurrentIndex(number + 1)  # 0 is the loading label
            self.back_button.setEnabled(number > 0)
            self.next_button.setEnabled(number < len(self.steps) - 1)

    def _update_titles(self) -> None:
        for number, step in enumerate(self.steps):
            item = self.step_list.item(number)
            has_error = bool(item.data(Qt.ItemDataRole.UserRole))
            mark = "  ⚠" if has_error else ""
            item.setText(f"{number + 1}  {STEP_TITLES[number]}{mark}\n     {step.summary()}")
            item.setToolTip(f"Alt+{number + 1}")
            item.setForeground(QColor(ERROR) if has_error else self.step_list.palette().text())

    def _mark_step(self, number: int, has_error: bool) -> None:
        item = self.step_list.item(number)
        if item is not None:
            item.setData(Qt.ItemDataRole.UserRole, has_error)

    # -- editing ------------------------------------------------------------------------------

    def _edited(self) -> None:
        self.in_progress = True
        self._dirty = True
        self._autosave.start()
        if self.message.kind is MessageKind.INFO:
            self.message.clear()
        self._check_approval()
        self._update_titles()

    def _youth_chosen(self, youth: ChosenYouth) -> None:
        self.episode_step.set_youth(youth)
        self.charges_step.update_sb1322()
        self._mark_step(STEP_YOUTH, False)
        self._update_titles()
        self.go_to(STEP_EPISODE)

    def _risk_scored(self, result: RiskResult | None) -> None:
        self.decision_step.set_band(result)
        self._check_approval()
        self._update_titles()

    def _check_approval(self) -> None:
        if self.decision_step.approver is None or not self.steps:
            return
        if self.decision_step.approval_key() != self._approval_key:
            self.decision_step.set_approver(
                None,
                "The approval was cleared because the override changed. Ask the supervisor "
                "to approve it again.",
            )
            self._approval_key = None

    def register_youth(self) -> NewYouthDialog | None:
        """Open the new-youth dialog; the youth registered (or found) becomes this intake's."""
        if not self.context.may(Action.YOUTH_CREATE):
            return None
        if self.new_youth_dialog is not None:
            self.new_youth_dialog.raise_()
            return self.new_youth_dialog
        dialog = NewYouthDialog(self.context, self)
        dialog.youth_registered.connect(self._registered)
        dialog.open_existing_requested.connect(self._existing_chosen)
        dialog.finished.connect(lambda _code: self._new_youth_closed(dialog))
        self.new_youth_dialog = dialog
        dialog.open()
        self.new_youth_shown.emit(dialog)
        return dialog

    def _new_youth_closed(self, dialog: NewYouthDialog) -> None:
        self.new_youth_dialog = None
        dialog.deleteLater()

    def _registered(self, record: YouthRecord) -> None:
        self.youth_step.choose(record)

    def _existing_chosen(self, youth_id: int) -> None:
        workers.run(
            youths.get_youth,
            self.context.core,
            self.context.actor,
            youth_id,
            on_done=self._registered,
            on_error=lambda error: self._show_message(
                f"That youth could not be chosen: {error}", MessageKind.ERROR
            ),
            context=self,
        )

    # -- supervisor approval ------------------------------------------------------------------

    def request_approval(self) -> ApprovalDialog | None:
        """Open the approval dialog for the override as it stands now."""
        step = self.decision_step
        if step.override_direction() is None or self.setup is None:
            return None
        decision = step.decision_input()
        if decision is None or step.band is None:
            return None
        step.clear_errors()
        problems: list[ValidationError] = []
        if not decision.override_reason_code:
            problems.append(ValidationError("override_reason_code", "choose a reason first"))
        if not decision.override_narrative or len(decision.override_narrative) < 15:
            problems.append(
                ValidationError("override_narrative", "explain the override in a sentence or more")
            )
        if problems:
            self._show_inline(problems, "The supervisor approves the reason and narrative:")
            return None
        risk = self.setup.risk
        youth = self.youth_step.youth
        reason = self.setup.codes.override_reasons[decision.override_reason_code or ""].label
        summary = [
            ("Youth", youth.name if youth else "not chosen yet"),
            (
                "Recommended band",
                f"{risk.band(step.band.recommended_band).label} (score {step.band.total})",
            ),
            (
                "Decision",
                f"{risk.band(decision.decision).label} — override {step.override_direction()}",
            ),
            ("Reason", reason),
            ("Narrative", decision.override_narrative or ""),
            ("Officer", f"{self.context.actor.display_name} ({self.context.actor.username})"),
        ]
        dialog = ApprovalDialog(self.context, summary, self)
        key = step.approval_key()
        dialog.approved.connect(lambda approver: self._approved(approver, key))
        dialog.finished.connect(lambda _code: self._approval_closed(dialog))
        self.approval_dialog = dialog
        dialog.open()
        self.approval_shown.emit(dialog)
        return dialog

    def _approved(self, approver: Actor, key: tuple[object, ...]) -> None:
        self._approval_key = key
        self.decision_step.set_approver(approver)
        self._check_approval()
        self._update_titles()

    def _approval_closed(self, dialog: ApprovalDialog) -> None:
        self.approval_dialog = None
        approved = dialog.approver is not None
        dialog.deleteLater()
        (self.save_button if approved else self.decision_step.approval_button).setFocus()

    # -- saving the intake --------------------------------------------------------------------

    def build_request(self) -> tuple[IntakeRequest | None, list[ValidationError]]:
        """The intake as the service takes it, or the format problems that stop it."""
        youth = self.youth_step.youth
        problems: list[ValidationError] = []
        if youth is None:
            problems.append(ValidationError("youth_id", "choose the youth first"))
        episode, found = self.episode_step.values()
        problems.extend(found)
        release, found = self.decision_step.release_values()
        problems.extend(found)
        if problems or youth is None:
            return None, problems
        charges = tuple(ChargeInput(code) for code in self.charges_step.codes_chosen())
        screening = (
            None
            if self.screening_step.later.isChecked()
            else self.screening_step.form.screening_input()
        )
        data = EpisodeInput(youth_id=youth.id, charges=charges, **episode, **release)
        return (
            IntakeRequest(
                data,
                screening,
                self.risk_step.form.risk_input(),
                self.decision_step.decision_input(),
            ),
            [],
        )

    def save(self) -> None:
        """Check and save the whole intake (Ctrl+S)."""
        if not self.steps or self._saving or self.views.currentWidget() is not self.form_view:
            return
        self._clear_all_errors()
        self.message.clear()
        request, problems = self.build_request()
        if request is None:
            self._show_inline(problems, "Not saved.")
            return
        self._check_approval()
        approver = self.decision_step.approver if self.decision_step.override_direction() else None
        self._saving = True
        self.save_button.setEnabled(False)
        self.draft_status.setText("Saving the intake…")
        workers.run(
            intake.record_intake,
            self.context.core,
            self.context.actor,
            request,
            approver,
            on_done=self._saved,
            on_error=self._save_failed,
            context=self,
        )

    def _saved(self, result: IntakeResult) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.result = result
        assert self.setup is not None
        self.result_view.show_result(
            result, self.youth_step.youth, self.setup, self.decision_step.approver
        )
        self.views.setCurrentWidget(self.result_view)
        self.result_view.open_button.setFocus()
        self._autosave.stop()
        self._dirty = False
        self.draft_status.clear()
        if self.draft is not None:
            workers.run(
                intake.discard_draft,
                self.context.core,
                self.context.actor,
                self.draft.id,
                on_error=lambda _e: None,  # a leftover draft is offered again, never lost
                context=self,
            )
            self.draft = None
        self.saved.emit(result)

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.draft_status.clear()
        if isinstance(error, ValidationError):
            self._show_inline([error], "Not saved.")
        elif isinstance(error, SB1322Refusal):
            self._show_refusal(error, MessageKind.WARNING, "Not booked.")
        elif isinstance(error, RuleRefused):
            self._show_refusal(error, MessageKind.ERROR, "Not saved.")
        elif isinstance(error, PermissionDenied):
            self._show_message(
                f"Not saved: your role may not do this ({error}).", MessageKind.ERROR
            )
        elif isinstance(error, NotFound):
            self._show_message(
                f"Not saved: {error}. Choose the youth again on step 1.", MessageKind.ERROR
            )
        elif isinstance(error, DatabaseUnavailable):
            self._show_message(
                f"Not saved: the database cannot be reached ({error}). Your entries are still "
                "here and in the draft.",
                MessageKind.ERROR,
                "&Try again",
                self.save,
            )
        elif isinstance(error, GirlsCourtError):
            self._show_message(f"Not saved: {error}", MessageKind.ERROR)
        else:
            self._show_message(
                "Not saved: something went wrong (the details are in the log). Your entries "
                "are still here.",
                MessageKind.ERROR,
                "&Try again",
                self.save,
            )
        self.save_failed.emit(error)

    def _show_inline(self, problems: Sequence[ValidationError], lead: str) -> None:
        first: tuple[int, QWidget] | None = None
        unplaced: list[str] = []
        for error in problems:
            text = sentence(error)
            placed = False
            for number, step in enumerate(self.steps):
                widget = step.show_error(error, text)
                if widget is not None:
                    self._mark_step(number, True)
                    first = first or (number, widget)
                    placed = True
                    break
            if not placed:
                unplaced.append(text)
        texts = [sentence(e) for e in problems]
        if first is not None:
            number, _widget = first
            where = f"See step {number + 1}, {STEP_TITLES[number]}: "
            self._show_message(f"{lead} {where}{' '.join(texts[:2])}", MessageKind.ERROR)
        else:
            self._show_message(f"{lead} {' '.join(unplaced)}", MessageKind.ERROR)
        self._update_titles()
        if first is not None:
            number, widget = first
            self.step_list.setCurrentRow(number)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_refusal(self, error: RuleRefused, kind: MessageKind, lead: str) -> None:
        field, _, detail = str(error).partition(": ")
        if not detail:
            field, detail = "", str(error)
        detail = detail[:1].upper() + detail[1:]
        detail = detail if detail.endswith(".") else detail + "."
        text = f"{lead} {detail}"
        next_step = NEXT_STEPS.get(field)
        if next_step:
            text += f"\n{next_step}"
        number = _RULE_STEP.get(field)
        if number is not None:
            self._mark_step(number, True)
            self._update_titles()
            self.step_list.setCurrentRow(number)
        youth = self.youth_step.youth
        if isinstance(error, SB1322Refusal) and youth is not None and self.navigator is not None:
            self._show_message(
                text, kind, "&Open the youth's record", lambda: self._open_youth(youth.id)
            )
        else:
            self._show_message(text, kind)

    def _show_message(
        self,
        text: str,
        kind: MessageKind,
        action: str | None = None,
        callback: Callable[[], None] | None = None,
    ) -> None:
        self._message_action = callback
        self.message.show_message(text, kind, action)

    def _message_clicked(self) -> None:
        action = self._message_action
        if action is not None:
            self.message.clear()
            action()

    def _clear_all_errors(self) -> None:
        for number, step in enumerate(self.steps):
            step.clear_errors()
            self._mark_step(number, False)
        self._update_titles()

    def _open_record(self) -> None:
        if self.result is not None and self.youth_step.youth is not None:
            self._open_youth(self.youth_step.youth.id)

    def _open_youth(self, youth_id: int) -> None:
        if self.navigator is not None:
            self.navigator.open_youth(youth_id)

    def start_new(self) -> None:
        """An empty form for the next intake (drafts are offered again)."""
        self.clear_form()
        self.result = None
        self.views.setCurrentWidget(self.form_view)
        self.go_to(STEP_YOUTH)
        self.check_drafts()

    def clear_form(self) -> None:
        """Empty every step (the draft being edited is left alone: call after saving it)."""
        self._autosave.stop()
        self.load_content({})
        self.draft = None
        self.in_progress = False
        self._dirty = False
        self.message.clear()

    # -- drafts -------------------------------------------------------------------------------

    def content(self) -> dict[str, Any]:
        """The whole form as JSON-able data."""
        return {
            "format": DRAFT_FORMAT,
            "step": self.current_step(),
            "youth": self.youth_step.content(),
            "episode": self.episode_step.content(),
            "charges": self.charges_step.content(),
            "screening": self.screening_step.content(),
            "risk": self.risk_step.content(),
            "decision": self.decision_step.content(),
        }

    def load_content(self, content: dict[str, Any]) -> None:
        """Fill every step from ``content()`` output (a resumed draft)."""
        if not self.steps:
            return
        self.youth_step.load(content.get("youth") or {})
        self.episode_step.set_youth(self.youth_step.youth)
        self.episode_step.load(content.get("episode") or {})
        self.charges_step.load(content.get("charges") or {})
        self.screening_step.load(content.get("screening") or {})
        self.risk_step.load(content.get("risk") or {})
        self.decision_step.load(content.get("decision") or {})
        self._approval_key = None
        self._clear_all_errors()
        step = content.get("step")
        self.go_to(step if isinstance(step, int) else STEP_YOUTH)

    def save_draft(self) -> None:
        """Keep the form now (runs a moment after each edit, and when the page is left)."""
        self._autosave.stop()
        if not self.steps or not self._dirty:
            return
        if self._saving_draft:
            self._autosave.start()  # one save at a time; this edit is saved next
            return
        self._saving_draft = True
        self._dirty = False
        youth = self.youth_step.youth
        draft = self.draft
        workers.run(
            intake.save_draft,
            self.context.core,
            self.context.actor,
            self.content(),
            draft_id=draft.id if draft else None,
            expected_version=draft.version if draft else None,
            youth_id=youth.id if youth else None,
            on_done=self._draft_kept,
            on_error=self._draft_failed,
            context=self,
        )

    def _draft_kept(self, draft: DraftView) -> None:
        self._saving_draft = False
        if self.result is not None:
            # The intake was saved while this draft was on its way: it is not needed.
            workers.run(
                intake.discard_draft,
                self.context.core,
                self.context.actor,
                draft.id,
                on_error=lambda _e: None,
                context=self,
            )
            return
        self.draft = draft
        self.draft_status.setText(f"Draft kept at {format_timestamp(draft.updated_at, self.tz)}.")
        self.draft_saved.emit(draft)

    def _draft_failed(self, error: BaseException) -> None:
        self._saving_draft = False
        if self.result is not None:
            return  # the intake itself was saved meanwhile; its draft is not needed
        self._dirty = True
        if isinstance(error, GirlsCourtError) and "saved elsewhere" in str(error):
            self.draft = None  # changed at another desk: keep this copy as a new draft
            self._autosave.start()
            return
        self.draft_status.setText(
            "The draft could not be kept just now (it is retried on your next edit); "
            "your entries are still on screen."
        )

    def check_drafts(self) -> None:
        """Offer to resume the newest draft (not the one being edited)."""
        if not self.steps:
            return
        workers.run(
            intake.list_drafts,
            self.context.core,
            self.context.actor,
            on_done=self._drafts_listed,
            on_error=lambda _e: self.drafts_checked.emit(0),
            context=self,
        )

    def _drafts_listed(self, drafts: tuple[DraftView, ...]) -> None:
        current = self.draft.id if self.draft else None
        others = [d for d in drafts if d.id != current]
        if not others or self.in_progress:
            self.offered = None
            self.draft_bar.hide()
            self.drafts_checked.emit(0 if not others else len(others))
            return
        newest = others[0]
        self.offered = newest
        youth = (newest.content.get("youth") or {}).get("name") or "no youth chosen yet"
        more = f" ({len(others) - 1} older draft{'s' if len(others) > 2 else ''} kept too)"
        self.draft_label.setText(
            f"An unfinished intake was kept: {youth}, last changed "
            f"{format_timestamp(newest.updated_at, self.tz)}. Resume it?"
            + (more if len(others) > 1 else "")
        )
        self.draft_bar.show()
        self.resume_button.setFocus()
        self.drafts_checked.emit(len(others))

    def resume_offered(self) -> None:
        """Put the offered draft back on screen; edits continue in the same draft."""
        draft = self.offered
        if draft is None:
            return
        self.offered = None
        self.draft_bar.hide()
        self.load_content(draft.content)
        self.draft = draft
        self.in_progress = True
        self._dirty = False
        self.draft_status.setText(
            f"Resumed the draft from {format_timestamp(draft.updated_at, self.tz)}."
        )

    def discard_offered(self) -> None:
        """Throw the offered draft away (on purpose), then offer the next one, if any."""
        draft = self.offered
        if draft is None:
            return
        self.offered = None
        self.draft_bar.hide()
        workers.run(
            intake.discard_draft,
            self.context.core,
            self.context.actor,
            draft.id,
            on_done=lambda _r: self.check_drafts(),
            on_error=lambda error: self._show_message(
                f"The draft could not be discarded ({error}); it is still kept.",
                MessageKind.ERROR,
            ),
            context=self,
        )

    # -- showing and leaving ------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.steps:
            return
        if not self.in_progress and self.draft is None and self.result is None:
            self.check_drafts()
        if self.views.currentWidget() is self.form_view:
            self.steps[self.current_step()].first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.save_draft()  # leaving the page keeps the form now, not in a moment


def _factory(context: AppContext, navigator: Navigator) -> QWidget:
    return IntakePage(context, navigator)


INTAKE_FEATURE = FeaturePage(
    key="intake",
    title="New intake",
    tooltip="Record a custody intake: episode, charges, screening, risk and decision",
    allowed=lambda context: context.may(Action.INTAKE_RECORD),
    factory=_factory,
    shortcut="Ctrl+I",
)
