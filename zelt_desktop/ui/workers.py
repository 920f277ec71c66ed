"""Run blocking core calls off the GUI thread and report through signals."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from zelt_desktop.errors import ZeltError
from zelt_desktop.ui.messages import explain

log = logging.getLogger(__name__)


class Job(QObject):
    """One call running in the pool.

    Signals (all delivered on the GUI thread):
        progressed(object): whatever the call passed to its ``report``.
        succeeded(object): the call's return value.
        failed(object): the exception it raised.
        finished(): after either of the two above.

    The call gets ``report`` as keyword when it asks for it, and may check
    ``job.cancelled`` (a threading.Event) to stop early.
    """

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, name: str, fn: Callable[..., Any], args: tuple,
                 kwargs: dict) -> None:
        super().__init__()
        self.name = name
        self.cancelled = threading.Event()
        self._fn, self._args, self._kwargs = fn, args, kwargs

    def cancel(self) -> None:
        self.cancelled.set()

    def report(self, value: object) -> None:
        """Called from the worker thread: queued to the GUI thread."""
        if not self.cancelled.is_set():
            self.progressed.emit(value)

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread
            if not isinstance(e, Exception):
                raise
            log.debug("job %s failed: %s", self.name, type(e).__name__)
            if not self.cancelled.is_set():
                self.failed.emit(e)
        else:
            if not self.cancelled.is_set():
                self.succeeded.emit(result)
        finally:
            self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    @Slot()
    def run(self) -> None:
        self.job.run()


class Workers(QObject):
    """A small thread pool for the window's blocking calls.

    Jobs are kept referenced until they finish, so their signals survive;
    ``shutdown`` cancels them all and waits a bounded time.
    """

    def __init__(self, parent: QObject | None = None, *,
                 max_threads: int = 6) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._jobs: set[Job] = set()

    def start(self, name: str, fn: Callable[..., Any], *args: Any,
              on_success: Callable[[Any], None] | None = None,
              on_failure: Callable[[Exception], None] | None = None,
              on_progress: Callable[[Any], None] | None = None,
              with_job: bool = False, **kwargs: Any) -> Job:
        """Run ``fn(*args, **kwargs)`` in the pool.

        With ``with_job`` the call also receives ``job=`` so that it can
        report progress and see cancellation.
        """
        job = Job(name, fn, args, kwargs)
        if with_job:
            job._kwargs["job"] = job
        if on_success:
            job.succeeded.connect(on_success)
        if on_failure:
            job.failed.connect(lambda e: self._on_job_failed(e, on_failure))
        else:
            job.failed.connect(lambda e: self._on_job_unhandled(job.name, e))
        if on_progress:
            job.progressed.connect(on_progress)
        job.finished.connect(lambda: self._jobs.discard(job))
        # The lambda above keeps the job alive; Qt frees it once done.
        job.finished.connect(job.deleteLater)
        self._jobs.add(job)
        self._pool.start(_Runnable(job))
        return job

    @staticmethod
    def _on_job_failed(error: Exception,
                       handler: Callable[[Exception], None]) -> None:
        if not isinstance(error, ZeltError):
            explain(error)  # a bug: logged at ERROR with its traceback
        handler(error)

    @staticmethod
    def _on_job_unhandled(name: str, error: Exception) -> None:
        """A failure nobody asked to hear about."""
        if isinstance(error, ZeltError):
            log.warning("job %s failed: %s", name, type(error).__name__)
            return
        # A bug: the crash reporter (installed at start-up) shows it.
        sys.excepthook(type(error), error, error.__traceback__)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        for job in list(self._jobs):
            job.cancel()
        return self._pool.waitForDone(timeout_ms)
