"""The main window: sign-in page, employee directory, status bar, menus."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QLabel, QMainWindow, QMessageBox,
                               QStackedWidget, QWidget)

from zelt_desktop.connection import Connection
from zelt_desktop.context import AppContext
from zelt_desktop.errors import SecretStoreError
from zelt_desktop.profiles import Profile
from zelt_desktop.ui.directory.view import DirectoryPanel
from zelt_desktop.ui.messages import explain
from zelt_desktop.ui.profile_book import ProfileBook
from zelt_desktop.ui.settings import UiSettings
from zelt_desktop.ui.sign_in_page import SignInPage
from zelt_desktop.ui.window_actions import WindowActions
from zelt_desktop.ui.window_profiles import ProfileHandling
from zelt_desktop.ui.workers import Workers

log = logging.getLogger(__name__)

RENEW_CHECK_MS = 30_000


class MainWindow(ProfileHandling, QMainWindow):
    """Zelt Desktop's window.

    Signals:
        connected(str): whom the app is connected as.
        employees_loaded(int): the directory finished loading, with count.
        connect_failed(str): a sign-in or start-up failed; plain words.
        load_failed(str): loading the directory failed; plain words.
        ready(): start-up finished: stored tokens used or the form filled.
        profile_opened(str): a profile was opened (start-up, a switch);
            its id, or "" when there is none yet.

    ``profile_name`` opens that profile instead of the last used one
    (``--profile``); ``first_run_guide`` opens the setup guide when no
    profile exists yet.
    """

    connected = Signal(str)
    employees_loaded = Signal(int)
    connect_failed = Signal(str)
    load_failed = Signal(str)
    ready = Signal()
    profile_opened = Signal(str)

    def __init__(self, context: AppContext, *, connect_now: bool = False,
                 profile_name: str | None = None,
                 first_run_guide: bool = False, ui_settings=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Zelt Desktop")
        self.context = context
        self.book = ProfileBook(context)
        self.connection: Connection | None = None
        self.profile: Profile | None = None
        self.workers = Workers(self)
        self._load_job = None
        self._load_number = 0  # the newest load; older ones are stale
        self.memory_offer: QMessageBox | None = None
        self._connect_next = connect_now
        self._profile_name = profile_name
        self._first_run_guide = first_run_guide
        self._opening = 0  # the latest open's number; older ones are stale
        self._loading = False
        self._started = False

        self.sign_in = SignInPage(context, self.workers)
        self.sign_in.signed_in.connect(self._on_sign_in_signed_in)
        self.sign_in.profile_saved.connect(self._on_sign_in_profile_saved)
        self.sign_in.sign_in_failed.connect(self.connect_failed)
        self.sign_in.secret_store_failed.connect(self._offer_memory_store)
        self.directory = DirectoryPanel(
            settings=ui_settings if ui_settings is not None else UiSettings())
        self.directory.reconnect_requested.connect(self.reconnect)
        self.directory.load_cancel_requested.connect(self.cancel_load)
        self.directory.refresh_requested.connect(self.refresh)
        self.directory.show_not_connected()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.sign_in)
        self.pages.addWidget(self.directory)
        self.setCentralWidget(self.pages)

        self.connected_label = QLabel(objectName="connectedLabel")
        self.renews_label = QLabel(objectName="renewsLabel")
        # The name comes from Zelt: shown as it is, never as markup.
        for label in (self.connected_label, self.renews_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        # Permanent: a passing message must not hide whom we are connected as.
        self.statusBar().addPermanentWidget(self.connected_label)
        self.statusBar().addPermanentWidget(self.renews_label)
        self.menus = WindowActions(self)
        self.refresh_action = self.menus.refresh
        self.disconnect_action = self.menus.disconnect
        self.directory.add_toolbar_actions(
            [self.refresh_action, self.disconnect_action])
        self._renew_timer = QTimer(self, interval=RENEW_CHECK_MS)
        self._renew_timer.timeout.connect(self._renew_if_due)
        self.resize(1000, 680)
        # Paint first; the secret store and the network come after.
        QTimer.singleShot(0, self._start_up)

    def _offer_memory_store(self, error: SecretStoreError) -> None:
        """Ask, without blocking, whether to keep secrets in memory.

        Never a silent fallback: the user chooses, and the answer lasts
        for this session only.
        """
        if (self.memory_offer is not None
                or self.context.secret_store_is_memory):
            return
        explanation = explain(error)
        box = QMessageBox(
            QMessageBox.Icon.Question, explanation.title,
            f"{explanation}\n\nKeep the client secret and the sign-in in "
            "memory for this session only? You will need to connect again "
            "next time.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self)
        box.setObjectName("memoryStoreOffer")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.finished.connect(lambda _: self._on_memory_offer_finished(box))
        self.memory_offer = box
        box.open()

    def _on_memory_offer_finished(self, box: QMessageBox) -> None:
        answer = box.standardButton(box.clickedButton())
        self.memory_offer = None
        box.deleteLater()
        if answer == QMessageBox.StandardButton.Yes:
            self.context.use_memory_store()
            self.statusBar().showMessage(
                "Secrets are kept for this session only.")

    # -- connected ---------------------------------------------------------

    def _on_sign_in_signed_in(self, connection: Connection) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = connection
        self.profile = connection.profile
        self.menus.refresh_switcher()
        self.pages.setCurrentWidget(self.directory)
        self.connected_label.setText(
            f"Connected as {connection.connected_as}")
        if connection.warning:
            self.statusBar().showMessage(connection.warning)
        self._show_renewal()
        self.refresh_action.setEnabled(True)
        self.disconnect_action.setEnabled(True)
        self._renew_timer.start()
        self.connected.emit(connection.connected_as)
        self.refresh()

    def _show_renewal(self) -> None:
        renews = self.connection.renews_at() if self.connection else None
        if renews is None:
            self.renews_label.clear()
            return
        local = renews.astimezone()
        self.renews_label.setText(
            f"· access renews automatically before {local:%H:%M}")

    def _renew_if_due(self) -> None:
        """Let the token source renew the access token when it is due."""
        connection = self.connection
        if connection is None:
            return
        self.workers.start("renew access", connection.source.access_token,
                           on_success=lambda _: self._show_renewal(),
                           on_failure=self._on_renew_failed)

    def _on_renew_failed(self, error: Exception) -> None:
        self._renew_timer.stop()
        self.statusBar().showMessage(str(explain(error)))

    # -- the directory -----------------------------------------------------

    def refresh(self) -> None:
        """Load every employee again; the shown list stays until it works."""
        connection = self.connection
        if connection is None:
            return
        if self._load_job is not None:
            self._load_job.cancel()
        # Pages of a cancelled load may still wait in the event queue: only
        # the newest load's signals reach the directory.
        self._load_number += 1
        number = self._load_number

        def current(slot):
            return lambda value: (number == self._load_number
                                  and slot(value))

        self.directory.begin_load()
        self._load_job = self.workers.start(
            "load employees", self._load_pages, connection, with_job=True,
            on_progress=current(self._on_load_progress),
            on_success=current(self._on_load_finished),
            on_failure=current(self._on_load_failed))

    @staticmethod
    def _load_pages(connection: Connection, job) -> int:
        total = 0
        on_wait = (lambda seconds, reason:
                   job.report(("wait", seconds, reason)))
        for page in connection.client.iter_user_pages(
                cancel=job.cancelled, on_wait=on_wait):
            total += len(page.items)
            job.report(("page", page))
        return total

    def cancel_load(self) -> None:
        """Stop loading; the people loaded so far stay shown."""
        job, self._load_job = self._load_job, None
        self._load_number += 1
        if job is not None:
            job.cancel()
            self.directory.load_cancelled()
            self.statusBar().showMessage("Loading cancelled.", 5000)

    def _on_load_progress(self, event) -> None:
        if event[0] == "page":
            page = event[1]
            self.directory.append_page(page.items)
            self.directory.set_loading_progress(page.total_so_far,
                                                page.total_pages)
        else:
            _, seconds, reason = event
            self.statusBar().showMessage(
                f"{reason} Waiting {seconds:.0f} s…", int(seconds * 1000))

    def _on_load_finished(self, total: int) -> None:
        self._load_job = None
        self.directory.finish_load(total)
        self.statusBar().showMessage(f"Loaded {total:,} people.", 5000)
        log.info("directory loaded: %d employees", total)
        self.employees_loaded.emit(total)

    def _on_load_failed(self, error: Exception) -> None:
        self._load_job = None
        explanation = explain(error)
        self.directory.fail_load(str(explanation))
        self.statusBar().showMessage(str(explanation))
        self.load_failed.emit(str(explanation))

    # -- leaving -----------------------------------------------------------

    def disconnect(self) -> None:
        """Forget the stored tokens (the client secret stays)."""
        connection = self.connection
        if connection is None:
            return
        self._leave()
        profile_id = connection.profile.id
        self.workers.start("disconnect",
                           lambda: self.context.tokens().delete(profile_id),
                           on_failure=lambda e: self.statusBar().showMessage(
                               str(explain(e))))

    def _leave(self) -> None:
        """Cancel any sign-in and load, close the connection; keep tokens."""
        self.sign_in.cancel()
        connection, self.connection = self.connection, None
        self._renew_timer.stop()
        job, self._load_job = self._load_job, None
        self._load_number += 1
        if job is not None:
            job.cancel()
        if connection is not None:
            connection.close()
        self.connected_label.setText("Not connected")
        self.renews_label.clear()
        self.refresh_action.setEnabled(False)
        self.disconnect_action.setEnabled(False)
        self.directory.show_not_connected()
        self.pages.setCurrentWidget(self.sign_in)

    def reconnect(self) -> None:
        """Sign in again: scopes added in Zelt reach only new tokens."""
        self.pages.setCurrentWidget(self.sign_in)
        self.sign_in.start()

    def show_about(self) -> None:
        self.menus.show_about()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt
        self.menus.close_dialogs()
        self.sign_in.cancel(quiet=True)
        if self._load_job is not None:
            self._load_job.cancel()
        self._renew_timer.stop()
        self.workers.shutdown()
        if self.connection is not None:
            self.connection.close()
        super().closeEvent(event)
