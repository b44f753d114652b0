"""The record page: edit and save; a save after someone else's never overwrites silently."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.domain.permissions import Role
from girlscourt.errors import DatabaseUnavailable, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.kernel.startup import open_core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts
from ui.context import AppContext
from ui.dialogs.conflict_dialog import Change, ConflictDialog
from ui.pages.youth_page import YouthPage
from ui.widgets.message_bar import MessageKind

from .conftest import add_youth, type_into


def open_page(qtbot: QtBot, context: AppContext, youth_id: int) -> YouthPage:
    page = YouthPage(context, youth_id)
    qtbot.addWidget(page)
    page.resize(1000, 760)
    page.show()
    qtbot.waitExposed(page)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.load()
    return page


def replace_text(qtbot: QtBot, edit: object, text: str) -> None:
    edit.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)  # type: ignore[arg-type]
    type_into(qtbot, edit, text)  # type: ignore[arg-type]


def test_the_record_shows_and_saves_demographics_and_aliases(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    youth = add_youth(
        core, officer, "Zoë", "Nguyễn", "2011-04-18", aliases=("Lil Star",), pronouns="she/her"
    )
    page = open_page(qtbot, context, youth.id)
    form = page.form
    assert page.title.text() == "Nguyễn, Zoë"
    assert form.dob.text() == "04/18/2011" and form.pronouns.currentText() == "she/her"
    assert form.aliases() == ["Lil Star"]
    assert not page.save_button.isEnabled()  # nothing edited yet

    type_into(qtbot, form.preferred_name, "Zee")
    qtbot.keyClicks(form.primary_language, "Vietnamese")
    qtbot.keyClick(form.interpreter_needed, Qt.Key.Key_Space)
    qtbot.keyClicks(form.alias_edit, "Candy")
    qtbot.keyClick(form.alias_edit, Qt.Key.Key_Return)
    assert page.has_unsaved_changes() and page.save_button.isEnabled()
    with qtbot.waitSignal(page.saved, timeout=5000) as saved:
        qtbot.keyClick(form.preferred_name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    record = saved.args[0]
    assert record.version == youth.version + 1
    stored = youths.get_youth(core, officer, youth.id).data
    assert stored.preferred_name == "Zee" and stored.primary_language == "Vietnamese"
    assert stored.interpreter_needed is True and stored.aliases == ("Lil Star", "Candy")
    assert not page.has_unsaved_changes() and "Saved" in page.message.text()


def test_alias_removed_with_the_keyboard(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    youth = add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18", aliases=("Candy", "Kitty"))
    page = open_page(qtbot, context, youth.id)
    form = page.form
    form.alias_list.setCurrentIndex(form.aliases_model.index(0))
    qtbot.keyClick(form.alias_list, Qt.Key.Key_Delete)
    assert form.aliases() == ["Kitty"]
    with qtbot.waitSignal(page.saved, timeout=5000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert youths.get_youth(core, officer, youth.id).data.aliases == ("Kitty",)


def test_a_bad_edit_is_shown_inline_and_not_saved(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    youth = add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18")
    page = open_page(qtbot, context, youth.id)
    replace_text(qtbot, page.form.legal_last_name, "")
    replace_text(qtbot, page.form.dob, "04/18/1990")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.form.error_for("legal_last_name") == "Legal last name is required."
    assert "the registry accepts ages" in page.form.error_for("dob")
    assert youths.get_youth(core, officer, youth.id).version == youth.version


@pytest.fixture
def other_session(core: Core, admin: Actor) -> Iterator[Core]:
    """A second workstation on the same database."""
    other = open_core(str(core.db.engine.url))
    yield other
    other.db.dispose()


def test_conflict_when_another_session_saved_first(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor, admin: Actor, other_session: Core
) -> None:
    youth = add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18", pronouns="she/her")
    page = open_page(qtbot, context, youth.id)

    # Another workstation saves first.
    youths.update_youth(
        other_session, admin, youth.id, youth.version, replace(youth.data, pronouns="they/them")
    )

    type_into(qtbot, page.form.preferred_name, "Annie")
    with qtbot.waitSignal(page.conflict_shown, timeout=5000) as shown:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    dialog: ConflictDialog = shown.args[0]
    assert dialog.isVisible()
    assert set(dialog.changed_fields) == {"preferred_name", "pronouns"}
    assert "nothing was overwritten" in page.message.text().lower()
    saved = youths.get_youth(core, officer, youth.id)
    assert saved.data.pronouns == "they/them" and saved.data.preferred_name is None

    with qtbot.waitSignal(dialog.finished, timeout=2000):
        qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    assert page.form.pronouns.currentText() == "they/them"
    assert page.form.preferred_name.text() == ""
    assert page.version == saved.version and not page.has_unsaved_changes()


def test_keep_my_changes_applies_only_mine_on_top_of_theirs(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor, admin: Actor, other_session: Core
) -> None:
    youth = add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18", pronouns="she/her")
    page = open_page(qtbot, context, youth.id)
    youths.update_youth(
        other_session, admin, youth.id, youth.version, replace(youth.data, pronouns="they/them")
    )
    type_into(qtbot, page.form.preferred_name, "Annie")
    with qtbot.waitSignal(page.conflict_shown, timeout=5000) as shown:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    dialog: ConflictDialog = shown.args[0]
    assert dialog.changes["preferred_name"] is Change.MINE
    assert dialog.changes["pronouns"] is Change.THEIRS  # untouched here: never "mine"
    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    assert page.form.preferred_name.text() == "Annie"
    assert page.form.pronouns.currentText() == "they/them"  # their change survives
    assert page.has_unsaved_changes() and "on top of the saved version" in page.message.text()
    with qtbot.waitSignal(page.saved, timeout=5000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    stored = youths.get_youth(core, officer, youth.id).data
    assert stored.preferred_name == "Annie" and stored.pronouns == "they/them"


def test_database_unavailable_keeps_the_edits(
    qtbot: QtBot,
    context: AppContext,
    core: Core,
    officer: Actor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    youth = add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18")
    page = open_page(qtbot, context, youth.id)

    def unavailable(*_args: object) -> object:
        raise DatabaseUnavailable("database: cannot use test.sqlite3: disk I/O error")

    monkeypatch.setattr(youths, "update_youth", unavailable)
    type_into(qtbot, page.form.preferred_name, "Annie")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cannot be reached" in page.message.text(), timeout=5000)
    assert page.form.preferred_name.text() == "Annie" and page.has_unsaved_changes()
    monkeypatch.undo()
    with qtbot.waitSignal(page.saved, timeout=5000):
        qtbot.mouseClick(page.message.button, Qt.MouseButton.LeftButton)  # Try again


def test_a_court_clerk_may_view_but_not_edit(
    qtbot: QtBot, core: Core, officer: Actor, admin: Actor
) -> None:
    youth = add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18", aliases=("Candy",))
    accounts.create_user(core, admin, "clerk", Role.COURT_CLERK, "clerk of the court 2")
    clerk = accounts.authenticate(core, "clerk", "clerk of the court 2")
    page = open_page(qtbot, AppContext(core, clerk), youth.id)
    assert page.form.legal_first_name.isReadOnly()
    assert page.save_button.isHidden() and page.form.add_alias_button.isHidden()
    assert page.form.aliases() == ["Candy"]


def test_a_sealed_record_asks_the_custodian_for_a_reason(
    qtbot: QtBot,
    context: AppContext,
    core: Core,
    officer: Actor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    youth = add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18")
    real = youths.get_youth
    reasons: list[str | None] = []

    def sealed_get(core: Core, actor: Actor, youth_id: int, access_reason: str | None = None):  # type: ignore[no-untyped-def]
        reasons.append(access_reason)
        if access_reason is None:
            raise ValidationError("access_reason", "this record is sealed: give the reason")
        return real(core, actor, youth_id)

    monkeypatch.setattr(youths, "get_youth", sealed_get)
    page = YouthPage(context, youth.id)
    qtbot.addWidget(page)
    page.show()
    page.load()
    qtbot.waitUntil(lambda: page.sealed_panel.isVisible(), timeout=5000)
    assert page.record is None and not page.form.isEnabled()
    qtbot.mouseClick(page.open_sealed_button, Qt.MouseButton.LeftButton)
    assert "Choose the reason" in page.sealed_error.text()  # no reason, no record
    page.access_reason.setCurrentIndex(page.access_reason.findData("court_order"))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(page.open_sealed_button, Qt.MouseButton.LeftButton)
    assert reasons == [None, "court_order"] and page.sealed_panel.isHidden()


def test_another_desks_save_reloads_the_open_record_or_warns_the_editor(
    qtbot: QtBot, context: AppContext, core: Core, admin: Actor, officer: Actor
) -> None:
    youth = add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18")
    page = open_page(qtbot, context, youth.id)
    assert page.watch.active  # polling while the page is on screen

    # Another desk adds pronouns; this desk has no edits: the page reloads and says so.
    other = youths.get_youth(core, admin, youth.id)
    youths.update_youth(
        core, admin, youth.id, other.version, replace(other.data, pronouns="she/her")
    )
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.watch.poll()
    assert page.form.pronouns.currentText() == "she/her" and page.version == 2
    assert page.message.text() == "Updated: this record was just saved at another desk."

    # Now this desk is editing when the other desk saves again: nothing reloads under her.
    type_into(qtbot, page.form.preferred_name, "Annie")
    other = youths.get_youth(core, admin, youth.id)
    youths.update_youth(
        core, admin, youth.id, other.version, replace(other.data, pronouns="they/them")
    )
    page.watch.poll()
    qtbot.waitUntil(lambda: page.message.kind is MessageKind.WARNING, timeout=5000)
    assert "saved this record while you were editing" in page.message.text()
    assert page.form.preferred_name.text() == "Annie" and page.version == 2

    page.hide()
    assert not page.watch.active
