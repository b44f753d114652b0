"""The visitor and call desk as staff use it: type, Enter, read the answer; every check logged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from girlscourt.db.models import CustodyEpisode
from girlscourt.domain.restriction_rules import RestrictionInput
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.restrictions import restriction_lists, restrictions
from girlscourt.services.security import accounts, audit_trail
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.screening_desk_page import (
    BLOCK,
    CLEAR,
    READY,
    REVIEW,
    DeskEntry,
    ScreeningDeskPage,
    read_entry,
)

from .conftest import add_youth, drain_workers, save_copy, type_into

SUPERVISOR_PASSWORD = "supervisor on the late shift"


@pytest.fixture
def supervisor(core: Core, admin: Actor) -> Actor:
    accounts.create_user(core, admin, "sup", "supervisor", SUPERVISOR_PASSWORD, "Sam Supervisor")
    return accounts.authenticate(core, "sup", SUPERVISOR_PASSWORD)


@pytest.fixture
def detained(core: Core, officer: Actor) -> int:
    """Zoë O’Brien, in custody on unit B-East (test set-up straight into the database)."""
    youth = add_youth(core, officer, "Zoë", "O’Brien", "2011-04-18").id
    with core.write() as session:
        session.add(
            CustodyEpisode(
                youth_id=youth,
                custody_start_at=core.now() - dt.timedelta(days=2),
                housing_unit="B-East",
            )
        )
    return youth


@pytest.fixture
def marcus(core: Core, officer: Actor, detained: int) -> int:
    return restrictions.add_restriction(
        core,
        officer,
        RestrictionInput(
            youth_id=detained,
            person_name="Marcus Talford",
            channels=("visit", "phone"),
            basis="court_order",
            court_order_number="JV-2026-01234",
            aliases=("Big Money",),
            phones=("(510) 555-0142",),
            handles=("@talford.marcus",),
            relationship_to_youth="suspected exploiter",
        ),
    ).id


def open_desk(qtbot: QtBot, context: AppContext) -> ScreeningDeskPage:
    page = ScreeningDeskPage(context)
    qtbot.addWidget(page)
    page.resize(1100, 820)
    with qtbot.waitSignal(page.youths_loaded, timeout=5000):
        page.show()
    qtbot.waitExposed(page)
    return page


def check(qtbot: QtBot, page: ScreeningDeskPage, text: str) -> None:
    page.entry.selectAll()
    type_into(qtbot, page.entry, text)
    with qtbot.waitSignal(page.check_done, timeout=5000):
        qtbot.keyClick(page.entry, Qt.Key.Key_Return)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("(510) 555-0100", DeskEntry(phone="(510) 555-0100")),
        ("+1 510 555 0100", DeskEntry(phone="+1 510 555 0100")),
        ("510.555.0100", DeskEntry(phone="510.555.0100")),
        ("@Talford.Marcus", DeskEntry(handle="@Talford.Marcus")),
        ("instagram.com/talford.marcus", DeskEntry(handle="instagram.com/talford.marcus")),
        ("https://www.tiktok.com/@bigmoney", DeskEntry(handle="https://www.tiktok.com/@bigmoney")),
        ("SMITH, John", DeskEntry(name="SMITH, John")),
        ("Jöhn  Smíth", DeskEntry(name="Jöhn Smíth")),
        ("Marcus Talford 510-555-0142", DeskEntry("Marcus Talford", "510-555-0142")),
        ("Big Money @bigmoney510", DeskEntry(name="Big Money", handle="@bigmoney510")),
        ("   ", DeskEntry()),
    ],
)
def test_the_desk_reads_what_was_typed(typed: str, expected: DeskEntry) -> None:
    assert read_entry(typed) == expected


def test_a_caller_in_another_phone_format_is_blocked_and_an_unrelated_one_cleared(
    qtbot: QtBot, context: AppContext, core: Core, supervisor: Actor, detained: int, marcus: int
) -> None:
    page = open_desk(qtbot, context)
    assert page.state == READY
    assert page.youth_combo.count() == 1 and "O’Brien" in page.youth_combo.itemText(0)
    page.choose_contact("phone")

    check(qtbot, page, "+1 510 555 0142")  # recorded as (510) 555-0142
    assert page.state == BLOCK
    assert page.verdict.text() == "BLOCK"
    assert page.headline.text() == "Do not allow this phone call"
    assert page.match_line.text() == (
        f"Restriction #{marcus} · youth Z.O. · matched on phone number “(510) 555-0142”"
    )
    assert "Marcus Talford" in page.person_line.text()
    assert "Tell the person only that the contact cannot take place" in page.instruction.text()
    assert page.entry.selectedText() == "+1 510 555 0142"  # ready to be typed over

    # Typing the next caller clears the old answer at once: it is never read as the new one.
    qtbot.keyClicks(page.entry, "J")
    assert page.state == READY and page.verdict.text() == "—"
    check(qtbot, page, "Jordan Reyes")
    assert page.state == CLEAR
    assert page.verdict.text() == "CLEAR" and page.headline.text() == "No restriction matches"
    assert "1 youth in custody" in page.match_line.text()

    # The session list shows each check once, newest first; the log holds each exactly once.
    shown = page.recent_model.checks()
    assert [c.outcome.result for c in shown] == [CLEAR, BLOCK]
    log = restriction_lists.check_log(core, supervisor, core.today(), core.today())
    assert [e.id for e in log] == [c.outcome.check_id for c in reversed(shown)]
    assert [(e.result, e.probe_phone, e.probe_name) for e in log] == [
        (BLOCK, "+1 510 555 0142", None),
        (CLEAR, None, "Jordan Reyes"),
    ]
    assert log[0].matches[0].restriction_id == marcus


def test_a_likely_name_asks_for_a_supervisor_and_admission_calls_are_not_silently_blocked(
    qtbot: QtBot, context: AppContext, detained: int, marcus: int
) -> None:
    page = open_desk(qtbot, context)
    page.choose_youth(detained)
    assert page.youth_id() == detained
    check(qtbot, page, "Markus Tallford")
    assert page.state == REVIEW
    assert page.headline.text() == "Hold the contact – ask a supervisor"
    assert "matched on name “Marcus Talford” – likely match, score 90 of 100" in (
        page.match_line.text()
    )

    page.choose_contact("admission_call")
    assert page.state == READY  # the contact changed: the answer no longer applies
    check(qtbot, page, "510.555.0142")
    assert page.state == REVIEW  # no supervisor-signed admission block
    assert "admission call (WIC 627)" in page.instruction.text()


def test_unreadable_input_is_explained_and_not_logged(
    qtbot: QtBot, context: AppContext, core: Core, supervisor: Actor, detained: int
) -> None:
    page = open_desk(qtbot, context)
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    assert "Type the visitor's or caller's name" in page.message.text()
    type_into(qtbot, page.entry, "555-01")
    with qtbot.waitSignal(page.check_failed, timeout=5000):
        qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    assert page.message.text().startswith("Not checked. Phone number: '555-01' is not a phone")
    assert page.state == READY
    assert restriction_lists.check_log(core, supervisor, core.today(), core.today()) == ()


def test_ctrl_d_opens_the_desk_with_the_cursor_in_the_entry(
    qtbot: QtBot, context: AppContext
) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    drain_workers()  # the other pages have finished loading (and placing their cursors)
    desk = window.feature_widgets["desk"]
    assert isinstance(desk, ScreeningDeskPage)
    # The offscreen platform has no active window to deliver shortcuts to: trigger the action
    # bound to Ctrl+D, as the key would.
    (action,) = [a for a in window.actions() if a.shortcut() == QKeySequence("Ctrl+D")]
    with qtbot.waitSignal(desk.youths_loaded, timeout=5000):
        action.trigger()
    assert window.stack.currentWidget() is desk
    qtbot.waitUntil(lambda: window.focusWidget() is desk.entry, timeout=2000)


def test_a_supervisor_previews_the_check_log(
    qtbot: QtBot, core: Core, supervisor: Actor, detained: int, marcus: int, tmp_path: Path
) -> None:
    page = open_desk(qtbot, AppContext(core, supervisor))
    check(qtbot, page, "Big Money")
    assert page.state == BLOCK and "alias / street name" in page.match_line.text()
    assert page.print_log_button.isVisible()
    with qtbot.waitSignal(page.preview_opened, timeout=10_000) as shown:
        qtbot.mouseClick(page.print_log_button, Qt.MouseButton.LeftButton)
    preview = shown.args[0]
    assert preview.document.pageCount() >= 1
    assert preview.document_id in preview.windowTitle()
    target = tmp_path / "check-log.pdf"
    save_copy(qtbot, preview, target)
    events = audit_trail.list_events(core, supervisor, limit=50).rows
    details = [(e.action, e.detail) for e in events if e.action.startswith("document.")]
    assert ("document.save", f"check_log {preview.document_id}") in details
    preview.reject()


def test_officers_do_not_see_the_log_printout(qtbot: QtBot, context: AppContext) -> None:
    page = open_desk(qtbot, context)
    assert not page.print_log_button.isVisibleTo(page)
