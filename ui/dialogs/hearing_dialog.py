"""Schedule a hearing with the court's checks shown as the clerk types; record its outcome.

Refusals (a weekend or judicial holiday, a department not sitting) and warnings (double-booking,
capacity, statutory limits, session days, a missing interpreter) come from the hearing service
itself: the dialog asks ``check_hearing`` on a worker thread a moment after each change, so the
screen, the CLI and the service can never disagree. Warnings are acknowledged with "Schedule
anyway"; a refusal cannot be overridden here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.hearing_rules import (
    CONTINUED,
    HELD,
    OUTCOME_LABELS,
    OUTCOMES,
    HearingCatalog,
    HearingInput,
    HearingWarning,
    OutcomeInput,
    load_hearing_catalog,
    long_date,
)
from girlscourt.domain.sealing_rules import BASIS_LABELS, SEAL_HEARING
from girlscourt.errors import ValidationError
from girlscourt.readmodels.department_record import DepartmentRecord
from girlscourt.services.court import cases, departments, hearings
from girlscourt.services.court.cases import CaseRecord
from girlscourt.services.court.hearing_records import OutcomeResult, ScheduleResult
from girlscourt.services.kernel.core import Actor, Core
from ui import workers
from ui.context import AppContext
from ui.formatting import error_text
from ui.style import MUTED, set_invalid
from ui.widgets.banner import ConfidentialBanner
from ui.widgets.court_orders_form import CourtOrdersForm
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind

CHECK_DELAY_MS = 350  # after the last keystroke: one check per pause, not per key


@dataclass(frozen=True)
class HearingChoices:
    """What the form offers: the youth's cases, the departments, the hearing code list."""

    cases: tuple[CaseRecord, ...]
    departments: tuple[DepartmentRecord, ...]
    catalog: HearingCatalog


def load_choices(core: Core, actor: Actor, youth_id: int) -> HearingChoices:
    """Runs on a worker thread: cases, departments and the code list in one go."""
    return HearingChoices(
        cases.cases_of_youth(core, actor, youth_id),
        departments.list_departments(core, actor),
        load_hearing_catalog(),
    )


def qdate(day: dt.date) -> QDate:
    """A Python date as a QDate."""
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    """A QDate as a Python date."""
    return dt.date(value.year(), value.month(), value.day())


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A row label whose mnemonic focuses ``buddy`` (a form row holding a layout has none)."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def warnings_text(warnings: tuple[HearingWarning, ...]) -> str:
    """One line per warning, in the service's words."""
    lines = [f"• {w.message[:1].upper()}{w.message[1:]}" for w in warnings]
    noun = "Warning" if len(warnings) == 1 else f"{len(warnings)} warnings"
    return f"{noun} (you may schedule anyway):\n" + "\n".join(lines)


_FIELD_WIDGETS = (
    "case_id",
    "petition_id",
    "hearing_type",
    "scheduled_at",
    "department_id",
    "custody_status",
    "interpreter_language",
    "transport_needed",
)


