"""The screen lock (CJIS AC-11): after the idle limit, or on Ctrl+L, every record is hidden.

Input is noticed on each top-level window (``QWindow``), where the platform delivers a key press
or a click before Qt hands it to a widget. That sees every real keystroke without a filter on
the whole application, which would run Python for every event of every object.

While locked, the window shows only ``LockPanel``; its pages stay alive underneath, so unsaved
work is kept. Other windows (dialogs, previews) are hidden and come back on unlock. Unlocking
checks the password through ``accounts.verify_password`` on a worker thread, so wrong passwords
count toward the shared lockout exactly as at sign-in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QWindow
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from girlscourt.errors import DatabaseUnavailable, GirlsCourtError, LoginFailed
from girlscourt.services.kernel.core import Actor
from girlscourt.services.security import accounts, session_security
from ui import workers
from ui.context import AppContext
from ui.widgets.lock_panel import LockPanel

_log = logging.getLogger(__name__)

CHECK_MS = 5_000  # how often the idle time is compared with the limit

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
    }
)


class FocusFollower:
    """Calls ``receiver.method(window)`` whenever another window gains focus.

    The application outlives every main window, and its signal may fire while a window is being
    torn down: the receiver is held weakly and nothing is called once it is gone, instead of
    calling into a deleted object. ``stop`` lets go of the signal (once; later calls do nothing).
    """

    def __init__(self, receiver: QObject, method: str) -> None:
        self._ref = weakref.ref(receiver)
        self._method = method
        self._app = QGuiApplication.instance()
        self._connected = isinstance(self._app, QGuiApplication)
        if isinstance(self._app, QGuiApplication):
            self._app.focusWindowChanged.connect(self)

    def __call__(self, window: QWindow | None) -> None:
        target = self._ref()
        if target is not None and shiboken6.isValid(target):
            getattr(target, self._method)(window)

    def stop(self) -> None:
        if self._connected and isinstance(self._app, QGuiApplication):
            self._connected = False
            with contextlib.suppress(RuntimeError, TypeError):
                self._app.focusWindowChanged.disconnect(self)


def _stop_all(followers: tuple[FocusFollower, ...]) -> None:
    for follower in followers:
        follower.stop()


class IdleWatch(QObject):
    """Remembers when the person last typed, clicked or moved the mouse in any of our windows."""

    idle = Signal()

    def __init__(
        self,
        now: Callable[[], dt.datetime],
        limit: dt.timedelta,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self.limit = limit
        self.last_input_at = now()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        self._on_focus = FocusFollower(self, "watch")

    def watch(self, window: QWindow | None) -> None:
        """Notice input in ``window`` too (each window that gains focus is added once)."""
        if window is not None:
            window.removeEventFilter(self)  # never filtered twice
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the time of real input; never consumes the event."""
        if event.type() in INPUT_EVENTS:
            self.last_input_at = self._now()
        return False

    def start(self) -> None:
        """Count idle time from now."""
        self.last_input_at = self._now()
        self.timer.start()

    def stop(self) -> None:
        """No more checks (the window is closing)."""
        self.timer.stop()
        self._on_focus.stop()

    def check(self) -> bool:
        """Emit ``idle`` once the limit has passed since the last input (at it, not before)."""
        if session_security.lock_due(self.last_input_at, self._now(), self.limit):
            self.idle.emit()
            return True
        return False


