"""The database goes away mid-intake: the form stays, the officer is told, the entry is kept on the
workstation (sealed) and offered back when the database returns.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.null
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from girlscourt.db.engine import make_engine, parse_database_url
from girlscourt.db.models import CustodyEpisode
from girlscourt.db.session import Database
from girlscourt.errors import DatabaseUnavailable
from girlscourt.services.intake import intake, intake_drafts, recovery_drafts
from girlscourt.services.intake.recovery_drafts import RECOVERY_FOLDER, SUFFIX
from girlscourt.services.kernel.core import Actor, Core
from tests.support import register, risk_answers
from ui.context import AppContext
from ui.pages.intake_page import IntakePage

from .conftest import drain_workers
from .test_intake_page import (
    WEDNESDAY_NIGHT,
    add_charges,
    answer_risk,
    fill_episode,
    open_page,
    pick_youth,
)

# A synthetic name that must never appear in a byte on disk.
FIRST, LAST = "Zephyrine", "Quillfeather"
SHOWN_NAME = f"{LAST}, {FIRST}"
MESSAGE = (
    "Database unavailable — your entry is kept on this workstation. Try saving again when the "
    "connection is back."
)
SHOTS = os.environ.get("GIRLSCOURT_TEST_SHOTS", "")  # a folder for pictures to look at, if set


@pytest.fixture
def at_night(core: Core) -> Iterator[Core]:
    """The desk's clock stopped on a Wednesday night (as in test_intake_page)."""
    core.clock = lambda: WEDNESDAY_NIGHT.astimezone(dt.UTC)
    yield core


def unplug(core: Core, tmp_path: Path) -> Database:
    """The database goes away: the core's connections now reach a folder that was removed.

    The same target (URL) stays, as it does when a server or share disappears; every session
    then fails the way a lost database fails (``DatabaseUnavailable``). Returns the real one.
    """
    real = core.db
    gone = tmp_path / "unplugged"
    engine = make_engine(parse_database_url(f"sqlite:///{gone / 'gone.sqlite3'}"))
    gone.rmdir()
    core.db = Database(real.target, engine)
    return real


def plug_back(core: Core, real: Database) -> None:
    core.db.dispose()
    core.db = real


def kept_files(core: Core, actor: Actor) -> list[Path]:
    folder = recovery_drafts.recovery_folder(core.db.target, actor)
    return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []


def screenshot(page: IntakePage, name: str) -> None:
    """Keep a picture for a person to review (best effort: nothing here depends on it)."""
    if SHOTS:
        QApplication.processEvents()  # let the layout follow the message first, as on a screen
        page.grab().save(str(Path(SHOTS) / name))


