"""One lock per profile, shared by every process of the app on a machine."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import filelock
import platformdirs

from zelt_desktop.errors import SecretStoreTimeout
from zelt_desktop.profiles import APP_NAME

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0  # seconds; a refresh holds it for one request
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

BUSY_MESSAGE = (
    "Another Zelt Desktop window is still updating this sign-in. Wait a "
    "moment and try again.")


class ProfileLock:
    """A file lock for one profile; re-entrant within a thread.

    Two ProfileLock objects on the same profile exclude each other, in one
    process (from different threads) as well as across processes.  Waiting
    longer than ``timeout`` raises SecretStoreTimeout.
    """

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout
        # thread_local: each thread holds the file on its own descriptor,
        # so two threads exclude each other like two processes do.
        self._lock = filelock.FileLock(str(path), timeout=timeout,
                                       thread_local=True)

    @property
    def is_locked(self) -> bool:
        """True when the calling thread holds the lock."""
        return self._lock.is_locked

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except filelock.Timeout as e:
            log.warning("profile lock %s busy for %.0f s", self.path.name,
                        self.timeout)
            raise SecretStoreTimeout(BUSY_MESSAGE) from e

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> ProfileLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


def profile_lock(profile_id: str, lock_dir: Path | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> ProfileLock:
    """The lock that guards the secret-store entries of ``profile_id``."""
    folder = Path(lock_dir) if lock_dir is not None else default_lock_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return ProfileLock(folder / f"{_file_stem(profile_id)}.lock", timeout)


def default_lock_dir() -> Path:
    # The state folder, not the runtime one: platformdirs warns when
    # XDG_RUNTIME_DIR is missing, as it is on servers and in containers.
    state = platformdirs.user_state_dir(APP_NAME, appauthor=False)
    return Path(state) / "locks"


def _file_stem(profile_id: str) -> str:
    # Profile ids are hex UUIDs; anything else is hashed to a safe name.
    if _SAFE_ID.fullmatch(profile_id):
        return profile_id
    return hashlib.sha256(profile_id.encode("utf-8")).hexdigest()[:32]
