"""The one helper that runs service calls off the GUI thread and signals results back.

Python's cyclic garbage collector can run in whichever thread happens to allocate; if it frees a
Qt widget from a pool thread, the process crashes. So while the pool is in use, automatic
collection is off and a GUI-thread timer collects instead (``shutdown()`` turns it back on).

Usage::

    job = workers.run(youths.find_youths, core, actor, text,
                      on_done=self._show, on_error=self._failed, context=self)
    job.cancel()  # a newer query was issued: this result is dropped, never delivered

``context`` ties the job to a widget: if the widget is destroyed first, nothing is delivered.
Tests may call ``set_synchronous(True)`` (or use ``synchronous()``) to run calls inline, or keep
the thread pool and wait with ``qtbot.waitSignal(job.finished)`` / ``qtbot.waitUntil``.

"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, QTimer, Signal, Slot

from girlscourt.errors import GirlsCourtError

_log = logging.getLogger(__name__)

MAX_THREADS = 4  # a few concurrent reads; SQLite serialises the writes anyway

_synchronous = False
_pool: QThreadPool | None = None
_dispatcher: _Dispatcher | None = None
_collector: _GuiThreadCollector | None = None
_active: dict[Job, _Outcome] = {}  # undelivered jobs and what each call holds


class Job(QObject):
    """One running service call; emits exactly one of ``finished`` / ``failed`` unless cancelled."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_done: Callable[[Any], object] | None,
        on_error: Callable[[BaseException], object] | None,
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self.cancelled = False
        self.done = False

    @Slot()
    def cancel(self) -> None:
        """Drop the result: callbacks and signals will not fire (the call itself still ends)."""
        self.cancelled = True

    def _deliver(self, result: object, error: BaseException | None) -> None:
        self.done = True
        try:
            if not self.cancelled:
                self._emit(result, error)
        finally:
            # The callbacks are often bound methods of the widget that asked, and may hold its
            # last reference. Drop them while this job is alive: the widget's ``destroyed``
            # then reaches a live ``cancel``. Dropped later, inside this job's own
            # deallocation, that signal would call into a half-freed object and crash.
            self._on_done = self._on_error = None

    def _emit(self, result: object, error: BaseException | None) -> None:
        if error is None:
            if self._on_done is not None:
                self._on_done(result)
            self.finished.emit(result)
            return
        if not isinstance(error, GirlsCourtError):
            _log.error("unexpected error in a background call", exc_info=error)
        if self._on_error is not None:
            self._on_error(error)
        elif isinstance(error, GirlsCourtError):
            _log.warning("background call failed with no handler: %s", error)
        self.failed.emit(error)


class _Dispatcher(QObject):
    """Lives in the GUI thread; a signal emitted to it from a pool thread arrives queued."""

    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(self._on_deliver)

    @Slot(object)
    def _on_deliver(self, outcome: _Outcome) -> None:
        _deliver(outcome)


class _GuiThreadCollector(QObject):
    """Automatic garbage collection, moved to the GUI thread (the generational thresholds kept)."""

    INTERVAL_MS = 500

    def __init__(self) -> None:
        super().__init__()
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    @Slot()
    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Collect everything here, then hand collection back to Python."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


class _Outcome:
    """Everything one call touches, owned by the GUI thread from start to end.

    A pool thread only borrows it: it fills ``result`` / ``error`` and hands the outcome back.
    The GUI thread then drops the function, its arguments and the result, so the last
    reference to anything of the caller's (a closure over a widget, a traceback's frames) is
    released on the GUI thread, never on the pool thread where freeing a Qt object crashes.
    """

    __slots__ = ("args", "error", "fn", "job", "kwargs", "result")

    def __init__(self, job: Job, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any):
        self.job: Job | None = job
        self.fn: Callable[..., Any] = fn
        self.args, self.kwargs = args, kwargs
        self.result: object = None
        self.error: BaseException | None = None

    def execute(self) -> None:
        """Make the call (on a pool thread, or inline when synchronous) and keep what it gave."""
        try:
            self.result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # every failure goes back to the GUI thread, typed
            self.error = exc

    def release(self) -> None:
        """Drop every reference held (called on the GUI thread)."""
        self.job, self.fn, self.args, self.kwargs = None, _noop, (), {}
        self.result = self.error = None


def _deliver(outcome: _Outcome) -> None:
    """On the GUI thread: hand the result to its job, then let go of everything the call held."""
    job = outcome.job
    if job is None:  # delivered already
        return
    try:
        job._deliver(outcome.result, outcome.error)
    finally:
        outcome.release()
        _active.pop(job, None)


class _Call(QRunnable):
    def __init__(self, outcome: _Outcome) -> None:
        super().__init__()
        self._outcome: _Outcome | None = outcome

    def run(self) -> None:
        outcome = self._outcome
        assert outcome is not None and _dispatcher is not None
        self._outcome = None
        outcome.execute()
        _dispatcher.deliver.emit(outcome)  # the GUI thread releases what the outcome holds


def _noop() -> None:
    return None


def _ensure_started() -> tuple[QThreadPool, _Dispatcher]:
    global _pool, _dispatcher, _collector
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    if _collector is None:
        _collector = _GuiThreadCollector()
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(MAX_THREADS)
    if _dispatcher.thread() is not QThread.currentThread():
        raise RuntimeError("workers.run must be called from the GUI thread")
    return _pool, _dispatcher


def run(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], object] | None = None,
    on_error: Callable[[BaseException], object] | None = None,
    context: QObject | None = None,
    **kwargs: Any,
) -> Job:
    """Call ``fn(*args, **kwargs)`` on a pool thread; callbacks then signals on the GUI thread."""
    pool, _ = _ensure_started()
    job = Job(on_done, on_error)
    if context is not None:
        context.destroyed.connect(job.cancel)
    outcome = _Outcome(job, fn, args, kwargs)
    _active[job] = outcome  # the GUI thread keeps the outcome alive until it is delivered
    if _synchronous:
        outcome.execute()
        _deliver(outcome)
    else:
        pool.start(_Call(outcome))
    return job


def set_synchronous(on: bool) -> None:
    """Run every call inline on the calling thread (tests, screenshots)."""
    global _synchronous
    _synchronous = on


@contextmanager
def synchronous() -> Iterator[None]:
    """Inline calls inside the ``with`` block."""
    before = _synchronous
    set_synchronous(True)
    try:
        yield
    finally:
        set_synchronous(before)


def pending() -> int:
    """How many calls have not been delivered yet (tests wait for 0)."""
    return len(_active)


def wait_for_threads(msecs: int = 10_000) -> bool:
    """Block until the pool threads are idle (shutdown, test teardown); deliveries stay queued."""
    return _pool.waitForDone(msecs) if _pool is not None else True


def shutdown(msecs: int = 10_000) -> bool:
    """Wait for the pool, collect garbage on this (GUI) thread, restore automatic collection.

    The app calls this on exit; tests call it after each test. ``run`` starts things again.
    """
    global _collector
    idle = wait_for_threads(msecs)
    if _collector is not None and idle:
        _collector.stop()
        _collector.deleteLater()
        _collector = None
    return idle
