"""Registering a youth: inline errors, nothing saved on a bad form, the duplicate warning."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.errors import DatabaseUnavailable
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from ui.context import AppContext
from ui.dialogs.new_youth_dialog import NewYouthDialog
from ui.models.youth_table_model import COL_ALIASES, COL_DOB, COL_NAME

from .conftest import add_youth, type_into


def make_dialog(qtbot: QtBot, context: AppContext) -> NewYouthDialog:
    dialog = NewYouthDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def fill(qtbot: QtBot, dialog: NewYouthDialog, first: str, last: str, dob: str) -> None:
    form = dialog.form
    type_into(qtbot, form.legal_first_name, first)
    type_into(qtbot, form.legal_last_name, last)
    type_into(qtbot, form.dob, dob)


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def registry_size(core: Core, actor: Actor) -> int:
    return youths.count_youths(core, actor)


def test_future_dob_shows_inline_error_and_saves_nothing(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    dialog = make_dialog(qtbot, context)
    future = (core.today() + dt.timedelta(days=40)).strftime("%m/%d/%Y")
    fill(qtbot, dialog, "Ana", "Ashbrook", future)
    click(qtbot, dialog.register_button)

    assert "is in the future" in dialog.form.error_for("dob")
    assert dialog.form.dob.property("invalid") is True
    assert dialog.focusWidget() is dialog.form.dob
    assert "Nothing was saved" in dialog.message.text()
    assert dialog.isVisible() and dialog.registered is None
    assert registry_size(core, officer) == 0

    qtbot.keyClicks(dialog.form.dob, "x")  # typing in the field clears its error
    assert dialog.form.error_for("dob") == ""


def test_unreadable_dob_and_missing_name_are_both_shown(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, "Ana", "", "31/31/2011")
    qtbot.keyClick(dialog.form.dob, Qt.Key.Key_Return)  # Enter submits the dialog
    assert dialog.form.error_for("legal_last_name") == "Legal last name is required."
    assert "31/31/2011" in dialog.form.error_for("dob")
    assert registry_size(core, officer) == 0


def test_hidden_character_in_a_name_is_refused_inline(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, "Ana", "Ashbrook", "04/18/2011")
    dialog.form.legal_first_name.insert("\u202e")  # pasted: a right-to-left override
    click(qtbot, dialog.register_button)
    assert "hidden or control character" in dialog.form.error_for("legal_first_name")
    assert registry_size(core, officer) == 0


def test_bad_alias_highlights_the_alias_list(qtbot: QtBot, context: AppContext) -> None:
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, "Ana", "Ashbrook", "04/18/2011")
    qtbot.keyClicks(dialog.form.alias_edit, "Candy")
    qtbot.keyClick(dialog.form.alias_edit, Qt.Key.Key_Return)  # adds, does not submit
    dialog.form.alias_edit.insert("Lil\u200bStar")  # pasted, with a zero-width space
    click(qtbot, dialog.form.add_alias_button)
    assert dialog.form.aliases() == ["Candy", "Lil\u200bStar"]
    assert dialog.registered is None and dialog.isVisible()
    click(qtbot, dialog.register_button)
    assert "hidden or control character" in dialog.form.error_for("aliases")
    assert dialog.form.alias_list.property("invalid") is True
    assert dialog.form.alias_list.currentIndex().row() == 1


def test_register_then_the_same_name_again_warns_of_a_duplicate(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    first = make_dialog(qtbot, context)
    fill(qtbot, first, "Zoë", "O’Brien", "04/18/2011")
    qtbot.keyClicks(first.form.alias_edit, "Lil Star")
    qtbot.keyClick(first.form.alias_edit, Qt.Key.Key_Return)
    with qtbot.waitSignal(first.youth_registered, timeout=5000) as registered:
        click(qtbot, first.register_button)
    record = registered.args[0]
    assert record.data.legal_last_name == "O’Brien" and record.data.aliases == ("Lil Star",)
    assert first.result() == NewYouthDialog.DialogCode.Accepted
    assert registry_size(core, officer) == 1

    second = make_dialog(qtbot, context)
    fill(qtbot, second, "Zoe", "OBrien", "04/18/2011")
    with qtbot.waitSignal(second.duplicates_shown, timeout=5000) as shown:
        click(qtbot, second.register_button)
    assert shown.args == [1]
    assert second.duplicates.isVisible() and not second.register_button.isEnabled()
    table = second.duplicates_model
    assert table.index(0, COL_NAME).data() == "O’Brien, Zoë"
    assert table.index(0, COL_DOB).data() == "04/18/2011"
    assert table.index(0, COL_ALIASES).data() == "Lil Star"
    assert registry_size(core, officer) == 1  # nothing written yet

    with qtbot.waitSignal(second.open_existing_requested, timeout=2000) as opened:
        click(qtbot, second.open_existing_button)
    assert opened.args == [record.id] and second.existing_id == record.id
    assert registry_size(core, officer) == 1


def test_register_new_anyway_creates_a_second_record(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    add_youth(core, officer, "Maya", "Fernwood", "2010-01-02")
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, "Maya", "Fernwood", "02/03/2012")
    with qtbot.waitSignal(dialog.duplicates_shown, timeout=5000):
        click(qtbot, dialog.register_button)
    with qtbot.waitSignal(dialog.youth_registered, timeout=5000):
        click(qtbot, dialog.register_anyway_button)
    assert registry_size(core, officer) == 2


def test_editing_after_the_warning_checks_again(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    add_youth(core, officer, "Maya", "Fernwood", "2010-01-02")
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, "Maya", "Fernwood", "01/02/2010")
    with qtbot.waitSignal(dialog.duplicates_shown, timeout=5000):
        click(qtbot, dialog.register_button)
    qtbot.keyClicks(dialog.form.legal_middle_name, "Rose")
    assert dialog.duplicates.isHidden() and dialog.register_button.isEnabled()


def test_database_unavailable_keeps_the_form_and_offers_retry(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = youths.possible_duplicates

    def unavailable(*_args: object) -> object:
        raise DatabaseUnavailable("database: cannot use test.sqlite3: disk I/O error")

    monkeypatch.setattr(youths, "possible_duplicates", unavailable)
    dialog = make_dialog(qtbot, context)
    fill(qtbot, dialog, "Ana", "Ashbrook", "04/18/2011")
    click(qtbot, dialog.register_button)
    qtbot.waitUntil(lambda: "cannot be reached" in dialog.message.text(), timeout=5000)
    assert dialog.message.button.isVisible()
    assert dialog.form.legal_first_name.text() == "Ana"
    assert dialog.form.dob.text() == "04/18/2011"
    assert dialog.register_button.isEnabled()

    monkeypatch.setattr(youths, "possible_duplicates", real)
    with qtbot.waitSignal(dialog.youth_registered, timeout=5000):
        click(qtbot, dialog.message.button)  # "Try again"
    assert registry_size(core, officer) == 1
