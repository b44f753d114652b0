"""The law in the desktop app: the dependency tab, the mandated report's details on the
checklist, and the court's orders in the outcome dialog (driven as a user would)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.db.models import Youth
from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput
from girlscourt.services.intake import intake, protocol_checklist
from girlscourt.services.intake.intake import IntakeRequest, ScreeningInput
from girlscourt.services.kernel.core import Actor, Core
from tests.support import register, screening_responses, train
from tests.ui.conftest import drain_workers, type_into
from ui.context import AppContext
from ui.widgets.checklist_section import ChecklistSection
from ui.widgets.dependency_section import DependencySection


def shot(widget: object, name: str) -> None:
    """Save a PNG for a human look when GIRLSCOURT_SHOTS names a folder."""
    folder = os.environ.get("GIRLSCOURT_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))  # type: ignore[attr-defined]


def test_recording_a_dependency_status_names_the_missing_case_number(
    qtbot: QtBot, core: Core, context: AppContext, officer: Actor
) -> None:
    youth_id = register(core, officer)
    section = DependencySection(context, youth_id)
    qtbot.addWidget(section)
    section.resize(760, 420)
    section.show()
    section.refresh()
    drain_workers()
    assert "No dependency status" in section.current.text()
    section.status.setCurrentIndex(section.status.findData("300"))
    qtbot.mouseClick(section.record_button, Qt.MouseButton.LeftButton)
    drain_workers()
    assert "Child-welfare case number" in section.message.text()
    type_into(qtbot, section.case_number, "CW-26-0412")
    qtbot.mouseClick(section.record_button, Qt.MouseButton.LeftButton)
    drain_workers()
    assert section.current.text().startswith("WIC 300 dependent since")
    assert "CW-26-0412" in section.current.text()
    shot(section, "dependency-section")
    with core.read() as session:
        youth = session.get(Youth, youth_id)
        assert youth is not None and youth.dependency_status == "300"
        assert youth.version == 1  # the demographic form open elsewhere is not made stale


def test_a_mandated_report_asks_who_reported_to_whom_and_its_number(
    qtbot: QtBot, core: Core, context: AppContext, admin: Actor, officer: Actor
) -> None:
    train(core, admin, "officer")
    youth_id = register(core, officer)
    start = core.now() - dt.timedelta(hours=2)
    episode = EpisodeInput(youth_id, start, (ChargeInput("PC 484"),))
    screening = ScreeningInput("csec-screen-gc", screening_responses(ex_exchange_for_value="clear"))
    intake.record_intake(core, officer, IntakeRequest(episode, screening))
    section = ChecklistSection(context, youth_id)
    qtbot.addWidget(section)
    section.resize(1000, 640)
    section.show()
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.refresh()
    assert section.select_step("child_welfare_report")
    assert section.report_box.isVisible()
    qtbot.mouseClick(section.done_button, Qt.MouseButton.LeftButton)
    drain_workers()
    assert "Reported by: is required" in section.message.text()
    type_into(qtbot, section.reported_by, "PO Dana Whitfield")
    type_into(qtbot, section.reported_to, "County hotline, worker R. Ibarra")
    type_into(qtbot, section.report_number, "HL-2026-118204")
    shot(section, "checklist-mandated-report")
    assert section.select_step("child_welfare_report")
    qtbot.mouseClick(section.done_button, Qt.MouseButton.LeftButton)
    drain_workers()
    view = protocol_checklist.checklist_for_youth(core, officer, youth_id)
    (step,) = [e.step for e in view.steps if e.step.step == "child_welfare_report"]
    assert step.done_at is not None and step.report_number == "HL-2026-118204"
    assert section.select_step("crisis_advocate") and not section.report_box.isVisible()


@pytest.mark.parametrize("hearing_type", ["DET", "JUR"])
def test_the_outcome_dialog_shows_the_orders_that_apply(
    qtbot: QtBot, core: Core, context: AppContext, hearing_type: str
) -> None:
    from ui.dialogs.hearing_dialog import OutcomeDialog

    when = core.now()
    dialog = OutcomeDialog(context, 1, 1, when, "A hearing", None, hearing_type=hearing_type)
    qtbot.addWidget(dialog)
    dialog.show()
    form_has_order = dialog.orders.order.isVisible()
    assert form_has_order == (hearing_type == "DET")
    if hearing_type == "DET":
        dialog.orders.order.setCurrentIndex(dialog.orders.order.findData("detained"))
        box = dialog.orders.findings["contrary_to_welfare"]
        assert box.isEnabled()
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
        shot(dialog, "outcome-detention-order")
        orders = dialog.data().orders
        assert orders is not None and orders.detention_order == "detained"
        assert dict(orders.findings_636) == {
            "contrary_to_welfare": True,
            "reasonable_efforts": False,
        }
    dialog.outcome_combo.setCurrentIndex(dialog.outcome_combo.findData("continued"))
    assert dialog.orders.basis.isVisible() and not dialog.orders.order.isVisible()
    dialog.orders.basis.setCurrentIndex(dialog.orders.basis.findData("time_waiver"))
    type_into(qtbot, dialog.orders.waived_by, "the youth, with counsel")
    orders = dialog.data().orders
    assert orders is not None and orders.continuance_basis == "time_waiver"
    assert orders.waived_by == "the youth, with counsel"
    shot(dialog, f"outcome-continued-{hearing_type}")


def test_the_screening_step_takes_when_a_late_screening_was_done(
    qtbot: QtBot, core: Core, context: AppContext
) -> None:
    from ui.pages.intake.screening_step import IDENTIFIED, ScreeningStep
    from ui.pages.intake.step import load_setup

    tz = core.settings.timezone
    step = ScreeningStep(load_setup(context), tz=tz)
    qtbot.addWidget(step)
    step.show()
    assert step.identified_at() == (None, [])  # empty: screened now
    type_into(qtbot, step.screened_date, "12/04/2026")
    type_into(qtbot, step.screened_time, "21:40")
    moment, problems = step.identified_at()
    assert problems == [] and moment == dt.datetime(2026, 12, 4, 21, 40, tzinfo=tz)
    step.screened_time.clear()
    type_into(qtbot, step.screened_time, "25:99")
    _moment, problems = step.identified_at()
    assert problems and problems[0].field == IDENTIFIED
    assert step.show_error(problems[0], "Screened at: not a time") is step.screened_date
    assert step.when_error.isVisible()
