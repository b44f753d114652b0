"""The intake desk's one flow: youth, custody episode, charges, screening, risk, decision.

Built for the keyboard and for interruptions: every step is reached with Alt+1…6 or Next/Back,
the service validates the whole intake on Save and each error lands on its field, and the form
is kept as a draft (a moment after each edit and when the page is left) so nothing typed is
ever lost. When the database itself is away, the form stays as it is, the officer is told, and
the entry is kept sealed on this workstation (``recovery_drafts``) and offered back later. The
steps live in ``ui/pages/intake/``, one module each; this page assembles them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.instruments import RiskResult
from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput, SB1322Refusal
from girlscourt.domain.permissions import Action
from girlscourt.errors import (
    DatabaseUnavailable,
    GirlsCourtError,
    NotFound,
    PermissionDenied,
    RuleRefused,
    ValidationError,
)
from girlscourt.services.intake import intake, intake_drafts, recovery_drafts
from girlscourt.services.intake.intake import IntakeRequest, IntakeResult
from girlscourt.services.intake.intake_drafts import DraftView
from girlscourt.services.intake.recovery_drafts import RecoveryDraft
from girlscourt.services.kernel import retry
from girlscourt.services.kernel.core import Actor
from girlscourt.services.registry import youths
from girlscourt.services.registry.youths import YouthRecord
from ui import workers
from ui.context import AppContext
from ui.dialogs.approval_dialog import ApprovalDialog
from ui.dialogs.new_youth_dialog import NewYouthDialog
from ui.extensions import FeaturePage, Navigator
from ui.formatting import format_timestamp
from ui.pages.intake.charges_step import ChargesStep
from ui.pages.intake.decision_step import DecisionStep
from ui.pages.intake.drafts import DRAFT_DELAY_MS, DRAFT_FORMAT, offer_text
from ui.pages.intake.episode_step import EpisodeStep
from ui.pages.intake.feedback import refusal_text, sentence
from ui.pages.intake.navigation import (
    STEP_EPISODE,
    STEP_TITLES,
    STEP_YOUTH,
    bind_step_keys,
    mark_step,
    show_titles,
    step_host,
)
from ui.pages.intake.recovery import (
    MEMORY_ONLY_TEXT,
    NOT_KEPT_TEXT,
    UNAVAILABLE_TEXT,
    RecoveryKeeper,
    kept_status,
    recovery_offer_text,
)
from ui.pages.intake.result_view import ResultView
from ui.pages.intake.risk_step import RiskStep
from ui.pages.intake.screening_step import ScreeningStep
from ui.pages.intake.step import ChosenYouth, Setup, Step, hint, load_setup
from ui.pages.intake.youth_step import YouthStep
from ui.style import INFO_BG, INFO_BORDER
from ui.widgets.message_bar import MessageBar, MessageKind


class IntakePage(QWidget):
    """The "New intake" page."""

    ready = Signal()  # code lists and instruments loaded; the steps exist
    saved = Signal(object)  # IntakeResult
    save_failed = Signal(object)  # the error, after it is shown
    draft_saved = Signal(object)  # DraftView
    recovery_kept = Signal(object)  # RecoveryDraft: the form kept on this workstation
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
        self.offered_recovery: RecoveryDraft | None = None
        self._recovered: tuple[RecoveryDraft, ...] = ()  # found by the last draft check
        self._listed: tuple[DraftView, ...] = ()
        self._db_down = False  # the last save or autosave found the database unavailable
        # One id per intake, kept while a save's outcome is unknown (the database went away), so
        # "Try again" — here, from a draft, at another desk — saves it exactly once.
        self.operation_id: str | None = None
        self._unavailable_shown = False  # the message bar says so
        self.keeper = RecoveryKeeper(context, self)
        self.keeper.kept.connect(self._recovery_kept)
        self.keeper.failed.connect(self._recovery_failed)
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
        self.subtitle = hint(
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
        self.loading_label = hint("Loading the intake forms…")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading_label)
        self.back_button = QPushButton("◀ &Back")
        self.next_button = QPushButton("&Next ▶")
        self.save_button = QPushButton("&Save intake")
        self.save_button.setToolTip("Check and save the whole intake (Ctrl+S)")
        self.draft_status = hint("")
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
        bind_step_keys(self, self.save, self.go_to, self.current_step)
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
        self.screening_step = ScreeningStep(setup, tz=self.context.core.settings.timezone)
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
            self.stack.addWidget(step_host(step, number))
            item = QListWidgetItem()
            self.step_list.addItem(item)
            step.edited.connect(self._edited)
        self.youth_step.chosen.connect(self._youth_chosen)
        self.youth_step.register_requested.connect(self.register_youth)
        self.risk_step.form.result_changed.connect(self._risk_scored)
        self.screening_step.form.result_changed.connect(
            lambda _r: show_titles(self.step_list, self.steps)
        )
        self.decision_step.approval_requested.connect(self.request_approval)
        for button in (self.back_button, self.next_button, self.save_button):
            button.setEnabled(True)
        show_titles(self.step_list, self.steps)
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

    # -- editing ------------------------------------------------------------------------------

    def _edited(self) -> None:
        self.in_progress = True
        self._dirty = True
        self._autosave.start()
        if self.message.kind is MessageKind.INFO:
            self.message.clear()
        self._check_approval()
        show_titles(self.step_list, self.steps)

    def _youth_chosen(self, youth: ChosenYouth) -> None:
        self.episode_step.set_youth(youth)
        self.charges_step.update_sb1322()
        mark_step(self.step_list, STEP_YOUTH, False)
        show_titles(self.step_list, self.steps)
        self.go_to(STEP_EPISODE)

    def _risk_scored(self, result: RiskResult | None) -> None:
        self.decision_step.set_band(result)
        self._check_approval()
        show_titles(self.step_list, self.steps)

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
        show_titles(self.step_list, self.steps)

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
        screening = None
        if not self.screening_step.later.isChecked():
            identified, found = self.screening_step.identified_at()
            if found:
                return None, found
            screening = replace(
                self.screening_step.form.screening_input(), identified_at=identified
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
        if self.operation_id is None:
            self.operation_id = retry.new_operation_id()
        workers.run(
            intake.record_intake,
            self.context.core,
            self.context.actor,
            request,
            approver,
            operation_id=self.operation_id,
            on_done=self._saved,
            on_error=self._save_failed,
            context=self,
        )

    def _saved(self, result: IntakeResult) -> None:
        self._saving = False
        self.operation_id = None
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
        self._database_back()
        self.keeper.forget()
        self.draft_status.clear()
        if self.draft is not None:
            workers.run(
                intake_drafts.discard_draft,
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
        if not isinstance(error, DatabaseUnavailable):
            self.operation_id = None  # a definite answer: the next save is a new operation
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
            self._database_gone(error)
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
                    mark_step(self.step_list, number, True)
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
        show_titles(self.step_list, self.steps)
        if first is not None:
            number, widget = first
            self.step_list.setCurrentRow(number)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_refusal(self, error: RuleRefused, kind: MessageKind, lead: str) -> None:
        text, number = refusal_text(error, lead)
        if number is not None:
            mark_step(self.step_list, number, True)
            show_titles(self.step_list, self.steps)
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
        self._unavailable_shown = False  # a database outage message sets it again after this
        self.message.setToolTip("")
        self.message.show_message(text, kind, action)

    def _message_clicked(self) -> None:
        action = self._message_action
        if action is not None:
            self.message.clear()
            action()

    def _clear_all_errors(self) -> None:
        for number, step in enumerate(self.steps):
            step.clear_errors()
            mark_step(self.step_list, number, False)
        show_titles(self.step_list, self.steps)

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
        self.keeper.release()
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
            "operation_id": self.operation_id,
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
        self.operation_id = _operation_id(content.get("operation_id"))
        self._approval_key = None
        self._clear_all_errors()
        step = content.get("step")
        self.go_to(step if isinstance(step, int) else STEP_YOUTH)

    def save_draft(self) -> None:
        """Keep the form now (runs a moment after each edit, and when the page is left)."""
        self._autosave.stop()
        if not self.steps or not self._dirty:
            return
        if self._db_down:
            self._keep_locally()  # now, whatever the database attempt below takes
        if self._saving_draft:
            self._autosave.start()  # one save at a time; this edit is saved next
            return
        self._saving_draft = True
        self._dirty = False
        youth = self.youth_step.youth
        draft = self.draft
        workers.run(
            intake_drafts.save_draft,
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
                intake_drafts.discard_draft,
                self.context.core,
                self.context.actor,
                draft.id,
                on_error=lambda _e: None,
                context=self,
            )
            return
        self.draft = draft
        self._database_back()
        self.keeper.forget()  # the database draft holds the entry again
        self.draft_status.setText(f"Draft kept at {format_timestamp(draft.updated_at, self.tz)}.")
        self.draft_saved.emit(draft)

    def _draft_failed(self, error: BaseException) -> None:
        self._saving_draft = False
        if self.result is not None:
            return  # the intake itself was saved meanwhile; its draft is not needed
        self._dirty = True
        if isinstance(error, DatabaseUnavailable):
            self._database_gone(error)
            return
        if isinstance(error, GirlsCourtError) and "saved elsewhere" in str(error):
            self.draft = None  # changed at another desk: keep this copy as a new draft
            self._autosave.start()
            return
        self.draft_status.setText(
            "The draft could not be kept just now (it is retried on your next edit); "
            "your entries are still on screen."
        )

    # -- the database away: the entry kept on this workstation ----------------------------------

    def _database_gone(self, error: DatabaseUnavailable) -> None:
        """Say so inline (Save stays usable to retry) and keep the entry on this workstation."""
        self._db_down = True
        self._show_message(UNAVAILABLE_TEXT, MessageKind.WARNING, "&Try again", self.save)
        self._unavailable_shown = True
        self.message.setToolTip(str(error))  # the technical detail, for whoever is called
        self._keep_locally()

    def _database_back(self) -> None:
        self._db_down = False
        if self._unavailable_shown:
            self.message.clear()
            self.message.setToolTip("")
        self._unavailable_shown = False

    def _keep_locally(self) -> None:
        if not self.steps or self.result is not None:
            return
        self.keeper.keep(self.content(), self.draft.id if self.draft else None)

    def _recovery_kept(self, kept: RecoveryDraft) -> None:
        if self.result is not None:
            self.keeper.forget()  # the intake was saved while this copy was on its way
            return
        self.draft_status.setText(kept_status(kept, self.tz))
        if not kept.on_disk and self._unavailable_shown:
            tip = self.message.toolTip()
            self._show_message(MEMORY_ONLY_TEXT, MessageKind.WARNING, "&Try again", self.save)
            self._unavailable_shown = True
            self.message.setToolTip(tip)
        self.recovery_kept.emit(kept)

    def _recovery_failed(self, error: BaseException) -> None:
        if self.result is not None:
            return
        reason = str(error) if isinstance(error, GirlsCourtError) else type(error).__name__
        self._show_message(
            NOT_KEPT_TEXT.format(reason=reason), MessageKind.ERROR, "&Try again", self.save
        )

    def check_drafts(self) -> None:
        """Offer to resume the newest draft (not the one being edited).

        Drafts kept on this workstation while the database was away come first: they hold
        entries the database has not seen. They are offered even while it is still away.
        """
        if not self.steps:
            return
        workers.run(
            recovery_drafts.list_drafts,
            self.context.core,
            self.context.actor,
            on_done=self._recovered_listed,
            on_error=lambda _e: self._recovered_listed(()),
            context=self,
        )

    def _recovered_listed(self, kept: tuple[RecoveryDraft, ...]) -> None:
        self._recovered = tuple(d for d in kept if d.id != self.keeper.draft_id)
        workers.run(
            intake_drafts.list_drafts,
            self.context.core,
            self.context.actor,
            on_done=self._drafts_listed,
            on_error=lambda _e: self._drafts_listed(()),
            context=self,
        )

    def _drafts_listed(self, drafts: tuple[DraftView, ...]) -> None:
        current = self.draft.id if self.draft else None
        recovered = self._recovered
        continued = {d.db_draft_id for d in recovered}  # offered through their local copy
        others = [d for d in drafts if d.id != current and d.id not in continued]
        self._listed = drafts
        total = len(others) + len(recovered)
        self.offered = None
        self.offered_recovery = None
        if not total or self.in_progress:
            self.draft_bar.hide()
            self.drafts_checked.emit(total)
            return
        if recovered:
            self.offered_recovery = recovered[0]
            self.draft_label.setText(recovery_offer_text(recovered, self.tz))
        else:
            self.offered = others[0]
            self.draft_label.setText(offer_text(others, self.tz))
        self.draft_bar.show()
        self.resume_button.setFocus()
        self.drafts_checked.emit(total)

    def resume_offered(self) -> None:
        """Put the offered draft back on screen; edits continue in the same draft."""
        if self.offered_recovery is not None:
            self._resume_recovered(self.offered_recovery)
            return
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

    def _resume_recovered(self, kept: RecoveryDraft) -> None:
        """A kept copy back on screen; it goes to the database draft as soon as one can be saved."""
        self.offered_recovery = None
        self.draft_bar.hide()
        self.load_content(kept.content)
        self.keeper.adopt(kept)
        self.draft = next((d for d in self._listed if d.id == kept.db_draft_id), None)
        self.in_progress = True
        self._dirty = True
        self._autosave.start()
        self.draft_status.setText(
            f"Resumed the entry kept on this workstation at "
            f"{format_timestamp(kept.saved_at, self.tz)}; save it to put it in the database."
        )

    def discard_offered(self) -> None:
        """Throw the offered draft away (on purpose), then offer the next one, if any."""
        kept = self.offered_recovery
        if kept is not None:
            self.offered_recovery = None
            self.draft_bar.hide()
            self.keeper.discard(
                kept.id,
                on_done=lambda _r: self.check_drafts(),
                on_error=lambda error: self._show_message(
                    f"The kept entry could not be discarded ({error}); it is still kept.",
                    MessageKind.ERROR,
                ),
            )
            return
        draft = self.offered
        if draft is None:
            return
        self.offered = None
        self.draft_bar.hide()
        workers.run(
            intake_drafts.discard_draft,
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


def _operation_id(value: object) -> str | None:
    """The operation id a draft carries (a save whose outcome was unknown), if well formed."""
    if value is None:
        return None
    try:
        return retry.check_operation_id(value)
    except ValidationError:
        return None


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