class ScreenLock(QObject):
    """Locks and unlocks one main window whose central widget is ``stack`` over ``content``."""

    locked_changed = Signal(bool)
    sign_out_requested = Signal()

    def __init__(
        self,
        context: AppContext,
        window: QMainWindow,
        stack: QStackedWidget,
        content: QWidget,
    ) -> None:
        super().__init__(window)
        self.context = context
        self.window = window
        self.stack = stack
        self.content = content
        self.limit = session_security.idle_limit(context.core.settings)
        self.panel = LockPanel(f"{context.actor.display_name} ({context.actor.username})")
        self.stack.addWidget(self.panel)
        self.panel.unlock_requested.connect(self._unlock_with)
        self.panel.sign_out_requested.connect(self.sign_out_requested)
        self.watch = IdleWatch(context.core.now, self.limit, self)
        self.watch.idle.connect(lambda: self.lock(manual=False))
        self.locked = False
        self._hidden_windows: list[QWidget] = []
        self._disabled_actions: list[QAction] = []
        self._focus: QWidget | None = None
        self.lock_action = QAction("&Lock screen", window)
        self.lock_action.setShortcut("Ctrl+L")
        self.lock_action.setToolTip("Hide every record until you enter your password (Ctrl+L)")
        self.lock_action.triggered.connect(lambda: self.lock(manual=True))
        self._on_focus = FocusFollower(self, "_offer_shortcut")
        # A window deleted without being closed still lets go of the application's signal.
        followers = (self._on_focus, self.watch._on_focus)
        window.destroyed.connect(lambda *_: _stop_all(followers))

    def _offer_shortcut(self, _window: QWindow | None) -> None:
        """Ctrl+L works in dialogs too: a window-modal dialog blocks the main window's keys."""
        active = QApplication.activeWindow()
        if (
            active is not None
            and active is not self.window
            and self.lock_action not in (active.actions())
        ):
            active.addAction(self.lock_action)

    def start(self) -> None:
        """Begin watching for input (the window is shown, so it has its QWindow)."""
        handle = self.window.windowHandle()
        if handle is not None:
            self.watch.watch(handle)
        self.watch.start()

    def stop(self) -> None:
        """The window is closing: no more idle checks."""
        self.watch.stop()
        self._on_focus.stop()

    # -- locking ------------------------------------------------------------------------------

    def lock(self, *, manual: bool) -> None:
        """Hide every record and every other window; ask for the password."""
        if self.locked:
            return
        self.locked = True
        self.watch.timer.stop()
        focus = QApplication.focusWidget()
        self._focus = focus if focus is not None and self.content.isAncestorOf(focus) else None
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()
        self._hidden_windows = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget is not self.window and widget.isVisible() and widget.isWindow()
        ]
        for widget in self._hidden_windows:
            widget.hide()
        self._disabled_actions = [
            action
            for action in self.window.findChildren(QAction)
            if action.isEnabled() and action is not self.lock_action
        ]
        for action in self._disabled_actions:
            action.setEnabled(False)
        self.lock_action.setEnabled(False)
        self.window.menuBar().setEnabled(False)
        self.content.setEnabled(False)
        self.window.statusBar().clearMessage()  # e.g. "Registered <name>." must not linger
        self.stack.setCurrentWidget(self.panel)
        minutes = int(self.limit.total_seconds() // 60)
        self.panel.reset(
            "You locked the screen."
            if manual
            else f"Locked after {minutes} minutes without activity."
        )
        self.locked_changed.emit(True)
        workers.run(
            session_security.record_screen_lock,
            self.context.core,
            self.context.actor,
            manual=manual,
            on_error=self._lock_not_recorded,
            context=self,
        )

    def _lock_not_recorded(self, error: BaseException) -> None:
        # The screen is locked either way; a missing audit row must not reopen it.
        _log.warning("screen lock not recorded in the audit log: %s", error)

    # -- unlocking ----------------------------------------------------------------------------

    def _unlock_with(self, password: str) -> None:
        workers.run(
            accounts.verify_password,
            self.context.core,
            self.context.actor,
            password,
            on_done=self._unlocked,
            on_error=self._refused,
            context=self,
        )

    def _refused(self, error: BaseException) -> None:
        if isinstance(error, LoginFailed):
            text = str(error)
        elif isinstance(error, DatabaseUnavailable):
            text = f"The database cannot be reached ({error}). Try again in a moment."
        elif isinstance(error, GirlsCourtError):
            text = str(error)
        else:
            text = "The password could not be checked (the details are in the log)."
        self.panel.show_error(text)

    def _unlocked(self, _actor: Actor) -> None:
        self.unlock()

    def unlock(self) -> None:
        """Show the window's pages again as they were, and the windows hidden at lock."""
        if not self.locked:
            return
        self.locked = False
        self.panel.password.clear()
        self.content.setEnabled(True)
        self.window.menuBar().setEnabled(True)
        for action in self._disabled_actions:
            if shiboken6.isValid(action):
                action.setEnabled(True)
        self.lock_action.setEnabled(True)
        self.stack.setCurrentWidget(self.content)
        for widget in self._hidden_windows:
            if shiboken6.isValid(widget):
                widget.show()
        self._hidden_windows, self._disabled_actions = [], []
        if self._focus is not None and shiboken6.isValid(self._focus):
            self._focus.setFocus()
        self._focus = None
        self.watch.start()
        self.locked_changed.emit(False)
