"""The operating system's secret store, behind timeouts and our errors."""

from __future__ import annotations

import logging
import threading
from typing import Callable, TypeVar

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import fail, null

from zelt_desktop.errors import (SecretStoreError, SecretStoreLocked,
                                 SecretStoreTimeout, SecretStoreUnavailable)

log = logging.getLogger(__name__)

SERVICE = "zelt-desktop"
DEFAULT_TIMEOUT = 10.0  # seconds; a hung D-Bus call must not hang the app
# Windows Credential Manager keeps at most 2560 bytes of UTF-16 a
# credential (CRED_MAX_CREDENTIAL_BLOB_SIZE): 1280 characters.
WINDOWS_MAX_ENTRY_CHARS = 1280
# Any fixed name will do: the probe only asks whether the store answers.
_PROBE_NAME = "probe"

UNAVAILABLE_MESSAGE = (
    "No password store is available on this system. Install or start one "
    "(such as GNOME Keyring or KWallet), or keep the sign-in for this "
    "session only.")
LOCKED_MESSAGE = (
    "Your system's password store is locked. Unlock it (log in to your "
    "desktop session) and try again, or keep the sign-in for this session "
    "only.")
TIMEOUT_MESSAGE = (
    "Your system's password store did not answer in time. Check that it "
    "is running and unlocked, then try again.")
FAILED_MESSAGE = (
    "Your system's password store refused the request. Try again; if it "
    "keeps failing, keep the sign-in for this session only.")

T = TypeVar("T")


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Entries held in memory: "this session only", and tests.

    ``max_entry_chars`` mimics a backend with a size limit per entry
    (Windows Credential Manager) and refuses longer values the way the
    real backend does, with PasswordSetError.
    """

    # Below the fail backend (0) and the chainer's cut (> 0): keyring
    # never picks this backend by itself.
    priority = -10

    def __init__(self, max_entry_chars: int | None = None) -> None:
        super().__init__()
        self.max_entry_chars = max_entry_chars
        self._entries: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._entries.get((service, username))

    def set_password(self, service: str, username: str,
                     password: str) -> None:
        limit = self.max_entry_chars
        if limit is not None and len(password) > limit:
            raise keyring.errors.PasswordSetError(
                f"entry longer than {limit} characters")
        with self._lock:
            self._entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self._entries.pop((service, username), None) is None:
                raise keyring.errors.PasswordDeleteError("no such entry")

    def names(self, service: str = SERVICE) -> list[str]:
        """The user names stored for ``service``, sorted (for tests)."""
        with self._lock:
            return sorted(u for s, u in self._entries if s == service)


class SecretStore:
    """Entries of service ``zelt-desktop`` in one keyring backend.

    Every backend call runs in a worker thread and is given up after
    ``timeout`` seconds, so that a store that never answers (a D-Bus
    service stuck behind an unlock prompt) cannot hang a caller.
    """

    def __init__(self,
                 backend: keyring.backend.KeyringBackend | None = None, *,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        if backend is None:
            backend = self._call("open", keyring.get_keyring)
        self.backend = backend

    @property
    def backend_name(self) -> str:
        if self.is_memory:
            return "memory"
        cls = type(self.backend)
        return f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"

    @property
    def is_memory(self) -> bool:
        return isinstance(self.backend, MemoryKeyring)

    @property
    def max_entry_chars(self) -> int | None:
        return entry_limit(self.backend)

    def get(self, name: str) -> str | None:
        return self._call("get", self.backend.get_password, SERVICE, name)

    def set(self, name: str, value: str) -> None:
        self._call("set", self.backend.set_password, SERVICE, name, value)
        log.debug("stored %s (%d chars) in %s", name, len(value),
                  self.backend_name)

    def delete(self, name: str) -> None:
        """Remove an entry; an entry that is not there is fine."""
        try:
            self._call("delete", self.backend.delete_password, SERVICE, name)
        except SecretStoreError as e:
            if not isinstance(e.__cause__,
                              keyring.errors.PasswordDeleteError):
                raise
            # Backends say "not found" with this same error: only an
            # entry still there after it is a real failure.
            if self.get(name) is not None:
                raise
        log.debug("deleted %s from %s", name, self.backend_name)

    def check(self) -> None:
        """Raise the SecretStoreError that describes why the store fails."""
        if isinstance(self.backend, (fail.Keyring, null.Keyring)):
            raise SecretStoreUnavailable(UNAVAILABLE_MESSAGE)
        self.get(_PROBE_NAME)

    def _call(self, what: str, func: Callable[..., T], *args) -> T:
        """Run ``func`` in a worker thread; map its errors to ours."""
        box: dict[str, object] = {}
        done = threading.Event()

        def work() -> None:
            try:
                box["result"] = func(*args)
            except BaseException as e:  # handed to the caller's thread
                box["error"] = e
            finally:
                done.set()

        worker = threading.Thread(target=work, name=f"keyring-{what}",
                                  daemon=True)
        worker.start()
        if not done.wait(self.timeout):
            log.warning("secret store %s did not answer in %.1f s",
                        what, self.timeout)
            raise SecretStoreTimeout(TIMEOUT_MESSAGE)
        error = box.get("error")
        if error is None:
            return box["result"]  # type: ignore[return-value]
        # "Not found" on delete is routine; the rest is trouble to note.
        level = (logging.DEBUG
                 if isinstance(error, keyring.errors.PasswordDeleteError)
                 else logging.WARNING)
        log.log(level, "secret store %s failed: %s", what,
                type(error).__name__)
        raise _mapped(error, what) from error


def open_secret_store(*, allow_memory: bool = False) -> SecretStore:
    """The operating system's store, or memory when the user allowed it.

    Raises SecretStoreUnavailable when keyring found no usable backend,
    never falling back to plain text; with ``allow_memory`` the entries
    are then kept in memory for this session only.
    """
    try:
        store = SecretStore()
        if isinstance(store.backend, (fail.Keyring, null.Keyring)):
            raise SecretStoreUnavailable(UNAVAILABLE_MESSAGE)
    except SecretStoreUnavailable:
        if not allow_memory:
            raise
        log.warning("no usable secret store: keeping secrets in memory")
        return SecretStore(MemoryKeyring())
    log.debug("secret store: %s", store.backend_name)
    return store


def entry_limit(backend: keyring.backend.KeyringBackend) -> int | None:
    """The longest value one entry of ``backend`` holds, None if unlimited."""
    own = getattr(backend, "max_entry_chars", None)
    if isinstance(own, int):
        return own
    name = type(backend).__name__
    if name == "WinVaultKeyring":
        return WINDOWS_MAX_ENTRY_CHARS
    if name == "ChainerBackend":
        limits = [entry_limit(b) for b in getattr(backend, "backends", ())]
        return min((x for x in limits if x is not None), default=None)
    return None


def _mapped(error: BaseException, what: str) -> SecretStoreError:
    """Our error for what a backend raised (never its text: it may quote)."""
    if what == "open" or isinstance(error, keyring.errors.NoKeyringError):
        return SecretStoreUnavailable(UNAVAILABLE_MESSAGE)
    # keyring reports a locked collection and a dismissed unlock prompt
    # alike (KeyringLocked or InitError): the fix is the same.
    if isinstance(error, (keyring.errors.KeyringLocked,
                          keyring.errors.InitError)):
        return SecretStoreLocked(LOCKED_MESSAGE)
    if isinstance(error, SecretStoreError):
        return error
    return SecretStoreError(FAILED_MESSAGE)
