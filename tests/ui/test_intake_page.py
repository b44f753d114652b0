"""The intake page as an officer uses it: keys and clicks, the rules refused on screen, drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from girlscourt.db.models import Youth
from girlscourt.services.codes.intake_codes import default_instrument
from girlscourt.services.intake import intake_drafts, protocol_checklist
from girlscourt.services.kernel.core import Actor, Core
from tests.support import SUPERVISOR_PASSWORD, register, risk_answers, supervisor, train
from ui.context import AppContext
from ui.dialogs.approval_dialog import ApprovalDialog
from ui.formatting import parse_time
from ui.main_window import MainWindow
from ui.models.board_table_model import COL_DEADLINE, COL_DUE, COL_NAME, YouthIdRole
from ui.pages.custody_board_page import CustodyBoardPage
from ui.pages.intake.navigation import (
    STEP_CHARGES,
    STEP_DECISION,
    STEP_EPISODE,
    STEP_RISK,
    STEP_SCREENING,
)
from ui.pages.intake_page import IntakePage
from ui.pages.youth_page import YouthPage
from ui.widgets.checklist_section import ChecklistSection

from .conftest import type_into

TZ = ZoneInfo("America/Los_Angeles")
WEDNESDAY_NIGHT = dt.datetime(2026, 11, 25, 22, 0, tzinfo=TZ)  # the eve of Thanksgiving 2026
NARRATIVE = "The victim lives on the same block and was threatened at the arrest."


@pytest.fixture
def at_night(core: Core) -> Iterator[Core]:
    """The desk's clock stopped on the Wednesday night before Thanksgiving 2026."""
    core.clock = lambda: WEDNESDAY_NIGHT.astimezone(dt.UTC)
    yield core


class FakeNavigator:
    """Records the records the page asks to open."""

    def __init__(self) -> None:
        self.opened: list[int] = []

    def open_youth(self, youth_id: int) -> object:
        self.opened.append(youth_id)
        return None


def open_page(
    qtbot: QtBot, context: AppContext, navigator: FakeNavigator | None = None
) -> IntakePage:
    """A shown intake page, forms loaded and the draft check done."""
    page = IntakePage(context, navigator)
    qtbot.addWidget(page)
    page.resize(1100, 780)
    with qtbot.waitSignal(page.ready, timeout=5000):
        pass
    with qtbot.waitSignal(page.drafts_checked, timeout=5000):
        page.show()
    qtbot.waitExposed(page)
    return page


def replace_text(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def choose_in_list(qtbot: QtBot, combo: QComboBox, code: str) -> None:
    """Arrow keys on the closed list until the answer is chosen, as an officer would."""
    target = combo.findData(code)
    for _ in range(combo.count()):
        if combo.currentIndex() == target:
            break
        down = target > combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down if down else Qt.Key.Key_Up)
    assert combo.currentData() == code, f"the arrows stopped at {combo.currentText()!r}"


def pick_youth(qtbot: QtBot, page: IntakePage, search: str) -> None:
    step = page.youth_step
    qtbot.keyClicks(step.search, search)
    qtbot.waitUntil(lambda: step.model.rowCount() > 0, timeout=5000)
    qtbot.keyClick(step.search, Qt.Key.Key_Down)
    with qtbot.waitSignal(step.chosen, timeout=5000):
        qtbot.keyClick(step.table, Qt.Key.Key_Return)


def fill_episode(qtbot: QtBot, page: IntakePage, *, petition: bool = False) -> None:
    step = page.episode_step
    replace_text(qtbot, step.custody_date, "11/25/2026")
    qtbot.keyClicks(step.custody_time, "21:40")
    if petition:
        qtbot.keyClicks(step.petition_date, "11/25/2026")
        qtbot.keyClicks(step.petition_time, "9:55 pm")
    qtbot.keyClicks(step.officer, "Ofc. Rivera #412")
    qtbot.keyClicks(step.housing, "Unit 3")


def add_charges(qtbot: QtBot, page: IntakePage, *searches: str) -> None:
    for text in searches:
        qtbot.keyClicks(page.charges_step.pick, text)
        qtbot.keyClick(page.charges_step.pick, Qt.Key.Key_Return)


