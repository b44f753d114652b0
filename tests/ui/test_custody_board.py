"""The in-custody board: nearest deadline first, coloured by hours left, live across desks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from girlscourt.domain.deadlines import CITATIONS, Deadline
from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput
from girlscourt.errors import DatabaseUnavailable
from girlscourt.services.intake import custody_board, intake
from girlscourt.services.intake.custody_board import BoardRow
from girlscourt.services.intake.intake import IntakeRequest
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.kernel.startup import open_core
from tests.support import register
from ui.context import AppContext
from ui.models.board_table_model import (
    AMBER_HOURS,
    COL_DEADLINE,
    COL_DUE,
    COL_LEFT,
    COL_NAME,
    COL_STEPS,
    URGENCY_STYLES,
    YELLOW_HOURS,
    BoardTableModel,
    Urgency,
    format_hours_left,
    urgency,
)
from ui.pages.custody_board_page import CustodyBoardPage
from ui.widgets.change_watch import ChangeWatch

TZ = ZoneInfo("America/Los_Angeles")
WEDNESDAY_NIGHT = dt.datetime(2026, 11, 25, 22, 0, tzinfo=TZ)


@pytest.fixture
def at_night(core: Core) -> Iterator[Core]:
    core.clock = lambda: WEDNESDAY_NIGHT.astimezone(dt.UTC)
    yield core


class FakeNavigator:
    def __init__(self) -> None:
        self.opened: list[int] = []

    def open_youth(self, youth_id: int) -> object:
        self.opened.append(youth_id)
        return None


def book(core: Core, actor: Actor, youth_id: int, started: dt.datetime, **extra: object) -> int:
    episode = EpisodeInput(youth_id, started, (ChargeInput("PC 211"),), **extra)  # type: ignore[arg-type]
    return intake.record_intake(core, actor, IntakeRequest(episode)).episode_id


def open_board(
    qtbot: QtBot, context: AppContext, navigator: FakeNavigator | None = None
) -> CustodyBoardPage:
    page = CustodyBoardPage(context, navigator)
    qtbot.addWidget(page)
    page.resize(1200, 500)
    with qtbot.waitSignal(page.refreshed, timeout=5000):
        page.show()
    qtbot.waitExposed(page)
    return page


def colour(model: BoardTableModel, row: int) -> str | None:
    brush = model.index(row, COL_NAME).data(Qt.ItemDataRole.BackgroundRole)
    return brush.color().name() if isinstance(brush, QBrush) else None


# -- the thresholds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (None, Urgency.NORMAL),
        (-0.01, Urgency.BREACHED),
        (0.0, Urgency.AMBER),
        (AMBER_HOURS - 0.01, Urgency.AMBER),
        (AMBER_HOURS, Urgency.YELLOW),
        (YELLOW_HOURS - 0.01, Urgency.YELLOW),
        (YELLOW_HOURS, Urgency.NORMAL),
        (300.0, Urgency.NORMAL),
    ],
)
def test_urgency_bands(hours: float | None, expected: Urgency) -> None:
    assert urgency(hours) is expected


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (None, "—"),
        (0.5, "30 min"),
        (5 + 20 / 60, "5 h 20 min"),
        (47.5, "47 h 30 min"),
        (4 * 24 + 1, "4 d 1 h"),
        (-(2 + 5 / 60), "Breached 2 h 5 min ago"),
    ],
)
def test_time_left_wording(hours: float | None, text: str) -> None:
    assert format_hours_left(hours) == text


def _row(episode_id: int, due: dt.datetime) -> BoardRow:
    deadline = Deadline("WIC631", CITATIONS["WIC631"], due, "open")
    return BoardRow(
        episode_id,
        episode_id + 100,
        "M.A.",
        f"Youth {episode_id}",
        "Unit 1",
        due - dt.timedelta(hours=48),
        deadline,
        None,
        (deadline,),
        2 if episode_id == 1 else 0,
    )


def test_rows_change_colour_as_time_passes_without_a_reset(qtbot: QtBot) -> None:
    now = WEDNESDAY_NIGHT
    rows = [_row(1, now + dt.timedelta(hours=30)), _row(2, now + dt.timedelta(hours=80))]
    model = BoardTableModel(TZ, now)
    model.set_rows(rows, now)
    assert colour(model, 0) is None and model.index(0, COL_LEFT).data() == "30 h 0 min"
    assert model.index(0, COL_STEPS).data() == "2" and model.index(1, COL_STEPS).data() == ""
    with qtbot.assertNotEmitted(model.modelReset):
        model.set_now(now + dt.timedelta(hours=10))
        assert colour(model, 0) == URGENCY_STYLES[Urgency.YELLOW].background
        model.set_now(now + dt.timedelta(hours=25))
        assert colour(model, 0) == URGENCY_STYLES[Urgency.AMBER].background
        model.set_now(now + dt.timedelta(hours=31))
        assert colour(model, 0) == URGENCY_STYLES[Urgency.BREACHED].background
        assert model.index(0, COL_LEFT).data() == "Breached 1 h 0 min ago"
        model.set_rows(rows, now)  # the same youths again: updated in place
    with qtbot.waitSignal(model.modelReset):
        model.set_rows(rows[1:], now)
    assert model.rowCount() == 1


# -- the page ---------------------------------------------------------------------------------


def test_the_board_lists_youths_nearest_deadline_first_in_colour(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor
) -> None:
    fresh = register(at_night, officer, "Bea", "Cedarfield")
    soon = register(at_night, officer, "Ana", "Birchwood")
    book(at_night, officer, fresh, WEDNESDAY_NIGHT - dt.timedelta(minutes=10))
    # In custody since Monday evening: her 48 judicial hours run out Wednesday evening.
    book(at_night, officer, soon, WEDNESDAY_NIGHT - dt.timedelta(hours=50), housing_unit="B-2")
    page = open_board(qtbot, context)
    model = page.model
    assert [model.index(r, COL_NAME).data() for r in range(2)] == [
        "Birchwood, Ana",
        "Cedarfield, Bea",
    ]
    assert colour(model, 0) == URGENCY_STYLES[Urgency.BREACHED].background
    assert model.index(0, COL_LEFT).data().startswith("Breached")
    assert "WIC 631" in model.index(0, COL_DEADLINE).data()
    assert colour(model, 1) is None  # the long weekend leaves days
    assert model.index(1, COL_DUE).data() == "Tue 12/01 9:50 PM"
    assert "1 breached" in page.status.text()
    assert page.table.currentIndex().row() == 0


def test_a_youth_turning_18_in_custody_is_marked_on_the_board(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor
) -> None:
    """Born 29 November 2008, booked on Wednesday 25 November 2026: she turns 18 on Sunday,
    within the county's seven days, so her name carries the mark and its reason, and the status
    line says so; a youth of 15 beside her carries none."""
    turning = register(at_night, officer, "Pia", "Quenby", dt.date(2008, 11, 29))
    young = register(at_night, officer, "Bea", "Cedarfield", dt.date(2011, 3, 2))
    book(at_night, officer, turning, WEDNESDAY_NIGHT - dt.timedelta(hours=2))
    book(at_night, officer, young, WEDNESDAY_NIGHT - dt.timedelta(hours=1))
    page = open_board(qtbot, context)
    model = page.model
    names = [model.index(r, COL_NAME).data() for r in range(2)]
    assert names == ["⚠ Quenby, Pia", "Cedarfield, Bea"]
    reason = model.index(0, COL_NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert reason.startswith("Turns 18 on 11/29/2026")
    assert model.index(1, COL_NAME).data(Qt.ItemDataRole.ToolTipRole) in (None, "")
    assert "⚠ 1 youth is turning 18" in page.status.text()


def test_another_desk_writing_refreshes_the_board(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor
) -> None:
    page = open_board(qtbot, context)
    assert page.model.rowCount() == 0 and "Nobody is in custody" in page.status.text()
    page.watch.set_interval(50)
    other = open_core(str(at_night.db.engine.url))
    try:
        youth_id = register(other, officer, "Cleo", "Dunmore")
        book(other, officer, youth_id, WEDNESDAY_NIGHT - dt.timedelta(hours=1))
        qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    finally:
        other.db.dispose()
    assert page.model.index(0, COL_NAME).data() == "Dunmore, Cleo"


def test_enter_opens_the_record(
    qtbot: QtBot, at_night: Core, context: AppContext, officer: Actor
) -> None:
    youth_id = register(at_night, officer)
    book(at_night, officer, youth_id, WEDNESDAY_NIGHT - dt.timedelta(hours=2))
    navigator = FakeNavigator()
    page = open_board(qtbot, context, navigator)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert navigator.opened == [youth_id]
    index = page.model.index(0, COL_NAME)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert navigator.opened == [youth_id, youth_id]


def test_a_failed_load_keeps_what_was_shown_and_offers_try_again(
    qtbot: QtBot,
    at_night: Core,
    context: AppContext,
    officer: Actor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    youth_id = register(at_night, officer)
    book(at_night, officer, youth_id, WEDNESDAY_NIGHT - dt.timedelta(hours=2))
    page = open_board(qtbot, context)
    real = custody_board.in_custody_board

    def down(*_args: object) -> tuple[BoardRow, ...]:
        raise DatabaseUnavailable("the server does not answer")

    monkeypatch.setattr(custody_board, "in_custody_board", down)
    with qtbot.waitSignal(page.refreshed, timeout=5000):
        page.refresh()
    assert "could not reach the database" in page.message.text()
    assert "Showing what was loaded" in page.message.text()
    assert page.model.rowCount() == 1
    monkeypatch.setattr(custody_board, "in_custody_board", real)
    with qtbot.waitSignal(page.refreshed, timeout=5000):
        qtbot.mouseClick(page.message.button, Qt.MouseButton.LeftButton)
    assert page.message.text() == ""


def test_the_watch_polls_only_while_shown(
    qtbot: QtBot, at_night: Core, context: AppContext
) -> None:
    page = open_board(qtbot, context)
    assert page.watch.active
    page.hide()
    assert not page.watch.active


def test_change_watch_reports_changes_failures_and_recovery(qtbot: QtBot, core: Core) -> None:
    answers: list[int | Exception] = [5, 5, 6, DatabaseUnavailable("gone"), 6]

    def probe(_core: Core) -> int:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    watch = ChangeWatch(core, interval_ms=10_000, probe=probe)
    with qtbot.waitSignal(watch.changed, timeout=5000) as first:
        watch.start()  # the first poll always reports
    assert first.args == [5]
    with qtbot.assertNotEmitted(watch.changed, wait=100):
        watch.poll()
        qtbot.waitUntil(lambda: len(answers) == 3, timeout=5000)
    with qtbot.waitSignal(watch.changed, timeout=5000) as changed:
        watch.poll()
    assert changed.args == [6]
    with qtbot.waitSignal(watch.failed, timeout=5000):
        watch.poll()
    with qtbot.waitSignal(watch.changed, timeout=5000) as recovered:
        watch.poll()  # same token, but the view missed nothing only if it reloads now
    assert recovered.args == [6]
    watch.stop()
    assert not watch.active


def test_a_time_due_at_midnight_reads_as_the_end_of_the_day_before() -> None:
    """Wed 12/09/2026 00:00 is the end of Tuesday: said as such, never "Wed 12:00 AM"."""
    from ui.models.board_table_model import format_due, format_short

    midnight = dt.datetime(2026, 12, 9, 0, 0, tzinfo=TZ)
    assert format_due(midnight, TZ) == "end of Tue 12/08/2026 PST"
    assert format_short(midnight, TZ) == "end of Tue 12/08"
    evening = dt.datetime(2026, 12, 8, 23, 59, tzinfo=TZ)
    assert format_due(evening, TZ) == "Tue 12/08/2026 11:59 PM PST"
    assert format_short(evening, TZ) == "Tue 12/08 11:59 PM"
