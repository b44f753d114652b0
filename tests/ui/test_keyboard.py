"""Keyboard-only use: unique mnemonics with buddies, and a sign-in window that loads fast.

An ambiguous Alt+letter does nothing, so collisions are bugs; the sign-in window must not
import the database layer (it would miss the 1.5 s start-up budget).
"""

from __future__ import annotations

import re
import subprocess
import sys

from PySide6.QtWidgets import QAbstractButton, QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot

from ui.context import AppContext
from ui.dialogs.new_youth_dialog import NewYouthDialog
from ui.main_window import MainWindow


def mnemonics(window: QWidget) -> list[str]:
    """The Alt+letter keys of the visible labels, buttons and menus of one window."""
    texts: list[str] = []
    for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if isinstance(widget, QLabel) and widget.buddy() is None:
            continue  # a label without a buddy shows "&" as it is (the banner's "Welf. & Inst.")
        if widget.isVisibleTo(window) and "&" in widget.text():
            texts.append(widget.text())
    texts += [m.title() for m in window.findChildren(QMenu) if m.title()]
    keys = []
    for text in texts:
        match = re.search(r"&([^&])", text)
        if match:
            keys.append(match.group(1).casefold())
    return keys


def test_new_youth_dialog_mnemonics_are_unique(qtbot: QtBot, context: AppContext) -> None:
    dialog = NewYouthDialog(context)
    qtbot.addWidget(dialog)
    dialog.duplicates.show()  # its buttons count too once possible matches are listed
    keys = mnemonics(dialog)
    assert len(keys) >= 14
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy()}
    unlabelled = [
        name
        for name, field in dialog.form.fields.items()
        if field not in buddies and name not in ("interpreter_needed", "aliases")
    ]
    assert unlabelled == []  # the check box names itself; the alias list is reached by Tab
    assert len(keys) == len(set(keys)), sorted(keys)


def test_record_page_and_menus_mnemonics_are_unique(qtbot: QtBot, context: AppContext) -> None:
    from .conftest import add_youth

    youth = add_youth(context.core, context.actor, "Ana", "Ashbrook", "2011-04-18")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    page = window.open_youth(youth.id)
    qtbot.waitUntil(lambda: page.record is not None, timeout=5000)
    keys = mnemonics(window)
    assert len(keys) == len(set(keys)), sorted(keys)


def test_the_sign_in_window_loads_no_database_code() -> None:
    code = (
        "import sys, ui.app; "
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'sqlalchemy']; "
        "print(len(loaded))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "0"
