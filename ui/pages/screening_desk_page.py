"""The visitor and call desk: one field, Enter, and an answer nobody can misread.

Staff type whatever the visitor or caller gives (a name, a phone number in any format, a handle
or profile link); the page works out which it is, runs the check on a worker thread and shows
BLOCK (red), REVIEW (amber) or CLEAR (green) in a panel the size of a sign. Every check is
logged by the service, CLEAR included. Typing the next entry, or changing the contact or the
scope, clears the panel at once, so an old answer is never read as the new one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.domain.restriction_rules import CHANNEL_LABELS
from girlscourt.errors import ValidationError
from girlscourt.services.intake.custody_board import BoardRow, in_custody_board
from girlscourt.services.restrictions import (
    desk_check,
    restriction_index,
    restriction_printing,
)
from girlscourt.services.restrictions.desk_check import CheckMatch, CheckOutcome
from girlscourt.services.restrictions.restriction_printing import PrintedDocument
from ui import workers
from ui.context import AppContext
from ui.dialogs.pdf_preview_dialog import PdfPreviewDialog, open_preview
from ui.extensions import FeaturePage, Navigator
from ui.formatting import format_date, format_timestamp
from ui.models.batched_list_model import BatchedListModel
from ui.style import MUTED
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind

Index = QModelIndex | QPersistentModelIndex

BLOCK, REVIEW, CLEAR, READY, CHECKING = "BLOCK", "REVIEW", "CLEAR", "READY", "CHECKING"
# Background, text colour: readable from across the desk, and not by colour alone (the word).
PANEL_COLOURS = {
    BLOCK: ("#b3261e", "#ffffff"),
    REVIEW: ("#f2a900", "#1f1600"),
    CLEAR: ("#2e7d32", "#ffffff"),
    READY: ("#eceff1", "#37474f"),
    CHECKING: ("#eceff1", "#37474f"),
}
RESULT_TEXT = {BLOCK: "#b3261e", REVIEW: "#8a5a00", CLEAR: "#2e7d32"}
CONTACTS = (
    (None, "&Any contact"),
    ("visit", "&Visit"),
    ("phone", "&Phone call"),
    ("admission_call", "Ad&mission call (WIC 627)"),
    ("video", "Vi&deo visit"),
    ("mail", "Ma&il"),
    ("social_media", "Social medi&a"),
)
FIELD_WORDS = {
    "name": "name",
    "alias": "alias / street name",
    "phone": "phone number",
    "handle": "social-media handle",
}

_PHONE_ONLY = re.compile(r"^[+\d\s().\-]+$")
_PHONE_IN_TEXT = re.compile(
    r"(?<!\d)(?:\+?1[\s.\-]?)?(?:\(\d{3}\)|\d{3})[\s.\-]?\d{3}[\s.\-]?\d{4}(?!\d)"
)
_HANDLE_TOKEN = re.compile(
    r"(?:(?<=\s)|^)(@[\w.\-]+|[a-z][a-z0-9+.\-]*://\S+|(?:www\.)?[\w\-]+(?:\.[\w\-]+)+/\S*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DeskEntry:
    """What was typed at the desk, sorted into the three things the check takes."""

    name: str | None = None
    phone: str | None = None
    handle: str | None = None

    @property
    def empty(self) -> bool:
        """Nothing to check."""
        return not (self.name or self.phone or self.handle)

    def describe(self) -> str:
        """ "name “Jon Smith” · phone 510.555.0100"."""
        parts = []
        if self.name:
            parts.append(f"name “{self.name}”")
        if self.phone:
            parts.append(f"phone {self.phone}")
        if self.handle:
            parts.append(f"handle {self.handle}")
        return " · ".join(parts)


def read_entry(text: str) -> DeskEntry:
    """Digits → a phone; a leading @ or a link → a handle; anything else → a name.

    A name typed with a number or a handle after it ("Marcus Talford 510 555 0142") is checked
    on both.
    """
    text = " ".join(text.split())
    if not text:
        return DeskEntry()
    if _PHONE_ONLY.match(text):
        return DeskEntry(phone=text)
    rest = text
    handle = None
    found = _HANDLE_TOKEN.search(rest)
    if found:
        handle = found.group(1)
        rest = rest[: found.start(1)] + rest[found.end(1) :]
    phone = None
    found = _PHONE_IN_TEXT.search(rest)
    if found:
        phone = found.group(0).strip()
        rest = rest[: found.start()] + rest[found.end() :]
    name = " ".join(rest.split()).strip(" ,;/") or None
    return DeskEntry(name, phone, handle)


def contact_word(channel: str | None) -> str:
    """ "visit", "phone call", "admission call", or "contact"."""
    if channel == "admission_call":
        return "admission call"
    return CHANNEL_LABELS.get(channel or "", "contact")


# --- this session's checks -------------------------------------------------------------------


@dataclass(frozen=True)
class DeskCheck:
    """One check made at this desk: what was typed and what the service answered."""

    entry: DeskEntry
    outcome: CheckOutcome
    scope: str


COL_TIME, COL_RESULT, COL_ENTERED, COL_CONTACT, COL_MATCH = range(5)
_HEADERS = ("Time", "Result", "Entered", "Contact", "Matched")
CheckRole = Qt.ItemDataRole.UserRole
BATCH = 50


class RecentChecksModel(BatchedListModel[DeskCheck]):
    """The checks made at this desk this session, newest first, revealed ``BATCH`` at a time."""

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__([(title, None) for title in _HEADERS], BATCH, parent)
        self._tz = context.core.settings.timezone

    def add(self, check: DeskCheck) -> None:
        """A new check, on top."""
        self.prepend(check)

    def checks(self) -> tuple[DeskCheck, ...]:
        """Every check of this session, newest first."""
        return self.rows()

    def cell(self, check: DeskCheck, column: int, role: int) -> object:
        outcome = check.outcome
        if role == CheckRole:
            return check
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_RESULT:
            return QColor(RESULT_TEXT.get(outcome.result, MUTED))
        if role == Qt.ItemDataRole.FontRole and column == COL_RESULT:
            font = QFont()
            font.setBold(True)
            return font
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        top = outcome.matches[0] if outcome.matches else None
        values = {
            COL_TIME: format_timestamp(outcome.checked_at, self._tz).split(" ", 1)[1],
            COL_RESULT: outcome.result,
            COL_ENTERED: check.entry.describe(),
            COL_CONTACT: contact_word(outcome.channel),
            COL_MATCH: (
                f"#{top.restriction_id} · youth {top.youth_initials} · "
                f"{FIELD_WORDS.get(top.field, top.field)}"
                if top
                else f"no match · {check.scope}"
            ),
        }
        return values[column]


# --- the page --------------------------------------------------------------------------------


class _EntryEdit(QLineEdit):
    """Escape clears the entry (and the answer with it)."""

    cleared = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.cleared.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ScreeningDeskPage(QWidget):
    """The "Visitor & call desk" page (Ctrl+D)."""

    check_done = Signal(object)  # CheckOutcome, shown in the panel
    check_failed = Signal(object)  # the error, shown inline
    youths_loaded = Signal()
    preview_opened = Signal(object)  # PdfPreviewDialog

    def __init__(
        self,
        context: AppContext,
        navigator: Navigator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.navigator = navigator
        self.state = READY
        self.last_check: DeskCheck | None = None
        self.preview: PdfPreviewDialog | None = None
        self._job: workers.Job | None = None
        self._warmed = False

        title = QLabel("Visitor & call desk")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        intro = QLabel(
            "Check a visitor or caller against the youths' contact restrictions before any "
            "contact. Type a name, a phone number (any format) or a social-media handle, then "
            "press Enter. Every check is logged."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {MUTED};")
        self.print_log_button = QPushButton("Print today's check &log…")
        self.print_log_button.setToolTip("The desk check log as evidence for investigators")
        self.print_log_button.setVisible(
            context.may(Action.AUDIT_VIEW) and context.may(Action.PRINT)
        )

        self.entry = _EntryEdit()
        self.entry.setAccessibleName("Name, phone number or handle to check")
        self.entry.setPlaceholderText(
            "Name, phone or handle – e.g. Jon Smith, 510.555.0100, @handle"
        )
        self.entry.setClearButtonEnabled(True)
        entry_font = self.entry.font()
        entry_font.setPointSizeF(entry_font.pointSizeF() * 1.5)
        self.entry.setFont(entry_font)
        self.entry.setMinimumHeight(self.entry.fontMetrics().height() + 18)
        entry_label = QLabel("&Who is asking")
        entry_label.setBuddy(self.entry)
        self.check_button = QPushButton("&Check")
        self.check_button.setMinimumHeight(self.entry.minimumHeight())
        self.reading = QLabel(" ")
        self.reading.setStyleSheet(f"color: {MUTED};")
        self.reading.setTextFormat(Qt.TextFormat.PlainText)

        self.contact_group = QButtonGroup(self)
        contact_row = QHBoxLayout()
        contact_row.addWidget(QLabel("Contact:"))
        for number, (channel, text) in enumerate(CONTACTS):
            button = QRadioButton(text)
            button.setProperty("channel", channel)
            self.contact_group.addButton(button, number)
            contact_row.addWidget(button)
        contact_row.addStretch(1)
        first_contact = self.contact_group.button(0)
        assert first_contact is not None
        first_contact.setChecked(True)

        self.everyone = QRadioButton("&Everyone in custody")
        self.one_youth = QRadioButton("One &youth:")
        self.everyone.setChecked(True)
        self.youth_combo = QComboBox()
        self.youth_combo.setEditable(True)
        self.youth_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.youth_combo.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 26)
        youth_edit = self.youth_combo.lineEdit()
        assert youth_edit is not None  # an editable combo has one
        self.youth_edit = youth_edit
        youth_edit.setPlaceholderText("Loading the youths in custody…")
        completer = self.youth_combo.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.youth_combo.setEnabled(False)
        scope_row = QHBoxLayout()
        scope_row.addWidget(QLabel("For:"))
        scope_row.addWidget(self.everyone)
        scope_row.addWidget(self.one_youth)
        scope_row.addWidget(self.youth_combo)
        scope_row.addStretch(1)

        self.message = MessageBar()
        self._build_panel()

        recent_title = QLabel("Checks at this desk this session")
        recent_title.setStyleSheet("font-weight: bold;")
        self.recent_model = RecentChecksModel(context, self)
        self.recent = QTableView()
        self.recent.setModel(self.recent_model)
        self.recent.setAccessibleName("Checks at this desk this session")
        self.recent.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recent.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recent.setAlternatingRowColors(True)
        self.recent.setTabKeyNavigation(False)
        self.recent.setWordWrap(False)
        self.recent.verticalHeader().hide()
        metrics = self.fontMetrics()
        self.recent.verticalHeader().setDefaultSectionSize(metrics.lineSpacing() + 6)
        header = self.recent.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_ENTERED, QHeaderView.ResizeMode.Stretch)
        self.recent.setColumnWidth(COL_TIME, metrics.horizontalAdvance("00:00 PM PST") + 16)
        self.recent.setColumnWidth(COL_RESULT, metrics.horizontalAdvance("REVIEW") + 24)
        self.recent.setColumnWidth(COL_CONTACT, metrics.horizontalAdvance("admission call") + 16)
        self.recent.setColumnWidth(COL_MATCH, metrics.horizontalAdvance("M") * 20)

        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.print_log_button)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(entry_label)
        layout.addLayout(entry_row)
        layout.addWidget(self.reading)
        layout.addLayout(contact_row)
        layout.addLayout(scope_row)
        layout.addWidget(self.message)
        layout.addWidget(self.panel)
        layout.addWidget(recent_title)
        layout.addWidget(self.recent, 1)

        self.entry.returnPressed.connect(self.run_check)
        self.entry.textChanged.connect(self._entry_changed)
        self.entry.cleared.connect(lambda: self._set_ready())
        self.check_button.clicked.connect(self.run_check)
        self.contact_group.idToggled.connect(self._choice_changed)
        self.everyone.toggled.connect(self._scope_changed)
        self.youth_combo.currentIndexChanged.connect(lambda _i: self._choice_changed())
        self.print_log_button.clicked.connect(self.print_log)
        self.message.action_triggered.connect(self.run_check)
        self._set_ready()

    def _build_panel(self) -> None:
        self.panel = QFrame()
        self.panel.setObjectName("resultPanel")
        self.panel.setMinimumHeight(230)
        self.panel.setAccessibleName("Check result")
        self.verdict = QLabel()
        verdict_font = QFont(self.font())
        verdict_font.setPointSizeF(verdict_font.pointSizeF() * 3.6)
        verdict_font.setBold(True)
        self.verdict.setFont(verdict_font)
        self.headline = QLabel()
        headline_font = QFont(self.font())
        headline_font.setPointSizeF(headline_font.pointSizeF() * 1.6)
        headline_font.setBold(True)
        self.headline.setFont(headline_font)
        self.headline.setWordWrap(True)
        self.match_line = QLabel()
        match_font = QFont(self.font())
        match_font.setPointSizeF(match_font.pointSizeF() * 1.25)
        match_font.setBold(True)
        self.match_line.setFont(match_font)
        self.match_line.setWordWrap(True)
        self.person_line = QLabel()
        self.person_line.setWordWrap(True)
        self.instruction = QLabel()
        self.instruction.setWordWrap(True)
        instruction_font = QFont(self.font())
        instruction_font.setPointSizeF(instruction_font.pointSizeF() * 1.1)
        self.instruction.setFont(instruction_font)
        self.more = QLabel()
        self.more.setWordWrap(True)
        self.footer = QLabel()
        self.footer.setWordWrap(True)
        for label in (
            self.verdict,
            self.headline,
            self.match_line,
            self.person_line,
            self.instruction,
            self.more,
            self.footer,
        ):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        heading = QHBoxLayout()
        heading.addWidget(self.verdict)
        heading.addSpacing(18)
        heading.addWidget(self.headline, 1)
        column = QVBoxLayout(self.panel)
        column.setContentsMargins(20, 12, 20, 12)
        column.addLayout(heading)
        column.addWidget(self.match_line)
        column.addWidget(self.person_line)
        column.addWidget(self.instruction)
        column.addWidget(self.more)
        column.addStretch(1)
        column.addWidget(self.footer)

    # -- choices ------------------------------------------------------------------------------

    def channel(self) -> str | None:
        """The contact chosen (None: any)."""
        button = self.contact_group.checkedButton()
        value = button.property("channel") if button is not None else None
        return str(value) if value else None

    def choose_contact(self, channel: str | None) -> None:
        """Select the contact kind (keyboard users press its Alt key)."""
        for number, (value, _text) in enumerate(CONTACTS):
            if value == channel:
                button = self.contact_group.button(number)
                if button is not None:
                    button.setChecked(True)

    def youth_id(self) -> int | None:
        """The youth in scope (None: everyone in custody)."""
        if self.everyone.isChecked():
            return None
        value = self.youth_combo.currentData()
        return int(value) if value is not None else None

    def choose_youth(self, youth_id: int) -> None:
        """Check for this youth only."""
        self.one_youth.setChecked(True)
        self.youth_combo.setCurrentIndex(self.youth_combo.findData(youth_id))

    def _scope_changed(self) -> None:
        self.youth_combo.setEnabled(self.one_youth.isChecked())
        if self.one_youth.isChecked():
            self.youth_combo.setFocus()
        self._choice_changed()

    def _choice_changed(self, *_args: object) -> None:
        if self.state not in (READY, CHECKING):
            self._set_ready("The contact or the scope changed: press Enter to check again.")

    def _entry_changed(self, text: str) -> None:
        entry = read_entry(text)
        self.reading.setText(f"Will check {entry.describe()}" if not entry.empty else " ")
        if self.state not in (READY, CHECKING):
            self._set_ready()
        if self.message.kind is MessageKind.ERROR:
            self.message.clear()

    # -- loading ------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._warmed:
            self._warmed = True
            self.load_youths()
            # Load the restriction index now, so the first check at the desk is as fast as any.
            workers.run(restriction_index.prepare_index, self.context.core, context=self)
        QTimer.singleShot(0, self.focus_entry)

    def focus_entry(self) -> None:
        """Put the cursor in the entry, its text selected for the next visitor."""
        self.entry.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.entry.selectAll()

    def load_youths(self) -> None:
        """Fill the one-youth picker with the youths in custody now."""
        workers.run(
            in_custody_board,
            self.context.core,
            self.context.actor,
            on_done=self._youths_loaded,
            on_error=self._youths_failed,
            context=self,
        )

    def _youths_loaded(self, rows: tuple[BoardRow, ...]) -> None:
        keep = self.youth_combo.currentData()
        self.youth_combo.blockSignals(True)
        self.youth_combo.clear()
        for row in sorted(rows, key=lambda r: r.display_name.casefold()):
            unit = f" · unit {row.housing_unit}" if row.housing_unit else ""
            self.youth_combo.addItem(f"{row.display_name} ({row.initials}){unit}", row.youth_id)
        self.youth_combo.setCurrentIndex(self.youth_combo.findData(keep) if keep else -1)
        self.youth_edit.setPlaceholderText(
            "Type part of the youth's name" if rows else "No youth is in custody now"
        )
        self.youth_combo.blockSignals(False)
        self.youths_loaded.emit()

    def _youths_failed(self, error: BaseException) -> None:
        text, _retry = failure_text(error, "The youths in custody could not be listed")
        self.youth_edit.setPlaceholderText("Not available")
        self.message.show_message(text, MessageKind.WARNING)

    # -- the check ----------------------------------------------------------------------------

    def scope_text(self) -> str:
        """Who the check covers, in words."""
        if self.youth_id() is None:
            return "everyone in custody"
        return f"youth {self.youth_combo.currentText().split(' (')[0]}"

    def run_check(self) -> None:
        """Check what is typed (Enter); one logged check per press, never two at once."""
        if self.state == CHECKING:
            return
        self.message.clear()
        entry = read_entry(self.entry.text())
        if entry.empty:
            self.message.show_message(
                "Type the visitor's or caller's name, phone number or handle first.",
                MessageKind.ERROR,
            )
            self.focus_entry()
            return
        if self.one_youth.isChecked() and self.youth_id() is None:
            self.message.show_message(
                "Choose the youth from the list, or check against everyone in custody.",
                MessageKind.ERROR,
            )
            self.youth_combo.setFocus()
            return
        channel = self.channel()
        admission = channel == "admission_call"
        scope = self.scope_text()
        asked = (channel, self.youth_id())
        self._show_checking(entry)
        self.entry.setReadOnly(True)  # the answer must belong to what the entry shows
        self._job = workers.run(
            desk_check.check_contact,
            self.context.core,
            self.context.actor,
            name=entry.name,
            phone=entry.phone,
            handle=entry.handle,
            youth_id=self.youth_id(),
            channel="phone" if admission else channel,
            admission_call=admission,
            on_done=lambda outcome: self._checked(entry, scope, asked, outcome),
            on_error=self._failed,
            context=self,
        )

    def _checked(
        self,
        entry: DeskEntry,
        scope: str,
        asked: tuple[str | None, int | None],
        outcome: CheckOutcome,
    ) -> None:
        self._job = None
        self.entry.setReadOnly(False)
        check = DeskCheck(entry, outcome, scope)
        self.last_check = check
        self.recent_model.add(check)
        if asked != (self.channel(), self.youth_id()):
            # Changed while the check ran: the answer (logged, and in the list) is for the old
            # contact or scope, so the panel does not show it as the answer to the new one.
            self._set_ready("The contact or the scope changed during the check: press Enter.")
        else:
            self.show_outcome(check)
        self.entry.selectAll()  # the next visitor's entry replaces this one
        self.check_done.emit(outcome)

    def _failed(self, error: BaseException) -> None:
        self._job = None
        self.entry.setReadOnly(False)
        self._set_ready()
        if isinstance(error, ValidationError):
            what = {"phone": "Phone number", "handle": "Handle", "name": "Name"}.get(
                error.field, error.field.capitalize()
            )
            self.message.show_message(f"Not checked. {what}: {error.detail}.", MessageKind.ERROR)
            self.focus_entry()
        else:
            text, retry = failure_text(error, "Not checked")
            self.message.show_message(
                f"{text} Do not allow the contact until a check succeeds.",
                MessageKind.ERROR,
                "&Try again" if retry else None,
            )
        self.check_failed.emit(error)

    # -- the panel ----------------------------------------------------------------------------

    def _paint(self, state: str) -> None:
        self.state = state
        background, text = PANEL_COLOURS[state]
        self.panel.setStyleSheet(
            f"QFrame#resultPanel {{ background: {background}; border-radius: 8px; }}"
            f" QFrame#resultPanel QLabel {{ color: {text}; background: transparent; }}"
        )

    def _fill(self, **texts: str) -> None:
        for name in ("verdict", "headline", "match_line", "person_line", "instruction", "more"):
            label: QLabel = getattr(self, name)
            value = texts.get(name, "")
            label.setText(value)
            label.setVisible(bool(value))
        self.footer.setText(texts.get("footer", ""))

    def _set_ready(self, note: str = "") -> None:
        self._paint(READY)
        self._fill(
            verdict="—",
            headline="Ready: type who is asking and press Enter",
            instruction=note or "The answer appears here: BLOCK, REVIEW or CLEAR.",
        )
        self.panel.setAccessibleDescription("No result shown")

    def _show_checking(self, entry: DeskEntry) -> None:
        self._paint(CHECKING)
        self._fill(verdict="…", headline=f"Checking {entry.describe()}…")

    def result_text(self) -> str:
        """Everything the panel says, in reading order (tests, screen readers)."""
        parts = [
            label.text()
            for label in (
                self.verdict,
                self.headline,
                self.match_line,
                self.person_line,
                self.instruction,
                self.more,
                self.footer,
            )
            if label.text() and not label.isHidden()
        ]
        return "\n".join(parts)

    def show_outcome(self, check: DeskCheck) -> None:
        """Paint the panel for a check's result."""
        outcome = check.outcome
        contact = contact_word(outcome.channel)
        tz = self.context.core.settings.timezone
        footer = (
            f"Check #{outcome.check_id} logged {format_timestamp(outcome.checked_at, tz)} · "
            f"{check.entry.describe()} · {contact} · {check.scope}"
        )
        top = outcome.matches[0] if outcome.matches else None
        if outcome.result == CLEAR or top is None:
            covered = (
                f"Checked against the restrictions of {outcome.youths_in_scope} "
                f"{'youth' if outcome.youths_in_scope == 1 else 'youths'} in custody."
                if outcome.youth_id is None
                else f"Checked against every restriction of {check.scope}."
            )
            self._paint(CLEAR)
            self._fill(
                verdict="CLEAR",
                headline="No restriction matches",
                match_line=covered,
                instruction=outcome.instruction,
                footer=footer,
            )
        elif outcome.result == BLOCK:
            self._paint(BLOCK)
            self._fill(
                verdict="BLOCK",
                headline=f"Do not allow this {contact}",
                match_line=self._match_text(top, with_score=False),
                person_line=self._person_text(top),
                instruction=outcome.instruction,
                more=self._more_text(outcome.matches[1:]),
                footer=footer,
            )
        else:
            self._paint(REVIEW)
            self._fill(
                verdict="REVIEW",
                headline="Hold the contact – ask a supervisor",
                match_line=self._match_text(top, with_score=True),
                person_line=self._person_text(top),
                instruction=outcome.instruction,
                more=self._more_text(outcome.matches[1:]),
                footer=footer,
            )
        self.panel.setAccessibleDescription(self.result_text())

    @staticmethod
    def _match_text(match: CheckMatch, *, with_score: bool) -> str:
        field = FIELD_WORDS.get(match.field, match.field)
        score = f" – likely match, score {match.score:.0f} of 100" if with_score else ""
        return (
            f"Restriction #{match.restriction_id} · youth {match.youth_initials} · "
            f"matched on {field} “{match.matched_value}”{score}"
        )

    @staticmethod
    def _person_text(match: CheckMatch) -> str:
        channels = ", ".join(CHANNEL_LABELS.get(c, c) for c in match.channels)
        until = f"until {format_date(match.ends_on)}" if match.ends_on else "until lifted"
        text = f"Restricted person: {match.person_name} · restricted from {channels} · {until}"
        if not match.approved:
            text += " · awaiting supervisor approval"
        if match.withhold_location:
            text += " · do not confirm the youth is here"
        return text

    @staticmethod
    def _more_text(matches: Sequence[CheckMatch]) -> str:
        if not matches:
            return ""
        shown = [
            f"#{m.restriction_id} (youth {m.youth_initials}, {FIELD_WORDS.get(m.field, m.field)}, "
            f"{m.grade} {m.score:.0f})"
            for m in matches[:4]
        ]
        extra = f" and {len(matches) - 4} more" if len(matches) > 4 else ""
        return f"Also matches: {'; '.join(shown)}{extra}"

    # -- the log ------------------------------------------------------------------------------

    def print_log(self) -> None:
        """Today's check log as a printed document (evidence), shown in the preview."""
        today = self.context.core.today()
        self.print_log_button.setEnabled(False)
        workers.run(
            restriction_printing.print_check_log,
            self.context.core,
            self.context.actor,
            today,
            today,
            on_done=lambda printed: self._show_log(today, printed),
            on_error=self._log_failed,
            context=self,
        )

    def _show_log(self, day: dt.date, printed: PrintedDocument) -> None:
        self.print_log_button.setEnabled(True)
        core, actor, document_id = self.context.core, self.context.actor, printed.document_id

        def record_output(how: str) -> None:  # each further copy is audited under the same id
            restriction_printing.record_check_log_output(core, actor, document_id, how)

        self.preview = open_preview(
            self,
            f"Check log {format_date(day)} ({printed.rows} checks)",
            document_id,
            printed.pdf,
            f"check-log-{day.isoformat()}-{document_id}.pdf",
            record_output,
        )
        self.preview_opened.emit(self.preview)

    def _log_failed(self, error: BaseException) -> None:
        self.print_log_button.setEnabled(True)
        text, _retry = failure_text(error, "The check log could not be printed")
        self.message.show_message(text, MessageKind.ERROR)


DESK_FEATURE = FeaturePage(
    key="desk",
    title="Visitor & call desk",
    tooltip="Check a visitor or caller against the contact restrictions",
    allowed=lambda context: context.may(Action.RESTRICTION_CHECK),
    factory=lambda context, navigator: ScreeningDeskPage(context, navigator),
    shortcut="Ctrl+D",
)
