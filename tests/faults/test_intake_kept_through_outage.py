"""The shared PostgreSQL server goes away mid-intake (issue 14, point 4), driven on the real page.

The private server is stopped the way a crash stops it (``immediate``) while an officer is at
the intake page: once as she presses Save, once while she is still typing (the autosave finds
it gone). Each time the form keeps every value, the page says "Database unavailable — your entry
is kept on this workstation", a sealed recovery draft is on disk, and when the server is back
the entry is saved exactly once (in round one after closing the page and resuming the kept
entry), and the recovery draft is gone. In the figures, "lost" counts entries that did not end
up saved, and the seconds run from stopping the server to the message on the page.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from girlscourt.db import migrate
from girlscourt.db.models import CustodyEpisode
from girlscourt.db.session import Database
from girlscourt.errors import DatabaseUnavailable
from girlscourt.services.intake import intake_drafts, recovery_drafts
from girlscourt.services.intake.recovery_drafts import SUFFIX
from girlscourt.services.kernel.core import Core
from tests.faults.fault_table import FaultTable
from tests.faults.intake_desk import Desk, prepare
from tests.faults.pg_server import PgServer
from tests.support import risk_answers
from tests.ui.test_intake_page import add_charges, answer_risk, fill_episode, pick_youth
from ui import workers
from ui.context import AppContext
from ui.pages.intake_page import IntakePage

FAULT = "Intake kept through a PostgreSQL outage (14.4)"
MESSAGE = (
    "Database unavailable — your entry is kept on this workstation. Try saving again when the "
    "connection is back."
)


def drain() -> None:
    """Every background call finished and delivered (waits on the pool, never sleeps)."""
    for _ in range(400):
        workers.wait_for_threads()
        QCoreApplication.processEvents()
        if not workers.pending():
            return
    raise AssertionError(f"{workers.pending()} background calls never finished")


@pytest.fixture
def desk(pg_fault_url: str, pg_server: PgServer, qapp: QApplication) -> Iterator[Desk]:
    db = Database.open(pg_fault_url)
    migrate.upgrade(db.engine)
    yield prepare(Core(db))
    if not pg_server.running():
        pg_server.start()
    drain()
    workers.shutdown()
    db.dispose()


def open_page(qtbot: QtBot, context: AppContext) -> IntakePage:
    page = IntakePage(context)
    qtbot.addWidget(page)
    page.resize(1100, 780)
    with qtbot.waitSignal(page.ready, timeout=15_000):
        pass
    with qtbot.waitSignal(page.drafts_checked, timeout=15_000):
        page.show()
    qtbot.waitExposed(page)
    return page


def fill_in(qtbot: QtBot, page: IntakePage) -> None:
    pick_youth(qtbot, page, "testcase")
    fill_episode(qtbot, page)
    add_charges(qtbot, page, "PC 459")
    qtbot.keyClick(page.screening_step.later, Qt.Key.Key_Space)
    answer_risk(qtbot, page)
    page.decision_step.choose("release")


def values_kept(page: IntakePage, youth_id: int) -> bool:
    return (
        page.youth_step.youth is not None
        and page.youth_step.youth.id == youth_id
        and page.episode_step.custody_time.text() == "21:40"
        and page.episode_step.housing.text() == "Unit 3"
        and page.charges_step.codes_chosen() == ["PC 459"]
        and page.screening_step.later.isChecked()
        and page.risk_step.form.answers() == risk_answers()
        and page.decision_step.decision() == "release"
    )


def kept_files(desk: Desk) -> list[Path]:
    folder = recovery_drafts.recovery_folder(desk.core.db.target, desk.officer)
    return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []


def episodes(desk: Desk) -> int:
    with desk.core.read() as session:
        return int(session.execute(select(func.count(CustodyEpisode.id))).scalar_one())


def test_the_server_stops_as_the_officer_saves(
    qtbot: QtBot, desk: Desk, pg_server: PgServer, fault_table: FaultTable
) -> None:
    context = AppContext(desk.core, desk.officer)
    page = open_page(qtbot, context)
    fill_in(qtbot, page)

    pg_server.stop("immediate")
    started = time.monotonic()
    with qtbot.waitSignals([page.save_failed, page.recovery_kept], timeout=60_000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    seconds = time.monotonic() - started
    assert page.message.text() == MESSAGE and page.save_button.isEnabled()
    assert page.views.currentWidget() is page.form_view and values_kept(page, desk.youth_id)
    (sealed,) = kept_files(desk)
    assert b"Faultia0" not in sealed.read_bytes() and b"Testcase" not in sealed.read_bytes()
    page.close()
    drain()

    pg_server.start()
    pg_server.wait_ready()
    again = open_page(qtbot, context)
    assert again.offered_recovery is not None
    qtbot.mouseClick(again.resume_button, Qt.MouseButton.LeftButton)
    resumed = values_kept(again, desk.youth_id)
    with qtbot.waitSignal(again.saved, timeout=30_000):
        qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    drain()
    saved_once = episodes(desk) == 1
    cleaned = kept_files(desk) == [] and intake_drafts.list_drafts(desk.core, desk.officer) == ()
    fault_table.record(
        FAULT,
        rounds=1,
        survived=int(resumed and saved_once and cleaned),
        lost=0 if resumed else 1,
        partial=0,
        seconds_to_error=seconds,
        backend="postgresql",
    )
    assert resumed and saved_once and cleaned


def test_the_server_stops_while_the_officer_types(
    qtbot: QtBot, desk: Desk, pg_server: PgServer, fault_table: FaultTable
) -> None:
    context = AppContext(desk.core, desk.officer)
    page = open_page(qtbot, context)
    pick_youth(qtbot, page, "testcase")
    drain()

    pg_server.stop("immediate")
    started = time.monotonic()
    errors: list[object] = []
    page.save_failed.connect(errors.append)
    with qtbot.waitSignal(page.recovery_kept, timeout=60_000):
        fill_episode(qtbot, page)  # the autosave a moment later finds the server gone
    seconds = time.monotonic() - started
    assert page.message.text() == MESSAGE and len(kept_files(desk)) == 1
    add_charges(qtbot, page, "PC 459")
    qtbot.keyClick(page.screening_step.later, Qt.Key.Key_Space)
    answer_risk(qtbot, page)
    page.decision_step.choose("release")

    kept = values_kept(page, desk.youth_id) and page.message.text() == MESSAGE

    pg_server.start()
    pg_server.wait_ready()
    with qtbot.waitSignal(page.saved, timeout=30_000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)  # the same page, retried
    drain()
    saved_once = episodes(desk) == 1
    cleaned = kept_files(desk) == []
    assert not errors or all(isinstance(e, DatabaseUnavailable) for e in errors)
    fault_table.record(
        FAULT,
        rounds=1,
        survived=int(kept and saved_once and cleaned),
        lost=0 if kept and saved_once else 1,
        partial=0,
        seconds_to_error=seconds,
        backend="postgresql",
    )
    assert kept and saved_once and cleaned
