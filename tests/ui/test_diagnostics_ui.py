"""Help → Copy diagnostics, and unexpected worker failures in the log."""

from __future__ import annotations

import logging

from PySide6.QtGui import QGuiApplication

from tests.ui.test_main_window import (SECRET, WAIT_MS,  # noqa: F401
                                       app_profile, browser, context,
                                       fill_and_connect, make_window)
from zelt_desktop.errors import RateLimited
from zelt_desktop.ui.workers import Workers


def test_copy_diagnostics_puts_the_report_on_the_clipboard(
        qtbot, context, app_profile, sandbox):
    window = make_window(qtbot, context)
    fill_and_connect(qtbot, window, app_profile)
    QGuiApplication.clipboard().clear()

    with qtbot.waitSignal(window.menus.diagnostics_copied,
                          timeout=WAIT_MS) as got:
        window.menus.diagnostics_action.trigger()

    text = QGuiApplication.clipboard().text()
    assert text == got.args[0]
    assert text.startswith("Zelt Desktop diagnostics")
    assert f"Profile {app_profile.name!r}" in text
    assert sandbox.base_url in text
    assert "base URL reachable: " in text and "not checked" not in text
    assert "client secret saved: yes" in text
    assert SECRET not in text
    assert "clipboard" in window.statusBar().currentMessage()


def test_copy_diagnostics_reports_only_the_profile_in_use(
        qtbot, context, app_profile):
    window = make_window(qtbot, context)  # a new, unsaved form

    with qtbot.waitSignal(window.menus.diagnostics_copied,
                          timeout=WAIT_MS) as got:
        window.menus.diagnostics_action.trigger()

    assert "Profiles\n  (none)" in got.args[0]


def test_unexpected_worker_failure_is_logged_once_at_error(
        qtbot, caplog, expect_warning):
    expect_warning("unexpected error")
    workers = Workers()
    failures = []

    def buggy():
        raise ValueError("a bug")

    with caplog.at_level(logging.DEBUG, logger="zelt_desktop"):
        workers.start("buggy", buggy, on_failure=failures.append)
        qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)
    workers.shutdown()

    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert isinstance(errors[0].exc_info[1], ValueError)
    assert isinstance(failures[0], ValueError)


def test_expected_worker_failure_is_not_logged_as_error(qtbot, caplog):
    workers = Workers()
    failures = []

    def limited():
        raise RateLimited(retry_after=5)

    with caplog.at_level(logging.DEBUG, logger="zelt_desktop"):
        workers.start("limited", limited, on_failure=failures.append)
        qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)
    workers.shutdown()

    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
