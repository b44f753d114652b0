"""The sealed-records custodian seals a petition from the youth's Court tab; a clerk records a
held sealing hearing, which seals its petition. Synthetic people only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.domain.hearing_rules import HELD, HearingInput
from girlscourt.domain.permissions import Role
from girlscourt.services.court import cases, departments, hearings
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts
from ui.context import AppContext
from ui.dialogs.hearing_dialog import OutcomeDialog
from ui.dialogs.seal_dialog import SealDialog
from ui.widgets.court_section import CourtSection

from .conftest import add_youth, type_into

LA = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)  # Monday 30 November 2026, 09:00 in LA


def _account(core: Core, admin: Actor, role: Role, password: str) -> Actor:
    accounts.create_user(core, admin, role.value, role, password)
    return accounts.authenticate(core, role.value, password)


@pytest.fixture
def custodian(core: Core, admin: Actor) -> Actor:
    core.clock = lambda: NOW
    return _account(core, admin, Role.CUSTODIAN, "records room key phrase")


@pytest.fixture
def clerk(core: Core, admin: Actor) -> Actor:
    core.clock = lambda: NOW
    return _account(core, admin, Role.COURT_CLERK, "clerk desk morning shift")


@pytest.fixture
def girl(core: Core, admin: Actor, clerk: Actor) -> tuple[int, cases.CaseRecord]:
    youth = add_youth(core, admin, "Noor", "Quillfeather", "2011-05-06")
    petition = cases.PetitionInput("JV-26-00042-A", dt.date(2026, 1, 5))
    case = cases.open_case(core, clerk, cases.CaseInput(youth.id, "JV-26-00042", (petition,)))
    return youth.id, case


def court_tab(qtbot: QtBot, context: AppContext, youth_id: int) -> CourtSection:
    section = CourtSection(context, youth_id)
    qtbot.addWidget(section)
    section.show()
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.refresh()
    return section


def test_the_custodian_seals_a_petition_from_the_court_tab(
    qtbot: QtBot,
    core: Core,
    officer: Actor,
    custodian: Actor,
    girl: tuple[int, cases.CaseRecord],
) -> None:
    youth_id, case = girl
    section = court_tab(qtbot, AppContext(core, custodian), youth_id)
    assert section.seal_button.isVisible() and section.seal_button.isEnabled()
    assert "JV-26-00042-A (filed 01/05/2026)" in section.cases.text()

    with qtbot.waitSignal(section.dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(section.seal_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    assert isinstance(dialog, SealDialog)
    assert dialog.petition_combo.currentData() == case.petitions[0].id
    assert dialog.basis_combo.currentData() == "wic786" and dialog.completed_on.isEnabled()

    # WIC 786 without the completion date: refused under the field, nothing sealed
    type_into(qtbot, dialog.order_number, "JV-596 2026-0042")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.errors.text("completed_on")), timeout=5000)
    assert "is required for WIC 786" in dialog.errors.text("completed_on")
    assert dialog.isVisible() and dialog.order_number.text() == "JV-596 2026-0042"
    assert [r.id for r in youths.find_youths(core, officer, "Quillfeather").rows] == [youth_id]

    type_into(qtbot, dialog.completed_on, "11/20/2026")
    with (
        qtbot.waitSignal(dialog.sealed, timeout=5000) as sealed,
        qtbot.waitSignal(section.loaded, timeout=5000),
    ):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    seal = sealed.args[0]
    assert (seal.sealing_state, seal.order_number, seal.completed_on) == (
        "sealed_786",
        "JV-596 2026-0042",
        dt.date(2026, 11, 20),
    )
    assert "JV-26-00042-A (filed 01/05/2026, sealed under WIC 786)" in section.cases.text()
    assert not section.seal_button.isEnabled()  # no unsealed petition left
    assert youths.find_youths(core, officer, "Quillfeather").rows == ()  # gone for the others


def test_only_the_custodian_is_offered_the_seal(
    qtbot: QtBot, core: Core, clerk: Actor, girl: tuple[int, cases.CaseRecord]
) -> None:
    section = court_tab(qtbot, AppContext(core, clerk), girl[0])
    assert section.seal_button.isHidden()


def test_a_held_sealing_hearing_recorded_by_the_clerk_seals_its_petition(
    qtbot: QtBot,
    core: Core,
    officer: Actor,
    clerk: Actor,
    admin: Actor,
    girl: tuple[int, cases.CaseRecord],
) -> None:
    _, case = girl
    jd1 = departments.add_department(
        core, admin, departments.DepartmentInput("JD1", "Juvenile Dept 1")
    )
    scheduled = hearings.schedule_hearing(
        core,
        clerk,
        HearingInput(
            case_id=case.id,
            petition_id=case.petitions[0].id,
            hearing_type="SEAL",
            scheduled_at=dt.datetime(2026, 11, 30, 8, 30, tzinfo=LA),
            department_id=jd1.id,
            custody_status="OUT",
        ),
        acknowledge_warnings=True,
    ).hearing
    assert scheduled is not None
    dialog = OutcomeDialog(
        AppContext(core, clerk),
        scheduled.id,
        scheduled.version,
        scheduled.scheduled_at,
        "SEAL – Dismissal and sealing · JV-26-00042 · Noor Q.",
        hearing_type="SEAL",
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.outcome_combo.setCurrentIndex(dialog.outcome_combo.findData(HELD))
    assert dialog.seal_basis.isVisible() and dialog.seal_order.isEnabled()
    dialog.seal_basis.setCurrentIndex(dialog.seal_basis.findData("wic781"))
    type_into(qtbot, dialog.seal_order, "JV-596 2026-0311")
    with qtbot.waitSignal(dialog.recorded, timeout=5000) as recorded:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert recorded.args[0].hearing.outcome == HELD
    assert youths.find_youths(core, officer, "Quillfeather").rows == ()


def test_the_seal_dialogs_mnemonics_are_unique(
    qtbot: QtBot, core: Core, custodian: Actor, girl: tuple[int, cases.CaseRecord]
) -> None:
    from .test_keyboard import mnemonics

    section = court_tab(qtbot, AppContext(core, custodian), girl[0])
    dialog = section.seal_petition()
    keys = mnemonics(dialog)
    assert len(keys) == len(set(keys)) == 5, sorted(keys)  # four fields and the Seal button
    dialogs = [
        OutcomeDialog(AppContext(core, custodian), 1, 1, NOW, "hearing", hearing_type=kind)
        for kind in ("REV", "SEAL")
    ]
    for each in dialogs:
        qtbot.addWidget(each)
    plain, sealing = (mnemonics(each) for each in dialogs)
    added = list(sealing)
    for key in plain:
        added.remove(key)
    assert sorted(added) == ["b", "d"] and not set(added) & set(plain)  # basis, order number
