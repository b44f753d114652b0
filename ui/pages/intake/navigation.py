"""Moving between the intake steps: their numbers and titles, the step list, the keys."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QListWidget, QScrollArea, QWidget

from ui.pages.intake.step import Step
from ui.style import ERROR

STEP_YOUTH, STEP_EPISODE, STEP_CHARGES, STEP_SCREENING, STEP_RISK, STEP_DECISION = range(6)
STEP_TITLES = ("Youth", "Custody episode", "Charges", "Screening", "Risk", "Decision")


def step_host(step: Step, number: int) -> QScrollArea:
    """Step ``number`` in the frameless scroll area the page stacks."""
    scroll = QScrollArea()
    scroll.setWidget(step)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    if number in (STEP_SCREENING, STEP_RISK, STEP_YOUTH):
        # These pages scroll inside themselves; the outer scroll never needs to.
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return scroll


def show_titles(step_list: QListWidget, steps: Sequence[Step]) -> None:
    """Number, title, ⚠ when marked, and the step's summary, for every step in the list."""
    for number, step in enumerate(steps):
        item = step_list.item(number)
        has_error = bool(item.data(Qt.ItemDataRole.UserRole))
        mark = "  ⚠" if has_error else ""
        item.setText(f"{number + 1}  {STEP_TITLES[number]}{mark}\n     {step.summary()}")
        item.setToolTip(f"Alt+{number + 1}")
        item.setForeground(QColor(ERROR) if has_error else step_list.palette().text())


def mark_step(step_list: QListWidget, number: int, has_error: bool) -> None:
    """Flag step ``number`` as holding an error (shown by the next ``show_titles``)."""
    item = step_list.item(number)
    if item is not None:
        item.setData(Qt.ItemDataRole.UserRole, has_error)


def bind_step_keys(
    page: QWidget,
    save: Callable[[], object],
    go_to: Callable[[int], None],
    current_step: Callable[[], int],
) -> None:
    """Ctrl+S saves; Ctrl+PgDown / Ctrl+PgUp and Alt+1…6 move between the steps."""

    def bind(
        keys: QKeySequence | QKeySequence.StandardKey | str, slot: Callable[[], object]
    ) -> None:
        shortcut = QShortcut(QKeySequence(keys), page)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    bind(QKeySequence.StandardKey.Save, save)
    bind("Ctrl+PgDown", lambda: go_to(current_step() + 1))
    bind("Ctrl+PgUp", lambda: go_to(current_step() - 1))
    for number in range(len(STEP_TITLES)):
        bind(f"Alt+{number + 1}", functools.partial(go_to, number))
