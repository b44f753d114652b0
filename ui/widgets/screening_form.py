"""The CSEC screening as the officer rates it: one keystroke per statement, the result live.

Each statement is a focusable row: a letter (N, S, C, U for the shipped answers) or a digit
rates it and moves to the next; arrows move between rows. The instrument is data, so rows,
answers and levels all come from it. The result is scored by the service on a worker thread
as items are rated; it is a screen for referral, never evidence.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.instruments import Instrument, Item, ResponseSet, ScreeningResult
from girlscourt.errors import GirlsCourtError, ValidationError
from girlscourt.services.intake import intake
from girlscourt.services.intake.intake import ScreeningInput
from ui import workers
from ui.keyboard import chain_tab_order
from ui.style import ERROR, INFO_BG, INFO_BORDER, MUTED, WARNING_BG, WARNING_BORDER

FOCUS_CSS = (
    "QFrame#itemRow { border: 1px solid transparent; border-radius: 4px; }"
    f" QFrame#itemRow:focus {{ background: {INFO_BG}; border: 1px solid {INFO_BORDER}; }}"
    f' QFrame#itemRow[invalid="true"] {{ border: 2px solid {ERROR}; }}'
)
LEVEL_COLOURS = (
    "#4a7c59",
    "#b26a00",
    "#9b2c2c",
)  # least concern … most; more levels reuse the last


def shortcut_keys(responses: ResponseSet) -> dict[str, str]:
    """Key → answer code: digits 1…n always, and each label's first letter where it is unique."""
    keys: dict[str, str] = {}
    firsts = [option.label[:1].upper() for option in responses.options]
    for number, option in enumerate(responses.options, start=1):
        if number <= 9:
            keys[str(number)] = option.code
        first = option.label[:1].upper()
        if first.isalpha() and firsts.count(first) == 1:
            keys[first] = option.code
    return keys


def key_hint(responses: ResponseSet) -> str:
    """ "N No · S Some indication · …" for the instructions line."""
    letters = {code: key for key, code in shortcut_keys(responses).items() if key.isalpha()}
    digits = {code: key for key, code in shortcut_keys(responses).items() if key.isdigit()}
    return " · ".join(
        f"{letters.get(option.code) or digits.get(option.code, '')} {option.label}"
        for option in responses.options
    )


