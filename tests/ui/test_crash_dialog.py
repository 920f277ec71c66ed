"""The crash dialog: an unexpected error is shown, reported, survived.

These tests install the reporter's hooks themselves and put the previous
ones back; pytest-qt's own capture is turned off for them, since the
reporter is what must see the error.
"""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from tests.ui.test_main_window import (SECRET, WAIT_MS,  # noqa: F401
                                       app_profile, browser, context,
                                       make_window)
from zelt_desktop.profiles import Settings
from zelt_desktop.ui.app import crash_reporter
from zelt_desktop.ui.crash import APOLOGY, CrashReporter

pytestmark = pytest.mark.qt_no_exception_capture


class Button(QObject):
    """Something a user clicks whose slot has a bug."""

    clicked = Signal()


def broken_slot() -> None:
    raise RuntimeError("a bug in a slot")


@pytest.fixture
def window(qtbot, context, app_profile, secret_store):
    context.profiles.save(Settings([app_profile], app_profile.id))
    context.tokens().save_client_secret(app_profile.id, SECRET)
    return make_window(qtbot, context)


@pytest.fixture
def reporter(window):
    reporter = crash_reporter(window)
    hooks = (sys.excepthook, threading.excepthook)
    reporter.install()
    yield reporter
    reporter.uninstall()
    assert (sys.excepthook, threading.excepthook) == hooks
    if reporter.dialog is not None:
        reporter.dialog.close()


def wait_for_dialog(qtbot, reporter):
    qtbot.waitUntil(lambda: reporter.dialog is not None
                    and reporter.dialog.isVisible(), timeout=WAIT_MS)
    dialog = reporter.dialog
    qtbot.waitUntil(lambda: "Zelt Desktop diagnostics" in
                    dialog.report_text(), timeout=WAIT_MS)
    return dialog


def test_an_error_in_a_slot_opens_the_dialog(
        qtbot, window, reporter, app_profile, caplog, expect_warning):
    expect_warning("unexpected error")
    button = Button()
    button.clicked.connect(broken_slot)

    with caplog.at_level(logging.ERROR, logger="zelt_desktop"):
        button.clicked.emit()
        dialog = wait_for_dialog(qtbot, reporter)

    text = dialog.report_text()
    assert "RuntimeError: a bug in a slot" in text
    assert "broken_slot" in text
    assert f"Profile {app_profile.name!r}" in text
    assert "not checked" in text  # offline: no request to the base URL
    assert SECRET not in text
    assert not dialog.isModal()
    assert APOLOGY in _label_text(dialog)
    assert "IT support" in _label_text(dialog)
    assert [r for r in caplog.records if r.exc_info
            and isinstance(r.exc_info[1], RuntimeError)]


def test_the_window_stays_usable(qtbot, window, reporter, expect_warning):
    expect_warning("unexpected error")
    QTimer.singleShot(0, broken_slot)
    dialog = wait_for_dialog(qtbot, reporter)

    assert window.isEnabled()
    window.menus.guide_action.trigger()
    assert window.menus.guide.isVisible()
    dialog.close()
    assert reporter.dialog is None


def test_an_error_in_a_thread_opens_the_dialog(
        qtbot, reporter, expect_warning):
    expect_warning("unexpected error")
    thread = threading.Thread(target=broken_slot, name="worker-bug")
    thread.start()
    thread.join()

    dialog = wait_for_dialog(qtbot, reporter)

    assert "RuntimeError: a bug in a slot" in dialog.report_text()


def test_a_second_error_joins_the_open_dialog(qtbot, reporter, expect_warning):
    expect_warning("unexpected error")
    QTimer.singleShot(0, broken_slot)
    dialog = wait_for_dialog(qtbot, reporter)

    QTimer.singleShot(0, lambda: {}["missing"])
    qtbot.waitUntil(lambda: "KeyError" in dialog.report_text(),
                    timeout=WAIT_MS)

    assert reporter.dialog is dialog
    assert "Unexpected error 2" in dialog.report_text()


def test_copy_report_puts_it_on_the_clipboard(qtbot, reporter, expect_warning):
    expect_warning("unexpected error")
    QTimer.singleShot(0, broken_slot)
    dialog = wait_for_dialog(qtbot, reporter)

    dialog.copy_button.click()

    assert QGuiApplication.clipboard().text() == dialog.report_text()


def test_a_worker_failure_nobody_handles_reaches_the_dialog(
        qtbot, window, reporter, expect_warning):
    expect_warning("unexpected error")
    window.workers.start("buggy job", broken_slot)

    dialog = wait_for_dialog(qtbot, reporter)

    assert "a bug in a slot" in dialog.report_text()


def test_keyboard_interrupt_goes_to_the_previous_hook(qtbot, window):
    seen = []
    previous = sys.excepthook
    sys.excepthook = lambda *args: seen.append(args[0])
    reporter = CrashReporter(lambda: "", window)
    reporter.install()
    try:
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    finally:
        reporter.uninstall()
        sys.excepthook = previous
    assert seen == [KeyboardInterrupt]
    assert reporter.dialog is None


def _label_text(dialog) -> str:
    return " ".join(label.text() for label in dialog.findChildren(QLabel))
