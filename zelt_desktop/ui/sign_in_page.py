"""The sign-in page: the credentials form, Connect, and the live sign-in."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from zelt_desktop.context import AppContext
from zelt_desktop.errors import (ConsentCancelled, InputError,
                                 SecretStoreError, ZeltError)
from zelt_desktop.oauth.redirect import matches_redirect_uri
from zelt_desktop.profiles import Profile
from zelt_desktop.signin import SignIn, code_deadline
from zelt_desktop.ui.connect_panel import ConnectPanel
from zelt_desktop.ui.credentials_form import CredentialsForm
from zelt_desktop.ui.messages import STARTED_IN_ZELT_LABEL, explain
from zelt_desktop.ui.workers import Workers

log = logging.getLogger(__name__)


class SignInPage(QWidget):
    """Collects the app's credentials and runs one sign-in at a time.

    Signals:
        signed_in(object): a verified Connection.
        sign_in_failed(str): the plain-words message shown.
        secret_store_failed(object): the SecretStoreError, for the window
            to offer a session-only store.
        profile_saved(object): the Profile saved by Connect.
    """

    signed_in = Signal(object)
    sign_in_failed = Signal(str)
    secret_store_failed = Signal(object)
    profile_saved = Signal(object)

    def __init__(self, context: AppContext, workers: Workers,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.workers = workers
        self.sign_in: SignIn | None = None
        self._attempt = 0
        self._prepare_lock = threading.Lock()
        self._preparing: SignIn | None = None

        self.intro = QLabel(
            "Enter the details of your Zelt app, then click Connect to "
            "Zelt. Your browser opens and asks you to allow access.",
            wordWrap=True)
        self.form = CredentialsForm()
        # Messages name the checkbox in the same words (ui/messages.py).
        self.started_in_zelt = QCheckBox(STARTED_IN_ZELT_LABEL,
                                         objectName="startedInZeltCheck")
        self.connect_button = QPushButton("Connect to Zelt",
                                          objectName="connectButton")
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(self.start)
        self.panel = ConnectPanel()
        self.panel.hide()
        self.panel.cancel_requested.connect(self.cancel)
        self.panel.paste_submitted.connect(self._on_panel_paste_submitted)

        buttons = QHBoxLayout()
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.started_in_zelt)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.panel)
        layout.addStretch(1)
        QGuiApplication.clipboard().dataChanged.connect(
            self._on_clipboard_data_changed)

    def set_profile(self, profile: Profile, secret: str | None) -> None:
        self.form.set_profile(profile, secret)

    # -- the sign-in -------------------------------------------------------

    def start(self) -> None:
        """Connect: check the form, arm the listener, open the browser."""
        collected = self.form.collect()
        if collected is None:
            return
        profile, secret = collected
        self._attempt += 1
        attempt = self._attempt
        self.cancel(quiet=True)
        try:
            self.context.save_profile(profile)
        except InputError as e:  # a name taken, a damaged settings file
            field = getattr(e, "field", None)
            if field in self.form.edits:
                self.form.show_field_error(field, str(e))
            else:
                self.form.show_notice(f"⚠ {explain(e)}")
            return
        self.profile_saved.emit(profile)
        self.panel.show()
        self.panel.reset()
        self.panel.set_status("Preparing the sign-in…")
        self.workers.start(
            "prepare sign-in", self._prepare, attempt, profile, secret,
            self.started_in_zelt.isChecked(),
            on_success=lambda s: self._on_prepared(attempt, s),
            on_failure=lambda e: self._fail(attempt, e))

    def _prepare(self, attempt: int, profile: Profile, secret: str,
                 started_in_zelt: bool) -> SignIn:
        """Bind the listener in a worker, one attempt at a time.

        A second Connect may come while an earlier attempt is still
        binding the same port: the lock makes the later one wait, and it
        closes the earlier listener before binding its own.
        """
        with self._prepare_lock:
            if attempt != self._attempt:
                raise ConsentCancelled()
            if self._preparing is not None:
                self._preparing.cancel()
            store = self.context.tokens()
            sign_in = SignIn(profile, secret, store,
                             started_in_zelt=started_in_zelt,
                             open_browser=self.context.open_browser)
            self._preparing = sign_in
            sign_in.start_listener()
            return sign_in

    def _on_prepared(self, attempt: int, sign_in: SignIn) -> None:
        if attempt != self._attempt:
            sign_in.cancel()
            return
        self.sign_in = sign_in
        self.panel.show_waiting(sign_in.consent_url,
                                listens=sign_in.listens,
                                started_in_zelt=sign_in.started_in_zelt)
        self.workers.start("open browser", sign_in.open_browser)
        self.workers.start(
            "wait for consent", sign_in.wait,
            on_success=lambda r: self._on_redirect(attempt, sign_in, r),
            on_failure=lambda e: self._fail(attempt, e))

    def _on_redirect(self, attempt, sign_in: SignIn, redirect) -> None:
        if attempt != self._attempt:
            return
        # From here the code is Zelt's to take: no Cancel (connect_panel).
        self.sign_in = None
        status = "Finishing the sign-in…"
        if not redirect.state_checked:
            status += (" The app could not check who started this sign-in, "
                       "because it was started in Zelt.")
        self.panel.show_code_arrived(code_deadline(redirect), status)
        self.workers.start(
            "complete sign-in",
            lambda job: sign_in.complete(redirect, job.report),
            with_job=True,
            on_progress=self.panel.mark_step,
            on_success=lambda c: self._on_completed(attempt, c),
            on_failure=lambda e: self._fail(attempt, e))

    def _on_completed(self, attempt: int, connection) -> None:
        if attempt != self._attempt:
            connection.close()
            return
        self.panel.show_connected(connection.connected_as)
        self.signed_in.emit(connection)

    def _fail(self, attempt: int, error: Exception) -> None:
        if attempt != self._attempt:
            return
        self.sign_in = None
        if isinstance(error, SecretStoreError):
            self.secret_store_failed.emit(error)
        explanation = explain(error)
        if isinstance(error, ConsentCancelled):
            self.panel.reset()
            self.panel.hide()
        else:
            self.panel.show_failure(explanation)
        if isinstance(error, ZeltError):
            log.info("sign-in ended: %s", type(error).__name__)
        self.sign_in_failed.emit(str(explanation))

    def cancel(self, quiet: bool = False) -> None:
        """Stop the sign-in that is waiting, if any; closes the listener.

        Unless ``quiet``, the attempt is forgotten and the panel cleared
        and hidden (Cancel, Disconnect, another profile).
        """
        sign_in, self.sign_in = self.sign_in, None
        if sign_in is not None:
            sign_in.cancel()
        if not quiet:
            self._attempt += 1
            self.panel.reset()
            self.panel.hide()

    # -- pasted addresses --------------------------------------------------

    def _on_panel_paste_submitted(self, text: str) -> None:
        sign_in = self.sign_in
        if sign_in is None:
            self.panel.show_paste_error("Click Connect to Zelt first.")
            return
        try:
            trimmed = sign_in.paste(text)
        except ZeltError as e:
            self.panel.show_paste_error(str(explain(e)))
            return
        if trimmed:
            self.form.show_notice("Removed spaces around the pasted "
                                  "address.")

    def _on_clipboard_data_changed(self) -> None:
        sign_in = self.sign_in
        if sign_in is None or sign_in.listens:
            return
        text = QGuiApplication.clipboard().text()
        if matches_redirect_uri(text, sign_in.profile.redirect_uri):
            self.panel.paste.setText(text.strip())
            self.panel.set_status("Found the address in your clipboard.")
            self._on_panel_paste_submitted(text)
