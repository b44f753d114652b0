"""Girls Court as a court clerk works it: assign, schedule on a court day, continue, print."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.errors import PermissionDenied
from girlscourt.readmodels import department_record
from girlscourt.services.court import cases, departments, dockets, hearings
from girlscourt.services.court.hearing_records import OutcomeResult
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts, audit_trail
from ui.context import AppContext
from ui.dialogs.assignment_dialog import AssignmentDialog
from ui.dialogs.hearing_dialog import HearingDialog, OutcomeDialog
from ui.dialogs.pdf_preview_dialog import PdfPreviewDialog
from ui.models.roster_table_model import COL_NEXT, COL_STATUS
from ui.pages.court_calendar_page import CourtCalendarPage
from ui.pages.docket_page import COL_MINOR, COL_NOTES, DocketPage, display
from ui.pages.girls_court_page import GirlsCourtPage

from .conftest import add_youth, save_copy, type_into

LA = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.UTC)  # Monday 23 November 2026, 09:00 in LA
THANKSGIVING_FRIDAY = dt.date(2026, 11, 27)
TUESDAY = dt.date(2026, 12, 1)
THURSDAY = dt.date(2026, 12, 3)
CLERK_PASSWORD = "clerk desk morning shift"


@dataclass(frozen=True)
class Court:
    gc: department_record.DepartmentRecord
    youth_id: int
    case: cases.CaseRecord


@pytest.fixture
def clerk(core: Core, admin: Actor) -> Actor:
    core.clock = lambda: NOW
    accounts.create_user(core, admin, "clerk", "court_clerk", CLERK_PASSWORD, "Cleo Clerk")
    return accounts.authenticate(core, "clerk", CLERK_PASSWORD)


@pytest.fixture
def clerk_context(core: Core, clerk: Actor) -> AppContext:
    return AppContext(core, clerk)


@pytest.fixture
def setup(core: Core, admin: Actor, clerk: Actor) -> Court:
    departments.add_department(
        core, admin, departments.DepartmentInput("JD1", "Juvenile Delinquency 1", "Courtroom 1")
    )
    gc = departments.add_department(
        core, admin, departments.DepartmentInput("GC", "Girls Court", "Courtroom 5", 25)
    )
    departments.configure_specialty_docket(
        core,
        admin,
        departments.SpecialtyDocketInput(
            "GC", "Girls Court", gc.id, "Hon. Imani Oyelaran-Reyes", (1, 3), dt.time(8, 30),
            dt.date(2025, 1, 1), "Dep. DA Corinne Vashti", "Dep. PD Thalia Nordstrom-Ames",
        ),
    )  # fmt: skip
    youth = add_youth(core, admin, "Maya", "Rosalind", "2011-05-06", pronouns="she/her")
    case = cases.open_case(
        core,
        clerk,
        cases.CaseInput(
            youth.id, "JV-26-00001", (cases.PetitionInput("JV-26-00001-A", dt.date(2026, 10, 30)),)
        ),
    )
    return Court(gc, youth.id, case)


def roster_page(qtbot: QtBot, context: AppContext) -> GirlsCourtPage:
    page = GirlsCourtPage(context)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.refresh()
    return page


def cell(page: DocketPage, column: int, row: int = 0) -> str:
    found = page.panel.model.row(row)
    assert found is not None
    return display(found, column)


def test_clerk_assigns_schedules_continues_and_prints(
    qtbot: QtBot, core: Core, admin: Actor, clerk_context: AppContext, setup: Court, tmp_path: Path
) -> None:
    page = roster_page(qtbot, clerk_context)
    assert page.model.rowCount() == 0

    # Refer: find her by name, give the reason.
    refer = page.refer()
    assert isinstance(refer, AssignmentDialog)
    with qtbot.waitSignal(refer.ready, timeout=5000):
        type_into(qtbot, refer.search, "Rosalind")
    if refer.case_combo.currentData() is None:  # the cases arrive right after the search
        with qtbot.waitSignal(refer.ready, timeout=5000):
            pass
    assert refer.case_combo.currentData() == setup.case.id
    refer.reason.setPlainText("Identified at intake; the team agrees she fits the docket.")
    with (
        qtbot.waitSignal(refer.saved, timeout=5000),
        qtbot.waitSignal(page.loaded, timeout=5000),
    ):
        refer.submit()
    assert page.model.index(0, COL_STATUS).data() == "Referred"

    # Accept: the team comes from the Girls Court docket.
    page.table.selectRow(0)
    accept = page.accept_selected()
    assert accept is not None
    accept.team["probation_officer"].setText("Renata Okafor")
    with qtbot.waitSignal(accept.saved, timeout=5000) as saved, qtbot.waitSignal(page.loaded):
        accept.submit()
    assert saved.args[0].team.judicial_officer == "Hon. Imani Oyelaran-Reyes"
    assert page.model.index(0, COL_STATUS).data() == "Active"
    assert page.model.index(0, COL_NEXT).data() == "None set"

    # Schedule: the day after Thanksgiving is refused inline with its reason.
    dialog = page.schedule_hearing()
    assert isinstance(dialog, HearingDialog)
    with qtbot.waitSignal(dialog.ready, timeout=5000):
        pass
    dialog.choose(dialog.department_combo, setup.gc.id)
    dialog.choose(dialog.type_combo, "PTC")
    assert not dialog.open_to_public.isChecked()  # closed unless the court orders otherwise
    dialog.set_when(THANKSGIVING_FRIDAY, dt.time(8, 30))
    with qtbot.waitSignal(dialog.checked, timeout=5000):
        dialog.run_check()
    assert dialog.refusal is not None
    assert "Friday 27 November 2026 is a judicial holiday: Day after Thanksgiving" in (
        dialog.message.text()
    )
    assert not dialog.save_button.isEnabled()  # a refusal cannot be scheduled anyway

    dialog.set_when(TUESDAY, dt.time(8, 30))
    with qtbot.waitSignal(dialog.checked, timeout=5000):
        dialog.run_check()
    assert dialog.refusal is None and dialog.message.text() == ""
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.scheduled, timeout=5000) as done, qtbot.waitSignal(page.loaded):
        dialog.submit()
        if dialog.last_warnings:  # pragma: no cover - depends on the day's bookings
            dialog.submit()
    hearing = done.args[0]
    assert hearing.girls_court and hearing.department_id == setup.gc.id
    assert hearing.scheduled_at.date() == TUESDAY
    assert page.model.index(0, COL_NEXT).data() == "Tue 12/01/2026 08:30"

    # Continue it from the docket: the continuance creates Thursday's hearing.
    docket = DocketPage(clerk_context)
    qtbot.addWidget(docket)
    with qtbot.waitSignal(docket.panel.loaded, timeout=5000):
        docket.panel.show_day(TUESDAY, setup.gc.id)
    assert docket.panel.model.rowCount() == 1
    assert cell(docket, COL_MINOR) == "Maya R."
    docket.panel.table.selectRow(0)
    outcome = docket.panel.record_outcome()
    assert isinstance(outcome, OutcomeDialog)
    outcome.set_continuance(THURSDAY, dt.time(8, 30), "Defence needs the assessment", True)
    with (
        qtbot.waitSignal(outcome.recorded, timeout=5000) as recorded,
        qtbot.waitSignal(docket.panel.loaded, timeout=5000),
    ):
        outcome.submit()
        if outcome.last_warnings:  # pragma: no cover
            outcome.submit()
    result: OutcomeResult = recorded.args[0]
    assert result.hearing.outcome == "continued"
    assert result.next_hearing is not None
    assert result.next_hearing.scheduled_at.date() == THURSDAY
    assert "Continued to Thursday 3 December 2026" in docket.panel.message.text()
    following = hearings.hearings_of_case(core, clerk_context.actor, setup.case.id)
    assert [h.scheduled_at.date() for h in following] == [TUESDAY, THURSDAY]

    # The continued hearing's minute order says on what ground it was continued.
    docket.panel.table.selectRow(0)
    assert docket.panel.minute_button.isEnabled()
    with qtbot.waitSignal(docket.panel.preview_opened, timeout=10000) as minute:
        qtbot.mouseClick(docket.panel.minute_button, Qt.MouseButton.LeftButton)
    order = minute.args[0]
    assert isinstance(order, PdfPreviewDialog) and "Minute order" in order.windowTitle()
    assert b"%PDF" in order.pdf[:8]
    order.close()

    # Print Thursday's docket: the preview opens with the document id of the print.
    with qtbot.waitSignal(docket.panel.loaded, timeout=5000):
        docket.panel.show_day(THURSDAY, setup.gc.id)
    assert "Cont. from 1 Dec" in cell(docket, COL_NOTES)
    with qtbot.waitSignal(docket.panel.preview_opened, timeout=10000) as opened:
        docket.panel.print_preview("initials")
    preview = opened.args[0]
    assert isinstance(preview, PdfPreviewDialog)
    assert preview.document_id and preview.document_id in preview.windowTitle()
    assert preview.pdf.startswith(b"%PDF")
    assert preview.document.pageCount() >= 1
    # A saved copy is audited under the same document id before the file is written.
    target = tmp_path / "docket.pdf"
    save_copy(qtbot, preview, target)
    events = audit_trail.list_events(core, admin, limit=50).rows
    details = [(e.action, e.detail) for e in events if e.action.startswith("document.")]
    assert ("document.save", f"docket-initials {preview.document_id}") in details
    preview.close()


def test_internal_copy_is_offered_only_to_roles_allowed(
    qtbot: QtBot, core: Core, clerk_context: AppContext, context: AppContext, setup: Court
) -> None:
    clerk_page = DocketPage(clerk_context)
    officer_page = DocketPage(context)
    for page in (clerk_page, officer_page):
        qtbot.addWidget(page)

    def offered(page: DocketPage) -> list[str]:
        combo = page.panel.variant_combo
        return [str(combo.itemData(i)) for i in range(combo.count())]

    assert offered(clerk_page) == ["initials", "internal", "public"]
    assert offered(officer_page) == ["initials", "public"]
    with pytest.raises(PermissionDenied):
        dockets.docket(core, context.actor, TUESDAY, full_names=True)


def test_calendar_greys_the_holiday_with_its_reason(
    qtbot: QtBot, clerk_context: AppContext, setup: Court
) -> None:
    page = CourtCalendarPage(clerk_context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.days_loaded, timeout=5000) as loaded:
        page.select_day(THANKSGIVING_FRIDAY)
    days = {s.day: s for s in loaded.args[0]}
    assert len(days) == 7
    friday = days[THANKSGIVING_FRIDAY]
    assert friday.closed_reason is not None and "Day after Thanksgiving" in friday.closed_reason
    cell = page.cells[THANKSGIVING_FRIDAY.weekday()]
    assert "Day after Thanksgiving" in cell.toolTip()
    assert "Court closed" in cell.text()
    assert days[dt.date(2026, 11, 28)].closed_reason is not None  # Saturday
    assert days[dt.date(2026, 11, 23)].closed_reason is None

    with qtbot.waitSignal(page.days_loaded, timeout=5000) as loaded:
        page.set_mode("day")
    assert len(loaded.args[0]) == 1
    assert not page.cells[1].isVisible()
