"""Start the window: QApplication, signals, demo, self-test, clean-up."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys

from PySide6.QtCore import QtMsgType, QSocketNotifier, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from zelt_desktop import __version__, diagnostics
from zelt_desktop.context import AppContext
from zelt_desktop.demo import Demo
from zelt_desktop.resources import resource_path
from zelt_desktop.ui.crash import CrashReporter
from zelt_desktop.ui.main_window import MainWindow
from zelt_desktop.ui.single_instance import SingleInstance, server_name

log = logging.getLogger(__name__)


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_qt_log = logging.getLogger("zelt_desktop.qt")


def _on_qt_message(kind, context, message: str) -> None:
    """Qt's own messages go to the log, not to a standard error that a
    windowed bundle does not have."""
    level = _QT_LEVELS.get(kind, logging.WARNING)
    # The offscreen platform warns about window hints it cannot apply.
    if "propagateSizeHints" in message or "support raise()" in message:
        level = logging.DEBUG
    _qt_log.log(level, "%s", message)
    if kind == QtMsgType.QtFatalMsg and sys.stderr is not None:
        # Qt aborts right after a fatal message (no usable display, a
        # missing platform plugin): a terminal user must see why.
        print(f"zelt-desktop: {message}", file=sys.stderr, flush=True)


def display_problem() -> str | None:
    """Why no window can open here, or None; checked before Qt aborts.

    Only the obvious case on Linux and the BSDs: no display named at all
    for a platform plugin that needs one.
    """
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return None
    import os
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc", "eglfs",
                            "linuxfb")):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("no display is available (DISPLAY and WAYLAND_DISPLAY are not "
            "set). Start the app from a desktop session, try "
            "'zelt-desktop --demo --self-test', or use the command line "
            "('zelt-desktop --help').")


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once."""
    app = QApplication.instance()
    if app is None:
        qInstallMessageHandler(_on_qt_message)
        app = QApplication(argv or [sys.argv[0]])
        app.setApplicationName("Zelt Desktop")
        app.setApplicationVersion(__version__)
        app.setOrganizationName("zelt-desktop")
        app.setDesktopFileName("zelt-desktop")
        icon = resource_path("icons", "zelt-desktop.png")
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
    return app


def build_window(context: AppContext, *, connect_now: bool = False,
                 profile_name: str | None = None,
                 first_run_guide: bool = False) -> MainWindow:
    return MainWindow(context, connect_now=connect_now,
                      profile_name=profile_name,
                      first_run_guide=first_run_guide)


def crash_reporter(window: MainWindow) -> CrashReporter:
    """A reporter whose report holds the diagnostics, collected offline.

    Offline (no request to the base URL): the report must come quickly
    and must not depend on the network that may be the problem.
    """
    def collect() -> str:
        report = diagnostics.collect(window.context, window.saved_profile(),
                                     check_network=False)
        return diagnostics.render(report)
    return CrashReporter(collect, window)


class SignalBridge:
    """Turns SIGINT and SIGTERM into a call on the GUI thread.

    Qt's event loop keeps Python from running signal handlers until some
    Python code runs; a wake-up socket watched by Qt makes that happen at
    once (the same clean-up as closing the window).
    """

    def __init__(self, on_signal) -> None:
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno())
        self._notifier = QSocketNotifier(self._read.fileno(),
                                         QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._drain)
        self._previous = {}
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(
                signum, lambda *_: on_signal())

    def _drain(self) -> None:
        try:
            self._read.recv(64)
        except OSError:
            pass

    def close(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._read.close()
        self._write.close()


def run(args: argparse.Namespace) -> int:
    """Open the window (or run the self-test); return the exit code.

    A window already open for this user and config folder gets
    ``--connect`` and ``--profile`` instead, and this start ends with 0;
    ``--demo`` (and so ``--self-test``) runs beside it.
    """
    problem = display_problem()
    if problem is not None:
        log.error("no display: %s", problem)
        if sys.stderr is not None:
            print(f"zelt-desktop: {problem}", file=sys.stderr)
        return 2
    app = application()
    context = AppContext.create()
    profile_name = getattr(args, "profile", None)
    instance = None
    if not args.demo:
        instance = _single_instance(context, {"connect": args.connect,
                                              "profile": profile_name})
        if instance is None:
            return 0
    demo = Demo() if args.demo else None
    if demo is not None:
        context.profile_override = demo.start()
        context.override_secret = demo.client_secret
    try:
        if args.self_test:
            from zelt_desktop.ui.selftest import SelfTest
            return SelfTest(app, context, demo).run()
        window = build_window(context, connect_now=args.connect,
                              profile_name=profile_name,
                              first_run_guide=demo is None)
        if instance is not None:
            instance.message_received.connect(window.on_handed_off)
        return _exec(app, window)
    finally:
        if instance is not None:
            instance.close()
        if demo is not None:
            demo.stop(context.tokens_if_open())


def _single_instance(context: AppContext,
                     message: dict) -> SingleInstance | None:
    """Listen for later starts; None when a running window took over."""
    config_dir = context.profiles.config_dir
    instance = SingleInstance(server_name(config_dir),
                              lock_path=config_dir / "window.lock")
    # Twice: a window that started at the same moment wins the listen.
    for _ in range(2):
        if instance.hand_off(message):
            return None
        if instance.listen():
            return instance
    log.warning("no single-instance server: this window runs alone")
    return instance


def _exec(app: QApplication, window: MainWindow) -> int:
    """Show the window and run until it closes, with the crash dialog
    and Ctrl+C / SIGTERM handled; the hooks are undone after."""
    reporter = crash_reporter(window)
    reporter.install()
    bridge = SignalBridge(window.close)
    window.show()
    log.info("window shown")
    try:
        return app.exec()
    finally:
        bridge.close()
        reporter.uninstall()
