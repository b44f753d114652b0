"""Contact restrictions on the youth's record: added, signed off and lifted through the editor."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from girlscourt.domain.restriction_rules import RestrictionInput
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.restrictions import restrictions
from girlscourt.services.security import accounts
from ui.context import AppContext
from ui.dialogs.restriction_dialog import LiftRestrictionDialog, RestrictionDialog
from ui.formatting import format_date
from ui.widgets.restrictions_section import (
    COL_FLAGS,
    COL_PERSON,
    COL_REVIEW,
    COL_STATUS,
    RestrictionsSection,
)

from .conftest import add_youth, type_into

LEFT = Qt.MouseButton.LeftButton
SUPERVISOR_PASSWORD = "supervisor on the late shift"


@pytest.fixture
def supervisor(core: Core, admin: Actor) -> Actor:
    accounts.create_user(core, admin, "sup", "supervisor", SUPERVISOR_PASSWORD, "Sam Supervisor")
    return accounts.authenticate(core, "sup", SUPERVISOR_PASSWORD)


@pytest.fixture
def youth_id(core: Core, officer: Actor) -> int:
    return add_youth(core, officer, "Zoë", "O’Brien", "2011-04-18").id


def open_section(qtbot: QtBot, context: AppContext, youth_id: int) -> RestrictionsSection:
    section = RestrictionsSection(context, youth_id)
    qtbot.addWidget(section)
    section.resize(1150, 600)
    section.show()
    qtbot.waitExposed(section)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.refresh()
    return section


def open_editor(qtbot: QtBot, section: RestrictionsSection) -> RestrictionDialog:
    with qtbot.waitSignal(section.dialog_opened, timeout=2000) as opened:
        qtbot.mouseClick(section.add_button, LEFT)
    dialog: RestrictionDialog = opened.args[0]
    assert dialog.isVisible()
    return dialog


def tick(qtbot: QtBot, box: QWidget) -> None:
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def choose(combo: QComboBox, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))


def cell(section: RestrictionsSection, column: int, row: int = 0) -> str:
    return str(section.model.index(row, column).data())


def test_an_officer_records_a_restriction_and_it_shows_on_the_record(
    qtbot: QtBot, context: AppContext, core: Core, youth_id: int
) -> None:
    section = open_section(qtbot, context, youth_id)
    assert section.summary.text() == "No contact restriction."
    dialog = open_editor(qtbot, section)
    today = core.today()
    assert dialog.starts_on.text() == format_date(today)
    assert dialog.review_on.text() == format_date(today + dt.timedelta(days=30))
    assert not dialog.approve_now.isVisibleTo(dialog)  # officers cannot approve

    type_into(qtbot, dialog.person_name, "Marcus Talford")
    type_into(qtbot, dialog.aliases, "Big Money")
    type_into(qtbot, dialog.phones, "(510) 555-0142")
    type_into(qtbot, dialog.handles, "@talford.marcus")
    type_into(qtbot, dialog.relationship.lineEdit(), "suspected exploiter")
    tick(qtbot, dialog.channel_boxes["visit"])
    tick(qtbot, dialog.channel_boxes["phone"])
    tick(qtbot, dialog.withhold_location)
    assert dialog.basis.currentData() == "court_order"

    # The start moves: the review date follows it (until the officer sets one).
    later = today + dt.timedelta(days=2)
    dialog.starts_on.selectAll()
    qtbot.keyClicks(dialog.starts_on, format_date(later))
    assert dialog.review_on.text() == format_date(later + dt.timedelta(days=30))
    dialog.starts_on.selectAll()
    qtbot.keyClicks(dialog.starts_on, format_date(today))

    qtbot.mouseClick(dialog.save_button, LEFT)  # a court order needs its number
    qtbot.waitUntil(lambda: bool(dialog.error_for("court_order_number")), timeout=5000)
    assert dialog.error_for("court_order_number") == (
        "Court order number is required when the basis is a court order."
    )
    assert "Not saved" in dialog.message.text()
    qtbot.keyClicks(dialog.court_order_number, "JV-2026-01234")
    with (
        qtbot.waitSignal(section.loaded, timeout=5000),
        qtbot.waitSignal(dialog.saved, timeout=5000) as saved,
    ):
        qtbot.mouseClick(dialog.save_button, LEFT)
    record = saved.args[0]
    assert record.data.phones == ("(510) 555-0142",)
    assert record.data.do_not_disclose_location

    assert cell(section, COL_PERSON) == "Marcus Talford"
    assert cell(section, COL_STATUS) == "active, awaiting approval"
    assert cell(section, COL_REVIEW) == format_date(today + dt.timedelta(days=30))
    assert cell(section, COL_FLAGS) == "location withheld"
    assert section.summary.text() == "1 active · 1 awaiting approval"
    assert "Phones: (510) 555-0142" in section.detail.text()
    assert not section.approve_button.isVisibleTo(section)  # officers: no approve, no lift


def test_blocking_admission_calls_needs_a_reason_and_a_supervisor(
    qtbot: QtBot, context: AppContext, core: Core, supervisor: Actor, youth_id: int
) -> None:
    section = open_section(qtbot, context, youth_id)
    dialog = open_editor(qtbot, section)
    type_into(qtbot, dialog.person_name, "Marcus Talford")
    type_into(qtbot, dialog.phones, "510.555.0142")
    choose(dialog.basis, "facility_administrator")
    assert not dialog.court_order_number.isEnabled()
    tick(qtbot, dialog.blocks_admission)
    assert "Tick “Phone call”" in dialog.admission_note.text()
    tick(qtbot, dialog.channel_boxes["phone"])
    assert "shows REVIEW at the desk" in dialog.admission_note.text()
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: bool(dialog.error_for("admission_block_reason")), timeout=5000)
    assert "needs a documented reason" in dialog.error_for("admission_block_reason")
    type_into(
        qtbot, dialog.admission_reason, "He called the unit twice posing as her uncle; MDT plan."
    )
    with (
        qtbot.waitSignal(section.loaded, timeout=5000),
        qtbot.waitSignal(dialog.saved, timeout=5000),
    ):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert cell(section, COL_FLAGS) == "admission block awaiting sign-off"

    # The supervisor signs it off from the record.
    boss = open_section(qtbot, AppContext(core, supervisor), youth_id)
    assert boss.approve_button.isEnabled()
    with (
        qtbot.waitSignal(boss.loaded, timeout=5000),
        qtbot.waitSignal(boss.changed, timeout=5000),
    ):
        qtbot.mouseClick(boss.approve_button, LEFT)
    assert cell(boss, COL_STATUS) == "active"
    assert cell(boss, COL_FLAGS) == "admission calls blocked"
    assert "Approved by Sam Supervisor" in boss.detail.text()


def test_a_supervisor_lifts_a_restriction_with_a_reason(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor, supervisor: Actor, youth_id: int
) -> None:
    restrictions.add_restriction(
        core,
        officer,
        RestrictionInput(
            youth_id=youth_id,
            person_name="Marcus Talford",
            channels=("visit",),
            basis="mdt_safety_plan",
        ),
    )
    section = open_section(qtbot, AppContext(core, supervisor), youth_id)
    with qtbot.waitSignal(section.dialog_opened, timeout=2000) as opened:
        qtbot.mouseClick(section.lift_button, LEFT)
    dialog: LiftRestrictionDialog = opened.args[0]
    qtbot.mouseClick(dialog.lift_button, LEFT)
    assert dialog.message.text() == "Choose the reason for lifting it."
    choose(dialog.reason, "safety_plan_changed")
    with (
        qtbot.waitSignal(section.loaded, timeout=5000),
        qtbot.waitSignal(dialog.lifted, timeout=5000),
    ):
        qtbot.mouseClick(dialog.lift_button, LEFT)
    assert cell(section, COL_STATUS) == "lifted"
    assert not section.edit_button.isEnabled() and not section.lift_button.isEnabled()
    assert "Lifted" in section.detail.text()
