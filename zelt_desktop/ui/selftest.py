"""``--demo --self-test``: the whole sign-in through the real window.

No human: the same widgets and signals a user triggers.  An HTTP client
plays the browser and presses "Allow access" on the sandbox's consent
page; the redirect reaches the real loopback listener.
"""

from __future__ import annotations

import logging
import sys
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from zelt_desktop.context import AppContext
from zelt_desktop.demo import Demo
from zelt_desktop.errors import SecretStoreError
from zelt_desktop.sandbox import robot
from zelt_desktop.store.secrets import open_secret_store
from zelt_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

TIME_LIMIT_MS = 120_000


def say(text: str) -> None:
    """Print a line when there is a standard output (a windowed bundle
    may have none)."""
    if sys.stdout is not None:
        print(text, flush=True)


class SelfTest:
    """Drives one demo sign-in and the directory load; returns exit code."""

    def __init__(self, app: QApplication, context: AppContext,
                 demo: Demo | None) -> None:
        if demo is None:
            raise ValueError("the self-test runs with --demo")
        self.app, self.context, self.demo = app, context, demo
        self.exit_code = 1

    def run(self) -> int:
        self._choose_secret_store()
        self.context.open_browser = self._press_allow
        window = MainWindow(self.context)
        window.ready.connect(lambda: window.sign_in.connect_button.click())
        window.employees_loaded.connect(self._on_window_employees_loaded)
        window.connect_failed.connect(self._fail)
        window.load_failed.connect(self._fail)
        QTimer.singleShot(TIME_LIMIT_MS, lambda: self._fail(
            "the self-test did not finish in time"))
        window.show()
        self.app.exec()
        window.close()
        return self.exit_code

    def _choose_secret_store(self) -> None:
        try:
            store = open_secret_store()
            store.check()
        except SecretStoreError as e:
            log.warning("self-test falls back to memory: %s",
                        type(e).__name__)
            self.context.use_memory_store()
        else:
            self.context.use_secret_store(store)
        say(f"secret store: {self.context.secret_store.backend_name}")

    @staticmethod
    def _press_allow(url: str) -> bool:
        def press() -> None:
            try:
                robot.press(url, "allow")
            except Exception as e:  # noqa: BLE001 - reported, then fails
                log.error("self-test browser failed: %s", e)
        threading.Thread(target=press, name="self-test-browser",
                         daemon=True).start()
        return True

    def _on_window_employees_loaded(self, count: int) -> None:
        expected = len(self.demo.server.employees)
        if count != expected:
            self._fail(f"loaded {count} employees, expected {expected}")
            return
        say(f"employees: {count}")
        self.exit_code = 0
        self.app.quit()

    def _fail(self, reason: str) -> None:
        say(f"self-test failed: {reason}")
        self.exit_code = 1
        self.app.quit()
