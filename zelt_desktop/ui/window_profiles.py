"""The window's profiles: which one opens, switching, a second start.

Part of MainWindow, kept in a file of its own for size: the methods use
the window's sign-in page, workers, book and status bar.
"""

from __future__ import annotations

import dataclasses
import logging

from zelt_desktop.connection import Connection, open_connection
from zelt_desktop.errors import InputError, NotConnected, SecretStoreError
from zelt_desktop.profiles import Profile
from zelt_desktop.ui.messages import explain

log = logging.getLogger(__name__)


@dataclasses.dataclass
class Opened:
    """What a worker found for a profile: its secret and a connection."""

    profile: Profile | None
    secret: str | None = None
    connection: Connection | None = None
    notice: str = ""


class ProfileHandling:
    """Opening, switching and editing profiles; hand-offs from a second
    start.  Mixed into MainWindow."""

    # -- opening a profile -------------------------------------------------

    def _start_up(self) -> None:
        name, self._profile_name = self._profile_name, None
        self._open(None, name=name)

    def _open(self, profile: Profile | None, secret: str | None = None, *,
              name: str | None = None) -> None:
        """Use ``profile`` in a worker; None: the one named ``name``, else
        the last used."""
        self._opening += 1
        number = self._opening
        self._loading = True
        self.workers.start(
            "open profile", self._load_stored, profile, name,
            on_success=lambda o: self._on_stored_loaded(number, o, secret),
            on_failure=lambda e: self._on_open_failed(number, profile, e))

    def _load_stored(self, profile: Profile | None,
                     name: str | None) -> Opened:
        """The profile's secret and, with stored tokens, a connection."""
        opened = Opened(profile) if profile else self._first_profile(name)
        profile = opened.profile
        if profile is None:
            return opened
        store = self.context.tokens()
        opened.secret = (store.load_client_secret(profile.id)
                         or self.context.override_secret)
        if opened.secret is None or store.load(profile.id) is None:
            return opened
        try:
            opened.connection = open_connection(
                profile, store, client_secret=opened.secret)
        except NotConnected:
            pass
        return opened

    def _first_profile(self, name: str | None) -> Opened:
        """The profile named ``name``, else the last used one."""
        settings = self.context.load_settings()
        if name is None:
            return Opened(settings.last_used())
        found = settings.find(name)
        if found is not None:
            return Opened(found)
        log.warning("no profile named as --profile asked")
        return Opened(settings.last_used(),
                      notice=f"There is no connection named {name!r}.")

    def _on_stored_loaded(self, number: int, opened: Opened,
                          typed_secret: str | None) -> None:
        if number != self._opening:
            if opened.connection is not None:
                opened.connection.close()
            return
        self._loading = False
        profile = self.profile = opened.profile
        # A secret just typed (the setup guide) wins over a stored one.
        self.sign_in.set_profile(profile or Profile(name="Zelt"),
                                 typed_secret or opened.secret or "")
        if profile is not None:
            self._mark_used(profile)
        if opened.notice:
            self.statusBar().showMessage(opened.notice)
        self.menus.refresh_switcher()
        connect, self._connect_next = self._connect_next, False
        if opened.connection is not None:
            self._on_sign_in_signed_in(opened.connection)
        elif connect and profile is not None:
            self.sign_in.start()
        self._opened(profile)

    def _on_open_failed(self, number: int, profile: Profile | None,
                        error: Exception) -> None:
        if number != self._opening:
            return
        self._loading = False
        self._connect_next = False
        profile = (profile or self.context.profile_override
                   or self._saved_profile())
        if profile is not None:
            self.profile = profile
            self.sign_in.set_profile(profile, None)
        self.menus.refresh_switcher()
        if isinstance(error, SecretStoreError):
            self._offer_memory_store(error)
        self.statusBar().showMessage(str(explain(error)))
        self.connect_failed.emit(str(explain(error)))
        self._opened(profile)

    def _opened(self, profile: Profile | None) -> None:
        self.profile_opened.emit(profile.id if profile else "")
        if self._started:
            return
        self._started = True
        self.ready.emit()
        if profile is None and self._first_run_guide:
            self.menus.show_setup_guide()

    def _saved_profile(self) -> Profile | None:
        try:
            return self.context.current_profile()
        except Exception:  # noqa: BLE001 - already reported
            return None

    def _mark_used(self, profile: Profile) -> None:
        try:
            self.book.mark_used(profile.id)
        except InputError as e:
            log.warning("could not remember the last profile: %s", e)

    def saved_profile(self) -> Profile | None:
        """The profile in use if it is saved (a new form's is not)."""
        if self.profile is None:
            return None
        try:
            return self.book.find(self.profile.id)
        except InputError:
            return None

    # -- switching -----------------------------------------------------------

    def switch_profile(self, profile_id: str, *, connect: bool = False,
                       secret: str | None = None,
                       force: bool = False) -> None:
        """Leave the current connection and open another profile.

        Any sign-in in progress is cancelled; the profile's stored tokens
        open the directory, else its form is shown.  ``force`` reopens the
        profile in use (its settings changed).
        """
        try:
            profile = self.book.find(profile_id)
        except InputError as e:
            self.statusBar().showMessage(str(explain(e)))
            return
        if profile is None:
            return
        if (not force and self.profile is not None
                and profile.id == self.profile.id):
            if connect:
                self.connect_now()
            return
        log.info("switching to profile %s", profile.id)
        self._leave()
        self.profile = profile
        self.sign_in.set_profile(profile, secret or "")
        self._connect_next = connect
        self._open(profile, secret)

    def profile_edited(self, profile: Profile) -> None:
        """A profile was added or changed in Manage connections."""
        current = self.profile
        if current is None or self.saved_profile() is None:
            self.switch_profile(profile.id)  # the first one: use it
        elif current.id != profile.id:
            self.menus.refresh_switcher()
        elif dataclasses.replace(current, name=profile.name) == profile:
            self.profile = profile  # renamed: nothing to reconnect
            self.sign_in.form.set_profile(profile, None)
            if self.connection is not None:
                self.connection.profile = profile
            self.menus.refresh_switcher()
        else:
            self.switch_profile(profile.id, force=True)

    def profile_deleted(self, profile_id: str) -> None:
        """A profile was removed: forget its secrets, leave it if in use."""
        self.workers.start(
            "forget profile", self._forget, profile_id,
            on_failure=lambda e: self.statusBar().showMessage(
                str(explain(e))))
        if self.profile is not None and self.profile.id == profile_id:
            self._leave()
            self.profile = None
            self._open(None)
        else:
            self.menus.refresh_switcher()

    def _forget(self, profile_id: str) -> None:
        self.context.tokens().forget_profile(profile_id)
        log.info("secrets of profile %s removed", profile_id)

    def use_details(self, profile: Profile, secret: str) -> None:
        """The setup guide saved ``profile``: fill it in, ready to connect."""
        self.switch_profile(profile.id, secret=secret, force=True)
        self.pages.setCurrentWidget(self.sign_in)
        self.sign_in.connect_button.setFocus()
        self.statusBar().showMessage("Details saved. Click Connect to Zelt "
                                     "when you are ready.", 10_000)

    def _on_sign_in_profile_saved(self, profile: Profile) -> None:
        self.profile = profile
        self.menus.refresh_switcher()

    # -- a second start ------------------------------------------------------

    def on_handed_off(self, message: dict) -> None:
        """A second start asked for this window (``--connect``,
        ``--profile``)."""
        self.bring_to_front()
        name = message.get("profile")
        connect = bool(message.get("connect"))
        if name:
            try:
                found = self.book.find(name)
            except InputError as e:
                found = None
                log.warning("hand-off: %s", e)
            if found is None:
                self.statusBar().showMessage(
                    f"There is no connection named {name!r}.")
            elif self.profile is None or found.id != self.profile.id:
                self.switch_profile(found.id, connect=connect)
                return
        if connect:
            self.connect_now()

    def connect_now(self) -> None:
        """Begin the sign-in, unless connected or signing in already."""
        if self.connection is not None or self.sign_in.sign_in is not None:
            return
        if self._loading:
            self._connect_next = True
            return
        self.pages.setCurrentWidget(self.sign_in)
        self.sign_in.start()

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
