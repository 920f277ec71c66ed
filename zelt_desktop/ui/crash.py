"""The crash dialog: an apology, what to do, and a report to copy.

An exception that nobody handled (in a slot, in a thread) reaches
``sys.excepthook`` or ``threading.excepthook``.  The reporter turns it
into a non-modal dialog, so the window stays usable where it can.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel,
                               QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)

from zelt_desktop.errors import ZeltError
from zelt_desktop.logs import strip_queries
from zelt_desktop.ui.clipboard import copy_text
from zelt_desktop.ui.messages import explain
from zelt_desktop.ui.workers import Workers

log = logging.getLogger(__name__)

TRACEBACK_MAX = 20_000  # characters of one traceback kept in the report
APOLOGY = "Sorry, Zelt Desktop hit a problem it did not expect."
ADVICE = ("What you can do: try again. If it happens again, click Copy "
          "report and send the report to your IT support. It holds no "
          "password, client secret or token.")


class CrashDialog(QDialog):
    """Shows one or more unexpected errors and the diagnostics report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="crashDialog")
        self.setWindowTitle("Zelt Desktop: unexpected problem")
        self.setModal(False)
        self._tracebacks: list[str] = []
        self._diagnostics = "Collecting diagnostics…"

        apology = QLabel(f"<b>{APOLOGY}</b>", wordWrap=True)
        advice = QLabel(ADVICE, wordWrap=True, objectName="crashAdvice")
        self.report = QPlainTextEdit(objectName="crashReport",
                                     readOnly=True)
        self.report.setAccessibleName("Error report")
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copy_button = QPushButton("&Copy report",
                                       objectName="copyReportButton")
        self.copy_button.setAccessibleName("Copy the error report")
        self.copy_button.clicked.connect(self.copy_report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button,
                          QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(apology)
        layout.addWidget(advice)
        layout.addWidget(self.report, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)
        self.copy_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_error(self, text: str) -> None:
        self._tracebacks.append(text)
        self._render()

    def set_diagnostics(self, text: str) -> None:
        self._diagnostics = text
        self._render()

    def report_text(self) -> str:
        return self.report.toPlainText()

    def copy_report(self) -> None:
        copy_text(self.report_text(), self.copy_button)

    def _render(self) -> None:
        parts = [f"Unexpected error {n}:\n{text}"
                 for n, text in enumerate(self._tracebacks, 1)]
        self.report.setPlainText("\n".join(parts + [self._diagnostics]))


class CrashReporter(QObject):
    """Catches unhandled exceptions and shows them in a CrashDialog.

    ``collect`` gives the diagnostics text; it blocks (the secret store),
    so it runs in a worker.  ``install`` replaces the interpreter's hooks
    and ``uninstall`` puts the previous ones back.

    Signals:
        crashed(str): an error's report text, delivered on the GUI thread.
    """

    crashed = Signal(str)

    def __init__(self, collect: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._collect = collect
        self._parent = parent
        self.workers = Workers(self, max_threads=1)
        self.dialog: CrashDialog | None = None
        self._previous = None
        self._previous_thread = None
        # Queued even from the GUI thread: the dialog opens from the event
        # loop, not inside whatever was running when the error came.
        self.crashed.connect(self._on_crashed,
                             Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = sys.excepthook
        self._previous_thread = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook = self._previous
            threading.excepthook = self._previous_thread
            self._previous = self._previous_thread = None
        self.workers.shutdown()

    def excepthook(self, kind, error, tb) -> None:
        if not issubclass(kind, Exception):  # KeyboardInterrupt, SystemExit
            (self._previous or sys.__excepthook__)(kind, error, tb)
            return
        error.__traceback__ = tb
        self.report(error)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or not isinstance(args.exc_value,
                                                     Exception):
            (self._previous_thread or threading.__excepthook__)(args)
            return
        self.report(args.exc_value)

    def report(self, error: Exception) -> None:
        """Log ``error`` and show it; callable from any thread."""
        if isinstance(error, ZeltError):
            # A known error nobody handled is still a bug in the window.
            log.error("unhandled %s", type(error).__name__, exc_info=error)
        explain(error)  # logs anything else at ERROR, once
        text = "".join(traceback.format_exception(
            type(error), error, error.__traceback__))
        self.crashed.emit(strip_queries(text[-TRACEBACK_MAX:]))

    def _on_crashed(self, text: str) -> None:
        if self.dialog is None:
            self.dialog = CrashDialog(self._parent)
            self.dialog.finished.connect(self._on_dialog_finished)
            self.workers.start("crash diagnostics", self._collect,
                               on_success=self._on_collected,
                               on_failure=self._on_collect_failed)
        self.dialog.add_error(text)
        self.dialog.show()
        self.dialog.raise_()

    def _on_collected(self, text: str) -> None:
        if self.dialog is not None:
            self.dialog.set_diagnostics(text)

    def _on_collect_failed(self, error: Exception) -> None:
        if self.dialog is not None:
            self.dialog.set_diagnostics(
                f"Diagnostics could not be collected: {explain(error)}")

    def _on_dialog_finished(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