class HearingDialog(QDialog):
    """A new hearing for one youth; ``scheduled(HearingRecord)`` fires when it is saved."""

    scheduled = Signal(object)  # HearingRecord
    ready = Signal()  # cases and departments arrived
    checked = Signal()  # a live check came back (warnings, a refusal or all clear)

    def __init__(
        self,
        context: AppContext,
        youth_id: int,
        youth_label: str = "",
        *,
        day: dt.date | None = None,
        department_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self._preset_department = department_id
        self._tz = context.core.settings.timezone
        self._check_job: workers.Job | None = None
        self._acknowledge = False
        self._loaded = False
        self.choices: HearingChoices | None = None
        self.last_warnings: tuple[HearingWarning, ...] = ()
        self.refusal: str | None = None
        who = f" for {youth_label}" if youth_label else ""
        self.setWindowTitle(f"Schedule a hearing{who}")

        intro = QLabel(
            "Hearings are closed to the public unless the court orders otherwise (WIC 676). "
            "The court's checks appear below as you fill the form."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {MUTED};")
        self.message = MessageBar()  # refusals and failures
        self.warning_bar = MessageBar()  # warnings the clerk may acknowledge
        self.warning_bar.setAccessibleName("Warnings")

        self.case_combo = QComboBox()
        self.petition_combo = QComboBox()
        self.type_combo = QComboBox()
        start = day or context.core.today() + dt.timedelta(days=7)
        self.date_edit = QDateEdit(qdate(start))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd MM/dd/yyyy")
        self.time_edit = QTimeEdit(QTime(8, 30))
        self.time_edit.setDisplayFormat("HH:mm")
        self.department_combo = QComboBox()
        self.judge = QLineEdit()
        self.prosecutor = QLineEdit()
        self.counsel = QLineEdit()
        self.counsel_type = QComboBox()
        self.probation_officer = QLineEdit()
        for edit in (self.judge, self.prosecutor, self.counsel):
            edit.setPlaceholderText("Blank on Girls Court: the team's")
        self.interpreter = QCheckBox("Interpreter needed")
        self.language = QLineEdit()
        self.language.setPlaceholderText("Language")
        self.language.setAccessibleName("Interpreter language")
        self.custody_combo = QComboBox()
        self.transport = QCheckBox("Transport from juvenile hall")
        self.open_to_public = QCheckBox("Open to the public (court order; WIC 676)")
        self.open_to_public.setChecked(False)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(54)
        self.notes.setAccessibleName("Notes")

        when = QHBoxLayout()
        when.addWidget(self.date_edit, 1)
        when.addWidget(self.time_edit)
        counsel = QHBoxLayout()
        counsel.addWidget(self.counsel, 1)
        counsel.addWidget(self.counsel_type)
        interpreter = QHBoxLayout()
        interpreter.addWidget(self.interpreter)
        interpreter.addWidget(self.language, 1)
        custody = QHBoxLayout()
        custody.addWidget(self.custody_combo, 1)
        custody.addWidget(self.transport)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Case:", self.case_combo)
        form.addRow("&Petition:", self.petition_combo)
        form.addRow("&Hearing type:", self.type_combo)
        form.addRow(buddy_label("&Date and time:", self.date_edit), when)
        form.addRow("De&partment:", self.department_combo)
        form.addRow("&Judicial officer:", self.judge)
        form.addRow("D&A:", self.prosecutor)
        form.addRow(buddy_label("Defence co&unsel:", self.counsel), counsel)
        form.addRow("Probation &officer:", self.probation_officer)
        form.addRow(buddy_label("Interpre&ter:", self.interpreter), interpreter)
        form.addRow(buddy_label("Cu&stody:", self.custody_combo), custody)
        form.addRow("", self.open_to_public)
        form.addRow("&Notes:", self.notes)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Schedule")
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(ConfidentialBanner())
        body = QVBoxLayout()
        body.setContentsMargins(14, 6, 14, 0)
        body.addWidget(intro)
        body.addLayout(form)
        body.addWidget(self.message)
        body.addWidget(self.warning_bar)
        body.addWidget(self.buttons)
        layout.addLayout(body)
        self.resize(620, 0)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.run_check)
        for combo in (
            self.case_combo,
            self.petition_combo,
            self.type_combo,
            self.department_combo,
            self.counsel_type,
            self.custody_combo,
        ):
            combo.currentIndexChanged.connect(self._changed)
        for edit in (self.judge, self.prosecutor, self.counsel, self.probation_officer):
            edit.textEdited.connect(self._changed)
        self.language.textEdited.connect(self._changed)
        self.date_edit.dateChanged.connect(self._changed)
        self.time_edit.timeChanged.connect(self._changed)
        for box in (self.interpreter, self.transport, self.open_to_public):
            box.toggled.connect(self._changed)
        self.case_combo.currentIndexChanged.connect(self._case_changed)
        self.custody_combo.currentIndexChanged.connect(self._custody_changed)
        self.interpreter.toggled.connect(self.language.setEnabled)
        self.language.setEnabled(False)

        workers.run(
            load_choices,
            context.core,
            context.actor,
            youth_id,
            on_done=self._choices_loaded,
            on_error=self._failed,
            context=self,
        )

    # -- filling ------------------------------------------------------------------------------

    def _choices_loaded(self, choices: HearingChoices) -> None:
        self.choices = choices
        for combo in (self.case_combo, self.type_combo, self.department_combo):
            combo.blockSignals(True)
        for case in choices.cases:
            self.case_combo.addItem(case.case_number, case.id)
        for kind in choices.catalog.types:
            self.type_combo.addItem(f"{kind.code} – {kind.label}", kind.code)
        day = pydate(self.date_edit.date())
        for department in choices.departments:
            if department.in_use_on(day) or department.id == self._preset_department:
                self.department_combo.addItem(department.label, department.id)
        if self._preset_department is not None:
            found = self.department_combo.findData(self._preset_department)
            if found >= 0:
                self.department_combo.setCurrentIndex(found)
        self.counsel_type.addItem("Type…", None)
        for code, label in choices.catalog.defence_types.items():
            self.counsel_type.addItem(code, code)
            self.counsel_type.setItemData(
                self.counsel_type.count() - 1, label, Qt.ItemDataRole.ToolTipRole
            )
        for code, label in choices.catalog.custody_statuses.items():
            self.custody_combo.addItem(f"{code} – {label}", code)
        self.custody_combo.setCurrentIndex(max(0, self.custody_combo.findData("OUT")))
        for combo in (self.case_combo, self.type_combo, self.department_combo):
            combo.blockSignals(False)
        self._case_changed()
        self._custody_changed()
        self._loaded = True
        if not choices.cases:
            self.message.show_message(
                "This youth has no open case: a clerk opens the case first.", MessageKind.ERROR
            )
        else:
            self.save_button.setEnabled(True)
            self.run_check()
        self.ready.emit()

    def _failed(self, error: BaseException) -> None:
        text, _retry = failure_text(error, "The form could not be prepared")
        self.message.show_message(text, MessageKind.ERROR)
        self.ready.emit()

    def _case_changed(self) -> None:
        if self.choices is None:
            return
        case_id = self.case_combo.currentData()
        self.petition_combo.blockSignals(True)
        self.petition_combo.clear()
        self.petition_combo.addItem("Whole case", None)
        for case in self.choices.cases:
            if case.id == case_id:
                for petition in case.petitions:
                    self.petition_combo.addItem(
                        f"{petition.petition_number} (filed {petition.filed_on:%m/%d/%Y})",
                        petition.id,
                    )
        if self.petition_combo.count() > 1:
            self.petition_combo.setCurrentIndex(1)
        self.petition_combo.blockSignals(False)

    def _custody_changed(self) -> None:
        in_custody = self.custody_combo.currentData() == "IN"
        self.transport.blockSignals(True)
        self.transport.setEnabled(in_custody)
        self.transport.setChecked(in_custody)
        self.transport.blockSignals(False)

    def choose(self, combo: QComboBox, data: object) -> None:
        """Select the entry whose data is ``data`` (tests and presets)."""
        index = combo.findData(data)
        if index < 0:
            raise ValueError(f"{data!r} is not offered")
        combo.setCurrentIndex(index)

    def set_when(self, day: dt.date, at: dt.time) -> None:
        """Set the date and time fields."""
        self.date_edit.setDate(qdate(day))
        self.time_edit.setTime(QTime(at.hour, at.minute))

    # -- the live check -----------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        if not self._loaded:
            return
        self._acknowledge = False
        self.save_button.setText("&Schedule")
        self._check_timer.start()

    def data(self) -> HearingInput:
        """The form as the service's input (validated by the service, not here)."""
        moment = dt.datetime.combine(
            pydate(self.date_edit.date()),
            dt.time(self.time_edit.time().hour(), self.time_edit.time().minute()),
            tzinfo=self._tz,
        )
        custody = str(self.custody_combo.currentData() or "")
        return HearingInput(
            case_id=int(self.case_combo.currentData() or 0),
            hearing_type=str(self.type_combo.currentData() or ""),
            scheduled_at=moment,
            department_id=int(self.department_combo.currentData() or 0),
            custody_status=custody,
            petition_id=self.petition_combo.currentData(),
            judicial_officer=self.judge.text() or None,
            prosecutor=self.prosecutor.text() or None,
            defence_counsel=self.counsel.text() or None,
            defence_type=self.counsel_type.currentData(),
            probation_officer=self.probation_officer.text() or None,
            interpreter_needed=self.interpreter.isChecked(),
            interpreter_language=self.language.text() if self.interpreter.isChecked() else None,
            transport_needed=self.transport.isChecked() if custody == "IN" else False,
            open_to_public=self.open_to_public.isChecked(),
            notes=self.notes.toPlainText() or None,
        )

    def run_check(self) -> None:
        """Ask the service what a save would say (a check still running is dropped)."""
        if not self._loaded or self.choices is None or not self.choices.cases:
            return
        self._check_timer.stop()
        if self._check_job is not None:
            self._check_job.cancel()
        self._check_job = workers.run(
            hearings.check_hearing,
            self.context.core,
            self.context.actor,
            self.data(),
            on_done=self._show_warnings,
            on_error=self._check_failed,
            context=self,
        )

    def _clear_marks(self) -> None:
        for widget in (self.date_edit, self.department_combo, self.language, self.type_combo):
            set_invalid(widget, False)

    def _show_warnings(self, warnings: tuple[HearingWarning, ...]) -> None:
        self._check_job = None
        self._clear_marks()
        self.refusal = None
        self.message.clear()
        self.last_warnings = warnings
        if warnings:
            self.warning_bar.show_message(warnings_text(warnings), MessageKind.WARNING)
        else:
            self.warning_bar.clear()
        self.save_button.setEnabled(True)
        self.checked.emit()

    def _check_failed(self, error: BaseException) -> None:
        self._check_job = None
        self._show_error(error)
        self.checked.emit()

    def _show_error(self, error: BaseException) -> None:
        self._clear_marks()
        self.warning_bar.clear()
        self.last_warnings = ()
        if isinstance(error, ValidationError):
            self.refusal = error_text(error)
            self.message.show_message(self.refusal, MessageKind.ERROR)
            widget = {
                "scheduled_at": self.date_edit,
                "department_id": self.department_combo,
                "interpreter_language": self.language,
                "hearing_type": self.type_combo,
            }.get(error.field)
            if widget is not None:
                set_invalid(widget, True)
            self.save_button.setEnabled(error.field not in _FIELD_WIDGETS[:5])
            return
        self.refusal = None
        text, _retry = failure_text(error, "The court's checks could not run")
        self.message.show_message(text, MessageKind.ERROR)
        self.save_button.setEnabled(True)

    # -- saving -------------------------------------------------------------------------------

    def submit(self) -> None:
        """Schedule; with warnings pending, the first press shows them and the second
        ("Schedule anyway") acknowledges them."""
        self._check_timer.stop()
        self.save_button.setEnabled(False)
        workers.run(
            hearings.schedule_hearing,
            self.context.core,
            self.context.actor,
            self.data(),
            acknowledge_warnings=self._acknowledge,
            on_done=self._scheduled,
            on_error=self._save_failed,
            context=self,
        )

    def _scheduled(self, result: ScheduleResult) -> None:
        self.save_button.setEnabled(True)
        if not result.saved:
            self.last_warnings = result.warnings
            self.warning_bar.show_message(warnings_text(result.warnings), MessageKind.WARNING)
            self._acknowledge = True
            self.save_button.setText("Schedule &anyway")
            self.checked.emit()
            return
        self.scheduled.emit(result.hearing)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._show_error(error)
        if not isinstance(error, ValidationError):
            self.save_button.setEnabled(True)
        self.checked.emit()


class OutcomeDialog(QDialog):
    """Held, continued (to a date, with the reason and the youth's consent) or off calendar."""

    recorded = Signal(object)  # OutcomeResult

    def __init__(
        self,
        context: AppContext,
        hearing_id: int,
        version: int,
        scheduled_at: dt.datetime,
        description: str,
        parent: QWidget | None = None,
        *,
        hearing_type: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.sealing = hearing_type == SEAL_HEARING  # held, it seals its petition
        self.hearing_id = hearing_id
        self.version = version
        self._tz = context.core.settings.timezone
        self._acknowledge = False
        self.last_warnings: tuple[HearingWarning, ...] = ()
        local = scheduled_at.astimezone(self._tz)
        self.setWindowTitle("Record the hearing's outcome")

        intro = QLabel(f"{description} · {long_date(local.date())} {local:%H:%M}")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setStyleSheet("font-weight: bold;")
        self.message = MessageBar()
        self.warning_bar = MessageBar()
        self.outcome_combo = QComboBox()
        for code in OUTCOMES:
            self.outcome_combo.addItem(OUTCOME_LABELS[code], code)
        nxt = local.date() + dt.timedelta(days=7)
        self.date_edit = QDateEdit(qdate(nxt))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd MM/dd/yyyy")
        self.time_edit = QTimeEdit(QTime(local.hour, local.minute))
        self.time_edit.setDisplayFormat("HH:mm")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the continuance")
        self.reason.setPlaceholderText("e.g. Defence needs time to review the assessment")
        self.consent = QComboBox()
        self.consent.setAccessibleName("Youth consented")
        self.consent.addItem("Not recorded", None)
        self.consent.addItem("Yes, the youth consented", True)
        self.consent.addItem("No, the youth did not consent", False)
        self.notes = QLineEdit()
        self.notes.setAccessibleName("Notes")
        self.seal_basis = QComboBox()
        self.seal_basis.setAccessibleName("Sealing basis")
        for code, label in BASIS_LABELS.items():
            self.seal_basis.addItem(label, code)
        self.seal_order = QLineEdit()
        self.seal_order.setAccessibleName("Sealing order number")
        self.seal_order.setPlaceholderText("The court's order: held, the petition is sealed")

        when = QHBoxLayout()
        when.addWidget(self.date_edit, 1)
        when.addWidget(self.time_edit)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Outcome:", self.outcome_combo)
        form.addRow(buddy_label("Continued &to:", self.date_edit), when)
        form.addRow("&Reason:", self.reason)
        form.addRow("Youth &consented:", self.consent)
        self.orders = CourtOrdersForm(form, hearing_type, local.date())
        form.addRow("&Notes:", self.notes)
        if self.sealing:
            form.addRow("Sealing &basis:", self.seal_basis)
            form.addRow("Sealing or&der number:", self.seal_order)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Record")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(ConfidentialBanner())
        body = QVBoxLayout()
        body.setContentsMargins(14, 6, 14, 0)
        body.addWidget(intro)
        body.addLayout(form)
        body.addWidget(self.message)
        body.addWidget(self.warning_bar)
        body.addWidget(self.buttons)
        layout.addLayout(body)
        self.resize(560, 0)
        self.outcome_combo.currentIndexChanged.connect(self._outcome_changed)
        for signal in (
            self.date_edit.dateChanged,
            self.time_edit.timeChanged,
            self.consent.currentIndexChanged,
        ):
            signal.connect(self._reset_acknowledgement)
        self._outcome_changed()

    def _outcome_changed(self) -> None:
        continued = self.outcome_combo.currentData() == CONTINUED
        for widget in (self.date_edit, self.time_edit, self.reason, self.consent):
            widget.setEnabled(continued)
        self.orders.set_outcome(str(self.outcome_combo.currentData()))
        for widget in (self.seal_basis, self.seal_order):
            widget.setEnabled(self.outcome_combo.currentData() == HELD)
        self._reset_acknowledgement()

    def _reset_acknowledgement(self, *_args: object) -> None:
        self._acknowledge = False
        self.save_button.setText("&Record")

    def set_continuance(
        self, day: dt.date, at: dt.time, reason: str, consented: bool | None
    ) -> None:
        """Fill a continuance (tests and shortcuts)."""
        self.outcome_combo.setCurrentIndex(self.outcome_combo.findData(CONTINUED))
        self.date_edit.setDate(qdate(day))
        self.time_edit.setTime(QTime(at.hour, at.minute))
        self.reason.setText(reason)
        self.consent.setCurrentIndex(self.consent.findData(consented))

    def data(self) -> OutcomeInput:
        """The form as the service's input."""
        outcome = str(self.outcome_combo.currentData())
        if self.sealing and outcome == HELD:
            return OutcomeInput(
                outcome,
                notes=self.notes.text() or None,
                seal_basis=str(self.seal_basis.currentData()),
                seal_order_number=self.seal_order.text(),
            )
        if outcome != CONTINUED:
            return OutcomeInput(
                outcome, notes=self.notes.text() or None, orders=self.orders.orders(outcome)
            )
        moment = dt.datetime.combine(
            pydate(self.date_edit.date()),
            dt.time(self.time_edit.time().hour(), self.time_edit.time().minute()),
            tzinfo=self._tz,
        )
        return OutcomeInput(
            outcome,
            continued_to=moment,
            reason=self.reason.text(),
            youth_consented=self.consent.currentData(),
            notes=self.notes.text() or None,
            orders=self.orders.orders(outcome),
        )

    def submit(self) -> None:
        """Record the outcome (a continuance with warnings asks once more)."""
        self.message.clear()
        self.save_button.setEnabled(False)
        workers.run(
            hearings.record_outcome,
            self.context.core,
            self.context.actor,
            self.hearing_id,
            self.version,
            self.data(),
            acknowledge_warnings=self._acknowledge,
            on_done=self._recorded,
            on_error=self._failed,
            context=self,
        )

    def _recorded(self, result: OutcomeResult) -> None:
        self.save_button.setEnabled(True)
        if not result.saved:
            self.last_warnings = result.warnings
            self.warning_bar.show_message(
                warnings_text(result.warnings).replace("schedule anyway", "continue anyway"),
                MessageKind.WARNING,
            )
            self._acknowledge = True
            self.save_button.setText("Continue &anyway")
            return
        self.recorded.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.message.show_message(error_text(error), MessageKind.ERROR)
            return
        text, _retry = failure_text(error, "Not recorded")
        self.message.show_message(text, MessageKind.ERROR)
