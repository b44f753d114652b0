"""The worker helper: results and typed errors arrive on the GUI thread; dropped jobs stay silent."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from girlscourt.errors import DatabaseUnavailable
from ui import workers

from .conftest import drain_workers


def test_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    seen: dict[str, object] = {}

    def work(a: int, b: int) -> int:
        seen["worker_thread"] = threading.current_thread()
        return a + b

    def done(result: int) -> None:
        seen["result"] = result
        seen["gui"] = QThread.currentThread() is QApplication.instance().thread()

    job = workers.run(work, 2, 3, on_done=done)
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == [5]
    assert seen["result"] == 5 and seen["gui"] is True
    assert seen["worker_thread"] is not threading.main_thread()


def test_typed_error_arrives_as_failed(qtbot: QtBot) -> None:
    errors: list[BaseException] = []

    def broken() -> None:
        raise DatabaseUnavailable("database: cannot use test.db: disk I/O error")

    job = workers.run(broken, on_error=errors.append)
    with qtbot.waitSignal(job.failed, timeout=5000):
        pass
    assert isinstance(errors[0], DatabaseUnavailable)


def test_cancelled_job_delivers_nothing(qtbot: QtBot) -> None:
    release = threading.Event()
    delivered: list[object] = []
    job = workers.run(lambda: release.wait(5) and "stale", on_done=delivered.append)
    job.cancel()
    release.set()
    drain_workers()
    assert delivered == []
    assert job.done


def test_destroyed_context_drops_the_result(qtbot: QtBot) -> None:
    release = threading.Event()
    delivered: list[object] = []
    owner = QObject()
    workers.run(lambda: release.wait(5) and 1, on_done=delivered.append, context=owner)
    with qtbot.waitSignal(owner.destroyed, timeout=5000):
        owner.deleteLater()
    release.set()
    drain_workers()
    assert delivered == []


class _Asker(QWidget):
    """A screen that asks for data and is then let go while the answer is on its way."""

    def __init__(self, seen: list[object]) -> None:
        super().__init__()
        self._seen = seen

    def show_result(self, result: object) -> None:
        self._seen.append(result)


def test_a_job_holding_the_last_reference_to_its_widget_ends_cleanly(qtbot: QtBot) -> None:
    """The job's callback is the widget's last reference; freeing it fires ``destroyed`` at the
    job's own ``cancel``. That once crashed the process (the job was half freed); now the
    callbacks are dropped while the job is alive, on the GUI thread, and the widget goes."""
    seen: list[object] = []
    release = threading.Event()
    gone: list[bool] = []
    asker = _Asker(seen)
    asker.destroyed.connect(lambda: gone.append(True))
    job = workers.run(
        lambda: release.wait(5) and "answer", on_done=asker.show_result, context=asker
    )
    del asker  # only the job's callback holds the widget now
    finished = qtbot.waitSignal(job.finished, timeout=5000)
    with finished:
        release.set()
    del job, finished
    drain_workers()
    gc.collect()
    assert seen == ["answer"] and gone == [True]


def test_synchronous_mode_runs_inline() -> None:
    delivered: list[object] = []
    with workers.synchronous():
        job = workers.run(lambda x: x * 2, 21, on_done=delivered.append)
    assert delivered == [42] and job.done and workers.pending() == 0


def test_unexpected_error_is_still_delivered(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    errors: list[BaseException] = []

    def bug() -> None:
        raise KeyError("a bug")

    job = workers.run(bug, on_error=errors.append)
    with qtbot.waitSignal(job.failed, timeout=5000):
        pass
    assert isinstance(errors[0], KeyError)
    assert "unexpected error" in caplog.text