class ItemRow(QFrame):
    """One statement with its answers; keys rate it, ``rated`` fires with the item id."""

    rated = Signal(str)
    navigate = Signal(int)  # -1 previous row, +1 next row

    def __init__(self, number: int, item: Item, responses: ResponseSet) -> None:
        super().__init__()
        self.item = item
        self.responses = responses
        self._keys = shortcut_keys(responses)
        self.setObjectName("itemRow")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setProperty("invalid", False)
        self.setAccessibleName(f"Statement {number}: {item.text}")
        if item.help_text:
            self.setToolTip(item.help_text)

        self.text = QLabel(f"{number}. {item.text}")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        if item.help_text:
            self.text.setToolTip(item.help_text)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {ERROR};")
        self.error.setWordWrap(True)
        self.error.hide()
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QRadioButton] = {}
        answers = QHBoxLayout()
        answers.setSpacing(14)
        letters = {code: key for key, code in self._keys.items() if key.isalpha()}
        for option in responses.options:
            button = QRadioButton(option.label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the row takes the keys
            key = letters.get(option.code)
            button.setToolTip(f"Key {key}" if key else "")
            self.group.addButton(button)
            self.buttons[option.code] = button
            answers.addWidget(button)
        answers.addStretch(1)
        self.group.buttonClicked.connect(self._clicked)

        column = QVBoxLayout(self)
        column.setContentsMargins(8, 5, 8, 5)
        column.setSpacing(3)
        column.addWidget(self.text)
        column.addLayout(answers)
        column.addWidget(self.error)

    def answer(self) -> str | None:
        """The answer code chosen, if any."""
        for code, button in self.buttons.items():
            if button.isChecked():
                return code
        return None

    def set_answer(self, code: str | None) -> None:
        """Show ``code`` chosen (None: no answer), without signalling."""
        self.group.setExclusive(False)
        for option, button in self.buttons.items():
            button.setChecked(option == code)
        self.group.setExclusive(True)
        self.set_error(None)

    def set_error(self, text: str | None) -> None:
        """Mark the row as needing an answer (or clear the mark)."""
        self.error.setText(text or "")
        self.error.setVisible(bool(text))
        if bool(self.property("invalid")) != bool(text):
            self.setProperty("invalid", bool(text))
            self.style().unpolish(self)
            self.style().polish(self)

    def _clicked(self, button: QAbstractButton) -> None:
        self.set_error(None)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.rated.emit(self.item.id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.text().upper()
        plain = event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if key in self._keys and plain == Qt.KeyboardModifier.NoModifier:
            self.buttons[self._keys[key]].setChecked(True)
            self.set_error(None)
            self.rated.emit(self.item.id)
            self.navigate.emit(1)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Down:
            self.navigate.emit(1)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Up:
            self.navigate.emit(-1)
            event.accept()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(self, 0, 40)


class ScreeningForm(QWidget):
    """Every statement of a screening instrument, the live result, override and disclosure.

    ``edited`` fires on any change by the officer; ``result_changed`` with each new
    ``ScreeningResult`` (or None when it cannot be scored yet).
    """

    edited = Signal()
    result_changed = Signal(object)
    disclosure_changed = Signal(bool)

    def __init__(self, instrument: Instrument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.instrument = instrument
        self.result: ScreeningResult | None = None
        self.disclosure = False
        self._loading = False
        self._job: workers.Job | None = None
        self.setStyleSheet(FOCUS_CSS)

        notice = QLabel(instrument.label or "Screening for referral – not evidence")
        notice.setObjectName("screeningNotice")
        notice.setWordWrap(True)
        notice.setStyleSheet(
            f"QLabel#screeningNotice {{ background: {WARNING_BG}; border: 1px solid"
            f" {WARNING_BORDER}; border-radius: 4px; padding: 4px 8px; font-weight: bold; }}"
        )
        if instrument.disclaimer:
            notice.setToolTip(instrument.disclaimer)
        self.notice = notice
        first_set = instrument.response_set(instrument.items[0].response_set)
        hint = QLabel(
            f"{instrument.title}. Rate each statement from what you know or observe; do not "
            f"question the youth about exploitation. Keys: {key_hint(first_set)}; "
            "↑ ↓ move between statements."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")

        self.rows: dict[str, ItemRow] = {}
        items_host = QWidget()
        items_column = QVBoxLayout(items_host)
        items_column.setContentsMargins(0, 0, 6, 0)
        items_column.setSpacing(2)
        number = 0
        for domain in instrument.domains:
            items = [item for item in instrument.items if item.domain == domain.id]
            if not items:
                continue
            heading = QLabel(domain.label)
            heading.setStyleSheet("font-weight: bold; font-size: 11pt; margin-top: 8px;")
            if domain.description:
                heading.setToolTip(domain.description)
            items_column.addWidget(heading)
            for item in items:
                number += 1
                row = ItemRow(number, item, instrument.response_set(item.response_set))
                row.rated.connect(self._rated)
                row.navigate.connect(lambda step, r=row: self._move(r, step))
                self.rows[item.id] = row
                items_column.addWidget(row)
        items_column.addStretch(1)
        self.items_scroll = QScrollArea()
        self.items_scroll.setWidget(items_host)
        self.items_scroll.setWidgetResizable(True)
        self.items_scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.items_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.items_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self._build_result_panel()
        body = QHBoxLayout()
        body.addWidget(self.items_scroll, 1)
        body.addWidget(self.panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(notice)
        layout.addWidget(hint)
        layout.addLayout(body, 1)
        chain_tab_order(
            [
                *self.rows.values(),
                self.override_level,
                self.override_reason,
                self.disclosure_button,
                self.resume_button,
            ]
        )
        self._update_progress()
        self._refresh_result()

    # -- layout -------------------------------------------------------------------------------

    def _build_result_panel(self) -> None:
        self.panel = QFrame()
        self.panel.setObjectName("resultPanel")
        self.panel.setFixedWidth(300)
        self.panel.setStyleSheet(
            "QFrame#resultPanel { border: 1px solid #c8c8c8; border-radius: 4px; }"
        )
        caption = QLabel("Result so far")
        caption.setStyleSheet(f"color: {MUTED};")
        self.level_label = QLabel("—")
        self.level_label.setWordWrap(True)
        self.level_label.setAccessibleName("Screening result")
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        self.progress_label.setStyleSheet(f"color: {MUTED};")
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        actions_caption = QLabel("Follow-up")
        actions_caption.setStyleSheet("font-weight: bold;")
        self.actions_label = QLabel()
        self.actions_label.setWordWrap(True)
        self.actions_label.setTextFormat(Qt.TextFormat.PlainText)

        self.override_level = QComboBox()
        self.override_level.addItem("No override", None)
        for level in self.instrument.result_levels:
            self.override_level.addItem(level.label, level.code)
        self.override_level.setEnabled(self.instrument.overrides_allowed)
        override_label = QLabel("O&verride the result")
        override_label.setBuddy(self.override_level)
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText("Reason for the override")
        self.override_reason.setMaxLength(2000)
        self.override_reason.setEnabled(False)
        self.override_error = QLabel()
        self.override_error.setStyleSheet(f"color: {ERROR};")
        self.override_error.setWordWrap(True)
        self.override_error.hide()

        self.disclosure_button = QPushButton("Youth &disclosed – stop and refer")
        self.disclosure_button.setToolTip(
            "The youth told you about exploitation: stop the screening now. Saving creates a "
            "stop-and-refer task (advocate or forensic interview)."
        )
        self.disclosure_button.setAutoDefault(False)
        self.disclosure_button.setStyleSheet("font-weight: bold;")
        self.stopped_label = QLabel()
        self.stopped_label.setWordWrap(True)
        self.stopped_label.setObjectName("stoppedNotice")
        self.stopped_label.setStyleSheet(
            f"QLabel#stoppedNotice {{ background: {WARNING_BG}; border: 1px solid"
            f" {WARNING_BORDER}; border-radius: 4px; padding: 4px; }}"
        )
        referral = (
            self.instrument.disclosure_rule.referral_type
            if self.instrument.disclosure_rule is not None
            else "advocate"
        )
        self.stopped_label.setText(
            "Screening stopped: the youth disclosed. Ask no more questions about it; listen, "
            "thank the youth, and say what happens next. Saving records the highest level and "
            f"creates a stop-and-refer task ({referral})."
        )
        self.stopped_label.hide()
        self.resume_button = QPushButton("Resume the screening")
        self.resume_button.setToolTip("Pressed by mistake: go back to rating the statements")
        self.resume_button.setAutoDefault(False)
        self.resume_button.hide()

        column = QVBoxLayout(self.panel)
        column.setContentsMargins(10, 8, 10, 8)
        column.addWidget(caption)
        column.addWidget(self.level_label)
        column.addWidget(self.progress_label)
        column.addWidget(self.detail_label)
        column.addWidget(actions_caption)
        column.addWidget(self.actions_label)
        column.addStretch(1)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(override_label, 0, 0, 1, 2)
        grid.addWidget(self.override_level, 1, 0, 1, 2)
        grid.addWidget(self.override_reason, 2, 0, 1, 2)
        grid.addWidget(self.override_error, 3, 0, 1, 2)
        column.addLayout(grid)
        column.addSpacing(8)
        column.addWidget(self.disclosure_button)
        column.addWidget(self.stopped_label)
        column.addWidget(self.resume_button)

        self.override_level.currentIndexChanged.connect(self._override_changed)
        self.override_reason.textEdited.connect(lambda _t: self._override_changed())
        self.disclosure_button.clicked.connect(lambda: self.set_disclosure(True, user=True))
        self.resume_button.clicked.connect(lambda: self.set_disclosure(False, user=True))

    # -- rating -------------------------------------------------------------------------------

    def _rated(self, _item_id: str) -> None:
        if self._loading:
            return
        self._update_progress()
        self._refresh_result()
        self.edited.emit()

    def _move(self, row: ItemRow, step: int) -> None:
        rows = list(self.rows.values())
        index = rows.index(row) + step
        if 0 <= index < len(rows):
            rows[index].setFocus(Qt.FocusReason.TabFocusReason)
        elif index >= len(rows):
            self.override_level.setFocus(Qt.FocusReason.TabFocusReason)

    def rate(self, item_id: str, code: str) -> None:
        """Choose an answer as the officer would (signals and rescoring included)."""
        self.rows[item_id].buttons[code].click()

    def responses(self) -> dict[str, str]:
        """Item id → answer code, for the items rated so far."""
        return {item_id: code for item_id, row in self.rows.items() if (code := row.answer())}

    def unrated(self) -> list[str]:
        """Items with no answer yet, in order."""
        return [item_id for item_id, row in self.rows.items() if row.answer() is None]

    def _update_progress(self) -> None:
        rated = len(self.rows) - len(self.unrated())
        unknown = sum(
            1
            for row in self.rows.values()
            if (code := row.answer())
            and (option := row.responses.option(code)) is not None
            and option.unknown
        )
        text = f"{rated} of {len(self.rows)} statements rated"
        if unknown:
            text += f", {unknown} unknown"
        self.progress_label.setText(text)

    # -- override and disclosure --------------------------------------------------------------

    def override(self) -> tuple[str | None, str | None]:
        """The override level chosen and its reason (None, None when not overridden)."""
        level = self.override_level.currentData()
        reason = self.override_reason.text().strip() or None
        return (str(level), reason) if level else (None, None)

    def _override_changed(self, _index: int | None = None) -> None:
        chosen = self.override_level.currentData() is not None
        self.override_reason.setEnabled(chosen and not self.disclosure)
        self.override_error.hide()
        if self._loading:
            return
        self._refresh_result()
        self.edited.emit()

    def set_disclosure(self, stopped: bool, *, user: bool = False) -> None:
        """Stop the screening because the youth disclosed (or undo a mistaken stop)."""
        self.disclosure = stopped
        for row in self.rows.values():
            row.setEnabled(not stopped)
            if stopped:
                row.set_error(None)
        self.override_level.setEnabled(not stopped and self.instrument.overrides_allowed)
        self.override_reason.setEnabled(
            not stopped and self.override_level.currentData() is not None
        )
        self.disclosure_button.setVisible(not stopped)
        self.stopped_label.setVisible(stopped)
        self.resume_button.setVisible(stopped)
        self._refresh_result()
        if user:
            (self.resume_button if stopped else self.first_field()).setFocus()
            self.disclosure_changed.emit(stopped)
            self.edited.emit()

    # -- the live result ----------------------------------------------------------------------

    def screening_input(self) -> ScreeningInput:
        """What the officer entered, for ``record_intake``."""
        level, reason = self.override()
        if self.disclosure:
            level, reason = None, None
        return ScreeningInput(
            self.instrument.key,
            self.responses(),
            override_level=level,
            override_reason=reason,
            disclosure=self.disclosure,
        )

    def _refresh_result(self) -> None:
        if self._job is not None:
            self._job.cancel()
        if self.disclosure:
            self._job = None
            self._show_stopped()
            return
        level, reason = self.override()
        data = ScreeningInput(
            self.instrument.key,
            self.responses(),
            override_level=level if reason else None,  # an override counts once explained
            override_reason=reason if level else None,
        )
        self._job = workers.run(
            intake.preview_screening,
            data,
            on_done=self._show_result,
            on_error=self._preview_failed,
            context=self,
        )

    def _show_result(self, result: ScreeningResult) -> None:
        self.result = result
        if len(result.unanswered_items) == len(self.rows):
            # Nothing rated: no result yet, and never a reassuring "no concern".
            self.level_label.setText("Not rated yet")
            self.level_label.setStyleSheet(f"font-size: 15pt; color: {MUTED};")
            self.detail_label.setText("Rate the statements; the result follows as you go.")
            self.actions_label.clear()
            self.result_changed.emit(result)
            return
        level = self.instrument.level(result.final_level)
        rank = self.instrument.level_rank(result.final_level)
        colour = LEVEL_COLOURS[min(rank, len(LEVEL_COLOURS) - 1)]
        self.level_label.setText(level.label)
        self.level_label.setStyleSheet(
            f"font-size: 15pt; font-weight: bold; color: {colour}; border-left: 5px solid"
            f" {colour}; padding-left: 6px;"
        )
        lines = [f"Score {result.total}."]
        if result.overridden:
            computed = self.instrument.level(result.computed_level).label
            lines.append(f"Overridden from {computed}.")
        if result.critical_items:
            numbers = ", ".join(
                str(list(self.rows).index(i) + 1) for i in result.critical_items if i in self.rows
            )
            noun = "statement" if len(result.critical_items) == 1 else "statements"
            lines.append(f"At least this level because of critical {noun} {numbers}.")
        if result.unanswered_items:
            lines.append(
                "Provisional: rate every statement (Unknown where you do not know) to finish."
            )
        elif result.insufficient_information:
            lines.append("Too many statements are unknown for this screen to rule anything out.")
        self.detail_label.setText(" ".join(lines))
        self.actions_label.setText("\n".join(f"• {a.label}" for a in result.follow_up_actions))
        self.result_changed.emit(result)

    def _show_stopped(self) -> None:
        top = self.instrument.result_levels[-1]
        self.result = None
        colour = LEVEL_COLOURS[-1]
        self.level_label.setText(f"{top.label} (disclosure)")
        self.level_label.setStyleSheet(
            f"font-size: 15pt; font-weight: bold; color: {colour}; border-left: 5px solid"
            f" {colour}; padding-left: 6px;"
        )
        self.detail_label.setText("The screening was stopped because the youth disclosed.")
        self.actions_label.setText("\n".join(f"• {a.label}" for a in top.actions))
        self.result_changed.emit(None)

    def _preview_failed(self, error: BaseException) -> None:
        self.result = None
        text = str(error) if isinstance(error, GirlsCourtError) else "could not be scored"
        self.level_label.setText("—")
        self.level_label.setStyleSheet("font-size: 15pt;")
        self.detail_label.setText(f"The result cannot be shown yet: {text}")
        self.actions_label.clear()
        self.result_changed.emit(None)

    # -- errors -------------------------------------------------------------------------------

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        """Show an error that belongs here; returns the widget to focus (None: not ours)."""
        field = error.field
        if field.startswith("responses."):
            row = self.rows.get(field.removeprefix("responses."))
            if row is not None:
                row.set_error(text)
                return row
        if field in ("override_level", "override_reason"):
            self.override_error.setText(text)
            self.override_error.show()
            return self.override_level if field == "override_level" else self.override_reason
        if field in ("screening", "screening.instrument"):
            return self.first_field()
        return None

    def mark_unrated(self) -> ItemRow | None:
        """Mark every unrated statement; returns the first (None when all are rated)."""
        first: ItemRow | None = None
        for item_id in self.unrated():
            row = self.rows[item_id]
            row.set_error("Choose an answer (Unknown if you do not know).")
            first = first or row
        return first

    def clear_errors(self) -> None:
        """Remove every error mark."""
        for row in self.rows.values():
            row.set_error(None)
        self.override_error.hide()

    def first_field(self) -> QWidget:
        """The first unrated statement (or the first statement)."""
        unrated = self.unrated()
        return self.rows[unrated[0] if unrated else next(iter(self.rows))]

    # -- drafts -------------------------------------------------------------------------------

    def content(self) -> dict[str, Any]:
        """The form as JSON-able data (for drafts)."""
        level, _reason = self.override()
        return {
            "instrument": self.instrument.key,
            "responses": self.responses(),
            "override_level": level,
            "override_reason": self.override_reason.text(),
            "disclosure": self.disclosure,
        }

    def load(self, content: dict[str, Any]) -> None:
        """Fill the form from ``content()`` output (answers the instrument lacks are skipped)."""
        self._loading = True
        try:
            responses = content.get("responses") or {}
            for item_id, row in self.rows.items():
                code = responses.get(item_id)
                row.set_answer(code if code in row.buttons else None)
            index = self.override_level.findData(content.get("override_level"))
            self.override_level.setCurrentIndex(max(index, 0))
            self.override_reason.setText(str(content.get("override_reason") or ""))
            self.override_reason.setEnabled(self.override_level.currentData() is not None)
        finally:
            self._loading = False
        self._update_progress()
        self.set_disclosure(bool(content.get("disclosure")))  # rescores too

    def clear(self) -> None:
        """No answers, no override, not stopped."""
        self.load({})
