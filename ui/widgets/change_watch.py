"""Notices other workstations' writes by polling the change token off the GUI thread.

A write anywhere appends an audit event, so the token moves; open views refresh when it does.
Polling (every few seconds, only while a view is shown) works the same on PostgreSQL and
SQLite and needs no listener thread to keep alive.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from girlscourt.services.intake import custody_board
from girlscourt.services.kernel.core import Core
from ui import workers

POLL_MS = 3000


class ChangeWatch(QObject):
    """Emits ``changed(token)`` when the database changed since the last poll (and on the first).

    ``failed(error)`` reports a poll that could not reach the database; polling goes on, and
    the first good poll afterwards emits ``changed`` again so the view reloads.
    """

    changed = Signal(int)
    failed = Signal(object)

    def __init__(
        self,
        core: Core,
        interval_ms: int = POLL_MS,
        parent: QObject | None = None,
        probe: Callable[[Core], int] = custody_board.change_token,
    ) -> None:
        super().__init__(parent)
        self._core = core
        self._probe = probe
        self._job: workers.Job | None = None
        self._failing = False
        self.token: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    @property
    def active(self) -> bool:
        """Polling on a timer."""
        return self._timer.isActive()

    def set_interval(self, interval_ms: int) -> None:
        """Poll every ``interval_ms`` milliseconds from now on."""
        self._timer.setInterval(interval_ms)

    def start(self) -> None:
        """Poll now, then every interval."""
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        """Stop polling (a poll in flight still reports)."""
        self._timer.stop()

    def poll(self) -> None:
        """Ask for the token unless a poll is already on its way."""
        if self._job is not None and not self._job.done:
            return
        self._job = workers.run(
            self._probe,
            self._core,
            on_done=self._polled,
            on_error=self._poll_failed,
            context=self,
        )

    def _polled(self, token: int) -> None:
        recovered, self._failing = self._failing, False
        if token != self.token or recovered:
            self.token = token
            self.changed.emit(token)

    def _poll_failed(self, error: BaseException) -> None:
        self._failing = True
        self.failed.emit(error)