def test_an_intake_survives_the_database_going_away_and_is_saved_when_it_returns(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor, tmp_path: Path
) -> None:
    youth_id = register(at_night, officer, FIRST, LAST, dt.date(2010, 9, 30))
    page = open_page(qtbot, context)
    pick_youth(qtbot, page, LAST.lower())
    fill_episode(qtbot, page)
    add_charges(qtbot, page, "PC 459")
    with qtbot.waitSignal(page.draft_saved, timeout=5000) as autosaved:
        pass  # the database draft, kept a moment after the last edit
    db_draft = autosaved.args[0]

    # The database goes away; the officer finishes the intake and presses Save.
    real = unplug(at_night, tmp_path)
    qtbot.keyClick(page.screening_step.later, Qt.Key.Key_Space)
    answer_risk(qtbot, page)
    page.decision_step.choose("release")
    errors: list[object] = []
    page.save_failed.connect(errors.append)
    with qtbot.waitSignals([page.save_failed, page.recovery_kept], timeout=10_000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert len(errors) == 1 and isinstance(errors[0], DatabaseUnavailable)

    # The form stays with every value; the message says what happened; nothing modal.
    assert page.views.currentWidget() is page.form_view
    assert page.message.isVisible() and page.message.text() == MESSAGE
    assert "cannot use" in page.message.toolTip()  # the technical detail, off the main line
    assert QApplication.activeModalWidget() is None
    assert page.save_button.isEnabled()
    assert page.youth_step.youth is not None and page.youth_step.youth.id == youth_id
    assert page.episode_step.custody_time.text() == "21:40"
    assert page.episode_step.officer.text() == "Ofc. Rivera #412"
    assert page.episode_step.housing.text() == "Unit 3"
    assert page.charges_step.codes_chosen() == ["PC 459"]
    assert page.screening_step.later.isChecked()
    assert page.risk_step.form.answers() == risk_answers()
    assert page.decision_step.decision() == "release"
    assert "kept on this workstation" in page.draft_status.text()

    # Kept on disk, sealed: one private file, no trace of the youth's name in it.
    (sealed,) = kept_files(at_night, officer)
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    data = sealed.read_bytes()
    for needle in (FIRST, LAST, "Rivera", "Unit 3", "PC 459"):
        assert needle.encode() not in data
    screenshot(page, "database_unavailable.png")

    # Save again while it is still away: the same message, Save still usable, still one copy.
    with qtbot.waitSignals([page.save_failed, page.recovery_kept], timeout=10_000):
        qtbot.keyClick(page.save_button, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.message.text() == MESSAGE and page.save_button.isEnabled()
    assert kept_files(at_night, officer) == [sealed]

    # The officer gives up for now and closes the page (or the app).
    page.close()
    drain_workers()

    # The database is back; the intake page opens and offers the kept entry.
    plug_back(at_night, real)
    again = open_page(qtbot, context)
    assert again.draft_bar.isVisible()
    assert SHOWN_NAME in again.draft_label.text()
    assert "had not reached the database" in again.draft_label.text()
    assert again.offered_recovery is not None and again.offered is None  # its DB draft folded in
    screenshot(again, "recovery_offered.png")

    qtbot.mouseClick(again.resume_button, Qt.MouseButton.LeftButton)
    assert not again.draft_bar.isVisible()
    assert again.youth_step.youth is not None and again.youth_step.youth.id == youth_id
    assert again.episode_step.custody_time.text() == "21:40"
    assert again.episode_step.housing.text() == "Unit 3"
    assert again.charges_step.codes_chosen() == ["PC 459"]
    assert again.screening_step.later.isChecked()
    assert again.risk_step.form.answers() == risk_answers()
    assert again.decision_step.decision() == "release"
    assert again.draft is not None and again.draft.id == db_draft.id  # continues that draft

    with qtbot.waitSignal(again.saved, timeout=10_000) as saved:
        qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].decision == "release"
    assert again.views.currentWidget() is again.result_view
    drain_workers()
    assert kept_files(at_night, officer) == []
    assert recovery_drafts.list_drafts(at_night, officer) == ()
    assert intake_drafts.list_drafts(at_night, officer) == ()


def test_an_autosave_that_finds_the_database_gone_keeps_the_entry_until_it_is_back(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor, tmp_path: Path
) -> None:
    register(at_night, officer, FIRST, LAST, dt.date(2010, 9, 30))
    page = open_page(qtbot, context)
    pick_youth(qtbot, page, LAST.lower())
    real = unplug(at_night, tmp_path)
    with qtbot.waitSignal(page.recovery_kept, timeout=10_000):
        fill_episode(qtbot, page)  # the autosave a moment later fails: kept here instead
    assert page.message.text() == MESSAGE
    assert len(kept_files(at_night, officer)) == 1

    # Back again: the next autosave reaches the database, the local copy and the message go.
    plug_back(at_night, real)
    with qtbot.waitSignal(page.draft_saved, timeout=10_000):
        add_charges(qtbot, page, "PC 459")
    drain_workers()
    assert kept_files(at_night, officer) == []
    assert not page.message.isVisible()
    (db_draft,) = intake_drafts.list_drafts(at_night, officer)
    assert db_draft.content["episode"]["housing_unit"] == "Unit 3"
    assert db_draft.content["charges"] == page.charges_step.content()


def test_without_a_keyring_the_entry_is_kept_in_memory_only_and_the_officer_is_told(
    qtbot: QtBot,
    at_night: Core,
    context: AppContext,
    officer: Actor,
    tmp_path: Path,
    private_data_dir: Path,
) -> None:
    keyring.set_keyring(keyring.backends.null.Keyring())
    register(at_night, officer, FIRST, LAST, dt.date(2010, 9, 30))
    page = open_page(qtbot, context)
    pick_youth(qtbot, page, LAST.lower())
    fill_episode(qtbot, page)
    drain_workers()
    real = unplug(at_night, tmp_path)
    with qtbot.waitSignals([page.save_failed, page.recovery_kept], timeout=10_000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    text = page.message.text()
    assert text.startswith("Database unavailable — your entry is kept on this workstation")
    assert "only until the app closes" in text and "no secure keyring" in text
    assert not (private_data_dir / RECOVERY_FOLDER).exists()  # never plaintext on disk
    screenshot(page, "memory_only.png")
    page.close()
    drain_workers()

    plug_back(at_night, real)
    again = open_page(qtbot, context)  # the same app session: still in memory
    assert again.draft_bar.isVisible() and "in memory" in again.draft_label.text()
    assert SHOWN_NAME in again.draft_label.text()


def test_a_kept_entry_can_be_discarded_and_the_database_draft_it_continued_is_offered_next(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor
) -> None:
    db_draft = intake_drafts.save_draft(
        at_night, officer, {"format": 1, "episode": {"custody_time": "1:05 am"}}
    )
    kept_id = recovery_drafts.new_id()
    recovery_drafts.save(
        at_night,
        officer,
        {"format": 1, "episode": {"custody_time": "1:20 am"}},
        draft_id=kept_id,
        db_draft_id=db_draft.id,
    )
    page = open_page(qtbot, context)
    assert page.offered_recovery is not None and page.offered_recovery.id == kept_id
    assert "had not reached the database" in page.draft_label.text()
    with qtbot.waitSignal(page.drafts_checked, timeout=5000) as checked:
        qtbot.mouseClick(page.discard_button, Qt.MouseButton.LeftButton)
    assert checked.args[0] == 1  # now the database draft it had continued
    assert recovery_drafts.list_drafts(at_night, officer) == ()
    assert page.offered is not None and page.offered.id == db_draft.id
    assert page.draft_bar.isVisible() and "An unfinished intake was kept" in page.draft_label.text()


def test_a_save_that_had_committed_is_not_saved_twice_when_the_kept_entry_is_saved_again(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor, tmp_path: Path
) -> None:
    register(at_night, officer, FIRST, LAST, dt.date(2010, 9, 30))
    page = open_page(qtbot, context)
    pick_youth(qtbot, page, LAST.lower())
    fill_episode(qtbot, page)
    add_charges(qtbot, page, "PC 459")
    qtbot.keyClick(page.screening_step.later, Qt.Key.Key_Space)
    answer_risk(qtbot, page)
    page.decision_step.choose("release")
    real = unplug(at_night, tmp_path)
    with qtbot.waitSignals([page.save_failed, page.recovery_kept], timeout=10_000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    operation = page.operation_id
    assert operation is not None
    # Pressed again (the message's own button): the same operation, not a new one.
    with qtbot.waitSignal(page.save_failed, timeout=10_000):
        qtbot.mouseClick(page.message.button, Qt.MouseButton.LeftButton)
    assert page.operation_id == operation
    request, problems = page.build_request()
    assert request is not None and not problems
    page.close()
    drain_workers()

    # That save had in fact reached the database; only its answer was lost on the way back.
    plug_back(at_night, real)
    first = intake.record_intake(at_night, officer, request, operation_id=operation)

    again = open_page(qtbot, context)
    qtbot.mouseClick(again.resume_button, Qt.MouseButton.LeftButton)
    assert again.operation_id == operation  # carried by the kept entry
    with qtbot.waitSignal(again.saved, timeout=10_000) as saved:
        qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].episode_id == first.episode_id  # answered, not written again
    with at_night.read() as session:
        assert session.execute(select(func.count(CustodyEpisode.id))).scalar_one() == 1
    drain_workers()
    assert kept_files(at_night, officer) == []
    assert again.operation_id is None  # the next intake is a new operation
