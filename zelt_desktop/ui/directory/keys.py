"""Sort keys of whole columns, prepared in a worker thread."""

from __future__ import annotations

import heapq
import logging
import time
from array import array
from typing import Sequence

from PySide6.QtCore import QCoreApplication, QObject

from zelt_desktop.ui.workers import Workers
from zelt_desktop.zelt.employees import COLUMNS, Employee

log = logging.getLogger(__name__)

# The worker looks at Cancel every STEP rows, and after WORK seconds of
# work it pauses for PAUSE, so that the GUI thread gets the interpreter.
STEP = 250
WORK = 0.003
PAUSE = 0.001


class SortPreparer(QObject):
    """Computes the core's sort keys and ranks off the GUI thread.

    The worker sees plain Python only: a copy of the list of Employee
    objects goes in, keys and ranks come out, and the model installs them
    on the GUI thread (``install_sort``), which drops them if the rows
    changed meanwhile.  One column at a time; a column the user is
    waiting for goes first.
    """

    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self._model = model
        self._workers = Workers(self, max_threads=1)
        self._queue: list[str] = []
        self._urgent: set[str] = set()
        self._job = None
        self._running: str | None = None
        self._ticket: tuple[int, int, int] | None = None
        self._work: list[list[Employee]] = []
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def want(self, keys: Sequence[str], urgent: bool = False) -> None:
        """Prepare ``keys``; ``urgent`` ones before anything else."""
        if urgent:
            self._interrupt(keys)
            for key in reversed(keys):
                self._urgent.add(key)
                if key == self._running:
                    continue
                if key in self._queue:
                    self._queue.remove(key)
                self._queue.insert(0, key)
        else:
            self._queue += [key for key in keys if key != self._running
                            and key not in self._queue]
        self._next()

    def reset(self) -> None:
        """Forget every request: the rows are about to change."""
        self._queue.clear()
        self._urgent.clear()
        if self._job is not None:
            self._job.cancel()   # a cancelled job reports nothing
        self._job, self._running = None, None
        self._work.clear()

    def shutdown(self, timeout_ms: int = 2000) -> None:
        """Stop the worker: the application is quitting."""
        self.reset()
        self._workers.shutdown(timeout_ms)

    def _interrupt(self, keys: Sequence[str]) -> None:
        # A column prepared ahead waits behind the one the user wants
        # now; it starts again afterwards.
        running = self._running
        if self._job is None or running in keys or running in self._urgent:
            return
        self._job.cancel()
        self._job, self._running = None, None
        self._work.clear()
        self._queue.insert(0, running)

    def _next(self) -> None:
        while self._job is None and self._queue:
            key = self._queue.pop(0)
            if self._model.sort_ready(key):
                self._urgent.discard(key)
                continue
            ticket = self._model.ticket()
            # A copy: pages appended meanwhile never reach the worker.  In
            # a holder emptied when the job ends, since a finished job
            # may outlive its work.
            self._work = [self._model.employees[:ticket[2]]]
            self._running, self._ticket = key, ticket
            # Bound methods, not lambdas: a result that arrives after the
            # panel is gone then reaches no one.
            self._job = self._workers.start(
                f"sort keys of {key}", _prepare_job, key, self._work,
                ticket, with_job=True, on_success=self._on_job_succeeded,
                on_failure=self._on_job_failed)

    def _on_job_succeeded(self, result) -> None:
        key, ticket, keys, ranks = result
        # Not the job running now: one interrupted or reset after it had
        # finished.  Its keys may still fit the rows.
        current = (key, ticket) == (self._running, self._ticket)
        if current:
            self._job, self._running = None, None
            self._work.clear()
        if self._model.install_sort(key, ticket, keys, ranks):
            self._urgent.discard(key)
        elif current and key in self._urgent:
            # Stale (a manager's name arrived): someone is waiting.
            self._queue.insert(0, key)
        self._next()

    def _on_job_failed(self, error: Exception) -> None:
        log.warning("preparing sort keys failed: %s", type(error).__name__)
        self._job, self._running = None, None
        self._work.clear()
        self._next()


def _prepare_job(key: str, work: list[list[Employee]], ticket, job):
    if not work:
        return None   # cancelled before it started
    prepared = prepare(key, work[0], job)
    return None if prepared is None else (key, ticket, *prepared)


def prepare(key: str, employees: list[Employee], job=None,
            ) -> tuple[list[tuple], array] | None:
    """Column ``key``'s sort keys and ranks (see employees.ranks).

    Runs in a worker: plain Python over a list nobody else changes.
    Returns None when ``job`` is cancelled.
    """
    sort_key = COLUMNS[key].sort_key
    pacer = _Pacer(job)
    keys: list[tuple] = []
    runs: list[list[int]] = []
    for start in range(0, len(employees), STEP):
        if not pacer.go_on():
            return None
        chunk = list(map(sort_key, employees[start:start + STEP]))
        keys.extend(chunk)
        # Sorted in C in about a millisecond; the runs are merged below.
        run = [start + i for i, k in enumerate(chunk) if k]
        run.sort(key=keys.__getitem__)
        runs.append(run)
    ranks = _ranks(keys, runs, pacer)
    return None if ranks is None else (keys, ranks)


def _ranks(keys: list[tuple], runs: list[list[int]],
           pacer: _Pacer) -> array | None:
    """Ranks from sorted runs; runs in position order keep ties stable."""
    result = array("I", bytes(4 * len(keys)))   # 0: an empty key
    rank, previous = 0, None
    merged = heapq.merge(*runs, key=keys.__getitem__)
    for count, position in enumerate(merged):
        if count % STEP == 0 and not pacer.go_on():
            return None
        key = keys[position]
        if key != previous:
            rank, previous = rank + 1, key
        result[position] = rank
    return result


class _Pacer:
    """Pauses a worker now and then, and tells it when it is cancelled.

    Without the pauses, each Python call the GUI thread makes while
    painting (a data() per cell) waited for the worker's switch interval
    (5 ms): a repaint then took 300 ms.  Sleeping hands the interpreter
    over for a moment every few milliseconds of work.
    """

    def __init__(self, job) -> None:
        self._job = job
        self._since = time.perf_counter()

    def go_on(self) -> bool:
        """False when the job is cancelled."""
        if time.perf_counter() - self._since >= WORK:
            time.sleep(PAUSE)
            self._since = time.perf_counter()
        return self._job is None or not self._job.cancelled.is_set()