def rate_all(page: IntakePage, **answers: str) -> None:
    """Rate every statement "No" except ``answers`` (through the form's clicks)."""
    form = page.screening_step.form
    for item_id in form.rows:
        form.rate(item_id, answers.get(item_id, "no"))


def answer_risk(qtbot: QtBot, page: IntakePage, **overrides: str) -> None:
    form = page.risk_step.form
    for item_id, code in risk_answers(**overrides).items():
        form.answer(item_id, code)
    qtbot.waitUntil(lambda: form.result is not None, timeout=5000)


def save_and_wait_failure(qtbot: QtBot, page: IntakePage) -> object:
    with qtbot.waitSignal(page.save_failed, timeout=5000) as failed:
        qtbot.keyClick(page.save_button, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return failed.args[0]


# -- the whole intake -----------------------------------------------------------------------


def test_an_officer_completes_a_whole_intake_with_an_approved_override(
    qtbot: QtBot, at_night: Core, context: AppContext, admin: Actor, officer: Actor
) -> None:
    core = at_night
    supervisor(core, admin)
    train(core, admin, "officer")
    youth_id = register(core, officer, "Maya", "Ashford", dt.date(2010, 6, 1))
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    page = window.feature_widgets["intake"]
    assert isinstance(page, IntakePage)
    qtbot.waitUntil(lambda: page.is_ready, timeout=5000)

    # Ctrl+I: the intake page, cursor in the youth search.
    qtbot.keyClick(
        window.search_page.search_edit, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier
    )
    assert window.stack.currentWidget() is page

    # 1. The youth: type, ↓, Enter; the page moves on to the episode.
    pick_youth(qtbot, page, "ashford")
    assert page.youth_step.youth is not None and page.youth_step.youth.id == youth_id
    assert page.current_step() == STEP_EPISODE
    assert "Ashford, Maya" in page.youth_step.chosen_label.text()

    # 2. The episode: custody 9:40 pm, petition filed 9:55 pm the same evening.
    fill_episode(qtbot, page, petition=True)
    assert "PST" in page.episode_step.zone_label.text()
    qtbot.keyClick(page.episode_step.housing, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.current_step() == STEP_CHARGES, timeout=2000)  # animated click

    # 3. Charges: type-ahead and Enter; the level and flags are shown.
    add_charges(qtbot, page, "211", "petty theft")
    assert page.charges_step.codes_chosen() == ["PC 211", "PC 484"]
    model = page.charges_step.model
    assert model.index(0, 2).data() == "felony" and "violent" in model.index(0, 3).data()
    page.charges_step.table.selectRow(1)
    qtbot.keyClick(page.charges_step.table, Qt.Key.Key_Delete)
    assert page.charges_step.codes_chosen() == ["PC 211"]
    qtbot.keyClick(page.charges_step.pick, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert page.current_step() == STEP_SCREENING

    # 4. Screening: one key per statement; the result follows live.
    form = page.screening_step.form
    keys = {"rb_runaway": "c", "tr_past_abuse": "c"}  # two clear indications: 4 points
    rows = list(form.rows.items())
    for item_id, row in rows[:10]:
        qtbot.keyClick(row, keys.get(item_id, "n"))
    qtbot.waitUntil(
        lambda: form.result is not None and len(form.result.unanswered_items) == 11, timeout=5000
    )
    assert form.level_label.text() == "No concern"  # provisional: 10 of 21
    assert "No concern so far" in page.step_list.item(STEP_SCREENING).text()
    assert "10 of 21" in form.progress_label.text()
    for item_id, row in rows[10:]:
        qtbot.keyClick(row, keys.get(item_id, "n"))
    qtbot.waitUntil(lambda: form.level_label.text() == "Possible concern", timeout=5000)
    assert form.unrated() == []
    assert "advocate" in form.actions_label.text()
    assert "not a validated instrument" in form.notice.text()
    qtbot.keyClick(form.override_level, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.current_step() == STEP_RISK, timeout=2000)

    # 5. Risk: type each answer into its list; a low score recommends release.
    risk = page.risk_step.form
    for item_id, code in risk_answers().items():
        choose_in_list(qtbot, risk.combos[item_id], code)
    qtbot.waitUntil(lambda: risk.result is not None, timeout=5000)
    assert risk.result is not None and risk.result.recommended_band == "release"
    assert risk.band_label.text() == "Release" and risk.total_label.text() == "2"
    qtbot.keyClick(risk.combos["mand_warrant"], Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
    assert page.current_step() == STEP_DECISION

    # 6. Decision: detain against the release band — an override.
    decision = page.decision_step
    qtbot.mouseClick(decision.choices["detain"], Qt.MouseButton.LeftButton)
    assert decision.override_direction() == "up" and decision.override_box.isVisible()
    qtbot.keyClick(decision.reasons["protect_person_or_property"], Qt.Key.Key_Space)
    choose_in_list(qtbot, decision.override_reason, "victim_safety")
    qtbot.keyClicks(decision.narrative, NARRATIVE)

    with qtbot.waitSignal(page.approval_shown, timeout=5000) as shown:
        qtbot.mouseClick(decision.approval_button, Qt.MouseButton.LeftButton)
    dialog: ApprovalDialog = shown.args[0]
    assert "Detain — override up" in dialog.summary_label.text()
    assert NARRATIVE in dialog.summary_label.text()
    qtbot.keyClicks(dialog.username, "sup")
    qtbot.keyClicks(dialog.password, SUPERVISOR_PASSWORD)
    with qtbot.waitSignal(dialog.approved, timeout=10_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert decision.approver is not None and decision.approver.username == "sup"
    assert "Approved by Sam Supervisor" in decision.approval_label.text()

    # A window manager gives the window back its focus when the dialog closes; offscreen, the
    # test does it.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    assert QApplication.focusWidget() is page.save_button
    with qtbot.waitSignal(page.saved, timeout=10_000) as saved:
        qtbot.keyClick(decision.narrative, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    result = saved.args[0]
    assert result.decision == "detain" and result.override_direction == "up"
    assert result.recommended_band == "release" and result.result_level == "possible"
    assert {s.step for s in result.checklist} >= {"crisis_advocate", "mdt_referral"}
    due = {d.rule: d.due.astimezone(TZ) for d in result.deadlines}
    assert due["WIC632a"].date() == dt.date(2026, 11, 30)
    assert page.views.currentWidget() is page.result_view
    assert "Mon 11/30/2026 11:59 PM PST" in page.result_view.deadlines.text()
    assert "approved by Sam Supervisor" in page.result_view.facts.text()
    qtbot.waitUntil(lambda: intake_drafts.list_drafts(core, officer) == (), timeout=5000)

    # The board (Ctrl+B) shows her with the WIC 632(a) hearing due Monday 30 November.
    board = window.feature_widgets["custody-board"]
    assert isinstance(board, CustodyBoardPage)
    with qtbot.waitSignal(board.refreshed, timeout=5000):
        qtbot.keyClick(page, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is board
    assert board.model.rowCount() == 1
    assert board.model.index(0, COL_NAME).data() == "Ashford, Maya"
    assert board.model.index(0, COL_NAME).data(YouthIdRole) == youth_id
    assert "632(a)" in board.model.index(0, COL_DEADLINE).data()
    assert board.model.index(0, COL_DUE).data() == "Mon 11/30 11:59 PM"
    due_tip = board.model.index(0, COL_DUE).data(Qt.ItemDataRole.ToolTipRole)
    assert due_tip.startswith("Mon 11/30/2026 11:59 PM PST")

    # Enter opens her record, whose checklist tab lists the protocol steps started.
    with qtbot.waitSignal(window.record_opened, timeout=5000) as opened:
        qtbot.keyClick(board.table, Qt.Key.Key_Return)
    record: YouthPage = opened.args[0]
    section = next(s for s in record.sections if isinstance(s, ChecklistSection))
    qtbot.waitUntil(lambda: section.checklist is not None, timeout=5000)
    assert section.steps_model.rowCount() == len(result.checklist)


# -- rules refused on screen ----------------------------------------------------------------


def test_sb1322_is_explained_before_and_after_saving(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor
) -> None:
    youth_id = register(at_night, officer, "Tia", "Brookfield", dt.date(2011, 3, 2))
    navigator = FakeNavigator()
    page = open_page(qtbot, context, navigator)
    pick_youth(qtbot, page, "brookfield")
    fill_episode(qtbot, page)
    page.go_to(STEP_CHARGES)
    add_charges(qtbot, page, "647")
    assert page.charges_step.codes_chosen() == ["PC 647(b)"]
    assert page.charges_step.sb1322_note.isVisible()  # said before the officer saves

    error = save_and_wait_failure(qtbot, page)
    assert type(error).__name__ == "SB1322Refusal"
    text = page.message.text()
    assert text.startswith("Not booked. Under SB 1322")
    assert "What happens next" in text and "child-welfare hotline report" in text
    assert page.current_step() == STEP_CHARGES
    assert page.message.button.text() == "&Open the youth's record"
    qtbot.mouseClick(page.message.button, Qt.MouseButton.LeftButton)
    assert navigator.opened == [youth_id]
    view = protocol_checklist.checklist_for_youth(at_night, officer, youth_id)
    assert {e.step.step for e in view.steps} == {
        "child_welfare_report",
        "written_report_ss8572",
        "csec_screening",
    }
    assert view.episodes == ()  # she was not booked


def _dependent(core: Core, youth_id: int) -> None:
    with core.write() as session:
        youth = session.get(Youth, youth_id)
        assert youth is not None
        youth.dependency_status = "300"


@pytest.mark.parametrize(
    ("reasons", "citation"),
    [(("no_placement",), "WIC 636"), (("county_of_residence",), "WIC 635")],
)
def test_wic636_and_wic635_refusals_are_shown(
    qtbot: QtBot,
    at_night: Core,
    context: AppContext,
    officer: Actor,
    reasons: tuple[str, ...],
    citation: str,
) -> None:
    youth_id = register(at_night, officer, "Rae", "Cobalt", dt.date(2010, 1, 9))
    _dependent(at_night, youth_id)
    page = open_page(qtbot, context)
    pick_youth(qtbot, page, "cobalt")
    fill_episode(qtbot, page)
    add_charges(qtbot, page, "PC 211")
    qtbot.keyClick(page.screening_step.later, Qt.Key.Key_Space)
    answer_risk(qtbot, page, most_serious_offence="wic707b")  # 15 points: the detain band
    page.go_to(STEP_DECISION)
    decision = page.decision_step
    qtbot.mouseClick(decision.choices["detain"], Qt.MouseButton.LeftButton)
    assert decision.override_direction() is None
    for code in reasons:
        qtbot.keyClick(decision.reasons[code], Qt.Key.Key_Space)

    save_and_wait_failure(qtbot, page)
    text = page.message.text()
    assert text.startswith("Not saved.") and citation in text
    assert "What happens next: choose another statutory ground" in text
    assert page.current_step() == STEP_DECISION
    assert "⚠" in page.step_list.item(STEP_DECISION).text()
    assert protocol_checklist.checklist_for_youth(at_night, officer, youth_id).episodes == ()


def test_screening_without_current_training_is_refused_and_screen_later_saves(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor
) -> None:
    register(at_night, officer, "Lena", "Dovecote", dt.date(2009, 8, 20))
    page = open_page(qtbot, context)
    pick_youth(qtbot, page, "dovecote")
    fill_episode(qtbot, page)
    add_charges(qtbot, page, "PC 459")
    rate_all(page)
    answer_risk(qtbot, page)
    page.decision_step.choose("release")

    save_and_wait_failure(qtbot, page)
    text = page.message.text()
    assert "holds no current training" in text
    assert "What happens next: ask a screener with current training" in text
    assert "Screen later" in text
    assert page.current_step() == STEP_SCREENING

    qtbot.keyClick(page.screening_step.later, Qt.Key.Key_Space)
    with qtbot.waitSignal(page.saved, timeout=5000) as saved:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].screening_id is None and saved.args[0].decision == "release"
    assert "not done yet" in page.result_view.facts.text()


def test_an_override_without_approval_is_refused_inline_and_edits_void_an_approval(
    qtbot: QtBot, at_night: Core, context: AppContext, admin: Actor, officer: Actor
) -> None:
    supervisor(at_night, admin)
    register(at_night, officer, "Noor", "Elmsworth", dt.date(2010, 2, 14))
    page = open_page(qtbot, context)
    pick_youth(qtbot, page, "elmsworth")
    fill_episode(qtbot, page)
    add_charges(qtbot, page, "PC 211")
    qtbot.keyClick(page.screening_step.later, Qt.Key.Key_Space)
    answer_risk(qtbot, page)
    decision = page.decision_step
    page.go_to(STEP_DECISION)
    decision.choose("detain")
    qtbot.keyClick(decision.reasons["likely_to_flee"], Qt.Key.Key_Space)
    decision.override_reason.setCurrentIndex(decision.override_reason.findData("other"))
    qtbot.keyClicks(decision.narrative, NARRATIVE)

    page.go_to(STEP_CHARGES)
    error = save_and_wait_failure(qtbot, page)
    assert getattr(error, "field", None) == "approver"
    assert page.current_step() == STEP_DECISION
    _widget, label = decision.fields["approver"]
    assert label.isVisible() and label.text() == "An override needs a supervisor's approval."
    assert "See step 6, Decision" in page.message.text()
    assert QApplication.focusWidget() is decision.approval_button

    # Wrong password, then the officer's own account: both refused in the dialog.
    dialog = page.request_approval()
    assert dialog is not None
    qtbot.keyClicks(dialog.username, "sup")
    qtbot.keyClicks(dialog.password, "not the password")
    with qtbot.waitSignal(dialog.check_failed, timeout=10_000) as failed:
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    assert "Wrong user name or password" in failed.args[0] and dialog.isVisible()
    replace_text(qtbot, dialog.username, "officer")
    qtbot.keyClicks(dialog.password, "intake desk night shift")
    with qtbot.waitSignal(dialog.check_failed, timeout=5000) as failed:
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    assert "cannot approve their own override" in failed.args[0]
    replace_text(qtbot, dialog.username, "sup")
    qtbot.keyClicks(dialog.password, SUPERVISOR_PASSWORD)
    with qtbot.waitSignal(dialog.approved, timeout=10_000):
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    assert decision.approver is not None

    # Changing the narrative afterwards voids the approval: the supervisor approved the old one.
    qtbot.keyClicks(decision.narrative, " And more.")
    assert decision.approver is None
    assert "cleared because the override changed" in decision.approval_label.text()


def test_format_errors_land_on_their_fields(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor
) -> None:
    page = open_page(qtbot, context)
    page.save()
    assert page.youth_step.fields["youth_id"][1].text() == "Choose the youth first."
    assert page.message.text().startswith("Not saved. See step 1, Youth")
    register(at_night, officer, "Ivy", "Fairholm", dt.date(2010, 5, 5))
    pick_youth(qtbot, page, "fairholm")
    qtbot.keyClicks(page.episode_step.custody_time, "25:99")
    page.save()
    _widget, label = page.episode_step.fields["custody_start_at"]
    assert "is not a time" in label.text()
    assert page.current_step() == STEP_EPISODE
    assert QApplication.focusWidget() is page.episode_step.custody_time

    replace_text(qtbot, page.episode_step.custody_time, "21:40")
    error = save_and_wait_failure(qtbot, page)  # no charge: the service says so
    assert getattr(error, "field", None) == "charges"
    assert page.current_step() == STEP_CHARGES
    assert page.charges_step.fields["charges"][1].text() == "At least one charge is required."

    qtbot.keyClick(page.charges_step.pick, Qt.Key.Key_Return)  # an empty search adds nothing
    assert page.charges_step.codes_chosen() == []
    add_charges(qtbot, page, "PC 459")
    page.screening_step.form.rate("ls_no_stable_home", "some")
    save_and_wait_failure(qtbot, page)  # twenty statements unrated: all marked at once
    assert page.current_step() == STEP_SCREENING
    marked = [r for r in page.screening_step.form.rows.values() if r.error.isVisibleTo(r)]
    assert len(marked) == 20


def test_parse_time_accepts_what_officers_type() -> None:
    assert parse_time("21:40", "t") == dt.time(21, 40)
    assert parse_time("2140", "t") == dt.time(21, 40)
    assert parse_time("9:40 pm", "t") == dt.time(21, 40)
    assert parse_time("12 am", "t") == dt.time(0, 0)
    assert parse_time("12:15 p.m.", "t") == dt.time(12, 15)
    for bad in ("", "24:00", "13 pm", "9:61", "noon"):
        with pytest.raises(Exception, match="t"):
            parse_time(bad, "t")


# -- the screening form's keys and disclosure -----------------------------------------------


def test_screening_keys_move_on_and_disclosure_stops_the_screening(
    qtbot: QtBot, at_night: Core, context: AppContext, admin: Actor, officer: Actor
) -> None:
    train(at_night, admin, "officer")
    register(at_night, officer, "Ana", "Greyling", dt.date(2010, 7, 7))
    page = open_page(qtbot, context)
    pick_youth(qtbot, page, "greyling")
    fill_episode(qtbot, page)
    add_charges(qtbot, page, "PC 484")
    page.go_to(STEP_SCREENING)
    form = page.screening_step.form
    rows = list(form.rows.values())
    assert QApplication.focusWidget() is rows[0]
    qtbot.keyClick(rows[0], Qt.Key.Key_S)
    assert rows[0].answer() == "some" and QApplication.focusWidget() is rows[1]
    qtbot.keyClick(rows[1], Qt.Key.Key_4)  # digits work too: the fourth answer
    assert rows[1].answer() == "unknown" and QApplication.focusWidget() is rows[2]
    qtbot.keyClick(rows[2], Qt.Key.Key_Up)
    assert QApplication.focusWidget() is rows[1]
    assert rows[0].item == default_instrument("screening").items[0]

    qtbot.mouseClick(form.disclosure_button, Qt.MouseButton.LeftButton)
    assert form.disclosure and not rows[5].isEnabled()
    assert form.stopped_label.isVisible() and "Ask no more questions" in form.stopped_label.text()
    assert form.level_label.text() == "Clear concern (disclosure)"
    assert "stopped" in page.step_list.item(STEP_SCREENING).text()
    with qtbot.waitSignal(page.saved, timeout=5000) as saved:
        page.save()
    result = saved.args[0]
    assert result.result_level == "clear_concern"
    assert "disclosure_stop_and_refer" in {s.step for s in result.checklist}


# -- drafts ---------------------------------------------------------------------------------


def test_a_draft_survives_closing_and_reopening_the_page(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor
) -> None:
    youth_id = register(at_night, officer, "Skye", "Hollander", dt.date(2010, 9, 30))
    page = open_page(qtbot, context)
    assert not page.draft_bar.isVisible()  # nothing to resume yet
    pick_youth(qtbot, page, "hollander")
    fill_episode(qtbot, page)
    add_charges(qtbot, page, "PC 242")
    page.screening_step.form.rate("rb_runaway", "clear")
    with qtbot.waitSignal(page.draft_saved, timeout=5000) as kept:
        pass  # autosave, a moment after the last edit
    first = kept.args[0]
    assert first.youth_id == youth_id
    page.risk_step.form.answer("most_serious_offence", "misd_person_weapon")
    with qtbot.waitSignal(page.draft_saved, timeout=5000):
        page.close()  # leaving the page keeps the latest edit at once
    page.deleteLater()

    again = open_page(qtbot, context)
    assert again.draft_bar.isVisible() and "Hollander, Skye" in again.draft_label.text()
    qtbot.mouseClick(again.resume_button, Qt.MouseButton.LeftButton)
    assert not again.draft_bar.isVisible()
    assert again.youth_step.youth is not None and again.youth_step.youth.id == youth_id
    assert again.episode_step.custody_time.text() == "21:40"
    assert again.episode_step.housing.text() == "Unit 3"
    assert again.charges_step.codes_chosen() == ["PC 242"]
    assert again.screening_step.form.responses() == {"rb_runaway": "clear"}
    assert again.risk_step.form.answers() == {"most_serious_offence": "misd_person_weapon"}

    qtbot.keyClicks(again.episode_step.officer, "Ofc. Tan")
    with qtbot.waitSignal(again.draft_saved, timeout=5000) as kept:
        pass
    assert kept.args[0].id == first.id  # the same draft goes on; no copies pile up
    assert [d.id for d in intake_drafts.list_drafts(at_night, officer)] == [first.id]


def test_a_discarded_draft_is_gone(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor
) -> None:
    intake_drafts.save_draft(
        at_night, officer, {"format": 1, "episode": {"custody_time": "1:05 am"}}
    )
    page = open_page(qtbot, context)
    assert page.draft_bar.isVisible() and "no youth chosen yet" in page.draft_label.text()
    with qtbot.waitSignal(page.drafts_checked, timeout=5000) as checked:
        qtbot.mouseClick(page.discard_button, Qt.MouseButton.LeftButton)
    assert checked.args[0] == 0 and not page.draft_bar.isVisible()
    assert intake_drafts.list_drafts(at_night, officer) == ()


def test_the_page_is_only_for_roles_that_record_intakes(
    qtbot: QtBot, core: Core, admin: Actor
) -> None:
    from girlscourt.services.security import accounts

    accounts.create_user(core, admin, "clerk", "court_clerk", "court clerk desk 2026", "Cy Clerk")
    clerk = accounts.authenticate(core, "clerk", "court clerk desk 2026")
    window = MainWindow(AppContext(core, clerk))
    qtbot.addWidget(window)
    assert "intake" not in window.feature_widgets
    assert "custody-board" in window.feature_widgets  # the board is for every desk


def test_a_new_youth_is_registered_from_the_intake_and_chosen(
    qtbot: QtBot, at_night: Core, context: AppContext
) -> None:
    page = open_page(qtbot, context)
    with qtbot.waitSignal(page.new_youth_shown, timeout=5000) as shown:
        qtbot.mouseClick(page.youth_step.register_button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    type_into(qtbot, dialog.form.legal_first_name, "Zoë")  # keyClicks aborts on non-ASCII
    qtbot.keyClicks(dialog.form.legal_last_name, "Quillfeather")
    qtbot.keyClicks(dialog.form.dob, "02/14/2011")
    with qtbot.waitSignal(page.youth_step.chosen, timeout=5000) as chosen:
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    youth = chosen.args[0]
    assert youth.name == "Quillfeather, Zoë" and youth.dob == dt.date(2011, 2, 14)
    assert page.current_step() == STEP_EPISODE
    qtbot.waitUntil(lambda: page.new_youth_dialog is None, timeout=2000)


def test_a_screening_override_needs_its_reason(
    qtbot: QtBot, at_night: Core, context: AppContext, admin: Actor, officer: Actor
) -> None:
    train(at_night, admin, "officer")
    register(at_night, officer, "Uma", "Ravensworth", dt.date(2010, 10, 10))
    page = open_page(qtbot, context)
    pick_youth(qtbot, page, "ravensworth")
    fill_episode(qtbot, page)
    add_charges(qtbot, page, "PC 602")
    form = page.screening_step.form
    rate_all(page)
    qtbot.waitUntil(lambda: form.level_label.text() == "No concern", timeout=5000)
    form.override_level.setCurrentIndex(form.override_level.findData("possible"))

    error = save_and_wait_failure(qtbot, page)
    assert getattr(error, "field", None) == "override_reason"
    assert page.current_step() == STEP_SCREENING
    assert form.override_error.text() == "An override needs a reason."
    assert QApplication.focusWidget() is form.override_reason

    qtbot.keyClicks(form.override_reason, "Her older 'boyfriend' collected her from the unit")
    qtbot.waitUntil(lambda: form.level_label.text() == "Possible concern", timeout=5000)
    assert "Overridden from No concern" in form.detail_label.text()
    with qtbot.waitSignal(page.saved, timeout=5000) as saved:
        page.save()
    assert saved.args[0].result_level == "possible"
