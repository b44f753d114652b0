"""Later episode events from the record's checklist tab: a petition filed moves the deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput
from girlscourt.services.intake import custody_board, episodes, intake
from girlscourt.services.intake.intake import IntakeRequest
from girlscourt.services.kernel.core import Actor, Core
from tests.support import register
from ui.context import AppContext
from ui.dialogs.episode_events_dialog import CONFLICT, EpisodeEventsDialog
from ui.widgets.checklist_section import ChecklistSection

TZ = ZoneInfo("America/Los_Angeles")
WEDNESDAY_NIGHT = dt.datetime(2026, 11, 25, 22, 0, tzinfo=TZ)


@pytest.fixture
def at_night(core: Core) -> Iterator[Core]:
    core.clock = lambda: WEDNESDAY_NIGHT.astimezone(dt.UTC)
    yield core


@pytest.fixture
def detained(at_night: Core, officer: Actor) -> tuple[int, int]:
    """A youth booked an hour ago, no petition yet: (youth id, episode id)."""
    youth_id = register(at_night, officer, "Maya", "Ashford", dt.date(2010, 6, 1))
    episode = EpisodeInput(
        youth_id, WEDNESDAY_NIGHT - dt.timedelta(hours=1), (ChargeInput("PC 211"),)
    )
    result = intake.record_intake(at_night, officer, IntakeRequest(episode))
    return youth_id, result.episode_id


def open_dialog(
    qtbot: QtBot, context: AppContext, youth_id: int
) -> tuple[ChecklistSection, EpisodeEventsDialog]:
    section = ChecklistSection(context, youth_id)
    qtbot.addWidget(section)
    section.resize(1000, 620)
    section.show()
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.refresh()
    assert section.events_button.isVisible() and section.events_button.isEnabled()
    qtbot.mouseClick(section.events_button, Qt.MouseButton.LeftButton)
    dialog = section.events_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.episode is not None, timeout=5000)
    return section, dialog


def deadline_rules(section: ChecklistSection) -> set[str]:
    model = section.deadlines_model
    return {model.index(r, 1).data().split(":")[0] for r in range(model.rowCount())}


def test_petition_filed_adds_the_632a_deadline(
    qtbot: QtBot, at_night: Core, context: AppContext, detained: tuple[int, int]
) -> None:
    youth_id, episode_id = detained
    section, dialog = open_dialog(qtbot, context, youth_id)
    assert not any(rule.startswith("WIC 632(a)") for rule in deadline_rules(section))
    assert dialog.started.text().startswith("11/25/2026 9:00 PM")

    qtbot.keyClicks(dialog.dates["petition_filed_at"], "11/25/2026")
    qtbot.keyClicks(dialog.times["petition_filed_at"], "9:40 pm")
    with qtbot.waitSignal(section.loaded, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert any(rule.startswith("WIC 632(a)") for rule in deadline_rules(section))
    events = episodes.episode_events(at_night, context.actor, episode_id)
    assert events.petition_filed_at == dt.datetime(2026, 11, 25, 21, 40, tzinfo=TZ)
    assert events.version == 2


def test_bad_time_and_release_without_time_are_refused_inline(
    qtbot: QtBot, at_night: Core, context: AppContext, detained: tuple[int, int]
) -> None:
    _section, dialog = open_dialog(qtbot, context, detained[0])
    qtbot.keyClicks(dialog.dates["detention_hearing_at"], "11/26/2026")
    qtbot.keyClicks(dialog.times["detention_hearing_at"], "25:99")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.text("detention_hearing_at") == (
        "Detention hearing: “25:99” is not a time; write it as 21:40 or 9:40 pm."
    )
    dialog.times["detention_hearing_at"].clear()
    dialog.dates["detention_hearing_at"].clear()
    dialog.release_type.setCurrentIndex(dialog.release_type.findData("parent_guardian"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.text("released_at") == "Released is needed with a release type."
    assert dialog.isVisible()


def test_release_takes_her_off_the_board_and_a_stale_save_is_refused(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor, detained: tuple[int, int]
) -> None:
    youth_id, episode_id = detained
    _section, dialog = open_dialog(qtbot, context, youth_id)
    episodes.update_episode(at_night, officer, episode_id, 1, {"housing_unit": "Unit 5"})
    qtbot.keyClicks(dialog.dates["released_at"], "11/25/2026")
    qtbot.keyClicks(dialog.times["released_at"], "21:55")
    dialog.release_type.setCurrentIndex(dialog.release_type.findData("parent_guardian"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=5000)
    assert dialog.message.text() == CONFLICT  # someone else moved her to Unit 5 meanwhile
    assert custody_board.in_custody_board(at_night, officer) != ()
    with qtbot.waitSignal(dialog.ready, timeout=5000):
        qtbot.mouseClick(dialog.message.button, Qt.MouseButton.LeftButton)  # Reload
    assert dialog.housing.text() == "Unit 5" and dialog.dates["released_at"].text() == ""
    qtbot.keyClicks(dialog.dates["released_at"], "11/25/2026")
    qtbot.keyClicks(dialog.times["released_at"], "21:55")
    dialog.release_type.setCurrentIndex(dialog.release_type.findData("parent_guardian"))
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert custody_board.in_custody_board(at_night, officer) == ()
