"""The record's checklist tab: protocol steps and deadlines, overdue shown, Mark done safely."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput
from girlscourt.services.intake import intake, protocol_checklist
from girlscourt.services.intake.intake import IntakeRequest, ScreeningInput
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts
from tests.support import register, screening_responses, train
from ui.context import AppContext
from ui.models.board_table_model import URGENCY_STYLES, Urgency
from ui.pages.youth_page import YouthPage
from ui.widgets.checklist_section import ChecklistSection

TZ = ZoneInfo("America/Los_Angeles")
WEDNESDAY_NIGHT = dt.datetime(2026, 11, 25, 22, 0, tzinfo=TZ)


@pytest.fixture
def at_night(core: Core) -> Iterator[Core]:
    core.clock = lambda: WEDNESDAY_NIGHT.astimezone(dt.UTC)
    yield core


@pytest.fixture
def identified(at_night: Core, admin: Actor, officer: Actor) -> int:
    """A youth whose screening showed a possible concern: seven protocol steps started."""
    train(at_night, admin, "officer")
    youth_id = register(at_night, officer, "Maya", "Ashford", dt.date(2010, 6, 1))
    episode = EpisodeInput(
        youth_id,
        WEDNESDAY_NIGHT - dt.timedelta(minutes=20),
        (ChargeInput("PC 211"),),
        petition_filed_at=WEDNESDAY_NIGHT - dt.timedelta(minutes=5),
    )
    screening = ScreeningInput("csec-screen-gc", screening_responses(ph_branding_tattoo="some"))
    intake.record_intake(at_night, officer, IntakeRequest(episode, screening))
    return youth_id


def open_section(qtbot: QtBot, context: AppContext, youth_id: int) -> ChecklistSection:
    section = ChecklistSection(context, youth_id)
    qtbot.addWidget(section)
    section.resize(1000, 620)
    section.show()
    qtbot.waitExposed(section)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.refresh()
    return section


def background(section: ChecklistSection, row: int) -> str | None:
    brush = section.steps_model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole)
    return brush.color().name() if isinstance(brush, QBrush) else None


def test_steps_and_deadlines_with_overdue_ones_marked(
    qtbot: QtBot, at_night: Core, context: AppContext, identified: int
) -> None:
    section = open_section(qtbot, context, identified)
    model = section.steps_model
    assert model.rowCount() == 8
    assert model.index(0, 0).data().startswith("Mandated report by telephone")  # soonest first
    assert model.index(0, 2).data() == "Open: 1 h 0 min left"
    assert model.index(1, 0).data().startswith("Crisis advocate")
    assert model.index(1, 2).data() == "Open: 2 h 0 min left"
    assert background(section, 1) == URGENCY_STYLES[Urgency.AMBER].background
    assert "8 protocol steps: 8 open" in section.status.text()
    deadlines = {
        section.deadlines_model.index(r, 1).data(): section.deadlines_model.index(r, 2).data()
        for r in range(section.deadlines_model.rowCount())
    }
    hearing = next(k for k in deadlines if k.startswith("WIC 632(a)"))
    assert deadlines[hearing] == "Mon 11/30/2026 11:59 PM PST"

    at_night.clock = lambda: (WEDNESDAY_NIGHT + dt.timedelta(hours=30)).astimezone(dt.UTC)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.refresh()
    states = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert states[0] == "Overdue by 29 h 0 min"
    assert background(section, 0) == URGENCY_STYLES[Urgency.BREACHED].background
    assert "4 overdue" in section.status.text()
    target = model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "county has yet to confirm" in target


def test_mark_done_with_a_note(
    qtbot: QtBot, at_night: Core, context: AppContext, identified: int
) -> None:
    section = open_section(qtbot, context, identified)
    assert not section.done_button.isEnabled()  # nothing selected yet
    assert section.select_step("crisis_advocate")
    assert section.done_button.isEnabled()
    qtbot.keyClicks(section.note, "Advocate from First Crisis Response on the way")
    with qtbot.waitSignal(section.loaded, timeout=5000):
        qtbot.keyClick(section.note, Qt.Key.Key_Return)
    assert section.message.text() == (
        "Marked done: Crisis advocate (First Crisis Response organisation) contacted."
    )
    row = next(
        r
        for r in range(section.steps_model.rowCount())
        if section.steps_model.index(r, 0).data().startswith("Crisis advocate")
    )
    assert section.steps_model.index(row, 2).data().startswith("Done 11/25/2026 10:00 PM")
    assert section.steps_model.index(row, 3).data() == "Olu Officer"
    assert section.steps_model.index(row, 4).data().startswith("Advocate from First Crisis")
    assert section.note.text() == ""
    assert not section.done_button.isEnabled()  # a done step cannot be marked again


def test_someone_else_marked_it_first(
    qtbot: QtBot, at_night: Core, context: AppContext, admin: Actor, identified: int
) -> None:
    section = open_section(qtbot, context, identified)
    assert section.select_step("mdt_referral")
    step = section.selected_step()
    assert step is not None
    protocol_checklist.complete_step(at_night, admin, step.id, step.version, "Done at the MDT desk")
    with qtbot.waitSignal(section.loaded, timeout=5000):
        qtbot.mouseClick(section.done_button, Qt.MouseButton.LeftButton)
    assert "Someone else updated" in section.message.text()
    assert "nothing was overwritten" in section.message.text()
    view = protocol_checklist.checklist_for_youth(at_night, admin, identified)
    done = next(e for e in view.steps if e.step.id == step.id)
    assert done.done_by_name == "Ada Admin" and done.step.notes == "Done at the MDT desk"


def test_the_tab_on_the_record_page(
    qtbot: QtBot, at_night: Core, context: AppContext, identified: int
) -> None:
    page = YouthPage(context, identified)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.load()
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert "&Checklist and deadlines" in titles
    section = next(s for s in page.sections if isinstance(s, ChecklistSection))
    qtbot.waitUntil(lambda: section.checklist is not None, timeout=5000)
    assert section.steps_model.rowCount() == 8


def test_roles_that_may_not_complete_steps_only_read_them(
    qtbot: QtBot, at_night: Core, admin: Actor, identified: int
) -> None:
    accounts.create_user(at_night, admin, "clerk", "court_clerk", "court clerk desk 2026", "Cy")
    clerk = accounts.authenticate(at_night, "clerk", "court clerk desk 2026")
    section = open_section(qtbot, AppContext(at_night, clerk), identified)
    shown = {section.steps_model.row(r).step.step for r in range(section.steps_model.rowCount())}
    assert len(shown) == 6  # a clerk does not see that health referrals were made
    assert not shown & {"medical_referral", "mental_health_referral"}
    assert section.select_step("crisis_advocate")
    assert section.done_button.isHidden() and not section.done_button.isEnabled()
