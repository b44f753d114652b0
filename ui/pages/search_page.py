"""Find a youth as you type: debounced, run on a worker, stale answers dropped."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.errors import DatabaseUnavailable, GirlsCourtError
from girlscourt.services.registry import youths
from ui import workers
from ui.context import AppContext
from ui.keyboard import chain_tab_order
from ui.models.youth_table_model import COL_NAME, Mode, YouthIdRole, YouthTableModel
from ui.style import MUTED
from ui.widgets.message_bar import MessageBar, MessageKind
from ui.widgets.youth_table_view import YouthTableView

DEBOUNCE_MS = 150


class _SearchEdit(QLineEdit):
    """Down arrow (or Enter) moves from the search field into the results."""

    to_results = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.to_results.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SearchPage(QWidget):
    """The "Find a youth" page."""

    open_requested = Signal(int)
    new_youth_requested = Signal()
    results_shown = Signal()  # a query's results (or the first browse page) are in the table

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._job: workers.Job | None = None
        self._focus_results_when_ready = False
        self._shown_text: str | None = None
        self._awaiting_first_page = False

        title = QLabel("Find a youth")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.search_edit = _SearchEdit()
        self.search_edit.setPlaceholderText(
            "Name, alias or date of birth (MM/DD/YYYY) — e.g. “ana ash” or “04/18/2011”"
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search youths")
        search_label = QLabel("&Name, alias or date of birth")
        search_label.setBuddy(self.search_edit)
        self.new_button = QPushButton("Ne&w youth…")
        self.new_button.setToolTip("Register a youth who is not in the registry yet (Ctrl+N)")
        self.new_button.setEnabled(context.may(Action.YOUTH_CREATE))

        self.model = YouthTableModel(context.core.today, self)
        self.table = YouthTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Youths found")
        self.table.set_column_widths()
        self.status = QLabel()
        self.status.setStyleSheet(f"color: {MUTED};")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.message = MessageBar()

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(search_label)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        chain_tab_order([self.search_edit, self.new_button, self.table])

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_query)
        self.search_edit.textChanged.connect(self._text_changed)
        self.search_edit.to_results.connect(self._go_to_results)
        self.new_button.clicked.connect(self.new_youth_requested)
        self.table.open_requested.connect(self.open_requested)
        self.model.page_loaded.connect(self._page_loaded)
        self.model.load_failed.connect(self._failed)
        self.model.modelReset.connect(self._select_first_row)
        self.message.action_triggered.connect(self.refresh)

    # -- queries ----------------------------------------------------------------------------

    def _text_changed(self, _text: str) -> None:
        self._debounce.start()

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search field, text selected for retyping."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def refresh(self) -> None:
        """Run the current query again now (after a save, or the user's "Try again")."""
        self.run_query()

    def run_query(self) -> None:
        """Run what is typed now; an older query still running is dropped."""
        self._debounce.stop()
        if self._job is not None:
            self._job.cancel()
        self.message.clear()
        text = self.search_edit.text().strip()
        core, actor = self.context.core, self.context.actor
        if not text:
            self._job = workers.run(
                youths.count_youths,
                core,
                actor,
                on_done=self._start_browse,
                on_error=self._failed,
                context=self,
            )
            return
        self._job = workers.run(
            youths.find_youths,
            core,
            actor,
            text,
            on_done=lambda page: self._show_results(text, page),
            on_error=self._failed,
            context=self,
        )

    def _start_browse(self, total: int) -> None:
        core, actor = self.context.core, self.context.actor
        self._shown_text = ""

        def load(offset: int, limit: int) -> Any:
            return youths.list_youths(core, actor, offset, limit)

        self.model.set_browse(total, load)
        self._awaiting_first_page = True
        if total == 0:
            self._awaiting_first_page = False
            self.status.setText("The registry is empty. Register a youth with “New youth…”.")
            self.results_shown.emit()
            return
        self.model.fetchMore()

    def _page_loaded(self) -> None:
        loaded, total = self.model.rowCount(), self.model.total
        self.status.setText(
            f"All {total:,} youths in name order"
            if loaded >= total
            else f"All youths in name order: showing {loaded:,} of {total:,} (scroll for more)"
        )
        if self._awaiting_first_page:
            self._awaiting_first_page = False
            self._after_results()

    def _show_results(self, text: str, page: youths.SearchPage) -> None:
        self._shown_text = text
        self.model.set_rows(page.rows, page.truncated)
        count = len(page.rows)
        if count == 0:
            self.status.setText(
                f"No youth matches “{text}”. Try part of the name, an alias, or a date of birth."
            )
        elif page.truncated:
            self.status.setText(
                f"Showing the best {count} matches for “{text}”; more youths match. "
                "Add more of the name or a date of birth."
            )
        else:
            noun = "youth matches" if count == 1 else "youths match"
            self.status.setText(f"{count} {noun} “{text}”")
        self._after_results()

    def _after_results(self) -> None:
        self._select_first_row()
        if self._focus_results_when_ready:
            self._focus_results_when_ready = False
            if self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.results_shown.emit()

    def _select_first_row(self) -> None:
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, COL_NAME))

    def _go_to_results(self) -> None:
        if self._debounce.isActive() or self._shown_text != self.search_edit.text().strip():
            self._focus_results_when_ready = True
            self.run_query()
            return
        if self.model.rowCount():
            self._select_first_row()
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, DatabaseUnavailable):
            self.message.show_message(
                f"The search could not reach the database. {error}", MessageKind.ERROR, "&Try again"
            )
        elif isinstance(error, GirlsCourtError):
            self.message.show_message(str(error), MessageKind.ERROR)
        else:
            self.message.show_message(
                "Something went wrong while searching; the details are in the log.",
                MessageKind.ERROR,
                "&Try again",
            )
        self.results_shown.emit()

    def selected_youth_id(self) -> int | None:
        """The id on the current row, if any."""
        index = self.table.currentIndex()
        value = index.siblingAtColumn(COL_NAME).data(YouthIdRole) if index.isValid() else None
        return int(value) if value is not None else None

    @property
    def browsing(self) -> bool:
        """Showing the whole registry (empty query)."""
        return self.model.mode is Mode.BROWSE
